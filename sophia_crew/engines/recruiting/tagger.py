"""Learned resume span tagger: skills and job titles (designations) found token by token, then value by value.

Stage 1: a multinomial logistic regression over hand-made token features (:mod:`.tagger_features`: word,
shape, affixes, neighbours, line/segment/list-item layout, section heading, gazetteer hits) with BIO labels;
a token joins a span when P(O) falls below a loose per-kind threshold. After clean-up (:meth:`Tagger._tidy`),
stage 2 (:func:`.spans.keep_likely`) scores each distinct value found in the resume with a second, small
logistic regression (how sure stage 1 was, how often the value is tagged vs. mentioned, gazetteers, section,
list layout) and keeps the likely ones. Both stages are trained only on the TRAIN split of the dotin annotated
resume corpus by :mod:`.tagger_build` (stage 2 on stage 1's out-of-fold output) and ship as
``knowledge/recruiting/resume_tagger.json.gz``; scoring sums weight rows with numpy, so no scikit-learn at
run time.

5-fold cross-validation on the train split (lenient F1 of the whole parser, skills / designation): first
tagger 0.583 / 0.683; + list-item, wider-context, affix and document-position features 0.598 / 0.691;
+ splitting double titles 0.598 / 0.698; + the value filter 0.602 / 0.707 (by ``tagger_build --cv``, which tags
the text as the parser sees it; there stage 1 alone scores 0.588 / 0.700; details in :mod:`.tagger_build`).
Tried and not kept: a linear-chain CRF (python-crfsuite 0.9.12, first features, Viterbi decoding with a tuned
per-kind O bias) scored 0.541 / 0.593 on fold 0 where the first tagger scored 0.565 / 0.606;
C = 0.1 or 1.0 instead of 0.3 (0.601 / 0.691 and 0.592 / 0.693); for the value filter, gradient boosting
instead of logistic regression (skills 0.615 vs 0.612, designation equal), the value's words as features
(skills 0.599), its score rank in the resume and containment in another value (no change).
Also tried, same 5-fold CV (whole parser, value filter at 0.4; current 0.602 / 0.707): word-cluster features
from the static embedder (k-means of the train word types at k = 32 / 128 / 512, nearest centroid per token)
0.605-0.607 / 0.699-0.702, designation worse in every variant (the static vectors group words by spelling:
"tableau" sits by "table"); title-phrase features (distance to the nearest role noun in the field) 0.603 /
0.704-0.705. Neither kept. Frozen all-MiniLM-L6-v2 token vectors added to the stage-1 features: token F1 on
fold 0 0.551 -> 0.555 (skills), 0.681 -> 0.683 (titles), not worth 0.2 s per resume. The lead for next time:
all-MiniLM-L6-v2 *fine-tuned* as a token classifier (3 epochs on the other four folds, torch on CPU, ~6-25
minutes) and averaged 50/50 with stage 1's probabilities, at P(O) < 0.6 for both kinds (chosen on folds 0-1,
confirmed on 2-4), gave token F1 on held-out folds 0-4: skills 0.613 / 0.657 / 0.633 / 0.667 / 0.638 (mean
0.642) against 0.551 / 0.578 / 0.563 / 0.586 / 0.570 (0.570) for stage 1 at its thresholds, titles 0.728 / 0.740
/ 0.740 / 0.776 / 0.754 (0.748) against 0.681 / 0.705 / 0.714 / 0.704 / 0.691 (0.699). Int8 ONNX (23 MB) keeps
it only with per-channel weights (fold 3: 0.660 / 0.778 against fp32 0.667 / 0.776; per-tensor 0.637 / 0.769),
~160 ms per resume in onnxruntime. Whole parser, lenient F1, the first two folds of ``tagger_build --cv``'s
partition (transformers retrained on it): the ensemble alone at P(O) < 0.6 0.645 / 0.698 (skills / designation)
against 0.599 / 0.671 for the shipped stage 1 + value filter and 0.585 / 0.659 for stage 1 alone; the value
filter, refitted on the ensemble but from one other fold only, lowered it (0.630 / 0.647). Not shipped yet:
all five folds, the filter and the thresholds must be settled by CV before the test split is looked at.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sophia_crew.errors import ConfigError
from sophia_crew.resources import knowledge_path

from .tagger_features import (  # noqa: F401  (re-exported: tagger_build and spans import them from here)
    TITLE_HEAD_RE,
    Gazetteer,
    features,
    heading_kind,
    tokens,
    tokens_lower,
)

ARTEFACT = "resume_tagger.json.gz"
LABELS = ("O", "B-SKILL", "I-SKILL", "B-TITLE", "I-TITLE")


@dataclass(frozen=True)
class Span:
    """One tagged span: ``kind`` is "SKILL" or "TITLE"; offsets index the tagged text."""

    kind: str
    start: int
    end: int
    text: str
    score: float


class Tagger:
    """Scores tokens with pruned multinomial logistic-regression weights and decodes BIO spans."""

    def __init__(
        self,
        weights: dict[str, list[float]],
        bias: list[float],
        gazetteers: dict[str, list[str]],
        o_threshold: dict[str, float] | None = None,
        value_filter: dict | None = None,
    ):
        self.o_threshold = o_threshold or {"SKILL": 0.5, "TITLE": 0.5}
        self.value_filter = value_filter
        self.weights = weights
        self.bias = bias
        self.gazetteer_terms = gazetteers
        self.gazetteers = {k: Gazetteer(v) for k, v in gazetteers.items()}

    def _scores(self, feats: list[list[str]]) -> list[list[float]]:
        """Per-token label scores: bias plus the summed weight rows of the token's known features."""
        if getattr(self, "_matrix", None) is None:
            self._row = {name: i for i, name in enumerate(self.weights)}
            # The extra zero row lets every token own at least one row, as np.add.reduceat requires.
            self._matrix = np.array([*self.weights.values(), [0.0] * len(LABELS)], dtype=np.float64)
        row, zero = self._row, len(self._row)
        flat: list[int] = []
        starts: list[int] = []
        for f in feats:
            starts.append(len(flat))
            flat.append(zero)
            flat += [i for i in map(row.get, f) if i is not None]
        sums = np.add.reduceat(self._matrix[flat], starts, axis=0) + np.asarray(self.bias)
        return sums.tolist()

    def spans(self, text: str, o_threshold: dict[str, float] | None = None) -> list[Span]:
        """Skill and title spans in ``text`` in order of appearance.

        Args:
            text: resume plain text.
            o_threshold: per span kind, a token whose likeliest span label is of that kind is outside any
                span only when P(O) reaches this (above 0.5 trades precision for recall). Defaults to the
                values chosen by cross-validation on the train split.
        """
        threshold = self.o_threshold if o_threshold is None else o_threshold
        toks = tokens(text)
        if not toks:
            return []
        feats = features(text, toks, self.gazetteers)
        out: list[Span] = []
        cur: list = []  # [kind, start, end, probs]

        def close():
            if cur:
                kind, s, e, ps = cur
                out.append(Span(kind, s, e, text[s:e], sum(ps) / len(ps)))
                cur.clear()

        for (s, e, _), scores in zip(toks, self._scores(feats)):
            peak = max(scores)
            exps = [math.exp(x - peak) for x in scores]
            z = sum(exps)
            top = max(range(1, len(scores)), key=scores.__getitem__)
            label = LABELS[top]
            if exps[0] / z >= threshold[label[2:]]:
                close()
                continue
            prob = exps[top] / z
            bio, kind = label.split("-")
            if bio == "I" and cur and cur[0] == kind and "\n" not in text[cur[2] : s]:
                cur[2] = e
                cur[3].append(prob)
            else:
                close()
                cur.extend([kind, s, e, [prob]])
        close()
        return self._tidy(text, out)

    def _tidy(self, text: str, spans: list[Span]) -> list[Span]:
        """Join same-kind spans one space apart; drop one-word titles that name no role; split titles that
        join two roles ("Program Manager / PMO Director", "Project Manager and Scrum Master").

        All chosen by cross-validation on the train split: token by token, the classifier sometimes starts a
        new span inside a phrase ("Strategic | Planning"), and its one-word "titles" are mostly fragments
        ("Senior", "Research") unless the word is a role noun ("Analyst") or a title seen labelled in training.
        The annotators label each role of a double title on its own (splitting: designation F1 0.690 -> 0.698).
        """
        merged: list[Span] = []
        for sp in spans:
            prev = merged[-1] if merged else None
            if prev and prev.kind == sp.kind and text[prev.end : sp.start] in ("", " "):
                merged[-1] = Span(
                    sp.kind, prev.start, sp.end, text[prev.start : sp.end], (prev.score + sp.score) / 2
                )
            else:
                merged.append(sp)
        titles = self._title_terms()
        kept = [
            sp
            for sp in merged
            if sp.kind != "TITLE"
            or len(sp.text.split()) > 1
            or TITLE_HEAD_RE.search(sp.text)
            or sp.text.lower() in titles
        ]
        return [part for sp in kept for part in _split_roles(sp)]

    def gazetteer_sets(self) -> dict[str, frozenset[str]]:
        """Gazetteer terms per name ("skill", "title", "curated") as sets, built once."""
        sets = getattr(self, "_sets", None)
        if sets is None:
            sets = self._sets = {k: frozenset(v) for k, v in self.gazetteer_terms.items()}
        return sets

    def _title_terms(self) -> frozenset[str]:
        terms = getattr(self, "_titles", None)
        if terms is None:
            terms = self._titles = frozenset(self.gazetteer_terms.get("title", ()))
        return terms


