"""Learned resume span tagger: skills and job titles (designations) found token by token.

A multinomial logistic regression over hand-made token features (word, shape, neighbours, line layout,
section heading, gazetteer hits) with BIO labels, trained only on the TRAIN split of the dotin annotated
resume corpus by :mod:`.tagger_build`. The weights ship as ``knowledge/recruiting/resume_tagger.json.gz``
(pruned, < 1 MB); scoring sums weight rows with numpy, so no scikit-learn at run time.
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

from .textutil import TITLE_HEADS

ARTEFACT = "resume_tagger.json.gz"
LABELS = ("O", "B-SKILL", "I-SKILL", "B-TITLE", "I-TITLE")
# ".NET", "C++", "C#", "Node.js", "CI/CD", "B.E": dots, slashes and dashes inside a word stay in the token.
TOKEN_RE = re.compile(r"\.?[^\W_][\w+#]*(?:[.\-/&'][^\W_][\w+#]*)*|[^\w\s]")
_HEADING_KINDS = (
    ("skill", r"skill|competenc|expertise|technolog|tools|proficienc"),
    ("experience", r"experience|employment|work|career|professional"),
    ("education", r"educat|academ|qualif|degree"),
    ("project", r"project"),
    ("summary", r"summary|objective|profile|about|overview"),
    ("cert", r"certif|licen|training|course"),
    ("other", r"."),
)
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_TITLE_HEAD_RE = re.compile(
    rf"\b(?:{TITLE_HEADS}|professor|coach|volunteer|chair|ceo|cto|cfo|coo|svp|evp|avp)s?\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Span:
    """One tagged span: ``kind`` is "SKILL" or "TITLE"; offsets index the tagged text."""

    kind: str
    start: int
    end: int
    text: str
    score: float


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for every token of ``text``."""
    return [(m.start(), m.end(), m.group(0)) for m in TOKEN_RE.finditer(text)]


_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "X" * 26 + "x" * 26 + "d" * 10
)
_REPEAT_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def _shape(tok: str) -> str:
    return _REPEAT_RE.sub(r"\1\1", tok.translate(_SHAPE))[:6]


def _heading_kind(line: str) -> str | None:
    """Section kind when ``line`` looks like a heading (short, capitalised or colon-terminated), else None."""
    bare = line.strip(" \t#*:•-_=|")
    words = bare.split()
    if not words or len(words) > 5 or len(bare) > 45 or re.search(r"[\d,;:()]", bare):
        return None
    if not (
        bare.isupper() or line.rstrip().endswith(":") or all(w[:1].isupper() for w in words if len(w) > 3)
    ):
        return None
    low = bare.lower()
    kind = next(kind for kind, pat in _HEADING_KINDS if re.search(pat, low))
    # A Title-Cased line of unknown kind is more often a job title or a name than a heading.
    if kind == "other" and not (bare.isupper() or line.rstrip().endswith(":")):
        return None
    return kind


def _gazetteer_marks(gazetteer: Gazetteer | None, low: list[str], tag: str) -> list[str]:
    marks = [""] * len(low)
    if gazetteer is None:
        return marks
    for i, j in gazetteer.matches(low):
        n = j - i
        for k in range(i, j):
            marks[k] = f"{tag}{'B' if k == i else 'I'}{min(n, 3)}"
    return marks


