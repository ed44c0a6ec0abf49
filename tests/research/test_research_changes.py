"""Snapshots, structured diffs and the `sophia research diff` command on two saved versions of a site."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sophia_crew.cli.research import app
from sophia_crew.engines.research.diff import diff_snapshots
from sophia_crew.engines.research.jobs_news import extract_jobs_news, parse_date
from sophia_crew.engines.research.monitor import diff_saved_site
from sophia_crew.engines.research.snapshots import SnapshotStore, take_snapshot
from sophia_crew.engines.research.textutil import page_from_html
from sophia_crew.errors import InputError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "research"


def snap(folder: str, name: str, when: datetime):
    html = (FIX / folder / name).read_text(encoding="utf-8")
    return take_snapshot(page_from_html(html, f"https://northwind.test/{name}", when))


def test_jobs_and_news_extraction():
    page = page_from_html(
        (FIX / "site" / "careers.html").read_text(encoding="utf-8"),
        "https://n.test/careers",
        datetime(2026, 11, 15, tzinfo=UTC),
    )
    jobs = extract_jobs_news(page).jobs
    assert [(j.title, j.location, j.department) for j in jobs] == [
        ("Senior Backend Engineer, Payouts", "Berlin, Germany", "Engineering"),
        ("Enterprise Account Executive", "London, UK", "Sales"),
        ("Solutions Engineer", "Remote (EMEA)", "Sales"),
    ]
    news = extract_jobs_news(
        page_from_html((FIX / "site" / "news.html").read_text(encoding="utf-8"), "https://n.test/news")
    ).news
    assert [(n.title, n.date) for n in news] == [
        ("Northwind Pay raises $40M Series B", date(2026, 10, 2)),
        ("Northwind Pay launches instant payouts in the UK", date(2026, 9, 14)),
        ("Partnership with a leading ERP vendor", date(2026, 8, 17)),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Published 1. Oktober 2026", date(2026, 10, 1)),
        ("Oct 3, 2026", date(2026, 10, 3)),
        ("17.08.2026 — GA", date(2026, 8, 17)),
        ("2026-02-30 is not a date", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_pricing_diff_structured():
    old = snap("site_2026-10", "pricing.html", datetime(2026, 10, 1, tzinfo=UTC))
    new = snap("site", "pricing.html", datetime(2026, 11, 15, tzinfo=UTC))
    cs = diff_snapshots(old, new)
    assert cs.content_changed
    assert [(c.tier, c.old, c.new) for c in cs.by_kind("tier_removed")] == [
        ("Scale", "USD 99/user/month", None)
    ]
    assert [c.tier for c in cs.by_kind("tier_added")] == ["Enterprise"]
    changed = {
        (c.tier, c.item): (c.old_amount, c.new_amount, c.pct_change) for c in cs.by_kind("price_changed")
    }
    assert changed == {
        ("Starter", "monthly, per user"): (25.0, 29.0, 16.0),
        ("Growth", "monthly, per user"): (49.0, 59.0, 20.4),
        ("Growth", "yearly, per user"): (480.0, 540.0, 12.5),
    }
    assert [c.item for c in cs.by_kind("feature_added")] == ["Multi-currency wallets", "Instant payouts"]
    assert [c.item for c in cs.by_kind("feature_removed")] == ["Phone support"]


def test_jobs_diff_and_identical_snapshots():
    old = snap("site_2026-10", "careers.html", datetime(2026, 10, 1, tzinfo=UTC))
    new = snap("site", "careers.html", datetime(2026, 11, 15, tzinfo=UTC))
    assert [c.item for c in diff_snapshots(old, new).by_kind("job_added")] == [
        "Enterprise Account Executive",
        "Solutions Engineer",
    ]
    assert diff_snapshots(new, new).changes == []


def test_store_history_and_pick(tmp_path):
    store = SnapshotStore(tmp_path)
    days = [
        datetime(2026, 9, 1, tzinfo=UTC),
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 15, tzinfo=UTC),
    ]
    for day, folder in zip(days, ["site_2026-10", "site_2026-10", "site"]):
        store.save(snap(folder, "pricing.html", day))
    url = "https://northwind.test/pricing.html"
    assert [s.taken_at for s in store.history(url)] == days and store.urls() == [url]
    old, new = store.pick(url)
    assert (old.taken_at, new.taken_at) == (days[1], days[2])
    old, new = store.pick(url, from_date=date(2026, 9, 15), to_date=date(2026, 10, 31))
    assert (old.taken_at, new.taken_at) == (days[0], days[1])
    with pytest.raises(InputError, match="need 2"):
        store.pick("https://northwind.test/other.html")


def test_diff_saved_site_through_local_server(tmp_path):
    sets = {
        c.url: c
        for c in diff_saved_site(FIX / "site", cache_dir=tmp_path / "c", current_date=date(2026, 11, 15))
    }
    assert set(sets) == {f"site/{n}.html" for n in ("about", "careers", "index", "news", "pricing")}
    assert sets["site/about.html"].changes == []
    assert len(sets["site/pricing.html"].by_kind("price_changed")) == 3
    assert sets["site/pricing.html"].old_taken_at.date() == date(2026, 10, 1)


def test_cli_diff(tmp_path, monkeypatch):
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(app, ["diff", str(FIX / "site")])
    assert result.exit_code == 0, result.output
    assert (
        "Growth: price (monthly, per user): USD 49/user/month -> USD 59/user/month (+20.4%)" in result.output
    )
    assert "Scale: tier removed" in result.output
    as_json = runner.invoke(app, ["diff", str(FIX / "site"), "--json"])
    kinds = {c["kind"] for cs in json.loads(as_json.output) for c in cs["changes"]}
    assert {"price_changed", "tier_added", "tier_removed", "feature_added", "job_added"} <= kinds
    bad = runner.invoke(app, ["diff", str(FIX / "site"), "--from", "last week"])
    assert bad.exit_code == 2 and "--from" in bad.output
    missing = runner.invoke(app, ["diff", "https://nothing.test/pricing"])
    assert missing.exit_code == 2 and "need 2" in missing.output


def test_jobs_from_a_table_without_job_classes():
    html = (
        "<html><body><h1>Careers</h1><table><tr><th>Position</th><th>Team</th><th>Location</th></tr>"
        "<tr><td>Data Engineer</td><td>Data</td><td>Austin, TX</td></tr>"
        "<tr><td>Account Executive</td><td>Sales</td><td>Remote</td></tr></table></body></html>"
    )
    jobs = extract_jobs_news(page_from_html(html, "https://n.test/jobs")).jobs
    assert [(j.title, j.location, j.department) for j in jobs] == [
        ("Data Engineer", "Austin, TX", "Data"),
        ("Account Executive", "Remote", "Sales"),
    ]
