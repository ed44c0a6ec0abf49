"""The embedded demo competitor (SwiftPay) served on 127.0.0.1 through the normal fetch path.

Expected values read by hand from sophia_crew/demo_data/payready/web/swiftpay*/pricing.html (cards, the
compare table and the inline ``window.__SWIFTPAY_PRICING__`` object). Skips until the demo pages exist.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sophia_crew.engines.research.fetcher import Fetcher, FetchError, FetchPolicy
from sophia_crew.engines.research.monitor import diff_saved_site
from sophia_crew.engines.research.pipeline import research_competitor
from sophia_crew.engines.research.serve import serve_directory
from sophia_crew.resources import demo_path

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():
    path = demo_path("web", "swiftpay")
    if (
        not (path / "pricing.html").is_file()
        or not (demo_path("web", "swiftpay_2026-10") / "pricing.html").is_file()
    ):
        pytest.skip("demo competitor pages not present")
    return path


@pytest.fixture(scope="module")
def report(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    with serve_directory(site) as base, Fetcher(tmp / "cache", FetchPolicy(min_interval=0)) as fetcher:
        yield research_competitor(base, fetcher, now=NOW)


def test_demo_pricing_tiers(report):
    tiers = {t.name: t for t in report.pricing.tiers}
    assert list(tiers) == ["Starter", "Growth", "Business", "Enterprise"]
    growth = [
        (p.amount, p.billing_period, p.unit, p.billed_annually)
        for p in tiers["Growth"].prices
        if p.percent is None
    ]
    assert growth == [
        (55.0, "monthly", "seat", False),
        (45.0, "monthly", "seat", True),
    ]  # 45 only in the <script>
    fee = next(p for p in tiers["Business"].prices if p.percent is not None)
    assert (fee.percent, fee.amount, fee.unit) == (2.3, 0.2, "transaction")
    assert tiers["Enterprise"].contact_sales
    assert "AI dispute assistant" in tiers["Business"].features


def test_demo_battlecard_every_claim_sourced_and_dated(report):
    card = report.battlecard
    assert report.errors == [] and card.competitor == "SwiftPay"
    lines = [ln for s in card.sections for ln in s.lines]
    assert len(lines) >= 20
    assert all(
        ln.sources and all(e.fetched_at.year >= 2026 and e.source_url for e in ln.sources) for ln in lines
    )
    lose = [ln.text for ln in card.section("lose").lines]
    assert any(t.startswith("Price: Growth vs Growth: they list USD 55/seat/month") for t in lose)
    assert any('"AI dispute assistant"' in t for t in lose)
    signals = [ln.text for ln in card.section("signals").lines]
    assert any(t.startswith("News 2026-11-03: SwiftPay launches Instant Payouts") for t in signals)


def test_demo_robots_respected(site, tmp_path):
    with (
        serve_directory(site) as base,
        Fetcher(tmp_path / "c", FetchPolicy(min_interval=0)) as fetcher,
        pytest.raises(FetchError) as err,
    ):
        fetcher.fetch(f"{base}/internal/roadmap.html")
    assert err.value.reason == "robots_disallowed"


def test_demo_changes_since_october(site, tmp_path):
    sets = {
        c.url: c for c in diff_saved_site(site, cache_dir=tmp_path / "c", current_date=date(2026, 11, 15))
    }
    pricing = sets["swiftpay/pricing.html"]
    assert [c.tier for c in pricing.by_kind("tier_removed")] == ["Pro"]
    assert [c.tier for c in pricing.by_kind("tier_added")] == ["Growth"]
    changed = {(c.tier, c.item): (c.old_amount, c.new_amount) for c in pricing.by_kind("price_changed")}
    assert changed[("Business", "monthly, per seat")] == (99.0, 109.0)
    assert changed[("Business", "monthly, per seat, billed annually")] == (79.0, 89.0)
    assert "Head of Sales, DACH" in [c.item for c in sets["swiftpay/careers.html"].by_kind("job_added")]
