"""Requirement phrases in job-description sentences, from a fine-tuned token classifier (int8 ONNX).

The model labels each word of a sentence as part of a *skill* span (what the hire must be able to do:
"managing a busy kitchen team") or a *knowledge* span (what they must know: "food hygiene", "Python") or
neither, in the SkillSpan scheme (Zhang et al., NAACL 2022). It is all-MiniLM-L6-v2 fine-tuned on SkillSpan's
train + dev postings by :mod:`.jd_model_build` and runs like the resume model (:class:`.token_model.TokenModel`,
onnxruntime + tokenizers, nothing downloaded). A word belongs to a span when the model's P(O) is below
:data:`P_OUTSIDE`; consecutive such words form one span (a new span starts at a B- label), and conjunctions,
articles, prepositions and punctuation are trimmed from its ends; a span left with one word is kept only
when its P(O) is at most :data:`P_OUTSIDE_ONE_WORD`.

Measured on the Green et al. (LREC 2022) job-description test set, which the model never saw
(``bench/jd_extract_eval.py``): see that script's docstring.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from sophia_crew.resources import knowledge_path

from .token_model import TokenModel, load_or_warn

FOLDER = "jd_span_model"
LABELS = ("O", "B-SKILL", "I-SKILL", "B-KNOW", "I-KNOW")
# Chosen on SkillSpan dev with the model trained on train only (jd_model_build): P(O) 0.4-0.7 moved exact-span
# F1 by 0.01 and 0.6 was best; a one-word phrase carries little context and must be surer (P(O) <= 0.2:
# exact F1 0.441 -> 0.466, token-overlap F1 0.709 -> 0.726; 0.1 and 0.3 gave 0.462 and 0.464).
P_OUTSIDE = 0.6
P_OUTSIDE_ONE_WORD = 0.2
_EDGE_WORDS = frozenset("and or and/or with of the a an to in for as on at by including such e.g".split())
_WORD = re.compile(r"\w+(?:[-'’./+#]\w+)*[+#]*|[^\w\s]")


def words(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of a sentence: runs of word characters (keeping inner -'./+# as in "C++",
    "node.js", "e-commerce") and single punctuation marks. SkillSpan's words keep attached punctuation
    ("Python,"); on its dev set the two splits score within 0.003 (the word-piece tokenizer splits
    punctuation off either way)."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]


def decode(probs: np.ndarray, p_outside: float = P_OUTSIDE) -> list[tuple[int, int, str]]:
    """(first word, end word, kind) spans from (words, 5) label probabilities; kind is "skill" or
    "knowledge" (the more probable of the two over the span)."""
    spans: list[tuple[int, int, str]] = []
    start = None
    for i in range(len(probs) + 1):
        inside = i < len(probs) and probs[i, 0] < p_outside
        begins = inside and int(np.argmax(probs[i, 1:])) in (0, 2)  # B-SKILL or B-KNOW
        if start is not None and (not inside or begins):
            block = probs[start:i]
            kind = "skill" if block[:, 1:3].sum() >= block[:, 3:5].sum() else "knowledge"
            spans.append((start, i, kind))
            start = None
        if inside and start is None:
            start = i
    return spans


def requirement_spans(sentence: str, model: TokenModel | None = None) -> list[tuple[int, int, str]]:
    """(start char, end char, kind) of the requirement phrases in one JD sentence; [] without the model."""
    model = model or shipped()
    toks = words(sentence)
    if model is None or not toks:
        return []
    probs = model.probs(sentence, toks)
    out = []
    for a, b, kind in decode(probs):
        while a < b and _edge(toks[a][2]):
            a += 1
        while b > a and _edge(toks[b - 1][2]):
            b -= 1
        if b - a > 1 or (b - a == 1 and probs[a, 0] <= P_OUTSIDE_ONE_WORD):
            out.append((toks[a][0], toks[b - 1][1], kind))
    return out


def trim(phrase: str) -> str:
    """``phrase`` without the edge words :func:`requirement_spans` trims (for phrases cut again later)."""
    ws = phrase.split()
    while ws and _edge(ws[0]):
        ws.pop(0)
    while ws and _edge(ws[-1]):
        ws.pop()
    return " ".join(ws)


def _edge(word: str) -> bool:
    """A word a phrase should not start or end with ("menu costing *and*", "*,* stock control")."""
    return word.lower() in _EDGE_WORDS or not any(c.isalnum() for c in word)


@lru_cache(maxsize=1)
def shipped() -> TokenModel | None:
    """The packaged model, or None (with a warning) when its files or runtime are missing."""
    return load_or_warn(
        knowledge_path("recruiting", FOLDER),
        "job descriptions are read without the requirement-phrase model (vocabulary only)",
    )