def features(
    text: str, toks: list[tuple[int, int, str]], gazetteers: dict[str, Gazetteer]
) -> list[list[str]]:
    """Feature strings for each token (shared by training and tagging, so both see the same view)."""
    low = [t[2].lower() for t in toks]
    marks = {name: _gazetteer_marks(gz, low, name) for name, gz in gazetteers.items()}
    out: list[list[str]] = []
    section = "none"
    line_start = -1
    line_info: dict = {}
    for i, (s, e, tok) in enumerate(toks):
        ls = text.rfind("\n", 0, s) + 1
        if ls != line_start:
            line_start = ls
            le = text.find("\n", s)
            line = text[ls : le if le != -1 else len(text)]
            kind = _heading_kind(line)
            if kind:
                section = kind
            ltoks = TOKEN_RE.findall(line)
            line_info = {
                "idx": i,
                "n": len(ltoks),
                "head": kind is not None,
                "first": ltoks[0].lower() if ltoks else "",
                "year": bool(re.search(r"\b(?:19|20)\d\d\b", line)),
                "month": bool(re.search(rf"\b(?:{_MONTHS})[a-z]*\b", line, re.IGNORECASE)),
                "colon": line.find(":"),
                "commas": min(line.count(","), 3),
                "line": line,
                "ls": ls,
            }
        pos = i - line_info["idx"]
        n = line_info["n"]
        lw = low[i]
        f = [
            "b",
            f"w={lw}",
            f"sh={_shape(tok)}",
            f"p3={lw[:3]}",
            f"s3={lw[-3:]}",
            f"sec={section}",
            f"pos={min(pos, 4)}",
            f"len={min(n, 12) // 2}",
            f"lfirst={line_info['first']}",
            f"sec={section}|w={lw}",
            f"sec={section}|len={min(n, 12) // 2}",
            f"sec={section}|pos={min(pos, 4)}",
        ]
        if line_info["head"]:
            f.append("heading")
        if line_info["year"]:
            f.append("lyear")
        if line_info["month"]:
            f.append("lmonth")
        f.append(f"commas={line_info['commas']}")
        colon = line_info["colon"]
        if colon != -1:
            f.append("after_colon" if s - line_info["ls"] > colon else "before_colon")
        if tok[:1].isupper():
            f.append("cap")
        if tok.isupper() and len(tok) > 1:
            f.append("upper")
        if len(tok) == 1 and not tok.isalnum():
            f.append(f"punct={tok}")
        # Flattened resumes separate fields by runs of spaces instead of new lines: both end a segment.
        seg_start = i == 0 or _breaks(text[toks[i - 1][1] : s])
        seg_end = i + 1 == len(toks) or _breaks(text[e : toks[i + 1][0]])
        if seg_start:
            seg_pos = 0
            seg_len = next(
                (
                    k - i + 1
                    for k in range(i, min(len(toks), i + 13))
                    if k + 1 == len(toks) or _breaks(text[toks[k][1] : toks[k + 1][0]])
                ),
                13,
            )
            seg_first, seg_last = lw, low[i + seg_len - 1] if seg_len < 13 else "<long>"
        else:
            seg_pos += 1
        f += [
            f"spos={min(seg_pos, 3)}",
            f"slen={min(seg_len, 13) // 2}",
            f"sec={section}|slen={min(seg_len, 13) // 2}",
            f"sfirst={seg_first}",
            f"slast={seg_last}",
        ]
        if seg_start:
            f.append("sstart")
        if seg_end:
            f.append("send")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(toks):
                gap = text[toks[j][1] : s] if d < 0 else text[e : toks[j][0]]
                f.append(
                    f"w{d}={'<sep>' if _breaks(gap) or (abs(d) == 2 and _breaks(text[min(s, toks[j][0]) : max(e, toks[j][1])])) else low[j]}"
                )
            else:
                f.append(f"w{d}=<doc>")
        if i > 0:
            f.append(f"w-1|w={low[i - 1]}|{lw}")
        if i + 1 < len(toks):
            f.append(f"w|w+1={lw}|{low[i + 1]}")
        for name, m in marks.items():
            if m[i]:
                f.append(f"gz={m[i]}")
                f.append(f"gz={m[i][: len(name) + 1]}|sec={section}")
            if i > 0 and m[i - 1]:
                f.append(f"gz-1={m[i - 1][: len(name)]}")
            if i + 1 < len(toks) and m[i + 1]:
                f.append(f"gz+1={m[i + 1][: len(name)]}")
        out.append(f)
    return out


def _breaks(gap: str) -> bool:
    return "\n" in gap or "  " in gap or "\t" in gap


class Gazetteer:
    """Token n-gram look-up of known terms (longest match first), case-insensitive."""

    MAX_N = 6

    def __init__(self, terms):
        self.keys = {" ".join(tokens_lower(t)) for t in terms if t and len(t) > 1}
        self.keys.discard("")
        self.first = {k.split(" ", 1)[0] for k in self.keys}
        self.max_n = min(self.MAX_N, max((k.count(" ") + 1 for k in self.keys), default=1))

    def matches(self, low: list[str]) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) token index ranges of known terms, scanning left to right."""
        out, i = [], 0
        while i < len(low):
            if low[i] not in self.first:
                i += 1
                continue
            for n in range(min(self.max_n, len(low) - i), 0, -1):
                if " ".join(low[i : i + n]) in self.keys:
                    out.append((i, i + n))
                    i += n
                    break
            else:
                i += 1
        return out


def tokens_lower(text: str) -> list[str]:
    return [t.lower() for t in TOKEN_RE.findall(text)]


class Tagger:
    """Scores tokens with pruned multinomial logistic-regression weights and decodes BIO spans."""

    def __init__(
        self,
        weights: dict[str, list[float]],
        bias: list[float],
        gazetteers: dict[str, list[str]],
        o_threshold: dict[str, float] | None = None,
    ):
        self.o_threshold = o_threshold or {"SKILL": 0.5, "TITLE": 0.5}
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
            flat += [row[name] for name in f if name in row]
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
        """Join same-kind spans one space apart; drop one-word titles that name no role.

        Both chosen by cross-validation on the train split: token by token, the classifier sometimes starts a
        new span inside a phrase ("Strategic | Planning"), and its one-word "titles" are mostly fragments
        ("Senior", "Research") unless the word is a role noun ("Analyst") or a title seen labelled in training.
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
        return [
            sp
            for sp in merged
            if sp.kind != "TITLE"
            or len(sp.text.split()) > 1
            or _TITLE_HEAD_RE.search(sp.text)
            or sp.text.lower() in titles
        ]

    def _title_terms(self) -> frozenset[str]:
        terms = getattr(self, "_titles", None)
        if terms is None:
            terms = self._titles = frozenset(self.gazetteer_terms.get("title", ()))
        return terms


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
        return Tagger(data["weights"], data["bias"], data["gazetteers"], data.get("o_threshold"))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: cannot read the resume tagger: {exc}") from exc


def tagger() -> Tagger | None:
    """The tagger in use: a cross-validation override, else the shipped one (None when not built)."""
    if _override:
        return None if _override[0] is _OFF else _override[0]
    return _shipped()
