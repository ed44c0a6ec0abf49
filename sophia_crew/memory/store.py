"""Long-term memory on mem0 (OSS ``Memory``) with a Chroma store on local disk and a local embedder.

Scopes name what a fact is about: ``account/<id>``, ``rep/<id>``, ``candidate/<id>``, ``run/<id>``. Every
memory keeps its provenance (source run, tool receipt, source, date) and may expire (TTL).

Layout: **one Chroma collection per scope.** A scoped search then queries a small collection with no
metadata filter; Chroma's filtered search over one big collection costs 50–130 ms at 100k memories (measured
by ``bench/memory_search.py`` side by side), the per-scope layout a few ms. mem0 runs with ``infer=False``
(no LLM call; its LLM client gets a placeholder config and is never used offline).

The embedder's name and dimension are recorded beside the store; opening it with another embedder
re-indexes every memory from its stored text (``reindex=True``) or refuses with a clear message.
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import ConfigError, InputError
from .embedding import ChromaEmbedding, Mem0Embedding, local_embedder

SCOPE = re.compile(r"^(account|rep|candidate|run)/([A-Za-z0-9_.\-]{1,64})$")


def parse_scope(scope: str) -> tuple[str, str]:
    """``"account/A001"`` → ``("account", "A001")``; InputError for anything else."""
    m = SCOPE.match(scope or "")
    if not m:
        raise InputError(f"scope {scope!r}: expected account/<id>, rep/<id>, candidate/<id> or run/<id>")
    return m.group(1), m.group(2)


def collection_name(scope: str) -> str:
    kind, ident = parse_scope(scope)
    return f"mem__{kind}__{re.sub(r'[^A-Za-z0-9_-]', '_', ident)}"[:63]


class MemoryItem(BaseModel):
    id: str
    scope: str
    text: str
    score: float | None = None
    source_run: str | None = None
    receipt_id: str | None = None
    source: str | None = None
    created_at: str | None = None
    expires_at: str | None = None


def _quiet_mem0(home: Path) -> None:
    os.environ.setdefault("MEM0_TELEMETRY", "False")
    os.environ.setdefault("MEM0_DIR", str(home / "mem0"))


class MemoryLayer:
    """Scoped long-term memory. ``path`` defaults to ``$SOPHIA_HOME/memory``."""

    def __init__(self, path: str | Path | None = None, *, embedder: Any = None, reindex: bool = False):
        from ..resources import data_dir

        self.path = Path(path) if path else data_dir() / "memory"
        self.path.mkdir(parents=True, exist_ok=True)
        _quiet_mem0(self.path)
        import chromadb
        from chromadb.config import Settings

        self.embedder = embedder or local_embedder()
        self.client = chromadb.PersistentClient(path=str(self.path / "chroma"),
                                                settings=Settings(anonymized_telemetry=False))
        self._mems: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._guard_embedder(reindex)

    # -- embedder guard ----------------------------------------------------------------------
    def _guard_embedder(self, reindex: bool) -> None:
        meta = self.path / "embedder.json"
        current = {"name": self.embedder.name, "dim": int(self.embedder.dim)}
        if meta.is_file():
            stored = json.loads(meta.read_text())
            if stored != current:
                if not reindex:
                    raise ConfigError(
                        f"{meta}: memory was indexed with {stored['name']} ({stored['dim']}-d), the embedder is "
                        f"now {current['name']} ({current['dim']}-d); run `sophia memory reindex` "
                        "(re-embeds every memory) or set SOPHIA_EMBEDDER back")
                self._reindex()
        meta.write_text(json.dumps(current))

    def _reindex(self) -> None:
        for col in self.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if not name.startswith("mem__"):
                continue
            old = self.client.get_collection(name)
            data = old.get(include=["metadatas", "documents"])
            self.client.delete_collection(name)
            new = self.client.create_collection(name)
            if data["ids"]:
                texts = [(m or {}).get("data") or d or "" for m, d in zip(data["metadatas"], data["documents"])]
                new.add(ids=data["ids"], embeddings=[v.tolist() for v in self.embedder.embed(texts)],
                        metadatas=data["metadatas"], documents=data["documents"])

    # -- mem0 per scope ----------------------------------------------------------------------
    def _memory(self, scope: str):
        name = collection_name(scope)
        with self._lock:
            mem = self._mems.get(name)
            if mem is None:
                from mem0 import Memory

                placeholder = "offline-placeholder-not-used"  # mem0 builds clients at init; infer=False never calls them
                mem = Memory.from_config({
                    "vector_store": {"provider": "chroma", "config": {"collection_name": name, "client": self.client}},
                    "llm": {"provider": "openai", "config": {"api_key": placeholder, "model": "gpt-4o-mini"}},
                    "embedder": {"provider": "openai", "config": {"api_key": placeholder,
                                                                  "embedding_dims": int(self.embedder.dim)}},
                    "history_db_path": str(self.path / "history.db"),
                })
                mem.embedding_model = Mem0Embedding(self.embedder)
                self._mems[name] = mem
            return mem

    # -- API ---------------------------------------------------------------------------------
    def remember(self, scope: str, text: str, *, source_run: str | None = None, receipt_id: str | None = None,
                 source: str | None = None, ttl_days: float | None = None) -> str:
        """Store ``text`` in ``scope`` with its provenance; returns the memory id."""
        if not text or not text.strip():
            raise InputError("memory text: empty")
        meta = {k: v for k, v in {"source_run": source_run, "receipt_id": receipt_id, "source": source}.items() if v}
        if ttl_days is not None:
            meta["expires_at"] = (datetime.now(UTC) + timedelta(days=ttl_days)).isoformat()
        out = self._memory(scope).add(text.strip(), user_id=scope, infer=False, metadata=meta)
        return out["results"][0]["id"]

    def _item(self, scope: str, r: dict[str, Any]) -> MemoryItem:
        meta = r.get("metadata") or {}
        return MemoryItem(id=r["id"], scope=scope, text=r["memory"], score=r.get("score"),
                          source_run=meta.get("source_run"), receipt_id=meta.get("receipt_id"),
                          source=meta.get("source"), created_at=r.get("created_at"),
                          expires_at=meta.get("expires_at"))

    def _live(self, scope: str, items: list[MemoryItem]) -> list[MemoryItem]:
        now = datetime.now(UTC).isoformat()
        expired = [i for i in items if i.expires_at and i.expires_at <= now]
        for item in expired:
            self._memory(scope).delete(item.id)
        return [i for i in items if i not in expired]

    def recall(self, scope: str, query: str, k: int = 5) -> list[MemoryItem]:
        """The ``k`` memories of ``scope`` closest to ``query`` (expired ones are dropped and deleted)."""
        out = self._memory(scope).search(query, filters={"user_id": scope}, top_k=k)
        return self._live(scope, [self._item(scope, r) for r in out["results"]])

    def list(self, scope: str, limit: int = 100) -> list[MemoryItem]:
        out = self._memory(scope).get_all(filters={"user_id": scope}, top_k=limit)
        return self._live(scope, [self._item(scope, r) for r in out["results"]])

    def forget(self, scope: str, memory_id: str | None = None) -> int:
        """Delete one memory, or every memory of ``scope``; returns how many were deleted."""
        mem = self._memory(scope)
        if memory_id is not None:
            ids = {i.id for i in self.list(scope, limit=10_000)}
            if memory_id not in ids:
                raise InputError(f"--id: no memory {memory_id!r} in {scope}")
            mem.delete(memory_id)
            return 1
        n = len(self.list(scope, limit=100_000))
        mem.delete_all(user_id=scope)
        return n

    def scopes(self) -> list[str]:
        names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        return sorted(n.replace("mem__", "").replace("__", "/", 1) for n in names if n.startswith("mem__"))


_layers: dict[str, MemoryLayer] = {}


def shared_layer() -> MemoryLayer:
    """One memory layer per ``SOPHIA_HOME`` in this process."""
    from ..resources import data_dir

    key = str(data_dir())
    if key not in _layers:
        _layers[key] = MemoryLayer()
    return _layers[key]


def embedding_function(embedder: Any = None) -> ChromaEmbedding:
    return ChromaEmbedding(embedder or local_embedder())
