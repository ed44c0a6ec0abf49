"""Text rules: word counts, questions (open vs closed) and filler words, from knowledge/calls/language.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ...errors import ConfigError
from ...resources import knowledge_path

try:  # optional: RE2 filler counts over a whole call (same figures as the per-utterance Python path)
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:
    pa = None

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
# what follows a stop character at a split point of _SENTENCE_END
_AFTER_STOP = re.compile(r"[\"')\]]*\s+")
_WORD = re.compile(r"[a-z0-9']+")
_PREFIX = 80  # characters of a question is_open looks at first


# Every punctuation character is deleted before splitting into words, so a token that is only punctuation
# ("-", "&") is not a word and "Um," still matches the filler "um".
_NON_ASCII_PUNCT = re.compile(r"[^\w\s\x00-\x7f]+")
_ASCII_PUNCT = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@dataclass(frozen=True)
class LanguageRules:
    """Compiled rules from ``knowledge/calls/language.yaml``."""

    skip_words: frozenset[str]
    open_starts: tuple[tuple[str, ...], ...]
    closed_exceptions: tuple[tuple[str, ...], ...]
    fillers: tuple[bytes, ...]  # b" um ", b" you  know ": words two spaces apart, as in text_stats
    # one RE2 alternation of all fillers for batch_text_stats, or None (then text_stats per text) when two
    # fillers can overlap in a word stream (summing separate counts and counting one alternation would
    # differ, and the former is the rule) or a filler word is not plain [a-z0-9]
    fillers_re2: str | None = None
    # open_starts / closed_exceptions grouped by phrase length, for is_open's prefix lookups
    open_by_length: tuple[tuple[int, frozenset], ...] = ()
    closed_by_length: tuple[tuple[int, frozenset], ...] = ()


@lru_cache(maxsize=1)
def rules() -> LanguageRules:
    """Load and compile the language rules once."""
    path = knowledge_path("calls", "language.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        q = data["questions"]
        fillers = [str(f).lower() for f in data["filler_words"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    padded = tuple((" " + "  ".join(f.replace("'", "").split()) + " ").encode() for f in fillers)
    open_starts = tuple(tuple(str(s).lower().split()) for s in q.get("open_starts", []))
    closed = tuple(tuple(str(s).lower().split()) for s in q.get("closed_exceptions", []))
    return LanguageRules(
        skip_words=frozenset(str(w).lower() for w in q.get("skip_words", [])),
        open_starts=open_starts,
        closed_exceptions=closed,
        fillers=padded,
        fillers_re2=_alternation(padded),
        open_by_length=_by_length(open_starts),
        closed_by_length=_by_length(closed),
    )


class CountedText(str):
    """A ``str`` that carries its own :func:`text_stats`, computed by an importer from source tokens.

    ``stats`` is ``(rules, words, fillers)``: the counts hold for exactly this string's content (a str is
    immutable; any edit yields a plain ``str`` without them) under that :class:`LanguageRules` object, so
    :func:`batch_text_stats` can take them instead of re-scanning the text. Equal to the plain string in
    every other respect.
    """

    stats: tuple[LanguageRules, int, int]


def counted(text: str, words: int, fillers: int, r: LanguageRules) -> CountedText:
    """``text`` as a :class:`CountedText` with these :func:`text_stats` under rules ``r``."""
    out = CountedText(text)
    out.stats = (r, words, fillers)
    return out


def _carried(text: str, r: LanguageRules) -> tuple[int, int] | None:
    stats = getattr(text, "stats", None) if type(text) is CountedText else None
    if stats is None or stats[0] is not r:
        return None
    return stats[1], stats[2]


def _alternation(fillers: tuple[bytes, ...]) -> str | None:
    """The RE2 pattern of ``LanguageRules.fillers_re2`` for the padded fillers, or None (see there)."""
    seqs = [f.split() for f in fillers]
    if not seqs or any(not s for s in seqs) or len(set(map(tuple, seqs))) < len(seqs):
        return None
    for x, a in enumerate(seqs):
        for y, b in enumerate(seqs):
            # b placed at word offset d of a: any agreement on the shared words means they can overlap
            for d in range(-len(b) + 1, len(a)):
                if x == y and d == 0:
                    continue
                shared = [(a[k], b[k - d]) for k in range(max(0, d), min(len(a), d + len(b)))]
                if shared and all(u == v for u, v in shared):
                    return None
    if not all(re.fullmatch(rb"[a-z0-9]+", w) for s in seqs for w in s):
        return None
    # a filler starts a text or follows a space, and its words are separated by any run of spaces; \b
    # after it works because batch_text_stats turns every byte that is not [a-z0-9 ] into "_", a word byte
    return "(?:^| )(?:" + "|".join(" +".join(w.decode() for w in s) for s in seqs) + r")\b"


def text_stats(text: str) -> tuple[int, int]:
    """(words, filler words) of ``text``; string built-ins only, since it runs on every utterance."""
    low = text.lower()
    if not low.isascii():
        low = _NON_ASCII_PUNCT.sub("", low)
    words = low.encode().translate(None, _ASCII_PUNCT).split()
    # every word wrapped in its own pair of spaces, so b" um " also counts the second "um" of "um um"
    padded = b"  " + b"  ".join(words) + b"  "
    return len(words), sum(padded.count(p) for p in rules().fillers)


# bytes.translate tables for batch_text_stats: lower A-Z and make every bytes.split() whitespace a space;
# then everything but a space becomes "a", so b" a" marks the first byte of each word; and for the filler
# count every byte but [a-z0-9], space and the separator becomes "_" (a word byte that is in no filler)
_NORM = bytes(range(256)).translate(
    bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ\t\n\r\x0b\x0c", b"abcdefghijklmnopqrstuvwxyz     ")
)
_WORD_MARK = bytes(c if c in (0x20, 0x1F) else 0x61 for c in range(256))
_FILLER_BYTES = bytes(c if c in b"abcdefghijklmnopqrstuvwxyz0123456789 \x1f" else 0x5F for c in range(256))
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SEP = "\x1f"  # joins the texts of a call; not whitespace for bytes.split() and not punctuation


def _strip_non_ascii_punct(run: re.Match) -> str:
    return _NON_ASCII_PUNCT.sub("", run.group())


def batch_text_stats(texts: list[str]) -> list[tuple[int, int]]:
    """:func:`text_stats` of every text, computed for the whole list at once; identical figures.

    Texts that are a :class:`CountedText` under the current rules give their carried counts.
    The texts are joined and normalised in one pass of C string operations (lower, punctuation deleted,
    whitespace made spaces); words are counted without splitting, and the fillers are counted per text by
    one RE2 alternation through pyarrow (see ``LanguageRules.fillers_re2``). Without pyarrow, or when the
    rules or the text do not allow it, this falls back to :func:`text_stats` per text.
    """
    r = rules()
    # "" (speech without words) has no words and so no fillers, unless a filler is blank (then no RE2 rule)
    empty = (0, 0) if r.fillers_re2 is not None else None
    carried = [_carried(t, r) if t else empty for t in texts]
    missing = [k for k, c in enumerate(carried) if c is None]
    if not missing:
        return carried
    if len(missing) < len(texts):
        for k, c in zip(missing, _batch_text_stats([texts[k] for k in missing])):
            carried[k] = c
        return carried
    return _batch_text_stats(texts)


def _batch_text_stats(texts: list[str]) -> list[tuple[int, int]]:
    alt = rules().fillers_re2
    if pa is None or alt is None or len(texts) < 4 or any(_SEP in t for t in texts):
        return [text_stats(t) for t in texts]
    # non-ASCII texts get text_stats's Unicode lowering and punctuation removal (only on non-ASCII runs,
    # the only place _NON_ASCII_PUNCT can match); the rest is byte-level and the same for all texts
    prep = (t if t.isascii() else _NON_ASCII_RUN.sub(_strip_non_ascii_punct, t.lower()) for t in texts)
    norm = _SEP.join(prep).encode().translate(_NORM, _ASCII_PUNCT)
    marks = norm.translate(_WORD_MARK).split(b"\x1f")
    words = [m.count(b" a") + (m[:1] == b"a") for m in marks]
    # one Arrow string per text (each ending in its separator byte) over one shared buffer
    offsets = np.zeros(len(marks) + 1, dtype=np.int64)
    np.cumsum([len(m) + 1 for m in marks], out=offsets[1:])
    buf = pa.py_buffer(norm.translate(_FILLER_BYTES) + b"\x1f")
    arr = pa.BinaryArray.from_buffers(
        pa.binary(), len(texts), [None, pa.py_buffer(offsets.astype(np.int32)), buf]
    )
    fills = pc.count_substring_regex(arr, alt).to_pylist()
    return list(zip(words, fills))


def word_count(text: str) -> int:
    """Words in ``text`` (tokens that are only punctuation are not words)."""
    return text_stats(text)[0]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (split after . ! ? followed by space), stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def questions(text: str) -> list[str]:
    """Sentences of ``text`` that end with a question mark."""
    if "?" not in text:
        return []
    # A stop character followed by closers and whitespace is a split point of split_sentences wherever it
    # is (a split consumes no stop character), so each sentence but the last ends with its stop character
    # and is a question exactly when that is "?": only the "?" split points and the last sentence are looked
    # at, each sentence start found by searching back to the previous split point.
    out = []
    start = 0  # where the sentence after the last split point found so far starts
    q = text.find("?")
    while q >= 0:
        after = _AFTER_STOP.match(text, q + 1)
        if after:
            out.append(text[_sentence_start(text, start, q) : q + 1].strip())
            start = after.end()
        q = text.find("?", q + 1)
    last = text[_sentence_start(text, start, len(text)) :].strip()
    if last.rstrip("\"')]").endswith("?"):
        out.append(last)
    return out


def _sentence_start(text: str, lo: int, end: int) -> int:
    """Start of the sentence that ``text[end]`` ends: just after the last split point before ``end``, at
    or after ``lo`` (itself a sentence start)."""
    p = end
    while True:
        p = max(text.rfind(".", lo, p), text.rfind("!", lo, p), text.rfind("?", lo, p))
        if p < 0:
            return lo
        after = _AFTER_STOP.match(text, p + 1)
        if after:
            return after.end()


def is_open(question: str) -> bool:
    """True for an open question under the rules in language.yaml (leading discourse words skipped)."""
    r = rules()
    # the words of a prefix are the question's first words, but for its last one (maybe cut): enough when
    # the skip-word run ends and six words follow it before that last one
    words = _WORD.findall(question[:_PREFIX].lower())
    k = 0
    while k < len(words) - 1 and words[k] in r.skip_words:
        k += 1
    if len(question) > _PREFIX and k + 7 > len(words):
        words = _WORD.findall(question.lower())
        k = 0
        while k < len(words) - 1 and words[k] in r.skip_words:
            k += 1
    head = tuple(words[k : k + 6])
    for n, group in r.closed_by_length:
        if head[:n] in group:
            return False
    for n, group in r.open_by_length:
        if head[:n] in group:
            return True
    return False


def _by_length(phrases: tuple[tuple[str, ...], ...]) -> tuple[tuple[int, frozenset], ...]:
    """Phrases grouped by word count, so a prefix test is one set lookup per length."""
    return tuple((n, frozenset(p for p in phrases if len(p) == n)) for n in sorted({len(p) for p in phrases}))


def filler_count(text: str) -> int:
    """Number of filler words/phrases in ``text``."""
    return text_stats(text)[1]
