"""Markdown and CLI rows of the sales-coach report (:mod:`.sales_coach` holds the models)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..engines.calls import talk_time_svg
from ..engines.calls.batch import CallRow
from ..engines.calls.benchmarks import BenchmarkComparison, RepTrend
from ..engines.calls.mentions import Mention
from ..engines.calls.models import SideMetrics
from ..engines.calls.report import clock
from .base import md_cell

if TYPE_CHECKING:
    from .sales_coach import CallSection

PRICING_SHOWN = 8


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f} %"


def _num(x: float | None, fmt: str = "{:.1f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def facts(sec: CallSection, methodology: str) -> str:
    c, m = sec.call, sec.metrics
    facts = [
        f"date {c.date}" if c.date else None,
        f"type {c.call_type}" if c.call_type else None,
        f"duration {clock(m.duration_s)}" if m.duration_s is not None else "untimed transcript",
        f"{m.speakers_count} speakers",
        f"format {c.source_format}",
        f"file `{Path(c.source).name}`",
    ]
    return " · ".join(f for f in facts if f)


_NUM = re.compile(r"\d+(?:\.\d+)?")


def _band(b: BenchmarkComparison) -> str:
    """The benchmark's expected range in the metric's display unit (0.36–0.5 → 36–50 %, ≤ 150 s → ≤ 2:30)."""
    head = b.expected.split(" (")[0]
    if b.metric.endswith("talk_ratio"):
        return _NUM.sub(lambda x: f"{float(x.group(0)) * 100:g}", head) + " %"
    if b.metric.endswith("_s"):
        return _NUM.sub(lambda x: clock(float(x.group(0))), head)
    return head


def _bench(sec: CallSection, metric: str) -> list[BenchmarkComparison]:
    return [b for b in sec.benchmarks if b.metric == metric and b.status not in ("not_applicable",)]


def _bench_cell(sec: CallSection, metric: str) -> str:
    parts = []
    for b in _bench(sec, metric):
        if b.status == "info":
            parts.append(_band(b))
        elif b.status != "unavailable":
            mark = {"within": "✓ within", "above": "▲ above", "below": "▼ below"}.get(b.status, b.status)
            parts.append(f"{mark} {_band(b)}")
    return "; ".join(parts) or "—"


def call_rows(sec: CallSection) -> list[tuple[str, str]]:
    m, rep, cus = sec.metrics, sec.metrics.rep, sec.metrics.customer

    def status(metric: str) -> str:
        found = [b for b in _bench(sec, metric) if b.status in ("within", "above", "below")]
        return f" ({found[0].status} {_band(found[0])})" if found else ""

    rows = [
        ("call", f"{sec.call.call_id} · {clock(m.duration_s) if m.timed else 'untimed'}"),
        ("rep", sec.call.rep or "unknown (pass --input reps=...)"),
        ("rep talk ratio", f"{pct(rep.talk_ratio if rep else None)}{status('rep.talk_ratio')}"),
        ("customer talk ratio", pct(cus.talk_ratio if cus else None)),
        ("rep questions (open/closed)",
         f"{rep.questions} ({rep.open_questions}/{rep.closed_questions}){status('rep.questions')}" if rep else "n/a"),
        ("customer questions", str(cus.questions) if cus else "n/a"),
        ("rep longest monologue",
         f"{clock(rep.longest_monologue_s)}{status('rep.longest_monologue_s')}" if rep else "n/a"),
        ("longest customer story", clock(m.longest_customer_story.duration_s) if m.longest_customer_story else "n/a"),
        ("patience", _num(m.patience_s, "{:.2f} s")),
        ("interactivity", f"{_num(m.interactivity)} / 10 ({_num(m.switches_per_minute, '{:.2f}')} switches/min)"),
        ("scorecard", f"{sec.scorecard.methodology} {sec.scorecard.found}/{sec.scorecard.total}"),
        ("next steps", str(len(sec.mentions.next_steps) + sec.mentions.omitted.get("next_steps", 0))),
        ("competitor mentions",
         ", ".join(f"{k} ×{v}" for k, v in sec.mentions.competitor_counts.items()) or "none"),
        ("not computed", ", ".join(u.metric for u in m.unavailable) or "none"),
    ]
    return rows


def _side_row(label: str, rep: SideMetrics | None, cus: SideMetrics | None, attr: str, fmt, bench: str) -> str:
    def val(side):
        return fmt(getattr(side, attr, None)) if side is not None else "n/a"

    return f"| {label} | {val(rep)} | {val(cus)} | {md_cell(bench)} |"


def section(sec: CallSection, level: int) -> list[str]:
    h = "#" * level
    m, rep, cus = sec.metrics, sec.metrics.rep, sec.metrics.customer
    out = [f"{h} Verdict", "", sec.headline.strip(), "", f"{h} Coaching points", ""]
    out += [f"{i}. {p.strip()}" for i, p in enumerate(sec.coaching, 1)] + [""]
    out += [f"{h} Talk time", "", talk_time_svg(m), ""]
    share = "talk_ratio" if m.timed else "word_share"
    out += [f"{h} Metrics by side", "", "| Metric | Rep | Customer | Benchmark |", "|---|---|---|---|"]
    out += [
        _side_row("Talk ratio" if m.timed else "Word share (untimed)", rep, cus, share, pct,
                  _bench_cell(sec, "rep.talk_ratio")),
        _side_row("Talk time", rep, cus, "talk_time_s", clock, ""),
        _side_row("Longest monologue", rep, cus, "longest_monologue_s", clock,
                  _bench_cell(sec, "rep.longest_monologue_s")),
        _side_row("Questions", rep, cus, "questions", str, _bench_cell(sec, "rep.questions")),
        _side_row("Open / closed questions", rep, cus, "questions", lambda _: "", ""),
        _side_row("Words", rep, cus, "words", str, ""),
        _side_row("Words per minute", rep, cus, "words_per_minute", _num, _bench_cell(sec, "rep.words_per_minute")),
        _side_row("Filler words per 100", rep, cus, "filler_per_100_words", _num, ""),
        "",
    ]
    oc = [f"{x.open_questions} / {x.closed_questions}" if x else "n/a" for x in (rep, cus)]
    out = [f"| Open / closed questions | {oc[0]} | {oc[1]} |  |" if r.startswith("| Open / closed") else r
           for r in out]
    out += [f"{h} Metrics by speaker", "",
            "| Speaker | Side | Talk time | Share | Words | WPM | Longest monologue | Questions (open/closed) | Fillers /100 |",
            "|---|---|---|---|---|---|---|---|---|"]
    for s in m.per_speaker:
        side = {"internal": "rep", "external": "customer"}.get(s.role, "unknown")
        out.append(
            f"| {md_cell(s.name)} | {side} | {clock(s.talk_time_s)} | "
            f"{pct(s.talk_ratio if m.timed else s.word_share)} | {s.words} | {_num(s.words_per_minute)} | "
            f"{clock(s.longest_monologue_s)} | {s.questions} ({s.open_questions}/{s.closed_questions}) | "
            f"{_num(s.filler_per_100_words)} |"
        )
    story = m.longest_customer_story
    out += ["", f"{h} Conversation dynamics", "",
            (f"- Interactivity: {_num(m.interactivity)} / 10 ({_num(m.switches_per_minute, '{:.2f}')} speaker "
            f"switches per minute; {m.turns} turns)"),
            (f"- Patience: {_num(m.patience_s, '{:.2f} s')} mean pause before the rep answers the customer "
             f"({m.patience_samples} replies; {m.interruptions} interruptions)")
            if m.patience_s is not None else "- Patience: n/a (see Not computed)",
            f"- Longest customer story: {clock(story.duration_s)} by {story.name} at {clock(story.start)}"
            if story else "- Longest customer story: n/a",
            f"- Speech {clock(m.speech_s)}, silence {clock(m.silence_s)}, overlapping speech {_num(m.overlap_s, '{:.1f} s')}"
            if m.timed else "- Speech/silence: n/a (untimed transcript)",
            ""]
    if m.monologues_over_threshold:
        out += [f"{h} Monologues over {clock(m.monologue_threshold_s)}", "", "| Speaker | Side | From | To | Length |",
                "|---|---|---|---|---|"]
        out += [f"| {md_cell(mo.name)} | {mo.role} | {clock(mo.start)} | {clock(mo.end)} | **{clock(mo.duration_s)}** |"
                for mo in m.monologues_over_threshold]
        out.append("")
    elif m.timed:
        out += [f"No monologue over {clock(m.monologue_threshold_s)}.", ""]
    out += [f"{h} Benchmarks", "", "| Benchmark | This call | Expected | Status | Source |", "|---|---|---|---|---|"]
    for b in sec.benchmarks:
        if b.metric.endswith("talk_ratio"):
            value = pct(b.value)
        elif b.metric.endswith("_s") and b.value is not None:
            value = f"{clock(b.value)} ({b.value:g} s)" if b.value >= 60 else f"{b.value:g} s"
        else:
            value = _num(b.value, "{:g}")
        src = b.source + ("" if b.source_verified else " *(source not verified)*")
        status = b.status.replace("_", " ") + (f" — {b.note}" if b.note and b.status in ("unavailable", "not_applicable") else "")
        why = b.expected.split(" (", 1)[1].removesuffix(")") if " (" in b.expected else ""
        expected = f"{_band(b)} ({why})" if why and b.status != "info" else b.expected
        out.append(f"| {md_cell(b.label)} | {value} | {md_cell(expected)} | {md_cell(status)} | {md_cell(src)} |")
    out.append("")
    sc = sec.scorecard
    out += [f"{h} {sc.methodology} scorecard: {sc.found}/{sc.total}", "", "| Criterion | Status | Evidence |",
            "|---|---|---|"]
    for c in sc.criteria:
        if c.evidence:
            ev = " <br> ".join(f"“{md_cell(e.quote[:200])}” — {md_cell(e.name)}, {clock(e.start)}" for e in c.evidence)
        else:
            ev = "—"
        out.append(f"| {c.label} | {'✓ found' if c.status == 'found' else '✗ gap'} | {ev} |")
    gaps = [c for c in sc.criteria if c.status == "not_found"]
    if gaps:
        out += ["", "**Gaps — ask on the next call:**", ""]
        out += [f"- **{c.label}**: {md_cell(c.note) or 'no evidence on this call'}" for c in gaps]
    out += [f"- {n}" for n in sc.notes]
    out.append("")
    mn = sec.mentions
    out += [f"{h} Next steps and commitments", ""]
    if mn.next_steps:
        out += ["| At | Who | Commitment | When said | Due |", "|---|---|---|---|---|"]
        out += [f"| {clock(x.start)} | {md_cell(x.name)} | “{md_cell(x.quote[:220])}” | {md_cell(x.when) or '—'} | "
                f"{x.due_date or ('no call date to resolve it' if x.when and not x.due_date else '—')} |"
                for x in mn.next_steps]
    else:
        out.append("**No next step or commitment was said on this call.**")
    counts = ", ".join(f"{k} ×{v}" for k, v in mn.competitor_counts.items())
    out += _mention_list(f"{h} Competitor mentions" + (f" ({counts})" if counts else ""), mn.competitors,
                         mn.omitted.get("competitors", 0), lambda x: x.competitor)
    # sentences with a parsed amount first: they are the price talk; cue-only ones ("the discounts") follow
    pricing = sorted(mn.pricing, key=lambda x: not x.amounts_usd)[:PRICING_SHOWN]
    hidden = len(mn.pricing) - len(pricing) + mn.omitted.get("pricing", 0)
    out += _mention_list(f"{h} Pricing mentions ({len(mn.pricing) + mn.omitted.get('pricing', 0)})", pricing, hidden,
                         lambda x: ", ".join(_money(a) for a in x.amounts_usd) or None)
    out += ["", f"{h} Not computed", ""]
    if m.unavailable:
        out += [f"- **{u.metric}**: {u.reason}" for u in m.unavailable]
    else:
        out.append("Every metric was computed (timed transcript, both sides known).")
    notes = [*m.notes]
    if notes:
        out += ["", "Notes: " + "; ".join(notes)]
    out.append("")
    return out


def _money(x: float) -> str:
    return f"${x:,.2f}" if x < 100 and x != int(x) else f"${x:,.0f}"


def _mention_list(title: str, items: list[Mention], omitted: int, extra) -> list[str]:
    out = ["", title, ""]
    if not items:
        return out + ["None."]
    for x in items:
        e = extra(x)
        out.append(f"- {clock(x.start)} {x.name}: “{x.quote[:220]}”" + (f" ({e})" if e else ""))
    if omitted:
        out.append(f"- … {omitted} more not listed")
    return out


def _trend(rt: RepTrend, metric: str, fmt) -> str:
    t = next((x for x in rt.trends if x.metric == metric), None)
    if t is None or t.mean is None:
        return "n/a"
    if t.calls < 2:
        return fmt(t.mean)
    arrow = {"up": "↑ ", "down": "↓ ", "flat": ""}.get(t.direction, "")
    return f"{fmt(t.first)} → {fmt(t.last)} ({arrow}{t.direction}, mean {fmt(t.mean)})"


def rep_table(reps: list[RepTrend], notes: list[str]) -> list[str]:
    out = ["## Reps across calls", "",
           "| Rep | Calls | Dates | Talk ratio | Questions | Longest monologue | Patience | Interactivity |",
           "|---|---|---|---|---|---|---|---|"]
    for r in reps:
        dates = f"{r.first_date} → {r.last_date}" if r.first_date and r.first_date != r.last_date else str(r.first_date or "n/a")
        out.append(
            f"| {md_cell(r.rep)} | {r.calls} ({', '.join(r.call_ids)}) | {dates} | {_trend(r, 'rep.talk_ratio', pct)} | "
            f"{_trend(r, 'rep.questions', lambda v: f'{v:g}')} | {_trend(r, 'rep.longest_monologue_s', clock)} | "
            f"{_trend(r, 'patience_s', lambda v: f'{v:.2f} s')} | {_trend(r, 'interactivity', lambda v: f'{v:.1f}')} |"
        )
    out += ["", "First → last call in date order; the arrow is the least-squares trend across the rep's calls.", ""]
    if notes:
        out += [f"- {n}" for n in notes] + [""]
    return out


def calls_table(rows: list[CallRow]) -> list[str]:
    out = ["## Calls", "",
           ("| Call | Date | Rep | Type | Duration | Rep talk | Rep questions | Longest rep monologue | Patience | "
           "Interactivity | Scorecard | Outside benchmark | Next steps | Competitor mentions |"),
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r.call_id} | {r.date or 'n/a'} | {md_cell(r.rep) or 'n/a'} | {r.call_type or 'n/a'} | "
            f"{clock(r.duration_s)} | {pct(r.rep_talk_ratio)} | {r.rep_questions if r.rep_questions is not None else 'n/a'} | "
            f"{clock(r.rep_longest_monologue_s)} | {_num(r.patience_s, '{:.2f} s')} | {_num(r.interactivity)} | "
            f"{r.scorecard} | {', '.join(r.benchmarks_outside) or '—'} | {r.next_steps} | {r.competitor_mentions} |"
        )
    return out + [""]
