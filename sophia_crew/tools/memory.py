"""Agent tools over the shared memory layer and the knowledge collection."""

from __future__ import annotations

from pydantic import BaseModel

from ..memory.knowledge import KnowledgeHit, search_knowledge
from ..memory.store import MemoryItem, shared_layer
from ..registry import tool


class Recalled(BaseModel):
    scope: str
    query: str
    memories: list[MemoryItem]


@tool("memory_recall")
def memory_recall(scope: str, query: str, k: int = 5) -> Recalled:
    """Recall facts stored earlier about a scope (account/<id>, rep/<id>, candidate/<id>), with provenance."""
    return Recalled(scope=scope, query=query, memories=shared_layer().recall(scope, query, k))


class Remembered(BaseModel):
    scope: str
    id: str


@tool("memory_remember")
def memory_remember(scope: str, text: str, ttl_days: float | None = None) -> Remembered:
    """Store a fact about a scope in long-term memory (local disk only)."""
    return Remembered(scope=scope, id=shared_layer().remember(scope, text, source="agent", ttl_days=ttl_days))


class KnowledgeResult(BaseModel):
    query: str
    hits: list[KnowledgeHit]


@tool("knowledge_search")
def knowledge_search(query: str, k: int = 5) -> KnowledgeResult:
    """Search sophia's knowledge base (playbooks, methodologies, benchmarks with sources)."""
    return KnowledgeResult(query=query, hits=search_knowledge(shared_layer().client, query, k))
