"""Next steps / commitments (with dates when said), competitor and pricing mentions (amounts parsed)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ...errors import ConfigError
from ...resources import knowledge_path
from .models import CallTranscript
from .scorecard import clip, sentences

_NEXT_STEP = re.compile(
    r"\b(next steps?|(?:i|we)(?:'ll| will| can| are going to|'re going to)\s+"
    r"(?:send|share|set up|schedule|follow up|book|get|loop|circle back|put together|draft|review|introduce|"
    r"check|come back|call|email)|let'?s (?:schedule|set up|"
    r"book|plan|meet|reconvene|regroup)|send (?:you|over)|(?:calendar|meeting) invite|touch base)\b",
    re.IGNORECASE,
)
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_DAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twenty-first",
    "twenty-second",
    "twenty-third",
    "twenty-fourth",
    "twenty-fifth",
    "twenty-sixth",
    "twenty-seventh",
    "twenty-eighth",
    "twenty-ninth",
    "thirtieth",
    "thirty-first",
]
_ORDINAL_DAY = {w: i for i, w in enumerate(_ORDINALS, 1)}
_ORDINAL_DAY.update({w.replace("-", " "): i for w, i in _ORDINAL_DAY.items()})
_DAY = (
    r"(?:\d{1,2}(?:st|nd|rd|th)?|"
    + "|".join(sorted((re.escape(w) for w in _ORDINAL_DAY), key=len, reverse=True))
    + ")"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
# most specific first: when a sentence holds several date phrases, the earliest alternative wins
_WHEN_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b\d{4}-\d{2}-\d{2}\b",
        rf"\b{_MONTH}\.? (?:the )?{_DAY}\b|\b(?:the )?{_DAY} (?:of )?{_MONTH}\b",
        r"\b(?:tomorrow|today|next week|this week|end of (?:the )?(?:week|month|quarter))\b",
        r"\b(?:next |this |on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    )
]
_MONEY = re.compile(
    r"(?:\$|usd\s?)\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m|bn|million|thousand|billion)?\b|"
    r"\b(\d[\d,]*(?:\.\d+)?)\s*(k|million|thousand|billion)?\s*(?:dollars|usd|bucks)\b",
    re.IGNORECASE,
)
_PRICING = re.compile(
    r"\b(pric(?:e|es|ing|ed)|cost(?:s|ing)?|discount(?:s|ed)?|budget|quote|per (?:seat|user|month|year|"
    r"transaction)|subscription|licen[cs]e fee|fees?|invoice|list price|rate card|basis points?|bps)\b",
    re.IGNORECASE,
)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SMALL = {w: i for i, w in enumerate(_UNITS)}
_SMALL.update({w: 10 * i for i, w in enumerate(_TENS, 2)})
_NUMWORD = "|".join(sorted([*_SMALL, "hundred", "thousand", "million", "billion"], key=len, reverse=True))
# spoken amounts: "three thousand two hundred dollars", "ninety cents"
_SPOKEN_MONEY = re.compile(
    rf"\b((?:(?:{_NUMWORD})(?:[\s-]+(?:and[\s-]+)?)?)+?)\s*(dollars?|bucks|cents?)\b", re.IGNORECASE
)


def words_to_number(text: str) -> float:
    """``"three thousand two hundred"`` → 3200.0 (English number words, no ordinals)."""
    total = current = 0.0
    for w in re.split(r"[\s-]+", text.lower()):
        if w in _SMALL:
            current += _SMALL[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += (current or 1) * _SCALE[w]
            current = 0.0
    return total + current


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(_Model):
    """A quoted sentence of interest with who said it and when."""

    kind: Literal["next_step", "competitor", "pricing"]
    quote: str
    speaker: str
    name: str
    start: float | None
    competitor: str | None = None
    amounts_usd: list[float] = Field(default_factory=list)
    when: str | None = None
    due_date: date | None = None


class Mentions(_Model):
    call_id: str
    next_steps: list[Mention]
    competitors: list[Mention]
    pricing: list[Mention]
    competitor_counts: dict[str, int]
    competitors_searched: list[str]


@lru_cache(maxsize=1)
def default_competitors() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, aliases) from knowledge/calls/competitors.yaml."""
    path = knowledge_path("calls", "competitors.yaml")
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))["competitors"]
        return tuple((str(r["name"]), tuple(str(a) for a in r.get("aliases", []))) for r in rows)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def parse_amounts(text: str) -> list[float]:
    """Dollar amounts in ``text``: ``$40k`` → 40000.0, ``$1.2 million`` → 1200000.0, ``500 dollars`` → 500.0,
    ``three thousand two hundred dollars`` → 3200.0, ``ninety cents`` → 0.9 (digits first, then spoken)."""
    out = []
    for m in _MONEY.finditer(text):
        num = m.group(1) or m.group(3)
        scale = (m.group(2) or m.group(4) or "").lower()
        out.append(round(float(num.replace(",", "")) * _SCALE.get(scale, 1.0), 2))
    for m in _SPOKEN_MONEY.finditer(text):
        value = words_to_number(m.group(1))
        out.append(round(value / 100 if m.group(2).lower().startswith("cent") else value, 2))
    return out


