"""Learned resume span tagger: skills and job titles (designations) found token by token, then value by value.

Stage 1: a multinomial logistic regression over hand-made token features (:mod:`.tagger_features`: word,
shape, affixes, neighbours, line/segment/list-item layout, section heading, gazetteer hits) with BIO labels.
Its label probabilities are averaged 50/50 with those of a fine-tuned all-MiniLM-L6-v2 token classifier
(:mod:`.token_model`, int8 ONNX), and a token joins a span when the averaged P(O) falls below 0.6. Then
clean-up (:meth:`Tagger._tidy`). Stage 1 alone (the fallback when the transformer cannot be loaded, or with
``SOPHIA_RESUME_TAGGER=stage1``) decodes at looser thresholds and then runs stage 2
(:func:`.spans.keep_likely`): a second, small logistic regression scores each distinct value found in the
resume (how sure stage 1 was, how often the value is tagged vs. mentioned, gazetteers, section, list layout)
and keeps the likely ones; after the ensemble it did not help. Everything is trained only on the TRAIN split
of the dotin annotated resume corpus (:mod:`.tagger_build`, :mod:`.token_model_build`) and ships in
``knowledge/recruiting/`` (``resume_tagger.json.gz``, ``resume_token_model/``); stage 1 sums weight rows with
numpy, so no scikit-learn at run time.

Whole-parser 5-fold CV on the train split (lenient F1, skills / designation; each fold's stage 1 and
transformer trained on the other four folds): stage 1 + value filter 0.602 / 0.707; the ensemble with the
transformer fine-tuned for 5 epochs, mix 0.5, P(O) < 0.6 (shipped): **0.660 / 0.737** (at 0.55 / 0.65:
0.658 / 0.738, 0.655 / 0.735; mix 0.6 at 0.55 / 0.6 / 0.65: 0.658 / 0.735, 0.656 / 0.732, 0.655 / 0.733).
The settings were chosen with 3 epochs, where the ensemble scored 0.648 / 0.723 (one window per run, as now;
0.649 / 0.724 with each CV's windows batched, the first version): mix 0.5 at 0.55 / 0.65: 0.645 / 0.711,
0.644 / 0.717; mix 0.6 at 0.55 / 0.6 / 0.65: 0.649 / 0.714, 0.644 / 0.711, 0.639 / 0.710; a first look on
folds 0-2 over mix 0.4-0.7 and P(O) 0.5-0.7 was as flat. The value filter refitted on the ensemble's
out-of-fold output (3 epochs): candidates at 0.7, threshold 0.3 / 0.4 / 0.5: 0.645 / 0.718, 0.653 / 0.722,
0.651 / 0.712; candidates at 0.8: 0.632-0.648 / 0.695-0.704; so no filter after the ensemble (+0.004 /
-0.002 at best, below the +0.005 bar; not re-checked with 5 epochs). Cost, on the dotin test CVs on two cores: the
whole parser takes 0.11 s per resume with the transformer and 0.05 s without it.

History of stage 1, same 5-fold CV (lenient F1 of the whole parser, skills / designation): first
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
fold 0 0.551 -> 0.555 (skills), 0.681 -> 0.683 (titles), not worth 0.2 s per resume. The transformer, before
it shipped, by token F1 on held-out folds 0-4 of the train CVs: stage 1 at its thresholds 0.570 (skills, mean) /
0.699 (titles), the 50/50 average 0.642 / 0.748, every fold better. Int8 ONNX keeps that only with
per-channel weights (fold 3: 0.660 / 0.778 against fp32 0.667 / 0.776; per-tensor 0.637 / 0.769).
Tried after it shipped, fold 0 only: adding the 140 SkillSpan train postings (MIT; knowledge spans as skills,
its skill spans and the words around role nouns left out of the loss, since it labels no titles) to the
transformer's training data moved the whole-parser fold-0 figures 0.629 / 0.665 -> 0.634 / 0.664, too little
to train the other folds for.
"""

from __future__ import annotations

import gzip
import json
import os
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
        token_model=None,
        mix: float = 0.0,
    ):
        self.o_threshold = o_threshold or {"SKILL": 0.5, "TITLE": 0.5}
        self.value_filter = value_filter
        self.token_model = token_model  # a .token_model.TokenModel (or anything with its probs method)
        self.mix = mix  # the token model's share of the averaged probabilities
        self.weights = weights
        self.bias = bias
        self.gazetteer_terms = gazetteers
        self.gazetteers = {k: Gazetteer(v) for k, v in gazetteers.items()}

    def _scores(self, feats: list[list[str]]) -> np.ndarray:
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
        return np.add.reduceat(self._matrix[flat], starts, axis=0) + np.asarray(self.bias)

    def probabilities(self, text: str, toks: list[tuple[int, int, str]]) -> np.ndarray:
        """(tokens, labels) probabilities: stage 1's softmax, averaged with the token model's when one is
        attached (weight :attr:`mix`)."""
        scores = self._scores(features(text, toks, self.gazetteers))
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        if self.token_model is not None and self.mix:
            probs = (1 - self.mix) * probs + self.mix * self.token_model.probs(text, toks)
        return probs

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
        probs = self.probabilities(text, toks)
        tops = (probs[:, 1:].argmax(axis=1) + 1).tolist()
        out: list[Span] = []
        cur: list = []  # [kind, start, end, probs]

        def close():
            if cur:
                kind, s, e, ps = cur
                out.append(Span(kind, s, e, text[s:e], sum(ps) / len(ps)))
                cur.clear()

        for (s, e, _), p, top in zip(toks, probs.tolist(), tops):
            label = LABELS[top]
            if p[0] >= threshold[label[2:]]:
                close()
                continue
            prob = p[top]
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

    def use_token_model(self, token_model, ensemble: dict) -> None:
        """Average with ``token_model`` at ``ensemble["mix"]``, decoding at the ensemble's own thresholds and
        value filter (or none), which cross-validation chose for the pair."""
        self.token_model, self.mix = token_model, ensemble["mix"]
        self.o_threshold, self.value_filter = dict(ensemble["o_threshold"]), ensemble.get("value_filter")

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


@lru_cache(maxsize=2)
def _load(with_token_model: bool) -> Tagger | None:
    path = knowledge_path("recruiting", ARTEFACT)
    if not path.is_file():
        return None
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        model = Tagger(
            data["weights"],
            data["bias"],
            data["gazetteers"],
            data.get("o_threshold"),
            data.get("value_filter"),
        )
        ensemble = data.get("token_model")
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: cannot read the resume tagger: {exc}") from exc
    if ensemble and with_token_model:
        from .token_model import shipped

        token_model = shipped()
        if token_model is not None:
            model.use_token_model(token_model, ensemble)
    return model


def stage_one() -> Tagger | None:
    """The shipped stage 1 alone, at its own thresholds and with its value filter (the fallback)."""
    return _load(False)


def tagger() -> Tagger | None:
    """The tagger in use: a cross-validation override, else the shipped one (None when not built): stage 1
    averaged with the transformer of :mod:`.token_model`, or stage 1 alone when
    ``SOPHIA_RESUME_TAGGER=stage1`` or the transformer cannot be loaded."""
    if _override:
        return None if _override[0] is _OFF else _override[0]
    return _load(os.environ.get("SOPHIA_RESUME_TAGGER", "").lower() != "stage1")