_ROLE_JOINER_RE = re.compile(r"\s*/\s*|\s+(?:and|&)\s+")


def _split_roles(sp: Span) -> list[Span]:
    """A title span cut at "/", "and", "&" when every part names a role; other spans unchanged."""
    if sp.kind != "TITLE":
        return [sp]
    cuts = [0]
    for m in _ROLE_JOINER_RE.finditer(sp.text):
        cuts += [m.start(), m.end()]
    cuts.append(len(sp.text))
    parts = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if sp.text[a:b].strip()]
    if len(parts) < 2 or not all(TITLE_HEAD_RE.search(sp.text[a:b]) for a, b in parts):
        return [sp]
    return [Span("TITLE", sp.start + a, sp.start + b, sp.text[a:b], sp.score) for a, b in parts]


_OFF = object()
_override: list = []


def use_tagger(tagger: Tagger | None, off: bool = False) -> None:
    """Replace the shipped tagger (cross-validation), switch tagging ``off`` (before/after benches), or
    restore the shipped one with ``use_tagger(None)``."""
    _override.clear()
    if off:
        _override.append(_OFF)
    elif tagger is not None:
        _override.append(tagger)


@lru_cache(maxsize=1)
def _shipped() -> Tagger | None:
    path = knowledge_path("recruiting", ARTEFACT)
    if not path.is_file():
        return None
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        return Tagger(
            data["weights"],
            data["bias"],
            data["gazetteers"],
            data.get("o_threshold"),
            data.get("value_filter"),
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: cannot read the resume tagger: {exc}") from exc


def tagger() -> Tagger | None:
    """The tagger in use: a cross-validation override, else the shipped one (None when not built)."""
    if _override:
        return None if _override[0] is _OFF else _override[0]
    return _shipped()
