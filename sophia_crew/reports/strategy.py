"""``StrategyReport``: the strategy crew's revenue forecast, pipeline forecast, anomalies and market view.

Every figure is copied from the tools of :mod:`sophia_crew.tools.strategy` (the forecast engine); the prose
fields (commentaries, executive summary, recommendations) are written by the agents, or templated offline.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr

from sophia_crew.engines.forecast.models import (
    BacktestRow,
    CategoryTotal,
    ForecastPoint,
    GrowthStats,
    SeasonalityProfile,
    SegmentShare,
    StageStats,
)
from sophia_crew.tools.strategy import ActualPoint, HorizonTotal

from .base import ReportBase, md_cell

CATEGORY_LABEL = {"commit": "Commit", "best_case": "Best case", "pipeline": "Pipeline"}


def _typical(d: DealLine, as_of: date) -> str:
    if d.expected_close_date is None:
        return "n/a"
    return f"{d.expected_close_date}{' (passed)' if d.expected_close_date < as_of else ''}"


class SeriesForecastLine(BaseModel):
    """One series' forecast: chosen model and why, backtest table, recent actuals for the chart."""

    series: str
    chosen_model: str
    why: str
    last_actual_date: str
    last_actual: float
    forecast: list[ForecastPoint]
    backtest: list[BacktestRow]
    history: list[ActualPoint] = Field(default_factory=list)


class RevenueSection(BaseModel):
    """Revenue forecast by series (``revenue_forecast`` tool)."""

    source: str
    horizon: int
    origins: int
    candidates: list[str]
    series: list[SeriesForecastLine]
    horizon_totals: list[HorizonTotal]
    commentary: str


class DealLine(BaseModel):
    """One open deal as the pipeline tool weighted it."""

    deal_id: str
    name: str
    owner: str | None = None
    stage: str
    forecast_category: str
    amount_usd: float
    weighted_usd: float
    win_rate: float
    close_date: date
    original_close_date: date | None = None
    expected_close_date: date | None = None
    days_pushed: int = 0
    days_overdue: int = 0


class PipelineSection(BaseModel):
    """Stage-weighted pipeline (``pipeline_forecast`` tool)."""

    as_of: date
    open_deals: int
    pipeline_usd: float
    weighted_usd: float
    commit_usd: float
    best_case_usd: float
    by_category: list[CategoryTotal]
    target_usd: float | None = None
    coverage: float | None = None
    weighted_coverage: float | None = None
    stage_stats: list[StageStats]
    slipped_usd: float
    slipped_deals: list[DealLine]
    deals: list[DealLine] = Field(description="open deals, largest first (may be the largest N only)")
    notes: list[str] = Field(default_factory=list)
    commentary: str


class AlertLine(BaseModel):
    """One anomaly: outlier month or sustained shift, with its likely driver."""

    series: str
    date: str
    end_date: str | None = None
    kind: str
    severity: str
    value: float
    expected: float
    deviation: float
    deviation_pct: float
    driver: str | None = None
    driver_deviation: float | None = None


class AnomalySection(BaseModel):
    """Revenue anomalies (``revenue_anomalies`` tool); ``alerts`` holds the ones worth reading."""

    series_analysed: int
    points: int
    outliers: int
    change_points: int
    flag_rate: float
    method: str
    alerts: list[AlertLine]
    alerts_total: int
    commentary: str


class MarketSection(BaseModel):
    """Growth, seasonality and segment shares (``market_analysis`` tool)."""

    period_end: str
    growth: list[GrowthStats]
    seasonality: list[SeasonalityProfile]
    shares: list[SegmentShare]
    commentary: str


