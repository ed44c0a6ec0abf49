"""Date ranges in resumes ("Jan 2019 – Present", "03/2015 to 11/2017", "2004 - 2007") → months, and their union."""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_SEASON = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|fall|autumn|winter)\.?"
_POINT = rf"(?:{_MONTH_RE}\s*,?\s*(?:19|20)\d\d|\d{{1,2}}/(?:\d{{1,2}}/)?(?:19|20)\d\d|(?:19|20)\d\d)"
_NOW = r"(?:present|current|currently|now|till\s+date|to\s+date|date|today|ongoing)"
RANGE_RE = re.compile(
    rf"(?P<a>{_POINT})\s*(?:-|–|—|to|until|till|through|\s)\s*(?:(?P<b>{_POINT})|(?P<now>{_NOW}))",
    re.IGNORECASE,
)
STATED_RE = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d{1,2})?)\s*\+?\s*(?:-\s*)?(?:years?|yrs?)(?:\s*(?P<m>\d{1,2})\s*months?)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    start: int  # months since year 0
    end: int
    current: bool
    text: str
    pos: int

    @property
    def months(self) -> int:
        return max(0, self.end - self.start)


def _point(text: str, is_end: bool) -> int | None:
    t = text.strip().lower().rstrip(".")
    m = re.fullmatch(rf"({_MONTH_RE})\s*,?\s*((?:19|20)\d\d)", t)
    if m:
        word = m.group(1).rstrip(".")
        month = MONTHS.get(word[:4] if word[:4] in MONTHS else word[:3]) or _SEASON.get(word, 1)
        return int(m.group(2)) * 12 + month - 1
    m = re.fullmatch(r"(\d{1,2})/(?:\d{1,2}/)?((?:19|20)\d\d)", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(2)) * 12 + int(m.group(1)) - 1
    m = re.fullmatch(r"(?:19|20)\d\d", t)
    if m:
        # A bare year: start in January, end in December, so "2004 - 2007" is 4 years... minus one month of slack.
        return int(t) * 12 + (11 if is_end else 0)
    return None


def find_periods(text: str, today: tuple[int, int]) -> list[Period]:
    """Every date range in ``text``; ``today`` = (year, month) closes open-ended ranges."""
    now = today[0] * 12 + today[1] - 1
    out: list[Period] = []
    for m in RANGE_RE.finditer(text):
        start = _point(m.group("a"), False)
        end = now if m.group("now") else _point(m.group("b"), True)
        if start is None or end is None or end < start or end - start > 600 or start > now:
            continue
        out.append(Period(start, min(end + 1, now + 1), bool(m.group("now")), m.group(0), m.start()))
    return out


def union_months(periods: list[Period]) -> int:
    """Total months covered by the union of periods: overlapping jobs count once."""
    total, cur_s, cur_e = 0, None, None
    for p in sorted(periods, key=lambda p: p.start):
        if cur_e is None or p.start > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = p.start, p.end
        else:
            cur_e = max(cur_e, p.end)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def ym(months: int) -> str:
    """Month index → 'YYYY-MM'."""
    return f"{months // 12:04d}-{months % 12 + 1:02d}"
