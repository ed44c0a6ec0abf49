"""Entity-level evaluation of the resume parser on the dotin annotated-resume corpus, and span-level evaluation of
JD requirement phrases on the Green et al. test set (used by bench and tests).

Matching rule (documented, applied per resume): gold and predicted values of one entity type are each
de-duplicated after normalisation (lower case, whitespace collapsed, outer punctuation trimmed).
*Strict*: a prediction counts when it equals a gold value. *Lenient*: it also counts when one contains the
other on word boundaries ("Senior Software Engineer" vs "Software Engineer"). Matching is one-to-one;
precision, recall and F1 are micro-averaged over all resumes.

How this compares with the usual partial-match schemes (SemEval-2013 task 9.1 / MUC, as in ``nervaluate``):
*lenient* gives full credit to a containment match, like their "type" scheme (any overlap, right type), but
asks for containment rather than any overlap; their "partial" scheme gives such a match half credit. The
``partial`` scheme of :func:`evaluate_all` does that (exact = 1, containment only = 0.5), so its F1 lies
between strict and lenient. All schemes compare per-resume sets of values, not character offsets, because
the parser outputs values with their source line.
"""

from __future__ import annotations

import csv
import html
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import dates
from .jd_spans import requirement_spans
from .parse_resume import companies_in, parse_resume_text
from .skills import vocabulary

ENTITY_TYPES = {
    "skills": ("Job Specific Skills", "Tech Tools", "Soft Skills"),
    "designation": ("Designation",),
    "companies": ("Companies worked at",),
    "degree": ("Degree",),
    "years_of_experience": ("Years of Experience",),
}
_LABEL_RE = re.compile(r'<label type="([^"]+)">(.*?)</label>', re.DOTALL)


def norm(value: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(value)).strip(" .,;:-–•*|()\t").lower()


def load_dotin(zip_path: Path, limit: int | None = None) -> list[tuple[str, str, dict[str, set[str]]]]:
    """(name, plain text with tags stripped, gold values per entity type) for each XML CV in the zip."""
    out = []
    with zipfile.ZipFile(zip_path) as zf:
        # The test zip also holds a macOS resource fork (__MACOSX/._Indeed_3.xml): not a CV.
        names = sorted(
            n
            for n in zf.namelist()
            if n.endswith(".xml") and "__MACOSX/" not in n and not Path(n).name.startswith("._")
        )
        for name in names[:limit]:
            raw = zf.read(name).decode("utf-8", errors="replace")
            gold: dict[str, set[str]] = {k: set() for k in ENTITY_TYPES}
            for label, value in _LABEL_RE.findall(raw):
                for etype, labels in ENTITY_TYPES.items():
                    if label in labels and norm(value):
                        gold[etype].add(norm(value))
            text = re.sub(r"<\?xml[^>]*\?>|</?cv>|</?label[^>]*>", "", raw)
            out.append((Path(name).name, html.unescape(text).strip().strip('"'), gold))
    return out


def predict(text: str, legacy: bool = False) -> dict[str, set[str]]:
    """Predicted values per entity type for one resume text.

    Skills and designations are what the parser outputs (``profile.skills``, ``profile.titles``). With
    ``legacy=True`` the first mapping is used instead: every raw vocabulary match in the text (even those
    the parser rejects as ambiguous) plus ``profile.skills``, and work-entry titles only; kept so the
    bench can print both.
    """
    profile = parse_resume_text(text, today=date(2018, 12, 1))
    pred: dict[str, set[str]] = {k: set() for k in ENTITY_TYPES}
    pred["skills"] = {norm(h.surface) for h in profile.skills}
    pred["designation"] = {norm(t.value) for t in profile.titles}
    if legacy:
        pred["skills"] |= {norm(m.group(0)) for m in vocabulary().pattern.finditer(text)}
        pred["designation"] = {norm(w.title) for w in profile.work if w.title}
    pred["companies"] = {norm(w.company) for w in profile.work if w.company} | {
        norm(c) for c in companies_in(text)
    }
    pred["degree"] = {norm(e.degree) for e in profile.education}
    pred["years_of_experience"] = {norm(p.text) for p in dates.find_periods(text, (2018, 12))} | {
        norm(m.group(0)) for m in dates.STATED_RE.finditer(text)
    }
    return {k: {v for v in vals if v} for k, vals in pred.items()}


def _contains(a: str, b: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b) is not None


