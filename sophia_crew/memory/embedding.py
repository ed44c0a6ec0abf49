"""The local embedder behind memory and knowledge search (no hub download, no torch).

It is the recruiting engine's :func:`default_embedder` (a static model with bundled weights, or MiniLM int8
ONNX with ``SOPHIA_EMBEDDER=minilm``), adapted to the interfaces mem0 and chromadb expect.
"""

from __future__ import annotations

from typing import Any

from ..engines.recruiting.embed import Embedder, default_embedder


def local_embedder() -> Embedder:
    """The memory embedder: local by default; ``SOPHIA_MEMORY_EMBEDDER=openai_compatible`` for a remote one."""
    import os

    if os.environ.get("SOPHIA_MEMORY_EMBEDDER", "local") == "openai_compatible":
        return RemoteEmbedder.from_env()
    return default_embedder()


class RemoteEmbedder:
    """Embeddings from any OpenAI-compatible ``/v1/embeddings`` server (OpenAI, Ollama, vLLM, LM Studio) through
    langchain-openai's ``OpenAIEmbeddings``. Settings: ``SOPHIA_EMBED_BASE_URL``, ``SOPHIA_EMBED_MODEL``,
    ``SOPHIA_EMBED_API_KEY`` (optional for local servers)."""

    def __init__(self, model: str, base_url: str | None, api_key: str | None):
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False: no tiktoken encoding download; the server truncates
        self._lc = OpenAIEmbeddings(model=model, base_url=base_url, api_key=api_key or "not-needed",
                                    check_embedding_ctx_length=False, max_retries=2)
        self.name = f"openai-compatible:{model}"
        self.floor = 0.0
        self._dim: int | None = None

    @classmethod
    def from_env(cls) -> RemoteEmbedder:
        import os

        from ..errors import ConfigError

        model = os.environ.get("SOPHIA_EMBED_MODEL")
        if not model:
            raise ConfigError("SOPHIA_EMBED_MODEL: required when SOPHIA_MEMORY_EMBEDDER=openai_compatible")
        return cls(model, os.environ.get("SOPHIA_EMBED_BASE_URL"), os.environ.get("SOPHIA_EMBED_API_KEY"))

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = len(self._lc.embed_query("dimension probe"))
        return self._dim

    def embed(self, texts: list[str]):
        import numpy as np

        vecs = np.asarray(self._lc.embed_documents([t or " " for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-12)


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

    def __call__(self, input: list[str]) -> list[list[float]]:
        return [v.tolist() for v in self.embedder.embed(list(input))]

    def embed_query(self, input: list[str]) -> list[list[float]]:
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

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding(local_embedder())
