"""Benchmarks, rep trends, Markdown/SVG report, batch mode and the agent tools."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from sophia_crew.engines.calls import (
    analyze_call,
    analyze_folder,
    compare_to_benchmarks,
    compute_metrics,
    load_transcript,
    rep_trends,
    talk_time_svg,
)
from sophia_crew.engines.calls.benchmarks import load_benchmarks
from sophia_crew.registry import get_tool, render_output
from sophia_crew.tools import calls as _calls_tools  # noqa: F401  registers the tools (lead adds it to the registry list)


@pytest.fixture
def hand(fixtures_dir):
    return fixtures_dir / "calls" / "hand_checked.vtt"


def test_benchmarks_have_sources_and_compare(hand):
    data = load_benchmarks()
    assert data.sources["gong_talk_ratio"].title.endswith("Based on 25,537 Sales Calls")
    m = compute_metrics(load_transcript(hand, reps=["Ana"]))
    got = {b.id: b.status for b in compare_to_benchmarks(m)}
    # rep ratio 0.823 > 0.50 and > 0.65; 3 questions < 11; monologue 162 s > 150 s; 14.8 wpm <= 188
    assert got == {
        "rep_talk_ratio": "above",
        "rep_talk_ratio_ceiling": "above",
        "rep_questions_discovery": "below",
        "rep_longest_monologue": "above",
        "rep_words_per_minute": "within",
        "patience": "info",
        "customer_story": "info",
        "interactivity": "info",
    }
    demo = {b.id: b for b in compare_to_benchmarks(m, call_type="demo")}
    assert demo["rep_questions_discovery"].status == "not_applicable"


def test_benchmarks_unavailable_not_zero(fixtures_dir):
    m = compute_metrics(load_transcript(fixtures_dir / "calls" / "plain.txt", reps=["Jane"]))
    got = {b.id: b for b in compare_to_benchmarks(m)}
    assert got["rep_talk_ratio"].status == "unavailable" and got["rep_talk_ratio"].value is None
    assert "no timestamps" in got["rep_talk_ratio"].note
    assert got["rep_questions_discovery"].value == 2


def test_rep_trends(hand):
    m = compute_metrics(load_transcript(hand, reps=["Ana"]))

    def with_ratio(x):
        return m.model_copy(update={"rep": m.rep.model_copy(update={"talk_ratio": x})})

    table = rep_trends(
        [
            ("Ana", date(2026, 10, 2), with_ratio(0.5)),
            ("Ana", date(2026, 9, 1), with_ratio(0.6)),
            ("Ana", date(2026, 11, 3), with_ratio(0.4)),
            ("Bo", None, m),
        ]
    )
    assert [r.rep for r in table] == ["Ana", "Bo"]
    ana = {t.metric: t for t in table[0].trends}["rep.talk_ratio"]
    assert (ana.first, ana.last, ana.mean, ana.slope_per_call, ana.direction) == (0.6, 0.4, 0.5, -0.1, "down")
    assert table[0].first_date == date(2026, 9, 1)
    bo = {t.metric: t for t in table[1].trends}["rep.talk_ratio"]
    assert bo.calls == 1 and bo.slope_per_call is None and bo.direction == "n/a"


def test_svg(hand):
    a = analyze_call(hand, reps=["Ana"], call_type="discovery")
    svg = talk_time_svg(a.metrics)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg") and svg.count("<rect") == 2
    assert "82.3%" in svg and "3:11" in svg  # Ana 191 s of 232 s


def test_analyze_folder(fixtures_dir, tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    for name in ("hand_checked.vtt", "call.srt", "gong_call.json", "plain.txt"):
        shutil.copy(fixtures_dir / "calls" / name, calls / name)
    (calls / "broken.vtt").write_text("")
    (calls / "index.csv").write_text(
        "call_id,file,format,date,rep_owner_id,call_type\nc1,hand_checked.vtt,vtt,2026-11-01,o1,discovery\n"
    )
    (tmp_path / "owners.csv").write_text("owner_id,name,email,role,team\no1,Ana Rep,ana@x.example,AE,West\n")
    fa = analyze_folder(calls, reps=["Ana", "Jane Doe"])
    assert [f.file for f in fa.failures] == ["broken.vtt"] and "file is empty" in fa.failures[0].error
    assert sorted(r.call_id for r in fa.rows) == ["7782342274025937895", "c1", "call", "plain"]
    c1 = next(r for r in fa.rows if r.call_id == "c1")
    assert (c1.rep, c1.date, c1.call_type, c1.rep_questions) == ("Ana Rep", date(2026, 11, 1), "discovery", 3)
    assert "rep_questions_discovery" in c1.benchmarks_outside
    reps = {r.rep: r for r in fa.reps}
    assert reps["Ana Rep"].calls == 1 and reps["Jane Doe"].calls == 3


def test_tools_registered_and_compact(fixtures_dir):
    path = str(fixtures_dir / "calls" / "gong_call.json")
    res = get_tool("call_metrics").run(transcript=path)
    assert res.metrics.rep.talk_time_s == pytest.approx(8.34)
    assert len(render_output(res)) < 8000
    sc = get_tool("methodology_scorecard").run(transcript=path, methodology="bant")
    assert sc.methodology == "BANT"
    mn = get_tool("call_mentions").run(transcript=path, competitors=["Stripe"])
    assert mn.competitor_counts == {"Stripe": 1}
    assert [m.amounts_usd for m in mn.pricing] == [
        [],
        [0.25],
    ]  # "fees are eating our margin", "$0.25 per transaction"
    folder = get_tool("analyze_calls_folder").run(folder=str(fixtures_dir / "calls"))
    out = render_output(folder)
    assert len(folder.rows) >= 8 and '"spans"' not in out and "reconcile everything" not in out
