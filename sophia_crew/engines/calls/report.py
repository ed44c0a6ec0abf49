"""Markdown coaching report and an inline-SVG talk-time chart (no plotting library needed)."""

from __future__ import annotations

from html import escape

from .analysis import CallAnalysis
from .models import CallMetrics

_COLOURS = {"internal": "#2563eb", "external": "#16a34a", "unknown": "#6b7280"}


def talk_time_svg(metrics: CallMetrics, width: int = 560) -> str:
    """Horizontal bar chart of talk time per speaker (word share when the call is untimed), as SVG text.

    Bars are coloured by side: blue = rep (internal), green = customer (external), grey = unknown.
    """
    timed = metrics.timed
    rows = [
        (
            s.name,
            s.role,
            (s.talk_ratio if timed else s.word_share) or 0.0,
            s.talk_time_s if timed else s.words,
        )
        for s in metrics.per_speaker
    ]
    rows.sort(key=lambda r: -r[2])
    label_w, bar_w, row_h, top = 170, width - 170 - 110, 22, 30
    height = top + row_h * len(rows) + 10
    title = (
        "Talk time per speaker (share of speech)" if timed else "Word share per speaker (untimed transcript)"
    )
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'font-family="sans-serif" '
            f'font-size="12">'
        ),
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (name, role, share, raw) in enumerate(rows):
        y = top + i * row_h
        w = max(0.0, min(1.0, share)) * bar_w
        detail = f"{share * 100:.1f}% · {_clock(raw)}" if timed else f"{share * 100:.1f}% · {raw} words"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(name[:26])}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{_COLOURS.get(role, _COLOURS["unknown"])}"><title>{escape(name)} ({role})</title></rect>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 14}">{escape(detail)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f} %"


def _num(x, fmt: str = "{:.1f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(analysis: CallAnalysis, prose: dict[str, str] | None = None) -> str:
    """Markdown coaching report for one call.

    Args:
        analysis: output of :func:`analyze_call`.
        prose: optional sections written by an LLM (e.g. ``{"summary": ..., "coaching": ...}``), rendered
            after the call header in the given order, each under its key as a heading. Every figure in
            the report comes from ``analysis``, never from the prose.
    """
    t, m = analysis.transcript, analysis.metrics
    out = [f"# Call coaching report: {t.call_id}", ""]
    facts = [
        f"date {t.date}" if t.date else None,
        f"format {t.source_format}",
        f"duration {_clock(m.duration_s)}" if m.duration_s is not None else "untimed",
        f"rep: {analysis.rep}" if analysis.rep else "rep side unknown",
        f"type: {analysis.call_type}" if analysis.call_type else None,
    ]
    out += [" · ".join(f for f in facts if f), ""]
    for key, text in (prose or {}).items():
        out += [f"## {key.replace('_', ' ').capitalize()}", "", text.strip(), ""]
    out += ["## Talk time", "", talk_time_svg(m), ""]
    out += ["## Metrics", "", "| | Rep | Customer |", "|---|---|---|"]
    rep, cus = m.rep, m.customer

    def both(attr, fmt):
        return (
            f"| {attr[0]} | {fmt(getattr(rep, attr[1], None)) if rep else 'n/a'} | "
            f"{fmt(getattr(cus, attr[1], None)) if cus else 'n/a'} |"
        )

    out += [
        both(("Talk ratio", "talk_ratio"), _pct),
        both(("Talk time", "talk_time_s"), _clock),
        both(("Longest monologue", "longest_monologue_s"), _clock),
        both(("Questions", "questions"), str),
        both(("Open questions", "open_questions"), str),
        both(("Words per minute", "words_per_minute"), _num),
        both(("Fillers per 100 words", "filler_per_100_words"), _num),
        "",
    ]
    story = m.longest_customer_story
    interruptions = m.interruptions if m.interruptions is not None else "n/a"
    out += [
        (
            f"- Turns: {m.turns} · switches per minute: {_num(m.switches_per_minute, '{:.2f}')} · "
            f"interactivity: {_num(m.interactivity)} / 10"
        ),
        (
            f"- Patience: {_num(m.patience_s, '{:.2f} s')} ({m.patience_samples} replies, "
            f"{interruptions} interruptions)"
        ),
        f"- Longest customer story: {_clock(story.duration_s) if story else 'n/a'}",
        "",
    ]
    if m.monologues_over_threshold:
        out += [f"### Monologues over {_clock(m.monologue_threshold_s)}", ""]
        out += [
            f"- {mo.name} ({mo.role}): {_clock(mo.start)}–{_clock(mo.end)} ({_clock(mo.duration_s)})"
            for mo in m.monologues_over_threshold[:20]
        ]
        out.append("")
    out += ["## Benchmarks", "", "| Metric | Value | Expected | Status | Source |", "|---|---|---|---|---|"]
    for b in analysis.benchmarks:
        src = b.source + ("" if b.source_verified else " (unverified)")
        out.append(
            f"| {_cell(b.label)} | {_num(b.value, '{:g}')} | {_cell(b.expected)} | {b.status} "
            f"| {_cell(src)} |"
        )
    out.append("")
    sc = analysis.scorecard
    out += [
        f"## {sc.methodology} scorecard: {sc.found}/{sc.total}",
        "",
        "| Criterion | Status | Evidence |",
        "|---|---|---|",
    ]
    for c in sc.criteria:
        ev = c.evidence[0] if c.evidence else None
        quote = f"“{_cell(ev.quote[:160])}” ({ev.name}, {_clock(ev.start)})" if ev else _cell(c.note or "")
        out.append(f"| {c.label} | {c.status.replace('_', ' ')} | {quote} |")
    out.append("")
    mn = analysis.mentions
    out += ["## Next steps, competitors, pricing", ""]
    for label, items in (
        ("Next steps", mn.next_steps),
        ("Competitors", mn.competitors),
        ("Pricing", mn.pricing),
    ):
        out.append(f"**{label}** ({len(items)})")
        for x in items[:8]:
            extra = (
                x.competitor
                or (", ".join(f"${a:,.0f}" for a in x.amounts_usd) if x.amounts_usd else None)
                or (f"when: {x.when}" + (f" → {x.due_date}" if x.due_date else "") if x.when else None)
            )
            out.append(f"- {_clock(x.start)} {x.name}: “{x.quote[:200]}”" + (f" ({extra})" if extra else ""))
        out.append("")
    if m.unavailable:
        out += ["## Not computed", ""] + [f"- {u.metric}: {u.reason}" for u in m.unavailable] + [""]
    if t.notes:
        out += ["## Import notes", ""] + [f"- {n}" for n in t.notes] + [""]
    return "\n".join(out)
