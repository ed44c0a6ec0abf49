"""Markdown and chart of the client-health report (:mod:`.client_health` holds the models)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import md_cell

if TYPE_CHECKING:
    from .client_health import AccountHealthReport, PortfolioHealthReport, RenewalRow, RollupRow

COLOURS = {"red": "#d9534f", "yellow": "#f0ad4e", "green": "#5cb85c"}
ARROWS = {"up": "▲", "down": "▼", "flat": "▶", "unknown": "·"}
# How the raw value of each default-scorecard measure reads (unknown measures fall back to the number).
UNITS = {"usage_trend": "{:+.1f}% users (3 vs 3 months)", "license_utilisation": "{:.0%} of seats used",
         "feature_adoption": "{:.0f}% of features", "engagement_recency": "{:g} days since last touch",
         "open_critical_tickets": "{:g} critical open", "sla_breaches_90d": "{:g} SLA breaches (90 d)",
         "late_invoices_12m": "{:g} late invoices (12 m)", "overdue_invoices": "{:g} overdue invoices",
         "nps": "NPS {:g}", "csat": "CSAT {:.1f}", "competitor_mentions": "{:g} competitor mentions",
         "sentiment": "sentiment {:+.2f}"}


def main_change(a: AccountHealthReport) -> str | None:
    """The largest measure move in the direction the score moved (a rise can hide inside a fall)."""
    if a.trend_delta is None:
        return None
    sign = ": -" if a.trend_delta < 0 else ": +"
    return next((w for w in a.why_changed if sign in w), None)


def head(a: AccountHealthReport) -> str:
    score = f"{a.score:g} {a.colour}" if a.score is not None else "no score (insufficient data)"
    trend = f" {ARROWS.get(a.trend_direction, '')}{a.trend_delta:+g}" if a.trend_delta is not None else ""
    churn = f", churn {a.churn.probability:.0%}" if a.churn else ""
    return f"{score}{trend}{churn}, ARR ${a.arr_usd or 0:,.0f}"


def _money(x: float | None) -> str:
    return "n/a" if x is None else f"${x:,.0f}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _score(a: AccountHealthReport | RenewalRow) -> str:
    return f"{a.score:g} {a.colour}" if a.score is not None else "no score"


def _trend(a: AccountHealthReport) -> str:
    return f"{ARROWS.get(a.trend_direction, '')} {a.trend_delta:+g}" if a.trend_delta is not None else "n/a"


def _account_md(i: int, a: AccountHealthReport, r: PortfolioHealthReport) -> list[str]:
    renew = f"renews {a.renewal_date} ({a.days_to_renewal} days)" if a.renewal_date else "no renewal date"
    loss = f" · expected loss {_money(a.expected_loss_usd)}" if a.expected_loss_usd is not None else ""
    out = [f"### {i}. {a.name} ({a.account_id}) — {head(a)}", "",
           f"{a.segment} · owner {a.owner} · CSM {a.csm or 'none'} · {renew}{loss} · profile {a.profile}", "",
           a.assessment, ""]
    if a.risk_reasons:
        out += [f"**Why at risk:** {'; '.join(a.risk_reasons)}", ""]
    if a.drags:
        out += ["**What drags the score** (points lost against 100 = weight × (100 − measure score)):", "",
                "| Measure | Group | Value | Score | Weight | Points lost |", "|---|---|---:|---:|---:|---:|"]
        out += [f"| {d.measure} | {d.group} | {UNITS.get(d.measure, '{:g}').format(d.raw)} | {d.score:g} {d.colour} | "
                f"{d.weight:.1%} | {d.points_lost:.1f} |"
                for d in a.drags]
        out += [""]
    if a.trend_delta is not None:
        out += [f"**Why it changed** ({a.previous_score:g} → {a.score:g}, {a.trend_delta:+g} pts):"]
        out += [f"- {w}" for w in a.why_changed] or ["- no single measure moved"]
        out += [""]
    elif a.trend_note:
        out += [f"**Trend:** {a.trend_note}", ""]
    if a.churn:
        out += [f"**Churn probability {_pct(a.churn.probability)}** (threshold {_pct(r.risk_probability)})"]
        out += [f"- raises risk: {f}" for f in a.churn.raises_risk] + [f"- lowers risk: {f}" for f in a.churn.lowers_risk]
        out += [f"- caveat: {w}" for w in a.churn.warnings] + [""]
    if a.calls and a.calls.competitor_mentions:
        comp = ", ".join(f"{k} ×{v}" for k, v in a.calls.by_competitor.items())
        out += [f"**On recorded calls** ({'; '.join(a.calls.calls)}): customer named {comp}"]
        out += [f"- {q}" for q in a.calls.quotes] + [""]
    if a.missing_inputs:
        out += [f"**Missing inputs:** {'; '.join(a.missing_inputs)}", ""]
    if a.plays:
        out += ["**Plays**", "", "| Priority | Play | Owner | Due | Why |", "|---|---|---|---|---|"]
        out += [f"| {p.priority} | {md_cell(p.title)} | {p.owner} | {p.due_date} | {md_cell('; '.join(p.reasons))} |"
                for p in a.plays]
        first = a.plays[0]
        out += ["", f"Steps for *{first.title}*:"] + [f"{n}. {s}" for n, s in enumerate(first.steps, 1)] + [""]
    return out


def _rollup_md(title: str, rows: list[RollupRow]) -> list[str]:
    out = [f"### {title}", "", "| | Accounts | ARR | At risk | ARR at risk | Expected loss |",
           "|---|---:|---:|---:|---:|---:|"]
    out += [f"| {md_cell(x.label or 'none')} | {x.accounts} | {_money(x.arr_usd)} | {x.at_risk_accounts} | "
            f"{_money(x.arr_at_risk_usd)} | {_money(x.expected_loss_usd)} |" for x in rows]
    return out + [""]


def markdown(r: PortfolioHealthReport, stem: str | None) -> str:
    c, m = r.counts, r.churn_model
    share = f" ({r.arr_at_risk_usd / r.arr_total_usd:.0%})" if r.arr_total_usd else ""
    model = f"churn model `{m.version}`" if m.trained else f"churn model not trained: {m.note}"
    out = [f"# {r.title}", "",
           (f"*As of {r.as_of} · {r.scope} · scorecard {r.scorecard} (green ≥ {r.bands.get('green', 0):g}, "
           f"yellow ≥ {r.bands.get('yellow', 0):g}) · {model}*"), "", "## Executive summary", "", r.executive_summary, "",
           "| Accounts | Red | Yellow | Green | No score | ARR | ARR at risk | Expected loss | Renewals ≤ 90 days |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
           (f"| {r.accounts_total} | {c.get('red', 0)} | {c.get('yellow', 0)} | {c.get('green', 0)} | "
           f"{c.get('insufficient_data', 0)} | {_money(r.arr_total_usd)} | {_money(r.arr_at_risk_usd)}{share} | "
           f"{_money(r.expected_loss_usd)} | {len(r.renewals_90d)}: {_money(r.renewals_90d_arr_usd)} "
           f"({_money(r.renewals_90d_at_risk_arr_usd)} at risk) |"), ""]
    if stem:
        out += [f"![Score distribution and ARR at risk]({stem}-health.png)", ""]
    out += ["## Priorities this week", ""] + [f"{i}. {p}" for i, p in enumerate(r.priorities, 1)] + [""]
    risky = r.at_risk
    out += [f"## At-risk accounts ({len(risky)})", ""]
    if not risky:
        out += ["No account is red or above the churn threshold.", ""]
    for i, a in enumerate(risky, 1):
        out += _account_md(i, a, r)
    watch = [a for a in r.accounts if not a.at_risk and a.watch_reasons]
    if watch:
        out += [f"## Watch list ({len(watch)})", "", "| Account | Health | Trend | Churn | ARR | Renewal | Why | Plays |",
                "|---|---|---:|---:|---:|---|---|---|"]
        out += [f"| {md_cell(a.name)} ({a.account_id}) | {_score(a)} | {_trend(a)} | "
                f"{_pct(a.churn.probability) if a.churn else 'n/a'} | {_money(a.arr_usd)} | {a.renewal_date or 'n/a'} | "
                f"{md_cell('; '.join(a.watch_reasons))} | "
                f"{md_cell('; '.join(f'{p.title} ({p.owner}, {p.due_date})' for p in a.plays) or 'none')} |" for a in watch]
        out += [""]
    out += ["## All accounts", "", "| Account | Segment | Health | Trend | Churn | ARR | Renewal | Owner / CSM | Biggest drag |",
            "|---|---|---|---:|---:|---:|---|---|---|"]
    for a in r.accounts:
        drag = f"{a.drags[0].measure} (−{a.drags[0].points_lost:.1f})" if a.drags else "none"
        flag = "**at risk** " if a.at_risk else ""
        out.append(f"| {flag}{md_cell(a.name)} ({a.account_id}) | {a.segment} | {_score(a)} | {_trend(a)} | "
                   f"{_pct(a.churn.probability) if a.churn else 'n/a'} | {_money(a.arr_usd)} | "
                   f"{a.renewal_date or 'n/a'} | {a.owner} / {a.csm or '-'} | {drag} |")
    out += ["", "## ARR at risk", ""]
    out += _rollup_md("By account owner", r.by_owner) + _rollup_md("By CSM", r.by_csm)
    out += _rollup_md("By segment", r.by_segment)
    out += [f"## Renewal calendar: next 90 days ({len(r.renewals_90d)})", ""]
    if r.renewals_90d:
        out += ["| Date | Days | Account | ARR | Health | Churn | Owner / CSM | At risk |", "|---|---:|---|---:|---|---:|---|---|"]
        out += [f"| {x.renewal_date} | {x.days_to_renewal} | {md_cell(x.name)} ({x.account_id}) | {_money(x.arr_usd)} | "
                f"{_score(x)} | {_pct(x.churn_probability)} | {x.owner} / {x.csm or '-'} | "
                f"{'**yes**' if x.at_risk else 'no'} |" for x in r.renewals_90d]
    else:
        out += ["No renewal in the next 90 days."]
    out += ["", "## Data gaps", ""]
    if r.data_gaps:
        out += ["| Account | Status | Missing |", "|---|---|---|"]
        out += [f"| {md_cell(g.name)} ({g.account_id}) | {'NO SCORE' if g.blocking else g.status} | "
                f"{md_cell('; '.join(g.missing))} |" for g in r.data_gaps]
    else:
        out += ["Every account had all required inputs."]
    if r.optional_without_data:
        out += ["", "Optional measures scored without data (skipped, weight re-spread, never zero): " +
                ", ".join(f"{k} ({v} account{'s' if v != 1 else ''})" for k, v in r.optional_without_data.items()) + "."]
    out += ["", "## Churn model", ""]
    if m.trained:
        mm = m.metrics
        out += [f"`{m.version}` ({', '.join(f'{k} {v}' for k, v in m.details.items())}).", "",
                "| ROC-AUC | PR-AUC | Brier | Base rate | Train / test rows |", "|---:|---:|---:|---:|---|",
                (f"| {mm.get('roc_auc', float('nan')):.3f} | {mm.get('pr_auc', float('nan')):.3f} | "
                f"{mm.get('brier', float('nan')):.3f} | {mm.get('base_rate', float('nan')):.1%} | "
                f"{mm.get('n_train', 0):g} / {mm.get('n_test', 0):g} |")]
    else:
        out += [f"Not trained: {m.note}. Health colours still apply; churn columns say n/a."]
    if r.disagreements:
        out += ["", "## Health score vs churn model", ""] + [f"- {d}" for d in r.disagreements]
    if r.call_signals_note:
        out += ["", "## Call signals", "", r.call_signals_note]
    if r.slack is not None:
        s = r.slack
        out += ["", "## Slack", ""]
        out += [f"Planned write `{s.planned_write_id}` to {s.channel or 'the default channel'}: {s.status}. "
                f"Send it with `{s.how_to_apply}`." if s.requested and s.planned_write_id else f"{s.status}."]
    if r.caveats:
        out += ["", "## Caveats", ""] + [f"- {x}" for x in r.caveats]
    return "\n".join(out).rstrip() + "\n"


def chart(r: PortfolioHealthReport, path: Path) -> Path:
    """Left: score histogram stacked by colour with the band limits; right: ARR vs ARR at risk by segment/owner."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(12, 4.8), dpi=110)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    bins = [i * 5 for i in range(20)]  # 5-point bins: the band limits (45, 70 by default) fall on bin edges
    bottom = [0] * 20
    for colour, hex_ in COLOURS.items():
        counts = [0] * 20
        for a in r.accounts:
            if a.colour == colour and a.score is not None:
                counts[min(int(a.score // 5), 19)] += 1
        left.bar([b + 2.5 for b in bins], counts, width=4.6, bottom=bottom, color=hex_, label=colour)
        bottom = [b + n for b, n in zip(bottom, counts)]
    top = max(bottom + [1])
    for name in ("yellow", "green"):
        if name in r.bands:
            left.axvline(r.bands[name], color="#555", linestyle="--", linewidth=0.8)
            left.text(r.bands[name] + 0.5, top * 1.12, f"{name} ≥ {r.bands[name]:g}", fontsize=8)
    labels: dict[int, list[str]] = {}
    for a in r.at_risk:
        if a.score is not None:
            labels.setdefault(min(int(a.score // 5), 19), []).append(a.account_id)
    for i, ids in labels.items():
        left.text(bins[i] + 2.5, bottom[i] + 0.08, " ".join(ids), ha="center", va="bottom", fontsize=7, rotation=90)
    left.set_ylim(0, top * 1.3 + 1)
    left.set_xlim(0, 100)
    left.set_title(f"Health scores, {r.as_of}: {r.counts.get('red', 0)} red, {r.counts.get('yellow', 0)} yellow, "
                   f"{r.counts.get('green', 0)} green; {r.counts.get('insufficient_data', 0)} without score", fontsize=9)
    left.set_xlabel("health score (5-point bins; at-risk accounts labelled)")
    left.set_ylabel("accounts")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.legend(fontsize=8, loc="upper left")
    rows = [(f"segment {x.label}", x) for x in r.by_segment] + [(f"owner {x.label or 'none'}", x) for x in r.by_owner]
    rows = rows[::-1]
    ys = list(range(len(rows)))
    right.barh(ys, [x.arr_usd / 1000 for _, x in rows], color="#d8d8d8", label="ARR")
    right.barh(ys, [x.arr_at_risk_usd / 1000 for _, x in rows], color=COLOURS["red"], label="ARR at risk")
    for y, (_, x) in zip(ys, rows):
        if x.arr_at_risk_usd:
            right.text(x.arr_usd / 1000, y, f" {x.arr_at_risk_usd / 1000:,.0f}k at risk", va="center", fontsize=7)
    right.set_yticks(ys, [label for label, _ in rows], fontsize=8)
    share = f" ({r.arr_at_risk_usd / r.arr_total_usd:.0%})" if r.arr_total_usd else ""
    right.set_title(f"ARR at risk: USD {r.arr_at_risk_usd / 1000:,.0f}k of {r.arr_total_usd / 1000:,.0f}k{share}"
                    + (f"; expected loss USD {r.expected_loss_usd / 1000:,.0f}k" if r.expected_loss_usd is not None else ""),
                    fontsize=9)
    if r.by_segment and r.by_owner:
        right.axhline(len(r.by_owner) - 0.5, color="#888", linewidth=0.6)
    right.set_xlabel("ARR (k USD)")
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
