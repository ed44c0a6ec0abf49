"""Token features of the resume span tagger (:mod:`.tagger`), shared by training and tagging.

Per token: the word, its shape and affixes, neighbours up to three tokens away, the line and "segment"
layout (flattened resumes separate fields by runs of spaces), the section heading above, gazetteer hits, and
the list item the token sits in (items are delimited by line/segment breaks, commas, semicolons, pipes,
bullets, and the literal ``\\xe2\\x80\\xa2``-style escape runs that stand for bullets in the dotin corpus).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .textutil import TITLE_HEADS

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
# Literal "\\xe2\\x80\\xa2" (a UTF-8 bullet written out as escapes) stands for a bullet in many dotin CVs.
_ESC_RE = re.compile(r"(?:\\x[0-9a-f]{2})+")
_ITEM_SEPARATORS = set("•·▪●◦■□➢✓*-–>|;,.:()")
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
TITLE_HEAD_RE = re.compile(
    rf"\b(?:{TITLE_HEADS}|professor|coach|volunteer|chair|ceo|cto|cfo|coo|svp|evp|avp)s?\b", re.IGNORECASE
)


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


def heading_kind(line: str) -> str | None:
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
    out = _token_features(text, toks, gazetteers)
    low = [t[2].lower() for t in toks]
    n = len(toks)
    for k, f in enumerate(out):
        lw = low[k]
        f += [
            f"s4={lw[-4:]}",
            f"p4={lw[:4]}",
            f"s2={lw[-2:]}",
            f"dpos={int(10 * toks[k][0] / max(len(text), 1))}",
        ]
        for d in (-3, 3):
            f.append(f"w{d}={low[k + d] if 0 <= k + d < n else '<doc>'}")
        for d in (-1, 1):
            f.append(f"sh{d}={_shape(toks[k + d][2]) if 0 <= k + d < n else '<doc>'}")
    _add_item_features(text, toks, out)
    return out


def _add_item_features(text: str, toks: list[tuple[int, int, str]], out: list[list[str]]) -> None:
    """List-item features: the item's size in tokens, the token's place in it, what separator opened it.

    Added by cross-validation on the train split (with the context/affix features above, skills lenient F1
    0.583 -> 0.598, designation 0.683 -> 0.691): skills mostly come as short comma or bullet lists.
    """
    esc = [False] * len(toks)
    starts = {s: k for k, (s, _, _) in enumerate(toks)}
    for m in _ESC_RE.finditer(text):
        pos = m.start()
        while pos < m.end():
            k = starts.get(pos)
            if k is None:
                pos += 1
            else:
                esc[k] = True
                pos = toks[k][1]
    sep = [esc[k] or (len(t) == 1 and t in _ITEM_SEPARATORS) for k, (_, _, t) in enumerate(toks)]
    item, cur = [0] * len(toks), 0
    for k in range(len(toks)):
        if sep[k] or (k > 0 and (sep[k - 1] or _breaks(text[toks[k - 1][1] : toks[k][0]]))):
            cur += 1
        item[k] = cur
    size = Counter(item[k] for k in range(len(toks)) if not sep[k])
    first: dict[int, int] = {}
    for k in range(len(toks)):
        if not sep[k]:
            first.setdefault(item[k], k)
    for k, f in enumerate(out):
        if sep[k]:
            f.append("issep")
            if esc[k]:
                f.append("esc")
            continue
        n, p, j = size[item[k]], k - first[item[k]], first[item[k]] - 1
        opened_by = "esc" if j >= 0 and esc[j] else toks[j][2] if j >= 0 and sep[j] else "brk"
        f += [
            f"isz={min(n, 7)}",
            f"ipos={min(p, 3)}",
            f"iend={p == n - 1}",
            f"isep={opened_by}",
            f"isz={min(n, 7)}|{opened_by}",
        ]


def _token_features(
    text: str, toks: list[tuple[int, int, str]], gazetteers: dict[str, Gazetteer]
) -> list[list[str]]:
    """Word, shape, neighbours (two each side), line/segment layout, section and gazetteer features."""
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
            kind = heading_kind(line)
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
