"""Integrity of the embedded PayReady demo tenant (sophia_crew/demo_data/payready).

Checks keys, enums, dates and stage order, the call files and their timings, the recruiting and web files, the
built-in stories the README promises, and that scripts/build_demo_data.py rebuilds the committed bytes.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from sophia_crew.resources import demo_path

ROOT = demo_path()
REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 15)
STAGES = ["Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]


def table(name: str) -> list[dict[str, str]]:
    with (ROOT / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def iso(value: str) -> date:
    return date.fromisoformat(value)


def ids(name: str, column: str) -> set[str]:
    return {row[column] for row in table(name)}


# --------------------------------------------------------------------------------------------- keys and enums
def test_every_foreign_key_resolves():
    owners = {r["owner_id"]: r["role"] for r in table("owners.csv")}
    accounts = {r["account_id"]: r for r in table("accounts.csv")}
    contacts = {r["contact_id"]: r["account_id"] for r in table("contacts.csv")}
    deals = {r["deal_id"]: r for r in table("deals.csv")}
    calls = {r["call_id"]: r for r in table("calls/index.csv")}
    for acc in accounts.values():
        assert owners[acc["owner_id"]] == "AE", acc["account_id"]
        assert owners[acc["csm_id"]] == "CSM", acc["account_id"]
    assert set(contacts.values()) <= set(accounts)
    for deal in deals.values():
        assert deal["account_id"] in accounts and deal["owner_id"] in owners, deal["deal_id"]
    assert {r["deal_id"] for r in table("deal_stage_history.csv")} == set(deals)
    for act in table("activities.csv"):
        assert act["account_id"] in accounts and act["owner_id"] in owners, act["activity_id"]
        if act["contact_id"]:
            assert contacts[act["contact_id"]] == act["account_id"], act["activity_id"]
        if act["call_id"]:
            assert calls[act["call_id"]]["account_id"] == act["account_id"], act["activity_id"]
    for name in ("product_usage.csv", "support_tickets.csv", "invoices.csv", "nps.csv"):
        assert {r["account_id"] for r in table(name)} <= set(accounts), name
    for call in calls.values():
        assert call["account_id"] in accounts and call["rep_owner_id"] in owners, call["call_id"]
        assert deals[call["deal_id"]]["account_id"] == call["account_id"], call["call_id"]
    # every recorded call is logged exactly once as a call activity
    logged = [a["call_id"] for a in table("activities.csv") if a["call_id"]]
    assert sorted(logged) == sorted(calls)


def test_primary_keys_are_unique():
    for name, key in [("owners.csv", "owner_id"), ("accounts.csv", "account_id"), ("contacts.csv", "contact_id"),
                      ("deals.csv", "deal_id"), ("activities.csv", "activity_id"), ("support_tickets.csv", "ticket_id"),
                      ("invoices.csv", "invoice_id"), ("churn_history.csv", "cust_ref"), ("calls/index.csv", "call_id")]:
        values = [r[key] for r in table(name)]
        assert len(values) == len(set(values)), name


def test_enums_and_flags_are_consistent():
    for acc in table("accounts.csv"):
        assert acc["segment"] in {"SMB", "Mid-Market", "Enterprise"} and acc["region"] in {"NA", "EMEA", "APAC"}
        churned = acc["lifecycle_stage"] == "churned"
        assert acc["lifecycle_stage"] in {"onboarding", "active", "churned"}
        assert acc["churned"] == ("1" if churned else "0") and bool(acc["churn_date"]) == churned
        assert iso(acc["created_date"]) <= iso(acc["contract_start"]) < iso(acc["renewal_date"])
    for deal in table("deals.csv"):
        assert deal["type"] in {"new", "expansion", "renewal"} and deal["stage"] in STAGES
        closed = deal["stage"].startswith("Closed")
        assert deal["is_closed"] == str(int(closed)) and deal["is_won"] == str(int(deal["stage"] == "Closed Won"))
        expected = {"Closed Won": {"closed"}, "Closed Lost": {"omitted"}}.get(
            deal["stage"], {"pipeline", "best_case", "commit", "omitted"})
        assert deal["forecast_category"] in expected, deal["deal_id"]
        assert iso(deal["created_date"]) < iso(deal["close_date"])
        if not closed:
            assert iso(deal["close_date"]) >= TODAY, deal["deal_id"]
    for t in table("support_tickets.csv"):
        assert t["priority"] in {"low", "normal", "high", "critical"}
        assert (t["status"] == "open") == (t["closed_date"] == "")
        if t["closed_date"]:
            assert iso(t["opened_date"]) <= iso(t["closed_date"]) < TODAY
        assert t["csat"] in {"", "1", "2", "3", "4", "5"} and not (t["status"] == "open" and t["csat"])
    for inv in table("invoices.csv"):
        due, paid = iso(inv["due_date"]), inv["paid_date"]
        assert iso(inv["issue_date"]) < due < TODAY
        status = "overdue" if not paid else "late" if iso(paid) > due else "paid"
        assert inv["status"] == status, inv["invoice_id"]
    assert all(0 <= int(r["score"]) <= 10 and iso(r["date"]) < TODAY for r in table("nps.csv"))


def test_activity_and_usage_dates_are_before_today():
    assert all(iso(a["date"]) < TODAY for a in table("activities.csv"))
    months = defaultdict(list)
    for row in table("product_usage.csv"):
        assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["month"])
        months[row["account_id"]].append(row["month"])
    for account, seq in months.items():
        assert seq == sorted(seq) and len(seq) == len(set(seq)) and seq[-1] <= "2026-10", account
        if account not in {"A009", "A019", "A020"}:  # onboarding and churned accounts have shorter histories
            assert len(seq) >= 12, account


def test_stage_history_is_chronological_and_matches_deals():
    deals = {r["deal_id"]: r for r in table("deals.csv")}
    history = defaultdict(list)
    for row in table("deal_stage_history.csv"):
        history[row["deal_id"]].append((row["stage"], iso(row["entered_date"])))
    for deal_id, rows in history.items():
        deal = deals[deal_id]
        stages = [s for s, _ in rows]
        days = [d for _, d in rows]
        assert days == sorted(days) and len(set(days)) == len(days), deal_id
        order = [STAGES.index(s) for s in stages]
        assert order == sorted(order), deal_id
        assert stages[0] == "Prospecting" and days[0] == iso(deal["created_date"]), deal_id
        assert stages[-1] == deal["stage"] and days[-1] <= TODAY, deal_id
        if deal["is_closed"] == "1":
            assert days[-1] == iso(deal["close_date"]), deal_id


# --------------------------------------------------------------------------------------------- stories
def test_built_in_stories_are_present():
    accounts = {r["account_id"]: r for r in table("accounts.csv")}
    open_critical = {(t["account_id"], t["ticket_id"]) for t in table("support_tickets.csv")
                     if t["status"] == "open" and t["priority"] == "critical" and t["sla_breached"] == "1"}
    assert open_critical == {("A001", "T-20458"), ("A003", "T-20464"), ("A004", "T-20454")}
    overdue = {i["account_id"] for i in table("invoices.csv") if i["status"] == "overdue"}
    assert overdue == {"A002", "A003", "A004"}
    onboarding = [a for a in accounts.values() if a["lifecycle_stage"] == "onboarding"]
    assert [a["account_id"] for a in onboarding] == ["A009"]
    assert 0 <= (TODAY - iso(onboarding[0]["contract_start"])).days <= 30
    assert {a for a, r in accounts.items() if r["churned"] == "1"} == {"A019", "A020"}
    soon = {a for a, r in accounts.items() if r["churned"] == "0" and 0 <= (iso(r["renewal_date"]) - TODAY).days <= 90}
    assert soon == {"A001", "A002", "A003", "A011", "A018"}
    slipped = {d["deal_id"] for d in table("deals.csv")
               if d["is_closed"] == "0" and d["close_date"] > d["original_close_date"]}
    assert slipped == {"D-1004", "D-1006", "D-1022", "D-1029", "D-1046", "D-1054"}
    open_categories = {d["forecast_category"] for d in table("deals.csv") if d["is_closed"] == "0"}
    assert open_categories == {"pipeline", "best_case", "commit", "omitted"}
    # usage of the four at-risk accounts fell for at least three consecutive months up to 2026-10
    usage = defaultdict(dict)
    for row in table("product_usage.csv"):
        usage[row["account_id"]][row["month"]] = int(row["active_users"])
    for account in ("A001", "A002", "A003", "A004"):
        last = [usage[account][m] for m in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")]
        assert all(b < a for a, b in itertools.pairwise(last)) and last[-1] < 0.7 * usage[account]["2026-05"]
    swiftpay_nps = {r["account_id"] for r in table("nps.csv") if "SwiftPay" in r["comment"]}
    assert {"A001", "A002", "A003"} <= swiftpay_nps


def test_revenue_has_growth_q4_peak_and_one_anomaly():
    rows = table("revenue_monthly.csv")
    assert len(rows) == 70 * 9
    series = defaultdict(dict)
    for r in rows:
        series[(r["segment"], r["region"])][r["month"]] = float(r["revenue_usd"])
    worst = []
    for key, values in series.items():
        months = sorted(values)
        assert months[0] == "2021-01" and months[-1] == "2026-10" and len(months) == 70
        assert sum(values[m] for m in months if m.startswith("2025")) > sum(
            values[m] for m in months if m.startswith("2022"))
        for m in months[1:-1]:
            prev_m, next_m = months[months.index(m) - 1], months[months.index(m) + 1]
            worst.append((values[m] / ((values[prev_m] + values[next_m]) / 2), key, m))
        decembers = [values[f"{y}-12"] / values[f"{y}-02"] for y in range(2021, 2026)]
        assert min(decembers) > 1.1, key
    worst.sort()
    assert worst[0][1:] == (("SMB", "EMEA"), "2024-08") and worst[0][0] < 0.7
    assert worst[1][0] > 0.8  # nothing else comes close (January after the December peak is the next lowest)


def test_churn_history_shape_and_signal():
    rows = table("churn_history.csv")
    assert len(rows) == 800
    rate = sum(r["churned_flag"] == "yes" for r in rows) / len(rows)
    assert 0.20 <= rate <= 0.25
    blanks = sum(r["nps_last"] == "" for r in rows)
    assert 5 <= blanks <= 60
    by_trend = defaultdict(list)
    for r in rows:
        by_trend[float(r["usage_trend_pct"]) < -15].append(r["churned_flag"] == "yes")
    assert sum(by_trend[True]) / len(by_trend[True]) > 2 * sum(by_trend[False]) / len(by_trend[False])


# --------------------------------------------------------------------------------------------- calls
TIME = r"(\d\d):(\d\d):(\d\d)[.,](\d\d\d)"


def seconds(match: tuple[str, ...]) -> float:
    h, m, s, ms = (int(x) for x in match)
    return h * 3600 + m * 60 + s + ms / 1000


def call_segments(path: Path, fmt: str) -> list[tuple[str, float, float, str]]:
    """(speaker, start s, end s, text) per cue, sentence or line, in file order."""
    text = path.read_text(encoding="utf-8")
    if fmt == "gong_json":
        doc = json.loads(text)
        names = {p["speakerId"]: p["name"] for p in doc["parties"]}
        assert {p["affiliation"] for p in doc["parties"]} == {"Internal", "External"}
        (call,) = doc["callTranscripts"]
        return [(names[mono["speakerId"]], s["start"] / 1000, s["end"] / 1000, s["text"])
                for mono in call["transcript"] for s in mono["sentences"]]
    if fmt == "vtt":
        assert text.startswith("WEBVTT\n")
        cues = re.findall(TIME + r" --> " + TIME + r"\n<v ([^>]+)>(.*?)</v>", text)
        return [(c[8], seconds(c[0:4]), seconds(c[4:8]), c[9]) for c in cues]
    if fmt == "srt":
        blocks = [b.splitlines() for b in text.strip().split("\n\n")]
        assert [int(b[0]) for b in blocks] == list(range(1, len(blocks) + 1))
        out = []
        for b in blocks:
            times = re.fullmatch(TIME + r" --> " + TIME, b[1]).groups()
            speaker, _, said = b[2].partition(": ")
            out.append((speaker, seconds(times[0:4]), seconds(times[4:8]), said))
        return out
    lines = text.strip().splitlines()
    parsed = [re.fullmatch(r"\[(\d\d):(\d\d):(\d\d)\] ([^:]+): (.+)", line) for line in lines]
    assert all(parsed)
    starts = [int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) for m in parsed]
    return [(m[4], s, s, m[5]) for m, s in zip(parsed, starts)]


@pytest.mark.parametrize("call", table("calls/index.csv"), ids=lambda c: c["call_id"])
def test_call_file_parses_with_consistent_timings(call):
    path = ROOT / "calls" / call["file"]
    assert path.is_file() and path.stat().st_size < 60_000
    assert call["format"] in {"gong_json", "vtt", "srt", "text"} and call["call_type"] in {
        "discovery", "demo", "negotiation", "qbr"}
    segs = call_segments(path, call["format"])
    starts = [s for _, s, _, _ in segs]
    assert starts == sorted(starts), "start times go backwards"
    assert len({spk for spk, *_ in segs}) >= 3
    contacts = {f"{c['first_name']} {c['last_name']}" for c in table("contacts.csv")
                if c["account_id"] == call["account_id"]}
    reps = {o["name"] for o in table("owners.csv")}
    assert {spk for spk, *_ in segs} <= contacts | reps
    assert 15 * 60 <= starts[-1] <= 40 * 60
    if call["format"] == "text":
        return
    talk = sum(e - s for _, s, e, _ in segs)
    words = sum(len(t.split()) for *_, t in segs)
    assert 125 <= words / talk * 60 <= 175  # speaking rate, words per minute
    gaps = [b[1] - a[2] for a, b in itertools.pairwise(segs)]
    assert max(gaps) <= 2.0 and min(gaps) >= -1.0
    assert sum(g < 0 for g in gaps) >= 1  # a few brief overlaps


def test_rep_talk_ratios_differ_as_documented():
    ratios = {}
    reps = {o["name"] for o in table("owners.csv")}
    for call in table("calls/index.csv"):
        if call["format"] == "text":
            continue
        segs = call_segments(ROOT / "calls" / call["file"], call["format"])
        rep = sum(e - s for spk, s, e, _ in segs if spk in reps)
        ratios[call["call_id"]] = rep / sum(e - s for _, s, e, _ in segs)
    assert ratios["CL-1002"] >= 0.65 and ratios["CL-1007"] >= 0.65  # Jordan Reyes, the talker
    assert ratios["CL-1003"] <= 0.45 and ratios["CL-1004"] <= 0.45  # Priya Natarajan, the listener
    # Jordan's pitch on CL-1002 is one uninterrupted stretch of more than four minutes
    segs = call_segments(ROOT / "calls" / "2026-10-07_tallgrass_discovery.json", "gong_json")
    longest, start = 0.0, None
    for (spk, s, e, _), prev in zip(segs, [None, *segs[:-1]], strict=True):
        if prev is None or prev[0] != spk:
            start = s
        if spk == "Jordan Reyes":
            longest = max(longest, e - start)
    assert longest >= 240


# --------------------------------------------------------------------------------------------- recruiting, web
def test_recruiting_files():
    jobs = sorted((ROOT / "recruiting" / "jobs").glob("*.md"))
    assert len(jobs) == 2
    for job in jobs:
        text = job.read_text(encoding="utf-8")
        assert "## Must have" in text and "## Nice to have" in text and "## Education" in text
    resumes = sorted((ROOT / "recruiting" / "resumes").iterdir())
    by_ext = defaultdict(list)
    for path in resumes:
        by_ext[path.suffix].append(path)
    assert len(resumes) == 10 and len(by_ext[".docx"]) == 2 and len(by_ext[".pdf"]) == 1
    assert len(by_ext[".txt"]) + len(by_ext[".md"]) == 7
    docx = pytest.importorskip("docx")
    for path in by_ext[".docx"]:
        assert "# " not in "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    pypdf = pytest.importorskip("pypdf")
    pdf_text = pypdf.PdfReader(str(by_ext[".pdf"][0])).pages[0].extract_text()
    assert "Daniel Kowalski" in pdf_text and "Spring Boot" in pdf_text


def pricing_data(folder: str) -> dict:
    html = (ROOT / "web" / folder / "pricing.html").read_text(encoding="utf-8")
    raw = re.search(r"window\.__SWIFTPAY_PRICING__ = (\{.*?\});\n", html).group(1)
    return json.loads(raw)


def test_web_snapshots_differ_in_pricing():
    for folder in ("swiftpay", "swiftpay_2026-10"):
        names = {p.name for p in (ROOT / "web" / folder).iterdir()}
        assert names == {"robots.txt", "index.html", "about.html", "pricing.html", "careers.html", "news.html"}
        assert "Disallow: /app/" in (ROOT / "web" / folder / "robots.txt").read_text()
    new, old = pricing_data("swiftpay"), pricing_data("swiftpay_2026-10")
    assert [p["name"] for p in old["plans"]] == ["Starter", "Pro", "Business", "Enterprise"]
    assert [p["name"] for p in new["plans"]] == ["Starter", "Growth", "Business", "Enterprise"]
    assert new["plans"][1]["price"] == {"monthly": 55, "yearly": 45}
    assert old["plans"][1]["price"] == {"monthly": 49, "yearly": 39}
    # the yearly price is only in the script object, never in the visible markup
    html = (ROOT / "web" / "swiftpay" / "pricing.html").read_text(encoding="utf-8")
    assert ">$45<" not in html and ">$55<" in html


# --------------------------------------------------------------------------------------------- build
def test_build_script_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_demo_data.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(built) == 26
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes(), f"{rel} differs from the committed file"


def test_demo_folder_is_small():
    total = sum(p.stat().st_size for p in ROOT.parent.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024