def _matches(pred: set[str], gold: set[str], lenient: bool) -> int:
    left = set(gold)
    hits = 0
    # Ties broken alphabetically: set order varies with PYTHONHASHSEED and moved scores by one hit per run.
    for p in sorted(pred, key=lambda v: (-len(v), v)):
        g = p if p in left else None
        if g is None and lenient:
            g = next((x for x in sorted(left) if _contains(p, x) or _contains(x, p)), None)
        if g is not None:
            left.discard(g)
            hits += 1
    return hits


def _partial_credit(pred: set[str], gold: set[str]) -> float:
    """SemEval-2013 "partial" credit: exact matches count 1, then containment matches among the rest 0.5."""
    exact = pred & gold
    return len(exact) + 0.5 * _matches(pred - exact, gold - exact, lenient=True)


@dataclass
class Score:
    tp: float = 0
    n_pred: int = 0
    n_gold: int = 0
    per_doc: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(
    docs: list[tuple[str, str, dict[str, set[str]]]], lenient: bool = True, legacy: bool = False
) -> dict[str, Score]:
    """Micro-averaged scores per entity type over ``docs`` (from :func:`load_dotin`); ``legacy`` as in
    :func:`predict`."""
    scores = {k: Score() for k in ENTITY_TYPES}
    for _, text, gold in docs:
        pred = predict(text, legacy=legacy)
        for etype, score in scores.items():
            score.tp += _matches(pred[etype], gold[etype], lenient)
            score.n_pred += len(pred[etype])
            score.n_gold += len(gold[etype])
    return scores


SCHEMES = ("strict", "partial", "lenient")


def evaluate_all(
    docs: list[tuple[str, str, dict[str, set[str]]]], legacy: bool = False
) -> dict[str, dict[str, Score]]:
    """Scores per scheme ("strict", "partial", "lenient") and entity type, parsing each resume once."""
    out = {scheme: {k: Score() for k in ENTITY_TYPES} for scheme in SCHEMES}
    for _, text, gold in docs:
        pred = predict(text, legacy=legacy)
        for etype in ENTITY_TYPES:
            p, g = pred[etype], gold[etype]
            credit = {
                "strict": _matches(p, g, False),
                "partial": _partial_credit(p, g),
                "lenient": _matches(p, g, True),
            }
            for scheme, tp in credit.items():
                score = out[scheme][etype]
                score.tp += tp
                score.n_pred += len(p)
                score.n_gold += len(g)
    return out


# -- job-description requirement spans (Green et al., LREC 2022, CoNLL-style CSV) ---------------------------


def load_green(path: Path, tags: tuple[str, ...] = ("Skill",)) -> list[tuple[list[str], set[tuple[int, int]]]]:
    """(words, gold token spans of the given entity types) per sentence of a green_jd_skill_entities CSV."""
    rows: dict[str, list[tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["sentence_id"], []).append((r["word"], r["tag"]))
    out = []
    for toks in rows.values():
        spans, start, kind = set(), None, None
        for i, (_, tag) in enumerate([*toks, ("", "O")]):
            if start is not None and tag != f"I-{kind}":
                spans.add((start, i))
                start = None
            if tag.startswith("B-") and tag[2:] in tags:
                start, kind = i, tag[2:]
        out.append(([w for w, _ in toks], spans))
    return out


def jd_token_spans(words: list[str], kinds: tuple[str, ...] = ("skill", "knowledge")) -> set[tuple[int, int]]:
    """Token spans of the requirement phrases :func:`.jd_spans.requirement_spans` finds in the joined words."""
    text, offsets = "", []
    for w in words:
        text += " " if text else ""
        offsets.append((len(text), len(text) + len(w)))
        text += w
    spans = set()
    for a, b, kind in requirement_spans(text):
        idx = [i for i, (x, y) in enumerate(offsets) if x < b and y > a]
        if idx and kind in kinds:
            spans.add((idx[0], idx[-1] + 1))
    return spans


def evaluate_jd_spans(
    data: list[tuple[list[str], set[tuple[int, int]]]], kinds: tuple[str, ...] = ("skill", "knowledge")
) -> dict[str, Score]:
    """Micro-averaged span scores: "exact" (same token span) and "overlap" (any shared token, one-to-one)."""
    exact, overlap = Score(), Score()
    for words, gold in data:
        pred = jd_token_spans(words, kinds)
        for s in (exact, overlap):
            s.n_pred += len(pred)
            s.n_gold += len(gold)
        exact.tp += len(pred & gold)
        left = sorted(gold)
        for p in sorted(pred):
            g = next((g for g in left if p[0] < g[1] and g[0] < p[1]), None)
            if g is not None:
                left.remove(g)
                overlap.tp += 1
    return {"exact": exact, "overlap": overlap}
