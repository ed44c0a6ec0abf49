"""Fine-tuned all-MiniLM-L6-v2 token classifiers (int8 ONNX): the resume tagger's second opinion, and the
requirement-phrase model of job descriptions (:mod:`.jd_spans`), which runs the same way.

The model labels the same tokens as the stage-1 logistic of :mod:`.tagger` (BIO over SKILL / TITLE, label
order :data:`.tagger.LABELS`) and :class:`.tagger.Tagger` averages the two probability tables. It was
fine-tuned from all-MiniLM-L6-v2 (Apache-2.0) on the TRAIN split of the dotin corpus only, by
:mod:`.token_model_build`, then exported to ONNX with per-channel int8 weights (23 MB). It runs in onnxruntime
with the HF ``tokenizers`` package (both are already installed by chromadb); nothing is downloaded.

Input as in training: the tagger's tokens as pre-split words, with a "|" word wherever a line break separates
two tokens (layout the words alone would lose), cut into windows of 126 word pieces (stride 100) plus
[CLS]/[SEP], each window run on its own; a word's probabilities come from its first word piece, taken from the
window where that piece sits farthest from an edge.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

from sophia_crew.errors import ConfigError
from sophia_crew.resources import knowledge_path

log = logging.getLogger(__name__)

FOLDER = "resume_token_model"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
WINDOW, STRIDE = 126, 100
LINE_BREAK = "|"


def words_of(text: str, toks: list[tuple[int, int, str]]) -> tuple[list[str], list[int]]:
    """The model's input words (tokens plus "|" at line breaks) and the position of each token among them."""
    words: list[str] = []
    pos: list[int] = []
    prev = 0
    for s, e, t in toks:
        if words and "\n" in text[prev:s]:
            words.append(LINE_BREAK)
        pos.append(len(words))
        words.append(t)
        prev = e
    return words, pos


def window_starts(n: int) -> list[int]:
    """First piece of each window over ``n`` word pieces: every STRIDE, plus one flush with the end."""
    starts = list(range(0, max(n - WINDOW, 0) + 1, STRIDE))
    if starts[-1] + WINDOW < n:
        starts.append(n - WINDOW)
    return starts


class TokenModel:
    """Per-token label probabilities from a fine-tuned transformer (its label count read from the model)."""

    def __init__(self, folder: Path, threads: int = 2):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both come with chromadb, a core dependency
            raise ConfigError(f"the token models need onnxruntime and tokenizers: {exc}") from exc
        model, vocab = folder / MODEL_FILE, folder / TOKENIZER_FILE
        for path in (model, vocab):
            if not path.is_file():
                raise ConfigError(f"{path}: token model file missing")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
            self._tok = Tokenizer.from_file(str(vocab))
        except Exception as exc:  # onnxruntime and tokenizers raise their own exception types
            raise ConfigError(f"{folder}: cannot load the token model: {exc}") from exc
        self._tok.no_truncation()
        self._tok.no_padding()
        self._cls = self._tok.token_to_id("[CLS]")
        self._sep = self._tok.token_to_id("[SEP]")
        self.n_labels = int(self._session.get_outputs()[0].shape[-1])

    def _window(self, pieces: list[int]) -> np.ndarray:
        """(len(pieces), labels) probabilities for one window. One window per run: dynamic int8 quantisation scales
        a run's activations by the range of the whole run, so batched windows would sway each other."""
        ids = np.array([[self._cls, *pieces, self._sep]], np.int64)
        logits = self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0, 1:-1]
        ex = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return ex / ex.sum(axis=-1, keepdims=True)

    def probs(self, text: str, toks: list[tuple[int, int, str]]) -> np.ndarray:
        """(len(toks), labels) probabilities; a token the word-piece vocabulary cannot encode gets the same
        probability for every label."""
        words, pos = words_of(text, toks)
        out = np.full((len(words), self.n_labels), 1.0 / self.n_labels)
        if not words:
            return out[:0]
        enc = self._tok.encode(words, is_pretokenized=True, add_special_tokens=False)
        ids, word_ids = enc.ids, enc.word_ids
        n = len(ids)
        if n:
            starts = window_starts(n)
            window_probs = [self._window(ids[s : s + WINDOW]) for s in starts]
            piece_probs = np.zeros((n, self.n_labels))
            best = np.full(n, -1)
            for k, s in enumerate(starts):
                m = min(WINDOW, n - s)
                at = np.arange(m)
                centrality = np.minimum(at, m - 1 - at)
                idx = s + at
                better = centrality > best[idx]
                piece_probs[idx[better]] = window_probs[k][better]
                best[idx[better]] = centrality[better]
            seen: set[int] = set()
            for k, w in enumerate(word_ids):
                if w is not None and w not in seen:
                    seen.add(w)
                    out[w] = piece_probs[k]
        return out[pos]


@lru_cache(maxsize=1)
def shipped() -> TokenModel | None:
    """The packaged resume model, or None (with a warning) when its files or runtime are missing."""
    return load_or_warn(
        knowledge_path("recruiting", FOLDER), "resume tagger runs without its transformer (lower accuracy)"
    )


def load_or_warn(folder: Path, without: str) -> TokenModel | None:
    """The model in ``folder``, or None after logging ``without`` (what runs instead) and the reason."""
    try:
        return TokenModel(folder)
    except ConfigError as exc:
        log.warning("%s: %s", without, exc)
        return None
