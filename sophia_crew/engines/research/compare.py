"""Tier-by-tier price comparison of a competitor's pricing page with our own price book."""

from __future__ import annotations

from .battlecard import ProductFacts, _match_ours, _monthly, _same_unit, load_product
from .models import PriceComparison, PricingResult


def compare_pricing(
    pricing: PricingResult | None, product: ProductFacts | None = None
) -> list[PriceComparison]:
    """Match each competitor tier with one of ours and compare monthly list prices.

    A pair is ``comparable`` only when both monthly prices are published in the same currency and on
    the same basis (seat and user count as the same); otherwise ``diff_pct`` stays None rather than
    comparing unlike prices.

    Args:
        pricing: the competitor's extracted pricing page (None: no rows).
        product: our product facts (default: the knowledge file).
    """
    if pricing is None:
        return []
    product = product or load_product()
    rows: list[PriceComparison] = []
    for i, tier in enumerate(pricing.tiers):
        ours = _match_ours(tier, product.tiers, i)
        theirs = _monthly(tier)
        comparable = bool(
            theirs
            and ours is not None
            and ours.monthly
            and theirs.currency == product.currency
            and _same_unit(theirs.unit, ours.unit)
        )
        diff = (
            round((theirs.amount - ours.monthly) / ours.monthly * 100, 1)
            if comparable and theirs and ours and ours.monthly
            else None
        )
        rows.append(
            PriceComparison(
                their_tier=tier.name,
                their_prices=[p.label() for p in tier.prices] or ["no price published"],
                their_monthly=theirs.amount if theirs else None,
                currency=theirs.currency if theirs else None,
                their_unit=theirs.unit if theirs else None,
                contact_sales=tier.contact_sales,
                our_tier=ours.name if ours else None,
                our_monthly=ours.monthly if ours else None,
                our_unit=ours.unit if ours else None,
                comparable=comparable,
                diff_pct=diff,
                evidence=tier.evidence,
                our_source=product.evidence(
                    f"{ours.name}: {ours.monthly} {product.currency}/{ours.unit}/month"
                )
                if ours
                else None,
            )
        )
    return rows
