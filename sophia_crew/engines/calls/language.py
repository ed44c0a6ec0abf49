"""Text rules: word counts, questions (open vs closed) and filler words, from knowledge/calls/language.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ...errors import ConfigError
from ...resources import knowledge_path

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_WORD = re.compile(r"[a-z0-9']+")


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
    return LanguageRules(
        skip_words=frozenset(str(w).lower() for w in q.get("skip_words", [])),
        open_starts=tuple(tuple(str(s).lower().split()) for s in q.get("open_starts", [])),
        closed_exceptions=tuple(tuple(str(s).lower().split()) for s in q.get("closed_exceptions", [])),
        fillers=tuple((" " + "  ".join(f.replace("'", "").split()) + " ").encode() for f in fillers),
    )


def text_stats(text: str) -> tuple[int, int]:
    """(words, filler words) of ``text``; string built-ins only, since it runs on every utterance."""
    low = text.lower()
    if not low.isascii():
        low = _NON_ASCII_PUNCT.sub("", low)
    words = low.encode().translate(None, _ASCII_PUNCT).split()
    # every word wrapped in its own pair of spaces, so b" um " also counts the second "um" of "um um"
    padded = b"  " + b"  ".join(words) + b"  "
    return len(words), sum(padded.count(p) for p in rules().fillers)


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
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip().rstrip("\"')]").endswith("?")]


def is_open(question: str) -> bool:
    """True for an open question under the rules in language.yaml (leading discourse words skipped)."""
    r = rules()
    words = _WORD.findall(question.lower())
    k = 0
    while k < len(words) - 1 and words[k] in r.skip_words:
        k += 1
    head = tuple(words[k : k + 6])
    if any(head[: len(p)] == p for p in r.closed_exceptions):
        return False
    return any(head[: len(p)] == p for p in r.open_starts)


def filler_count(text: str) -> int:
    """Number of filler words/phrases in ``text``."""
    return text_stats(text)[1]