class StrategyReport(ReportBase):
    """Revenue strategy brief for a revenue leader: forecast, pipeline, anomalies, market, actions."""

    title: str
    as_of: date
    executive_summary: str
    revenue: RevenueSection
    pipeline: PipelineSection
    anomalies: AnomalySection
    market: MarketSection
    recommendations: list[str] = Field(min_length=1, max_length=6)
    caveats: list[str] = Field(default_factory=list)
    _stem: str | None = PrivateAttr(default=None)  # set by write_assets so the Markdown links the charts

    # -- CLI -------------------------------------------------------------------------------------
    def summary_rows(self) -> list[tuple[str, str]]:
        """Headline figures for the CLI summary table."""
        rows: list[tuple[str, str]] = []
        first, last = self.revenue.series[0].forecast[0].date, self.revenue.series[0].forecast[-1].date
        for t in self.revenue.horizon_totals:
            growth = f" ({t.growth_pct:+.1f}% YoY)" if t.growth_pct is not None else ""
            rows.append((f"Forecast {first}..{last} {t.series}", f"${t.forecast_total:,.0f}{growth}"))
        p = self.pipeline
        rows.append(("Open pipeline", f"${p.pipeline_usd:,.0f} ({p.open_deals} deals)"))
        rows.append(("Commit / best case", f"${p.commit_usd:,.0f} / ${p.best_case_usd:,.0f}"))
        rows.append(("Stage-weighted", f"${p.weighted_usd:,.0f}"))
        rows.append(("Coverage", f"{p.coverage:.2f}x of ${p.target_usd:,.0f}" if p.coverage is not None
                     else "not computed (no target_usd)"))
        rows.append(("Slipped deals", f"{len(p.slipped_deals)} (${p.slipped_usd:,.0f})"))
        serious = [a for a in self.anomalies.alerts if a.severity in ("high", "medium")]
        rows.append(("Anomalies (high/medium)", str(len(serious))))
        rows.append(("Recommendations", str(len(self.recommendations))))
        return rows

    # -- Markdown --------------------------------------------------------------------------------
    def to_markdown(self, stem: str | None = None) -> str:
        """The report as Markdown; with ``stem`` it links the charts ``write_assets`` wrote."""
        stem = stem or self._stem
        out = [f"# {self.title}", "", (f"*As of {self.as_of} · revenue history to "
               f"{self.revenue.series[0].last_actual_date} · source `{self.revenue.source}`*"), "",
               "## Executive summary", "", self.executive_summary, "", "## Recommendations", ""]
        out += [f"{i}. {r}" for i, r in enumerate(self.recommendations, 1)]
        out += ["", *self._revenue_md(stem), *self._pipeline_md(stem), *self._anomaly_md(), *self._market_md()]
        if self.caveats:
            out += ["## Caveats", "", *[f"- {c}" for c in self.caveats], ""]
        return "\n".join(out).rstrip() + "\n"

    def _revenue_md(self, stem: str | None) -> list[str]:
        r = self.revenue
        out = [f"## Revenue forecast: next {r.horizon} periods", "", r.commentary, ""]
        if stem:
            out += [f"![Revenue forecast]({stem}-forecast.png)", ""]
        totals = [t for t in r.horizon_totals]
        if totals:
            out += ["| Series | Forecast total | Same periods last year | Growth |", "|---|---:|---:|---:|"]
            out += [f"| {md_cell(t.series)} | ${t.forecast_total:,.0f} | " +
                    (f"${t.same_periods_last_year:,.0f}" if t.same_periods_last_year is not None else "n/a") +
                    " | " + (f"{t.growth_pct:+.1f}%" if t.growth_pct is not None else "n/a") + " |"
                    for t in totals]
            out += [""]
        for s in r.series:
            best = next((b for b in s.backtest if b.model == s.chosen_model), None)
            base = next((b for b in s.backtest if b.model == "SeasonalNaive"), None)
            acc = ""
            if best is not None:
                acc = (f" · backtest MASE {best.mase:.2f}" if best.mase is not None else "") + \
                      f", sMAPE {best.smape:.1f}%, 80% interval held {best.coverage_80:.0%}, " \
                      f"95% held {best.coverage_95:.0%} ({best.origins} origins)"
                if base is not None and base.mase and best.mase is not None:
                    acc += f"; seasonal-naive MASE {base.mase:.2f}"
            out += [f"### {s.series}: {s.chosen_model}", "", (f"*Last actual {s.last_actual_date}: "
                    f"${s.last_actual:,.0f}{acc}*"), "", s.why, "",
                    "| Month | Forecast | 80% interval | 95% interval |", "|---|---:|---:|---:|"]
            out += [f"| {p.date} | ${p.mean:,.0f} | ${p.lo_80:,.0f} – ${p.hi_80:,.0f} | "
                    f"${p.lo_95:,.0f} – ${p.hi_95:,.0f} |" for p in s.forecast]
            out += ["", "<details><summary>Backtest of every candidate</summary>", "",
                    "| Model | MASE | sMAPE | 80% cov. | 95% cov. |", "|---|---:|---:|---:|---:|"]
            out += [f"| {b.model}{' (chosen)' if b.model == s.chosen_model else ''} | "
                    f"{'n/a' if b.mase is None else f'{b.mase:.3f}'} | {b.smape:.1f}% | {b.coverage_80:.0%} | "
                    f"{b.coverage_95:.0%} |" for b in s.backtest]
            out += ["", "</details>", ""]
        return out

    def _pipeline_md(self, stem: str | None) -> list[str]:
        p = self.pipeline
        cov = (f"{p.coverage:.2f}x (stage-weighted {p.weighted_coverage:.2f}x) of the ${p.target_usd:,.0f} target"
               if p.coverage is not None and p.weighted_coverage is not None and p.target_usd
               else "not computed: no `target_usd` given")
        out = [f"## Pipeline forecast (as of {p.as_of})", "", p.commentary, ""]
        if stem:
            out += [f"![Pipeline]({stem}-pipeline.png)", ""]
        out += ["| | Deals | Amount | Stage-weighted |", "|---|---:|---:|---:|"]
        out += [f"| {CATEGORY_LABEL.get(c.category, c.category)} | {c.deals} | ${c.amount_usd:,.0f} | "
                f"${c.weighted_usd:,.0f} |" for c in p.by_category]
        out += [(f"| **Open pipeline** | **{sum(c.deals for c in p.by_category)}** | **${p.pipeline_usd:,.0f}** | "
                f"**${p.weighted_usd:,.0f}** |"), "",
                (f"Commit ${p.commit_usd:,.0f} · best case (commit + best case) ${p.best_case_usd:,.0f} · "
                f"coverage {cov}."), ""]
        out += [f"- {n}" for n in p.notes] + ([""] if p.notes else [])
        out += [f"### Slipped deals ({len(p.slipped_deals)}, ${p.slipped_usd:,.0f})", ""]
        if p.slipped_deals:
            out += ["| Deal | Owner | Stage | Category | Amount | Close date | First close date | Pushed |",
                    "|---|---|---|---|---:|---|---|---:|"]
            out += [f"| {d.deal_id} {md_cell(d.name)} | {md_cell(d.owner or 'n/a')} | {d.stage} | {d.forecast_category} | "
                    f"${d.amount_usd:,.0f} | {d.close_date} | {d.original_close_date or 'n/a'} | "
                    f"{d.days_pushed} d{f' (+{d.days_overdue} d overdue)' if d.days_overdue else ''} |"
                    for d in p.slipped_deals]
        else:
            out += ["None: no open deal's close date was pushed or has passed."]
        shown = "" if len(p.deals) >= p.open_deals else f" (the {len(p.deals)} largest of {p.open_deals})"
        out += ["", f"### Open deals{shown}", "",
                "| Deal | Owner | Stage | Category | Amount | Win rate | Weighted | CRM close | Typical close |",
                "|---|---|---|---|---:|---:|---:|---|---|"]
        out += [f"| {d.deal_id} {md_cell(d.name)} | {md_cell(d.owner or 'n/a')} | {d.stage} | {d.forecast_category} | "
                f"${d.amount_usd:,.0f} | {d.win_rate:.0%} | ${d.weighted_usd:,.0f} | {d.close_date} | "
                f"{_typical(d, p.as_of)} |" for d in p.deals]
        out += ["", ("*Win rate = share of the tenant's closed deals that reached the stage and were won; typical "
                "close = date entered the stage + median days won deals took from there; (passed) = older than that "
                "and still open.*"), "",
                "| Stage | Closed deals | Won | Win rate | Median days to close |", "|---|---:|---:|---:|---:|"]
        out += [f"| {s.stage} | {s.closed_deals} | {s.won_deals} | {s.win_rate:.0%} | "
                f"{'n/a' if s.median_days_to_close is None else f'{s.median_days_to_close:.0f}'} |"
                for s in p.stage_stats]
        return out + [""]

    def _anomaly_md(self) -> list[str]:
        a = self.anomalies
        out = ["## Revenue anomalies", "", a.commentary, "",
               (f"*{a.series_analysed} series, {a.points} points: {a.outliers} outliers and {a.change_points} "
               f"sustained shifts flagged ({a.flag_rate:.1%} of points); {a.alerts_total} alerts in all, the "
               f"{len(a.alerts)} that matter below. Method: {a.method}.*"), ""]
        if a.alerts:
            out += ["| Series | Date | Kind | Severity | Actual | Expected | Deviation | Likely driver |",
                    "|---|---|---|---|---:|---:|---:|---|"]
            for x in a.alerts:
                when = f"{x.date}..{x.end_date}" if x.end_date else x.date
                drv = (f"{x.driver} ({x.driver_deviation:+,.0f})" if x.driver and x.driver_deviation is not None
                       else x.driver or "n/a")
                out.append(f"| {md_cell(x.series)} | {when} | {x.kind.replace('_', ' ')} | {x.severity} | "
                           f"${x.value:,.0f} | ${x.expected:,.0f} | {x.deviation:+,.0f} ({x.deviation_pct:+.1f}%) | "
                           f"{md_cell(drv)} |")
        return out + [""]

    def _market_md(self) -> list[str]:
        m = self.market
        out = [f"## Market and seasonality (to {m.period_end})", "", m.commentary, "",
               "| Series | Last month | MoM | YoY | Trailing 12 months | T12M YoY | CAGR |",
               "|---|---:|---:|---:|---:|---:|---:|"]

        def pct(v: float | None) -> str:
            return "n/a" if v is None else f"{v:+.1f}%"

        out += [f"| {md_cell(g.series)} | ${g.last_value:,.0f} | {pct(g.mom_pct)} | {pct(g.yoy_pct)} | "
                f"{'n/a' if g.trailing_year_total is None else f'${g.trailing_year_total:,.0f}'} | "
                f"{pct(g.trailing_year_yoy_pct)} | {pct(g.cagr_pct)} ({g.cagr_years} y) |" for g in m.growth]
        if m.shares:
            out += ["", "| Segment | Last 12 months | Share | Prior share | Change |", "|---|---:|---:|---:|---:|"]
            out += [f"| {md_cell(s.segment)} | ${s.last_year_total:,.0f} | {s.share_pct:.1f}% | "
                    f"{'n/a' if s.prior_share_pct is None else f'{s.prior_share_pct:.1f}%'} | "
                    f"{'n/a' if s.change_pp is None else f'{s.change_pp:+.2f} pp'} |" for s in m.shares]
        for s in m.seasonality:
            months = list(s.index)
            out += ["", (f"Seasonal index, {s.series} (1.00 = de-trended average; peak {s.peak}, trough {s.trough}, "
                    f"amplitude {s.amplitude_pct:.1f} pts):"), "", "| " + " | ".join(months) + " |",
                    "|" + "---:|" * len(months), "| " + " | ".join(f"{s.index[k]:.3f}" for k in months) + " |"]
        return out + [""]

    # -- charts ----------------------------------------------------------------------------------
    def write_assets(self, out_dir: Path, stem: str) -> list[Path]:
        """Write ``<stem>-forecast.png`` (a panel per series) and ``<stem>-pipeline.png``."""
        from sophia_crew.engines.forecast.charts import forecast_panels, pipeline_chart

        self._stem = stem
        marks: dict[str, list[tuple[str, float, str]]] = {}
        for x in self.anomalies.alerts:
            if x.kind == "outlier" and x.severity in ("high", "medium"):
                marks.setdefault(x.series, []).append((x.date, x.value, f"{x.date} {x.deviation_pct:+.0f}%"))
        panels = []
        for s in self.revenue.series:
            shown = {h.date for h in s.history}
            model_backtest = next((b for b in s.backtest if b.model == s.chosen_model), None)
            label = s.chosen_model + (f", MASE {model_backtest.mase:.2f}" if model_backtest and
                                      model_backtest.mase is not None else "")
            panels.append({
                "title": f"{s.series}: actuals and {len(s.forecast)}-period forecast",
                "history": [(h.date, h.value) for h in s.history] or [(s.last_actual_date, s.last_actual)],
                "forecast": [(p.date, p.mean, p.lo_80, p.hi_80, p.lo_95, p.hi_95) for p in s.forecast],
                "model": label, "marks": [m for m in marks.get(s.series, []) if m[0] in shown],
            })
        files = [forecast_panels(out_dir / f"{stem}-forecast.png", panels)]
        p = self.pipeline
        bars = [("Commit", p.commit_usd), ("Best case (incl. commit)", p.best_case_usd),
                ("Open pipeline", p.pipeline_usd), ("Stage-weighted", p.weighted_usd)]
        files.append(pipeline_chart(out_dir / f"{stem}-pipeline.png", bars, p.target_usd,
                                    title=f"Open pipeline by forecast category, as of {p.as_of}"))
        return files


__all__ = ["AlertLine", "AnomalySection", "DealLine", "MarketSection", "PipelineSection", "RevenueSection",
           "SeriesForecastLine", "StrategyReport"]
