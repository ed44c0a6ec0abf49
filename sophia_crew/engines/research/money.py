"""Price text parsing: amounts in US/EU number formats, currencies, billing periods and per-unit bases."""

from __future__ import annotations

import re

from .models import PricePoint

_SYMBOLS = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "chf": "CHF",
    "fr.": "CHF",
    "sfr.": "CHF",
    "¥": "JPY",
    "jpy": "JPY",
    "c$": "CAD",
    "cad": "CAD",
    "a$": "AUD",
    "aud": "AUD",
    "kr": "SEK",
    "sek": "SEK",
}
_CUR = r"US\$|C\$|A\$|\$|€|£|¥|CHF|USD|EUR|GBP|JPY|CAD|AUD|SEK|SFr\.|Fr\."
_NUM = r"\d{1,3}(?:[.,\u00a0\u202f' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
MONEY_RE = re.compile(
    rf"(?P<pre>{_CUR})\s?(?P<n1>{_NUM})(?:[.,]-)?(?!\d)|(?<![\w.,])(?P<n2>{_NUM})(?:[.,]-)?\s?(?P<post>{_CUR}|Euro\b)",
    re.IGNORECASE,
)
_DISCOUNT = re.compile(r"\b(save|saving|discount|off|sparen|spare|rabatt|up to|bis zu)\b", re.IGNORECASE)
CENTS_RE = re.compile(r"(?<![\w.,])(\d{1,2})\s?¢")
PERCENT_RE = re.compile(r"(?<![\w.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
CONTACT_RE = re.compile(
    r"\b(contact (sales|us)|talk to (sales|us)|custom( pricing| quote)?|let'?s talk|get a quote|request a quote|"
    r"book a demo|on request|auf anfrage|individuell|kontaktieren sie uns|vertrieb kontaktieren|preis auf anfrage)\b",
    re.IGNORECASE,
)
FREE_RE = re.compile(r"^\s*(free|kostenlos|gratis|0\s?[$€£])\b|^\s*free forever\b", re.IGNORECASE)
_MONTHLY = re.compile(
    r"/\s?(mo|mon|month|monat|mtl)\b|\b(per|a|pro|je|im)\s(month|monat)\b|\bmonthly\b|\bmonatlich\b|\bmtl\.",
    re.IGNORECASE,
)
_YEARLY = re.compile(
    r"/\s?(yr|year|jahr|annum)\b|\b(per|a|pro|je|im)\s(year|jahr|annum)\b|\byearly\b|\bannual(ly)?\b|\bjährlich\b",
    re.IGNORECASE,
)
_BILLED_YEARLY = re.compile(
    r"\b(billed|paid|payable)\s(annually|yearly|per year|every year)\b|\bjährliche?\s(abrechnung|zahlung)\b|\bbei jährlicher\b",
    re.IGNORECASE,
)
_ONE_TIME = re.compile(r"\bone[- ]time\b|\beinmalig\b|\blifetime\b", re.IGNORECASE)
_UNITS = [
    ("seat", re.compile(r"(/|\bper\s|\bpro\s|\bje\s)\s?(seat|sitz|platz|lizenz|license)\b", re.IGNORECASE)),
    (
        "user",
        re.compile(
            r"(/|\bper\s|\bpro\s|\bje\s)\s?(active\s)?(user|member|agent|nutzer|benutzer|anwender|mitarbeiter)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "transaction",
        re.compile(
            r"(/|\bper\s|\bpro\s|\bje\s)\s?(successful\s)?(transaction|txn|charge|payment|transaktion|zahlung)\b",
            re.IGNORECASE,
        ),
    ),
    ("invoice", re.compile(r"(/|\bper\s|\bpro\s|\bje\s)\s?(invoice|rechnung)\b", re.IGNORECASE)),
]


def parse_amount(text: str) -> float:
    """Parse ``1,234.56`` / ``1.234,56`` / ``1 234,56`` / ``1'234.50`` / ``29`` into a float."""
    s = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        s = s.replace(thousands, "").replace(decimal, ".")
    elif "," in s:
        s = s.replace(",", "") if re.search(r",\d{3}$", s) else s.replace(",", ".")
    elif "." in s and re.search(r"\.\d{3}$", s):
        s = s.replace(".", "")
    return float(s)


def currency_code(symbol: str) -> str:
    """ISO code for a currency symbol or code (``€`` → ``EUR``)."""
    return _SYMBOLS.get(symbol.strip().lower(), symbol.strip().upper())


def dominant_currency(text: str) -> str | None:
    """The most frequent currency in ``text`` (used for prices written without a symbol)."""
    counts: dict[str, int] = {}
    for m in MONEY_RE.finditer(text):
        code = currency_code(m.group("pre") or m.group("post"))
        counts[code] = counts.get(code, 0) + 1
    return max(counts, key=counts.get) if counts else None


def period_of(context: str) -> str | None:
    """Billing period named in ``context``: monthly, yearly, one_time or None."""
    m, y = _MONTHLY.search(context), _YEARLY.search(context)
    if m and (not y or m.start() < y.start()):
        return "monthly"
    if y:
        return "yearly"
    if _ONE_TIME.search(context):
        return "one_time"
    return None


def unit_of(context: str) -> str | None:
    """Per-unit basis named in ``context`` (seat, user, transaction, invoice) or None."""
    hits = [(m.start(), name) for name, rx in _UNITS if (m := rx.search(context))]
    return min(hits)[1] if hits else None


def billed_annually(context: str) -> bool:
    return bool(_BILLED_YEARLY.search(context))


def parse_prices(text: str, default_currency: str | None = None) -> list[PricePoint]:
    """Every price quoted in a short text (a pricing card's price block, a table cell, a JSON string).

    Each amount's period/unit is read from the text after it up to the next amount (falling back to the
    text before it). ``2.9% + 30¢ per transaction`` becomes one point with percent and amount.

    Args:
        text: price text, e.g. ``"€1.234,56 /Monat"`` or ``"$49 per user/month, billed annually"``.
        default_currency: currency for amounts without a symbol.

    Returns:
        Price points in text order; empty when no amount is present (see :data:`CONTACT_RE` for those).
    """
    text = re.sub(r"\s+", " ", text)
    found: list[tuple[int, int, float, str | None]] = []
    for m in MONEY_RE.finditer(text):
        found.append(
            (
                m.start(),
                m.end(),
                parse_amount(m.group("n1") or m.group("n2")),
                currency_code(m.group("pre") or m.group("post")),
            )
        )
    for m in CENTS_RE.finditer(text):
        found.append((m.start(), m.end(), int(m.group(1)) / 100, default_currency or "USD"))
    found.sort()
    percents = [
        (m.start(), m.end(), parse_amount(m.group(1)))
        for m in PERCENT_RE.finditer(text)
        if not _DISCOUNT.search(text[max(0, m.start() - 15) : m.start()] + " " + text[m.end() : m.end() + 5])
    ]
    points: list[PricePoint] = []
    used: set[int] = set()
    for _p_start, p_end, pct in percents:
        # "2.9% + 30¢" — a fixed fee joined to the percentage
        joined = next((f for f in found if 0 <= f[0] - p_end <= 4 and "+" in text[p_end : f[0]]), None)
        tail_start = joined[1] if joined else p_end
        nxt = min([f[0] for f in found if f[0] >= tail_start] + [len(text)])
        context = text[tail_start:nxt]
        if joined:
            used.add(joined[0])
        points.append(
            PricePoint(
                amount=joined[2] if joined else None,
                currency=joined[3] if joined else None,
                percent=pct,
                billing_period=period_of(context),
                unit=unit_of(context),
            )
        )
    for i, (start, end, amount, cur) in enumerate(found):
        if start in used:
            continue
        nxt = found[i + 1][0] if i + 1 < len(found) else len(text)
        after = text[end:nxt]
        before = text[(found[i - 1][1] if i else 0) : start][-30:]
        period = period_of(after) or period_of(before)
        points.append(
            PricePoint(
                amount=amount,
                currency=cur or default_currency,
                billing_period=period,
                unit=unit_of(after) or unit_of(before),
                billed_annually=billed_annually(after) or (billed_annually(before) and period == "monthly"),
            )
        )
        if points[-1].billed_annually and points[-1].billing_period is None:
            points[-1] = points[-1].model_copy(update={"billing_period": "yearly"})
    return points


def price_from_value(
    value: object, currency: str | None, period: str | None, unit: str | None
) -> list[PricePoint]:
    """Price points from a JSON value: a number, a numeric string or a price text like ``"€29/mo"``."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [PricePoint(amount=float(value), currency=currency, billing_period=period, unit=unit)]  # type: ignore[arg-type]
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"\d+(?:[.,]\d+)?", stripped):
            return [
                PricePoint(amount=parse_amount(stripped), currency=currency, billing_period=period, unit=unit)
            ]  # type: ignore[arg-type]
        if FREE_RE.search(stripped):
            return [PricePoint(amount=0.0, currency=currency, billing_period=period, unit=unit)]  # type: ignore[arg-type]
        points = parse_prices(stripped, currency)
        return [
            p.model_copy(
                update={
                    "billing_period": p.billing_period or period,
                    "unit": p.unit or unit,
                }
            )
            for p in points
        ]
    return []