def find_when(sentence: str) -> str | None:
    """The most specific date phrase in a sentence (ISO date > month and day > relative > weekday)."""
    for pat in _WHEN_PATTERNS:
        m = pat.search(sentence)
        if m:
            return m.group(0)
    return None


def resolve_when(phrase: str, call_date: date | None) -> date | None:
    """Resolve a spoken date phrase against the call date (None when it cannot be pinned down)."""
    p = phrase.lower().strip().rstrip(".")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p):
        return date.fromisoformat(p)
    if call_date is None:
        return None
    if p == "today":
        return call_date
    if p == "tomorrow":
        return call_date + timedelta(days=1)
    if p in ("next week",):
        return call_date + timedelta(days=7 - call_date.weekday())  # the Monday after
    if p.startswith("end of"):
        unit = p.split()[-1]
        if unit == "week":
            return (
                call_date + timedelta(days=4 - call_date.weekday()) if call_date.weekday() <= 4 else call_date
            )
        if unit == "month":
            return call_date.replace(day=calendar.monthrange(call_date.year, call_date.month)[1])
        q_end = ((call_date.month - 1) // 3 + 1) * 3
        return date(call_date.year, q_end, calendar.monthrange(call_date.year, q_end)[1])
    words = p.split()
    if words[-1] in _DAYS:
        ahead = (_DAYS[words[-1]] - call_date.weekday()) % 7 or 7
        if words[0] == "next" and ahead < 7 - call_date.weekday():
            ahead += 7  # "next Tuesday" said on a Monday means the week after
        return call_date + timedelta(days=ahead)
    nums = [int(re.match(r"\d+", w).group(0)) for w in words if w[:1].isdigit()]
    nums += [_ORDINAL_DAY[w] for w in (*words, " ".join(words[-2:])) if w in _ORDINAL_DAY]
    months = [w.rstrip(".") for w in words if w.rstrip(".") in _MONTHS]
    if nums and months:
        day = nums[0]
        month = _MONTHS[months[0]]
        try:
            d = date(call_date.year, month, day)
        except ValueError:
            return None
        return d if d >= call_date else date(call_date.year + 1, month, day)
    return None


def _competitor_patterns(competitors: list[str] | None):
    if competitors is None:
        entries = default_competitors()
    else:
        entries = tuple((c.strip(), ()) for c in competitors if c and c.strip())
    # proper-noun match with the listed capitalisation, so "square one" is not the company Square
    return [
        (name, re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(v) for v in (name, *aliases)) + r")(?![\w])"))
        for name, aliases in entries
    ]


def detect_mentions(t: CallTranscript, competitors: list[str] | None = None) -> Mentions:
    """Find next steps / commitments, competitor mentions and pricing mentions, each with quote and time.

    Args:
        t: the transcript.
        competitors: names to look for (matched with their capitalisation); None uses
            knowledge/calls/competitors.yaml.
    """
    pats = _competitor_patterns(competitors)
    nexts, comps, prices = [], [], []
    counts: dict[str, int] = {}
    for speaker, start, sent in sentences(t):
        base = {"quote": clip(sent), "speaker": speaker, "name": t.speaker_name(speaker), "start": start}
        if _NEXT_STEP.search(sent):
            w = find_when(sent)
            nexts.append(
                Mention(kind="next_step", when=w, due_date=resolve_when(w, t.date) if w else None, **base)
            )
        for name, pat in pats:
            n = len(pat.findall(sent))
            if n:
                counts[name] = counts.get(name, 0) + n
                comps.append(Mention(kind="competitor", competitor=name, **base))
        amounts = parse_amounts(sent)
        if amounts or _PRICING.search(sent):
            prices.append(Mention(kind="pricing", amounts_usd=amounts, **base))
    return Mentions(
        call_id=t.call_id,
        next_steps=nexts,
        competitors=comps,
        pricing=prices,
        competitor_counts=counts,
        competitors_searched=[n for n, _ in pats],
    )
