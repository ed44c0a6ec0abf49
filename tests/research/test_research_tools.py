"""The registered research tools, run against a locally served fixture site."""

from __future__ import annotations

from pathlib import Path

import pytest

import sophia_crew.tools.research  # noqa: F401  (registers the tools)
from sophia_crew.engines.research.safety import FENCE_CLOSE, FENCE_OPEN
from sophia_crew.engines.research.serve import serve_directory
from sophia_crew.registry import get_tool

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "research" / "site"


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path))
    monkeypatch.setenv("SOPHIA_RESEARCH_MIN_INTERVAL", "0")
    with serve_directory(SITE) as base:
        yield base


def test_fetch_page_returns_fenced_main_text(site):
    out = get_tool("fetch_page").run(url=f"{site}/about.html")
    assert out.status == 200 and out.title == "About us | Northwind Pay"
    assert out.text.startswith(FENCE_OPEN) and out.text.endswith(FENCE_CLOSE)
    assert "Founded in 2019" in out.text and "<p>" not in out.text


def test_extract_tools(site):
    profile = get_tool("extract_company_profile").run(url=f"{site}/about.html")
    assert profile.name.value == "Northwind Pay Ltd"
    assert [f.value for f in profile.emails] == ["hello@northwindpay.example", "press@northwindpay.example"]
    assert [f.value for f in profile.addresses] == ["12 Harbour Street, EC2A 4NE, London, GB"]
    pricing = get_tool("extract_pricing").run(url=f"{site}/pricing.html")
    assert [t.name for t in pricing.tiers] == ["Starter", "Growth", "Enterprise"]
    growth = pricing.tiers[1]
    assert [(p.amount, p.billing_period) for p in growth.prices] == [(59.0, "monthly"), (540.0, "yearly")]
    jobs = get_tool("extract_jobs_news").run(url=f"{site}/careers.html")
    assert len(jobs.jobs) == 3


def test_competitor_changes_and_battlecard(site):
    first = get_tool("competitor_changes").run(url=f"{site}/pricing.html", site_id="northwind")
    assert first.url == "northwind/pricing.html" and first.changes == []
    second = get_tool("competitor_changes").run(url=f"{site}/pricing.html", site_id="northwind")
    assert second.changes == [] and second.old_taken_at is not None
    result = get_tool("build_battlecard").run(competitor_url=site)
    assert result.battlecard.competitor == "Northwind Pay"
    assert result.markdown.startswith("# Battlecard: PayReady vs Northwind Pay")
    assert set(result.pages) == {"home", "about", "pricing", "careers", "news"} and result.errors == []
