"""Battlecards: competitor facts + our product facts → cited, audience-tagged lines per section."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import jinja2
import yaml
from pydantic import BaseModel, Field, ValidationError

from sophia_crew.errors import InputError
from sophia_crew.resources import knowledge_path

from .models import (
    Battlecard,
    BattlecardLine,
    BattlecardSection,
    CompanyProfile,
    Evidence,
    JobsNews,
    PricePoint,
    PricingResult,
    PricingTier,
)

SECTION_TITLES = {
    "positioning": "Positioning",
    "pricing": "Pricing comparison",
    "win": "Where we win",
    "lose": "Where we lose",
    "objections": "Objection talk-tracks",
    "traps": "Traps to set",
    "signals": "Hiring and news signals",
}


class OurTier(BaseModel):
    name: str
    monthly: float | None = None
    yearly: float | None = None
    unit: str | None = None
    processing: str | None = None
    comparable: list[str] = Field(default_factory=list)


class OurFeature(BaseModel):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)


class Objection(BaseModel):
    when: Literal["competitor_cheaper", "competitor_feature", "always"]
    audience: Literal["internal", "customer_safe"] = "internal"
    text: str


class ProductFacts(BaseModel):
    """Our own product, as written in ``knowledge/research/payready_product.yaml``."""

    product: str
    as_of: dt.date
    source: str
    positioning: str
    currency: str = "USD"
    tiers: list[OurTier]
    features: list[OurFeature]
    objections: list[Objection] = Field(default_factory=list)
    traps: dict[str, str] = Field(default_factory=dict)

    def evidence(self, snippet: str) -> Evidence:
        when = dt.datetime.combine(self.as_of, dt.time(), tzinfo=dt.UTC)
        return Evidence(source_url=self.source, fetched_at=when, snippet=snippet[:240])


def load_product(path: str | Path | None = None) -> ProductFacts:
    """Load our product facts (default ``knowledge/research/payready_product.yaml``).

    Raises:
        InputError: missing file, bad YAML or a missing/invalid field (named in the message).
    """
    file = Path(path) if path else knowledge_path("research", "payready_product.yaml")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{file}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{file}: invalid YAML ({str(exc).splitlines()[0]})") from None
    try:
        return ProductFacts.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{file}: {field}: {err['msg']}") from None


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.2f}".replace(".00", "")


def _match_ours(tier: PricingTier, ours: list[OurTier], index: int) -> OurTier | None:
    name = tier.name.casefold()
    for our in ours:
        if any(re.search(rf"\b{re.escape(c)}\b", name) for c in our.comparable):
            return our
    return ours[index] if index < len(ours) else None


def _monthly(tier: PricingTier) -> PricePoint | None:
    return next(
        (
            p
            for p in tier.prices
            if p.billing_period == "monthly" and not p.billed_annually and p.amount is not None
        ),
        None,
    )


def _same_unit(a: str | None, b: str | None) -> bool:
    """Seats and users are the same billing basis for a price comparison."""
    norm = {"seat": "user", "license": "user", "member": "user"}
    return norm.get(a or "", a or "") == norm.get(b or "", b or "")


def _feature_hits(text: str, feature: OurFeature) -> bool:
    low = text.casefold()
    return any(re.search(rf"(?<![\w]){re.escape(a.casefold())}", low) for a in feature.aliases)


def build_battlecard(
    competitor_url: str,
    profile: CompanyProfile | None,
    pricing: PricingResult | None,
    jobs_news: JobsNews | None,
    product: ProductFacts | None = None,
    *,
    min_facts: int = 2,
    now: dt.datetime | None = None,
) -> Battlecard:
    """Fill the battlecard sections from extracted competitor facts and our product facts.

    Every line cites at least one dated source. A section whose competitor evidence has fewer than
    ``min_facts`` facts says "insufficient signal" instead of guessing.

    Args:
        competitor_url: the competitor site (home page URL).
        profile: extracted company profile (any page of theirs).
        pricing: extracted pricing page.
        jobs_news: extracted careers/news pages (merged).
        product: our product facts (default: loaded from the knowledge file).
        min_facts: minimum competitor facts behind a section.
        now: generation time (default: now, UTC).
    """
    product = product or load_product()
    name = profile.name.value if profile and profile.name else competitor_url
    tiers = pricing.tiers if pricing else []
    feature_ev: dict[str, Evidence] = {}
    for tier in tiers:
        for feat in tier.features:
            # "Everything in Starter" and table attributes ("Seats: up to 25", "Dispute fee: $15") are not features
            if (
                not re.match(r"(everything|all features) in\b|alles aus", feat, re.IGNORECASE)
                and ": " not in feat
            ):
                feature_ev.setdefault(feat, tier.evidence)
    sections: dict[str, tuple[list[BattlecardLine], int]] = {}
    our_ev = product.evidence(product.positioning)

    # positioning
    lines: list[BattlecardLine] = []
    facts = profile.facts() if profile else []
    if profile and profile.description:
        lines.append(
            BattlecardLine(
                text=f'{name} describes itself as: "{profile.description.value}"',
                audience="internal",
                sources=[profile.description.evidence],
            )
        )
    if profile and profile.products_services:
        listed = ", ".join(f.value for f in profile.products_services[:8])
        lines.append(
            BattlecardLine(
                text=f"{name} lists these products/services: {listed}.",
                audience="internal",
                sources=[profile.products_services[0].evidence],
            )
        )
    if lines:
        lines.append(
            BattlecardLine(
                text=f"Our positioning: {product.positioning}", audience="customer_safe", sources=[our_ev]
            )
        )
    sections["positioning"] = (lines, len(facts))

    # pricing, wins and losses on price
    price_lines, win, lose, cheaper = [], [], [], []
    for i, tier in enumerate(tiers):
        our = _match_ours(tier, product.tiers, i)
        theirs = _monthly(tier)
        their_label = ", ".join(p.label() for p in tier.prices) or "no price published"
        if our is None:
            price_lines.append(
                BattlecardLine(
                    text=f"{name} {tier.name}: {their_label}.",
                    audience="customer_safe",
                    sources=[tier.evidence],
                )
            )
            continue
        our_label = (
            f"{_money(our.monthly, product.currency)}/{our.unit}/month"
            if our.monthly is not None and our.unit
            else (
                f"{_money(our.monthly, product.currency)}/month"
                if our.monthly is not None
                else "contact sales"
            )
        )
        srcs = [tier.evidence, product.evidence(f"{our.name}: {our_label}")]
        price_lines.append(
            BattlecardLine(
                text=f"{name} {tier.name}: {their_label} · {product.product} {our.name}: {our_label}.",
                audience="customer_safe",
                sources=srcs,
            )
        )
        if (
            theirs
            and our.monthly is not None
            and theirs.currency == product.currency
            and _same_unit(theirs.unit, our.unit)
        ):
            diff = (theirs.amount - our.monthly) / our.monthly * 100 if our.monthly else 0.0
            text = f"{tier.name} vs {our.name}: they list {theirs.label()}, we list {_money(our.monthly, product.currency)}/{our.unit}/month ({diff:+.0f}% for them)."
            if theirs.amount > our.monthly:
                win.append(BattlecardLine(text=f"Price: {text}", audience="internal", sources=srcs))
            elif theirs.amount < our.monthly:
                lose.append(BattlecardLine(text=f"Price: {text}", audience="internal", sources=srcs))
                cheaper.append((tier, theirs, our))
    sections["pricing"] = (price_lines, len(tiers))

    # features
    all_feats = " \n ".join(feature_ev)
    missing_on_their_side = [f for f in product.features if not _feature_hits(all_feats, f)]
    their_only = [feat for feat in feature_ev if not any(_feature_hits(feat, f) for f in product.features)]
    pricing_src = tiers[0].evidence if tiers else None
    if pricing_src and feature_ev:
        for feat in missing_on_their_side:
            win.append(
                BattlecardLine(
                    text=f"{feat.name}: not listed on {name}'s pricing page.",
                    audience="internal",
                    sources=[pricing_src, product.evidence(feat.name)],
                )
            )
    for feat in their_only[:8]:
        lose.append(
            BattlecardLine(
                text=f'{name} lists "{feat}"; we have no matching feature in our product facts.',
                audience="internal",
                sources=[feature_ev[feat], our_ev],
            )
        )
    sections["win"] = (win, len(feature_ev) + len(tiers))
    sections["lose"] = (lose, len(feature_ev) + len(tiers))

    # objections
    obj_lines = []
    for obj in product.objections:
        if obj.when == "competitor_cheaper":
            for tier, theirs, our in cheaper[:2]:
                text = obj.text.format(
                    competitor=name,
                    tier=tier.name,
                    their_price=theirs.label(),
                    our_price=f"{_money(our.monthly or 0, product.currency)}/{our.unit}/month",
                    feature="",
                )
                obj_lines.append(
                    BattlecardLine(
                        text=text, audience=obj.audience, sources=[tier.evidence, product.evidence(our.name)]
                    )
                )
        elif obj.when == "competitor_feature":
            for feat in their_only[:2]:
                text = obj.text.format(competitor=name, feature=feat, tier="", their_price="", our_price="")
                obj_lines.append(
                    BattlecardLine(text=text, audience=obj.audience, sources=[feature_ev[feat], our_ev])
                )
        elif tiers:
            obj_lines.append(
                BattlecardLine(
                    text=obj.text.format(competitor=name, feature="", tier="", their_price="", our_price=""),
                    audience=obj.audience,
                    sources=[our_ev],
                )
            )
    sections["objections"] = (obj_lines, len(tiers) + len(feature_ev))

    # traps: only for our strengths they do not list
    trap_lines = [
        BattlecardLine(
            text=product.traps[f.id], audience="internal", sources=[pricing_src, product.evidence(f.name)]
        )
        for f in missing_on_their_side
        if f.id in product.traps and pricing_src and feature_ev
    ]
    sections["traps"] = (trap_lines, len(feature_ev))

    # hiring and news
    signal_lines: list[BattlecardLine] = []
    jobs = jobs_news.jobs if jobs_news else []
    news = jobs_news.news if jobs_news else []
    by_dept: dict[str, list] = {}
    for job in jobs:
        by_dept.setdefault(job.department or "Unspecified", []).append(job)
    for dept, items in sorted(by_dept.items(), key=lambda kv: -len(kv[1])):
        titles = "; ".join(f"{j.title}" + (f" ({j.location})" if j.location else "") for j in items[:4])
        signal_lines.append(
            BattlecardLine(
                text=f"Hiring in {dept}: {len(items)} open role(s): {titles}.",
                audience="internal",
                sources=[items[0].evidence],
            )
        )
    for item in news[:5]:
        when = item.date.isoformat() if item.date else "undated"
        signal_lines.append(
            BattlecardLine(text=f"News {when}: {item.title}", audience="internal", sources=[item.evidence])
        )
    sections["signals"] = (signal_lines, len(jobs) + len(news))

    out = []
    for key, title in SECTION_TITLES.items():
        lines, n_facts = sections[key]
        if n_facts < min_facts or not lines:
            out.append(
                BattlecardSection(
                    key=key,
                    title=title,
                    insufficient_signal=True,
                    note=f"{n_facts} competitor fact(s) behind this section, need at least {min_facts}",
                )
            )
        else:
            out.append(BattlecardSection(key=key, title=title, lines=lines))
    warnings = (
        (profile.warnings if profile else [])
        + (pricing.warnings if pricing else [])
        + (jobs_news.warnings if jobs_news else [])
    )
    return Battlecard(
        competitor=name,
        competitor_url=competitor_url,
        our_product=product.product,
        generated_at=now or dt.datetime.now(dt.UTC),
        sections=out,
        warnings=warnings,
    )


def render_battlecard(card: Battlecard, template: str | Path | None = None) -> str:
    """Markdown rendering of a battlecard (template ``knowledge/research/battlecard.md.j2`` by default)."""
    path = Path(template) if template else knowledge_path("research", "battlecard.md.j2")
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read battlecard template ({exc.strerror})") from None
    env = jinja2.Environment(
        autoescape=False, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
    )
    return env.from_string(source).render(card=card).strip() + "\n"
