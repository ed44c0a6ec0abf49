"""The local embedder behind memory and knowledge search (no hub download, no torch).

It is the recruiting engine's :func:`default_embedder` (a static model with bundled weights, or MiniLM int8
ONNX with ``SOPHIA_EMBEDDER=minilm``), adapted to the interfaces mem0 and chromadb expect.
"""

from __future__ import annotations

from typing import Any

from ..engines.recruiting.embed import Embedder, default_embedder


def local_embedder() -> Embedder:
    return default_embedder()


class Mem0Embedding:
    """mem0 ``EmbeddingBase``-compatible wrapper (mem0 calls ``embed(text, memory_action)``)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self.config = None

    def embed(self, text: str, memory_action: Any = None) -> list[float]:
        return self.embedder.embed([text])[0].tolist()


class ChromaEmbedding:
    """chromadb ``EmbeddingFunction``-compatible callable (so Chroma never downloads its default model)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: list[str]) -> list[list[float]]:  # noqa: A002 (chromadb's parameter name)
        return [v.tolist() for v in self.embedder.embed(list(input))]

    def embed_query(self, input: list[str]) -> list[list[float]]:  # noqa: A002
        return self(input)

    @staticmethod
    def name() -> str:
        return "sophia-local"

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "l2", "ip"]

    def get_config(self) -> dict[str, Any]:
        return {}
