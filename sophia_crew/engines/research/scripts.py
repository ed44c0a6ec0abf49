"""Structured data embedded in ``<script>`` tags: JSON blocks, JS object literals, and plan objects in them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from .models import PricePoint
from .money import CONTACT_RE, price_from_value, unit_of

_OPENERS = re.compile(r"(?:=|:|\(|return)\s*([\[{])")
_KEYWORDS = re.compile(r"price|plan|tier|amount|preis|tarif|monthly|yearly|annual|currency", re.IGNORECASE)


def balanced_literal(text: str, start: int) -> str | None:
    """The bracket-balanced literal starting at ``text[start]`` (``{`` or ``[``), skipping string contents."""
    pairs = {"{": "}", "[": "]"}
    stack: list[str] = []
    quote: str | None = None
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in pairs:
            stack.append(pairs[ch])
        elif ch in "}]":
            if not stack or stack.pop() != ch:
                return None
            if not stack:
                return text[start : i + 1]
        i += 1
    return None


def script_objects(doc: Any, loads_js: Callable[[str], Any]) -> Iterator[Any]:
    """Parsed data from every script that mentions prices or plans.

    ``application/json`` / ``ld+json`` bodies are parsed with :func:`json.loads`; in JavaScript every
    object/array literal that follows ``=``, ``:``, ``(`` or ``return`` is tried with json first and
    then ``loads_js`` (json5: unquoted keys, single quotes, trailing commas). Unparseable literals are skipped.
    """
    for script in doc.xpath("//script"):
        body = script.text or ""
        if not _KEYWORDS.search(body):
            continue
        stype = (script.get("type") or "").lower()
        if "json" in stype:
            try:
                yield json.loads(body)
                continue
            except ValueError:
                pass
        pos = 0
        while True:
            m = _OPENERS.search(body, pos)
            if not m:
                break
            literal = balanced_literal(body, m.start(1))
            if literal is None:
                pos = m.end()
                continue
            parsed = None
            for loader in (json.loads, loads_js):
                try:
                    parsed = loader(literal)
                    break
                except Exception:
                    continue
            if parsed is not None and _KEYWORDS.search(literal):
                yield parsed
                pos = m.start(1) + len(literal)
            else:
                pos = m.end()


# -- plan objects ---------------------------------------------------------------------------------

_NAME_KEYS = (
    "name",
    "title",
    "plan",
    "planName",
    "plan_name",
    "tier",
    "label",
    "displayName",
    "display_name",
)
_FEATURE_KEYS = ("features", "featureList", "feature_list", "includes", "highlights", "bullets")
_CONTACT_KEYS = ("contactSales", "contact_sales", "isCustom", "custom", "isEnterprise", "contact")


def _period_from_key(key: str) -> str | None:
    k = key.lower()
    if "month" in k or k in ("mo", "monthly"):
        return "monthly"
    if "year" in k or "annual" in k or k in ("yr",):
        return "yearly"
    return None


def _is_price_key(key: str) -> bool:
    k = key.lower()
    return (
        bool(re.search(r"price|amount|cost|monthly|yearly|annual|^month$|^year$|^mo$|^yr$|preis", k))
        and "currency" not in k
    )


def _json_tier(
    obj: dict[str, Any], fallback_name: str | None, currency: str | None
) -> tuple[str, list[PricePoint], list[str], bool] | None:
    name = next((obj[k] for k in _NAME_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), fallback_name)
    slug = next(
        (obj[k] for k in ("id", "slug", "key") if isinstance(obj.get(k), str) and obj[k].strip()), None
    )
    name = name or (slug.replace("_", " ").replace("-", " ").title() if slug else None)
    if not name:
        return None
    cur = next(
        (obj[k] for k in ("currency", "currencyCode", "priceCurrency") if isinstance(obj.get(k), str)),
        currency,
    )
    cur = cur.upper() if isinstance(cur, str) else None
    base_period = next(
        (
            _period_from_key(str(obj[k]))
            or (str(obj[k]).lower() if str(obj[k]).lower() in ("monthly", "yearly") else None)
            for k in ("period", "interval", "billing", "billingPeriod", "billing_period", "cycle", "unitText")
            if obj.get(k)
        ),
        None,
    )
    unit = next(
        (
            unit_of("per " + obj[k].replace("_", " ").replace("per ", ""))
            for k in ("unit", "per", "basis", "pricingUnit", "priceUnit")
            if isinstance(obj.get(k), str)
        ),
        None,
    )
    points: list[PricePoint] = []
    contact = any(obj.get(k) is True for k in _CONTACT_KEYS)
    for key, value in obj.items():
        if not _is_price_key(key):
            continue
        period = _period_from_key(key) or base_period
        scale = 0.01 if "cent" in key.lower() else 1.0
        if isinstance(value, dict):
            for sub, subval in value.items():
                sub_cur = (
                    sub.upper()
                    if re.fullmatch(r"[A-Za-z]{3}", sub)
                    and sub.lower() not in ("mon",)
                    and not _period_from_key(sub)
                    else cur
                )
                points.extend(price_from_value(subval, sub_cur, _period_from_key(sub) or period, unit))
        elif isinstance(value, list):
            for entry in value:
                if isinstance(entry, dict):
                    sub = _json_tier({**entry, "name": name}, name, cur)
                    if sub:
                        points.extend(sub[1])
        elif value is None or (isinstance(value, str) and CONTACT_RE.search(value)):
            contact = True
        else:
            points.extend(
                p.model_copy(update={"amount": p.amount * scale if p.amount is not None else None})
                for p in price_from_value(value, cur, period, unit)
            )
    features: list[str] = []
    for key in _FEATURE_KEYS:
        for f in obj.get(key) or []:
            text = (
                f
                if isinstance(f, str)
                else next(
                    (
                        f.get(k)
                        for k in ("name", "title", "label", "text")
                        if isinstance(f, dict) and isinstance(f.get(k), str)
                    ),
                    None,
                )
            )
            if text:
                features.append(re.sub(r"\s+", " ", text).strip())
    cta = " ".join(str(obj.get(k, "")) for k in ("cta", "button", "ctaText", "cta_text", "action"))
    contact = contact or bool(CONTACT_RE.search(cta))
    if not points and not contact:
        return None
    return str(name), _annual_as_monthly(points), features, contact


def _annual_as_monthly(points: list[PricePoint]) -> list[PricePoint]:
    """A "yearly" JSON price not above the monthly one is a per-month price billed annually (toggle data)."""
    monthly = [
        p.amount
        for p in points
        if p.billing_period == "monthly" and not p.billed_annually and p.amount is not None
    ]
    if not monthly:
        return points
    out = []
    for p in points:
        if p.billing_period == "yearly" and p.amount is not None and p.amount <= max(monthly):
            if p.amount in monthly:
                continue  # same as the monthly price (e.g. a free tier): nothing new
            p = p.model_copy(update={"billing_period": "monthly", "billed_annually": True})
        out.append(p)
    return out


def walk_plans(
    data: Any, currency: str | None, out: list[tuple[str, list[PricePoint], list[str], bool, str]]
) -> None:
    if isinstance(data, list):
        tiers = [t for item in data if isinstance(item, dict) and (t := _json_tier(item, None, currency))]
        if tiers:
            out.extend(
                (*t, json.dumps(item, ensure_ascii=False))
                for t, item in zip(
                    tiers, [i for i in data if isinstance(i, dict) and _json_tier(i, None, currency)]
                )
            )
            return
        for item in data:
            walk_plans(item, currency, out)
    elif isinstance(data, dict):
        inherited = next(
            (data[k] for k in ("currency", "currencyCode", "priceCurrency") if isinstance(data.get(k), str)),
            None,
        )
        currency = inherited.upper() if inherited and re.fullmatch(r"[A-Za-z]{3}", inherited) else currency
        by_period = {
            k: v
            for k, v in data.items()
            if _period_from_key(k)
            and isinstance(v, dict)
            and v
            and all(isinstance(x, (int, float, str)) or x is None for x in v.values())
        }
        if by_period:  # {"monthly": {"Starter": 49, ...}, "yearly": {...}}
            for key, prices in by_period.items():
                for tier_name, value in prices.items():
                    points = price_from_value(value, currency, _period_from_key(key), None)
                    contact = value is None or (isinstance(value, str) and bool(CONTACT_RE.search(value)))
                    if points or contact:
                        out.append((tier_name, points, [], contact, json.dumps({key: {tier_name: value}})))
            return
        keyed = {k: v for k, v in data.items() if isinstance(v, dict) and _json_tier(v, k, currency)}
        if len(keyed) >= 2 and all(not _is_price_key(k) for k in keyed):
            for key, value in keyed.items():
                tier = _json_tier(value, key.replace("_", " ").title() if key.islower() else key, currency)
                if tier:
                    out.append((*tier, json.dumps({key: value}, ensure_ascii=False)))
            return
        for value in data.values():
            if isinstance(value, (dict, list)):
                walk_plans(value, currency, out)
