"""Shared memory: mem0 long-term facts scoped by CRM ids, and chromadb knowledge collections."""

from .store import MemoryItem, MemoryLayer, parse_scope

__all__ = ["MemoryItem", "MemoryLayer", "parse_scope"]
