"""``knowledge/`` (playbooks, methodology, benchmarks) as a chromadb collection for semantic search.

Files are split into chunks by Markdown heading / top-level YAML key, embedded with the local embedder
(Chroma's default embedding function would download a model), and re-indexed when any file changes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel

from ..resources import knowledge_path
from .store import embedding_function

COLLECTION = "knowledge"


class KnowledgeHit(BaseModel):
    file: str
    section: str
    text: str
    score: float


def _chunks(path: Path, root: Path) -> list[tuple[str, str, str]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    rel = str(path.relative_to(root))
    splitter = r"(?m)^(?=#{1,3} )" if path.suffix == ".md" else r"(?m)^(?=[A-Za-z_][\w-]*:\s*$)"
    parts = [p.strip() for p in re.split(splitter, text) if p.strip()]
    out = []
    for i, part in enumerate(parts):
        title = part.splitlines()[0].lstrip("# ").rstrip(":")[:80]
        out.append((f"{rel}#{i}", title, part[:2000]))
    return out


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(str(f).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def knowledge_collection(client, root: Path | None = None):
    """The knowledge collection, (re)built when the files changed."""
    root = root or knowledge_path()
    files = sorted(p for p in root.rglob("*") if p.suffix in {".md", ".yaml", ".yml"} and p.is_file())
    fp = _fingerprint(files)
    ef = embedding_function()
    col = client.get_or_create_collection(COLLECTION, embedding_function=ef)
    if (col.metadata or {}).get("fingerprint") != fp:
        client.delete_collection(COLLECTION)
        col = client.create_collection(COLLECTION, embedding_function=ef, metadata={"fingerprint": fp})
        chunks = [c for f in files for c in _chunks(f, root)]
        if chunks:
            col.add(ids=[c[0] for c in chunks], documents=[c[2] for c in chunks],
                    metadatas=[{"file": c[0].split("#")[0], "section": c[1]} for c in chunks])
    return col


def search_knowledge(client, query: str, k: int = 5) -> list[KnowledgeHit]:
    col = knowledge_collection(client)
    res = col.query(query_texts=[query], n_results=k)
    return [KnowledgeHit(file=m["file"], section=m["section"], text=d[:600], score=round(1 - dist, 4))
            for m, d, dist in zip(res["metadatas"][0], res["documents"][0], res["distances"][0])]
