"""Battlecards from the fixture competitor site: cited lines, audiences, thin-evidence handling."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sophia_crew.engines.research.battlecard import build_battlecard, load_product, render_battlecard
from sophia_crew.engines.research.fetcher import Fetcher, FetchPolicy
from sophia_crew.engines.research.models import PricingResult
from sophia_crew.engines.research.pipeline import research_competitor
from sophia_crew.engines.research.serve import serve_directory
from sophia_crew.errors import InputError

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "research" / "site"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bc")
    with serve_directory(SITE) as base, Fetcher(tmp / "cache", FetchPolicy(min_interval=0)) as fetcher:
        yield research_competitor(base, fetcher, now=NOW)


def test_product_facts_load():
    product = load_product()
    assert product.product == "PayReady"
    assert [t.name for t in product.tiers] == ["Starter", "Growth", "Enterprise"]
    assert product.tiers[1].monthly == 79


def test_bad_product_file_is_input_error(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("product: X\nas_of: not-a-date\n", encoding="utf-8")
    with pytest.raises(InputError, match="p.yaml"):
        load_product(bad)


def test_every_line_has_a_dated_source_and_audience(report):
    card = report.battlecard
    assert card.competitor == "Northwind Pay" and card.our_product == "PayReady"
    lines = [ln for s in card.sections for ln in s.lines]
    assert len(lines) >= 15
    for line in lines:
        assert line.sources and all(e.fetched_at and e.source_url and e.snippet for e in line.sources)
        assert line.audience in ("internal", "customer_safe")
    md = render_battlecard(card)
    for row in md.splitlines():
        if row.startswith("- **["):
            assert "_source: " in row and "(20" in row  # URL (YYYY-MM-DD)


def test_pricing_comparison_and_win_lose(report):
    card = report.battlecard
    pricing = [ln.text for ln in card.section("pricing").lines]
    assert pricing[0] == "Northwind Pay Starter: USD 29/user/month · PayReady Starter: USD 39/user/month."
    assert pricing[1].startswith(
        "Northwind Pay Growth: USD 59/user/month, USD 540/user/year · PayReady Growth: USD 79/user/month"
    )
    assert all(ln.audience == "customer_safe" for ln in card.section("pricing").lines)
    lose = [ln.text for ln in card.section("lose").lines]
    assert any(
        t.startswith(
            "Price: Growth vs Growth: they list USD 59/user/month, we list USD 79/user/month (-25% for them)"
        )
        for t in lose
    )
    assert any('"Instant payouts"' in t for t in lose)
    win = [ln.text for ln in card.section("win").lines]
    assert any(t.startswith("Automated bank reconciliation: not listed") for t in win)
    assert not any(t.startswith("Card, ACH and SEPA acceptance") for t in win)  # they list card acceptance
    assert all(ln.audience == "internal" for ln in card.section("win").lines + card.section("lose").lines)
    traps = card.section("traps").lines
    assert traps and traps[0].text.startswith("Ask how many hours a month")


def test_signals_from_jobs_and_news(report):
    texts = [ln.text for ln in report.battlecard.section("signals").lines]
    assert texts[0].startswith("Hiring in Sales: 2 open role(s)")
    assert "News 2026-10-02: Northwind Pay raises $40M Series B" in texts


def test_insufficient_signal_when_evidence_thin(report):
    one_tier = report.pricing.model_copy(update={"tiers": report.pricing.tiers[:1]})
    card = build_battlecard("https://thin.test", None, one_tier, None, min_facts=2, now=NOW)
    for key in ("positioning", "pricing", "signals"):
        section = card.section(key)
        assert section.insufficient_signal and section.lines == []
        assert "need at least 2" in section.note
    empty = build_battlecard(
        "https://none.test", None, PricingResult(url="https://none.test/p", fetched_at=NOW), None, now=NOW
    )
    assert all(s.insufficient_signal for s in empty.sections)
    assert "Insufficient signal" in render_battlecard(empty)


def test_unreachable_site_gives_errors_and_insufficient_signal(tmp_path):
    site = tmp_path / "closed"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    (site / "index.html").write_text(
        "<html><body><a href='/pricing.html'>Pricing</a></body></html>", encoding="utf-8"
    )
    with serve_directory(site) as base, Fetcher(tmp_path / "cache", FetchPolicy(min_interval=0)) as fetcher:
        rep = research_competitor(base, fetcher, now=NOW)
    assert len(rep.errors) == 1 and "disallowed by robots.txt" in rep.errors[0]
    assert [c.tool for c in rep.tool_calls] == ["fetch_page", "build_battlecard"]
    assert all(s.insufficient_signal for s in rep.battlecard.sections)
