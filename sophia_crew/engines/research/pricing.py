"""Pricing-page extraction: tiers, prices, periods, per-unit basis and features.

Three sources, merged by tier name: HTML tables (tiers as columns or rows), pricing cards (a heading
plus a price inside the smallest enclosing block) and price matrices embedded in ``<script>`` tags
(JSON, or JS object literals read with json5).
"""

from __future__ import annotations

import re
from typing import Any

import json5

from .models import Evidence, FetchResult, InjectionFlag, PricePoint, PricingResult, PricingTier
from .money import CONTACT_RE, FREE_RE, dominant_currency, parse_prices, period_of, price_from_value, unit_of
from .safety import detect_injection, is_suspicious
from .scripts import script_objects, walk_plans
from .textutil import drop_noise, element_lines, evidence, parse_html, short, text_of

_HEADINGS = ("h2", "h3", "h4", "h5")  # an h1 titles the page, never a tier
_PRICE_ROW = re.compile(
    r"^$|price|pricing|cost|monthly|yearly|annual|per (month|year)|subscription|preis|kosten|monat|jahr",
    re.IGNORECASE,
)
_YES = re.compile(r"^(✓|✔|✅|☑|yes|ja|included|inklusive|enthalten|x)$", re.IGNORECASE)
_NO = re.compile(r"^(✗|✘|❌|—|–|-|no|nein|n/a|none|not included)?$", re.IGNORECASE)
_PERIOD_ATTRS = re.compile(
    r"data-(?:price-?)?(monthly|month|yearly|year|annual|annually)(?:-price)?$", re.IGNORECASE
)
_NOT_TIER = re.compile(
    r"^(pricing|prices|preise|plans|pläne|tarife|compare|faq|frequently asked|features|"
    r"funktionen|all plans|everything in|add-?ons?)\b",
    re.IGNORECASE,
)


def _normal(name: str) -> str:
    return re.sub(r"\s+(plan|tarif|paket)$", "", re.sub(r"\s+", " ", name).strip().casefold())


def _contact_point(text: str) -> bool:
    return bool(CONTACT_RE.search(text))


def _tier(
    name: str, prices: list[PricePoint], features: list[str], contact: bool, ev: Evidence
) -> PricingTier:
    if contact and not any(p.amount is not None or p.percent is not None for p in prices):
        prices = [PricePoint(amount=None)]
    return PricingTier(
        name=name.strip(),
        prices=prices,
        contact_sales=contact and all(p.amount is None for p in prices),
        features=features,
        evidence=ev,
    )


# -- tables -------------------------------------------------------------------------------------


