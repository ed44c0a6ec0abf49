"""Structured diffs between two snapshots: prices, tiers, features, jobs, news."""

from __future__ import annotations

from .models import Change, ChangeSet, PricePoint, PricingTier, Snapshot


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _price_key(p: PricePoint) -> str:
    parts = [p.billing_period] if p.billing_period else []
    if p.unit:
        parts.append(f"per {p.unit}")
    if p.billed_annually:
        parts.append("billed annually")
    if p.percent is not None:
        parts.append("percent fee")
    return ", ".join(parts) or "flat"


def _price_changes(old: PricingTier, new: PricingTier) -> list[Change]:
    changes: list[Change] = []
    before = {_price_key(p): p for p in old.prices}
    after = {_price_key(p): p for p in new.prices}
    for key in list(before) + [k for k in after if k not in before]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None:
            if (a.amount, a.percent, a.currency) == (b.amount, b.percent, b.currency):
                continue
            pct = None
            if (
                a.amount
                and b.amount is not None
                and a.currency == b.currency
                and a.percent is None
                and b.percent is None
            ):
                pct = round((b.amount - a.amount) / a.amount * 100, 1)
            changes.append(
                Change(
                    kind="price_changed",
                    tier=new.name,
                    item=key,
                    old=a.label(),
                    new=b.label(),
                    old_amount=a.amount,
                    new_amount=b.amount,
                    pct_change=pct,
                )
            )
        elif b is not None:
            changes.append(
                Change(kind="price_added", tier=new.name, item=key, new=b.label(), new_amount=b.amount)
            )
        elif a is not None:
            changes.append(
                Change(kind="price_removed", tier=new.name, item=key, old=a.label(), old_amount=a.amount)
            )
    return changes


def diff_snapshots(old: Snapshot, new: Snapshot) -> ChangeSet:
    """What changed from ``old`` to ``new``, as typed changes.

    Tiers are matched by case-insensitive name; prices within a tier by (billing period, unit,
    billed-annually); features by case-insensitive text; jobs by title + location; news by title.

    Args:
        old: earlier snapshot.
        new: later snapshot (normally of the same URL).

    Returns:
        A :class:`ChangeSet`; ``changes`` is empty when nothing structured changed.
    """
    changes: list[Change] = []
    old_tiers = {_key(t.name): t for t in old.tiers}
    new_tiers = {_key(t.name): t for t in new.tiers}
    for key, tier in old_tiers.items():
        if key not in new_tiers:
            changes.append(
                Change(
                    kind="tier_removed",
                    tier=tier.name,
                    item=tier.name,
                    old=", ".join(p.label() for p in tier.prices),
                )
            )
    for key, tier in new_tiers.items():
        if key not in old_tiers:
            changes.append(
                Change(
                    kind="tier_added",
                    tier=tier.name,
                    item=tier.name,
                    new=", ".join(p.label() for p in tier.prices),
                )
            )
            continue
        before = old_tiers[key]
        changes.extend(_price_changes(before, tier))
        old_feats = {_key(f): f for f in before.features}
        new_feats = {_key(f): f for f in tier.features}
        changes.extend(
            Change(kind="feature_removed", tier=tier.name, item=f, old=f)
            for k, f in old_feats.items()
            if k not in new_feats
        )
        changes.extend(
            Change(kind="feature_added", tier=tier.name, item=f, new=f)
            for k, f in new_feats.items()
            if k not in old_feats
        )
    old_jobs = {(_key(j.title), _key(j.location or "")): j for j in old.jobs}
    new_jobs = {(_key(j.title), _key(j.location or "")): j for j in new.jobs}
    for k, job in new_jobs.items():
        if k not in old_jobs:
            where = f" ({job.location})" if job.location else ""
            changes.append(Change(kind="job_added", item=job.title, new=f"{job.title}{where}"))
    for k, job in old_jobs.items():
        if k not in new_jobs:
            changes.append(Change(kind="job_removed", item=job.title, old=job.title))
    old_news = {_key(n.title) for n in old.news}
    for item in new.news:
        if _key(item.title) not in old_news:
            when = f"{item.date.isoformat()}: " if item.date else ""
            changes.append(Change(kind="news_added", item=item.title, new=f"{when}{item.title}"))
    return ChangeSet(
        url=new.url,
        old_taken_at=old.taken_at,
        new_taken_at=new.taken_at,
        content_changed=old.content_hash != new.content_hash,
        changes=changes,
    )


def render_changes(changeset: ChangeSet) -> str:
    """Markdown list of the changes (``no structured changes`` when empty)."""
    head = f"### {changeset.url}: {changeset.old_taken_at:%Y-%m-%d} → {changeset.new_taken_at:%Y-%m-%d}"
    if not changeset.changes:
        note = " (page content changed)" if changeset.content_changed else ""
        return f"{head}\n\n- no structured changes{note}\n"
    return head + "\n\n" + "\n".join(f"- {c.describe()}" for c in changeset.changes) + "\n"