def _table_tiers(page: FetchResult, table: Any, currency: str | None) -> list[PricingTier]:
    rows = [[text_of(c) for c in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")]
    rows = [r for r in rows if any(r)]
    if len(rows) < 2:
        return []
    header = rows[0]
    # tiers as rows: header names a plan column and a price column
    low = [h.casefold() for h in header]
    name_col = next(
        (i for i, h in enumerate(low) if re.search(r"plan|tier|tarif|paket|edition|package", h)), None
    )
    price_cols = [
        i for i, h in enumerate(low) if re.search(r"price|preis|cost|kosten|month|year|monat|jahr", h)
    ]
    if name_col is None or not price_cols:
        return _column_tiers(page, rows, currency)
    tiers = []
    for row in rows[1:]:
        if len(row) <= max(price_cols + [name_col]):
            continue
        points, contact = [], False
        for i in price_cols:
            points.extend(_points_from_text(row[i], currency, context=header[i]))
            contact = contact or _contact_point(row[i])
        if not points and not contact:
            continue
        other = [
            f"{header[i]}: {c}" if header[i] else c
            for i, c in enumerate(row)
            if i != name_col and i not in price_cols and c
        ]
        tiers.append(_tier(row[name_col], points, other, contact, evidence(page, " | ".join(row))))
    return tiers


def _column_tiers(page: FetchResult, rows: list[list[str]], currency: str | None) -> list[PricingTier]:
    header = rows[0]

    def pricey(cell: str) -> bool:
        return bool(parse_prices(cell, currency)) or _contact_point(cell) or bool(FREE_RE.search(cell))

    # tiers as columns: header = ["", "Starter", "Growth", ...], some row holds prices
    # fee rows ("ACH debit: 80¢") become features; only rows labelled as prices give price points
    if len(header) >= 3 and any(sum(pricey(c) for c in r[1:]) >= max(1, (len(r) - 1) // 2) for r in rows[1:]):
        names = header[1:]
        prices: list[list[PricePoint]] = [[] for _ in names]
        contact = [False] * len(names)
        features: list[list[str]] = [[] for _ in names]
        for row in rows[1:]:
            label, cells = row[0], row[1:]
            if _PRICE_ROW.search(label) and sum(pricey(c) for c in cells) >= max(1, len(cells) // 2):
                for j, cell in enumerate(cells[: len(names)]):
                    points = _points_from_text(cell, currency, context=label)
                    prices[j].extend(points)
                    contact[j] = contact[j] or _contact_point(cell)
                continue
            for j, cell in enumerate(cells[: len(names)]):
                if _YES.match(cell):
                    features[j].append(label)
                elif not _NO.match(cell):
                    features[j].append(f"{label}: {cell}")
        quote = " | ".join(" ".join(r) for r in rows[:3])
        return [
            _tier(n, prices[j], features[j], contact[j], evidence(page, quote))
            for j, n in enumerate(names)
            if n and not _NOT_TIER.match(n)
        ]
    return []


def _points_from_text(text: str, currency: str | None, context: str = "") -> list[PricePoint]:
    if FREE_RE.search(text):
        return [
            PricePoint(amount=0.0, currency=currency, billing_period=period_of(context), unit=unit_of(text))
        ]
    points = parse_prices(text, currency)
    return [
        p.model_copy(
            update={
                "billing_period": p.billing_period or period_of(context),
                "unit": p.unit or unit_of(context),
            }
        )
        for p in points
    ]


# -- cards --------------------------------------------------------------------------------------


def _card_for(heading: Any, currency: str | None) -> Any | None:
    node = heading.getparent()
    for _ in range(6):
        if node is None or node.tag in ("body", "html"):
            return None
        if len(node.xpath(f".//{heading.tag}")) > 1:
            return None
        if node.xpath(".//table"):
            return None
        text = " \n ".join(element_lines(node))
        if parse_prices(text, currency) or _contact_point(text) or FREE_RE.search(_price_text(node, heading)):
            return node
        node = node.getparent()
    return None


def _price_text(card: Any, heading: Any) -> str:
    """Card text outside the heading and the feature list: where the price lives."""
    lines = element_lines(card)
    skip = {text_of(heading)} | {text_of(li) for li in card.xpath(".//li")}
    return " \n ".join(line for line in lines if line not in skip)


def _attr_points(card: Any, currency: str | None) -> list[PricePoint]:
    points = []
    for el in card.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            m = _PERIOD_ATTRS.match(attr)
            if m and re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", value):
                period = "monthly" if m.group(1).lower().startswith("month") else "yearly"
                points.extend(
                    price_from_value(
                        value,
                        currency,
                        period,
                        unit_of(text_of(el.getparent() if el.getparent() is not None else el)),
                    )
                )
    return points


def _heading_name(heading: Any) -> str:
    """Tier name from a card heading, without badges such as ``<span class="badge">Most popular</span>``."""
    own = (heading.text or "").strip()
    return re.sub(r"\s+", " ", own) if own else text_of(heading)


def _card_tiers(page: FetchResult, body: Any, currency: str | None) -> list[PricingTier]:
    cards: list[tuple[Any, Any]] = []
    for heading in body.xpath("|".join(f"//{h}" for h in _HEADINGS)):
        name = text_of(heading)
        if not name or len(name) > 40 or _NOT_TIER.match(name) or heading.xpath("ancestor::table"):
            continue
        card = _card_for(heading, currency)
        if card is not None and all(card is not c for c, _ in cards):
            cards.append((card, heading))
    # a block that contains another card is a section wrapper, not a tier
    inner = [
        (c, h) for c, h in cards if not any(o is not c and c in set(o.iterancestors()) for o, _ in cards)
    ]
    tiers = []
    for card, heading in inner:
        ptext = _price_text(card, heading)
        points = _attr_points(card, currency)
        if not points:
            points = _points_from_text(ptext, currency)
        features = [text_of(li) for li in card.xpath(".//li") if text_of(li)]
        contact = _contact_point(ptext)
        if not points and not contact:
            continue
        tiers.append(
            _tier(
                _heading_name(heading),
                points,
                features,
                contact,
                evidence(page, " | ".join(element_lines(card))),
            )
        )
    return tiers


# -- scripts ------------------------------------------------------------------------------------


def _script_tiers(page: FetchResult, doc: Any, currency: str | None) -> list[PricingTier]:
    found: list[tuple[str, list[PricePoint], list[str], bool, str]] = []
    for obj in script_objects(doc, json5.loads):
        walk_plans(obj, currency, found)
    return [
        _tier(name, points, feats, contact, evidence(page, quote))
        for name, points, feats, contact, quote in found
    ]


# -- merge --------------------------------------------------------------------------------------


def merge_tiers(groups: list[list[PricingTier]]) -> list[PricingTier]:
    """Merge tiers with the same (normalised) name; keeps first-seen order, unions prices and features."""
    merged: dict[str, PricingTier] = {}
    for group in groups:
        for tier in group:
            key = _normal(tier.name)
            if key not in merged:
                merged[key] = tier
                continue
            old = merged[key]
            prices = list(old.prices)
            for p in tier.prices:
                if p in prices:
                    continue
                if p.amount is None and p.percent is None:
                    if not prices:
                        prices.append(p)
                    continue
                prices = [q for q in prices if q.amount is not None or q.percent is not None] + [p]
            features = list(dict.fromkeys(old.features + tier.features))
            contact = all(p.amount is None and p.percent is None for p in prices)
            merged[key] = old.model_copy(
                update={"prices": prices, "features": features, "contact_sales": contact}
            )
    return list(merged.values())


def extract_pricing(page: FetchResult) -> PricingResult:
    """Extract pricing tiers from a pricing page.

    Args:
        page: a fetched (or saved) pricing page.

    Returns:
        Tiers in page order with prices (amount, currency, billing period, unit, billed-annually flag),
        features and evidence. Instruction-like feature texts are dropped and recorded as warnings.
    """
    doc = parse_html(page.text, page.final_url)
    scripts_doc = parse_html(page.text, page.final_url)
    body = drop_noise(doc)
    page_text = "\n".join(element_lines(body))
    currency = dominant_currency(page_text)
    tables = [t for table in body.xpath("//table") for t in _table_tiers(page, table, currency)]
    cards = _card_tiers(page, body, currency)
    scripted = _script_tiers(page, scripts_doc, currency)
    tiers = merge_tiers([cards, tables, scripted])
    warnings: list[InjectionFlag] = detect_injection(page_text, page.final_url)
    clean = []
    for tier in tiers:
        if is_suspicious(tier.name) or not (tier.prices or tier.contact_sales):
            continue
        feats = [f for f in tier.features if not is_suspicious(f)]
        prices = [
            p.model_copy(update={"currency": p.currency or currency}) if p.amount is not None else p
            for p in tier.prices
        ]
        clean.append(
            tier.model_copy(update={"features": feats, "prices": prices, "name": short(tier.name, 80)})
        )
    return PricingResult(url=page.final_url, fetched_at=page.fetched_at, tiers=clean, warnings=warnings)
