"""Agent tools for the strategy crew: revenue forecast, pipeline forecast, anomalies, market analysis.

Thin wrappers over :mod:`sophia_crew.engines.forecast`; every figure comes from the engines. Without a path
they read the embedded demo tenant (PayReady, whose "today" is 2026-11-15).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

# Result models only: pandas, statsforecast and statsmodels load when a tool runs, not when the tool table
# (CLI, MCP server) is built. tests/interfaces/test_interfaces_mcp_startup.py guards this.
from sophia_crew.engines.forecast.models import (
    Alert,
    AnomalyReport,
    ForecastResult,
    MarketAnalysis,
    PipelineForecast,
)
from sophia_crew.errors import InputError
from sophia_crew.registry import tool
from sophia_crew.resources import demo_path

if TYPE_CHECKING:
    import pandas as pd

    from sophia_crew.engines.forecast.series import SeriesSet

DEMO_TODAY = "2026-11-15"
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
MAX_ALERTS = 25
HISTORY_SHOWN = 36  # actuals returned per series: three seasons, enough to see the pattern in a chart
# Below this many series a process pool costs more than it saves (measured: 3 demo segments on 2 cores,
# 6.7 s with the pool vs 4.5 s in-process).
POOL_MIN_SERIES = 8


def _load(csv_path: str | None, by: list[str] | None, horizon: int, check_length: bool = True) -> SeriesSet:
    """A revenue CSV (long format) or a CRM deals.csv (won deals summed by close month)."""
    import pandas as pd

    from sophia_crew.engines.forecast.series import from_won_deals, load_csv

    path = Path(csv_path) if csv_path else demo_path("revenue_monthly.csv")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    header = pd.read_csv(path, nrows=0).columns
    if {"is_won", "close_date", "amount_usd"} <= set(header):
        accounts = path.with_name("accounts.csv")
        return from_won_deals(path, by=by, accounts_path=accounts if accounts.is_file() else None,
                              horizon=horizon, check_length=check_length)
    return load_csv(path, by=by, horizon=horizon, check_length=check_length)


class ActualPoint(BaseModel):
    """One past period's actual value."""

    date: str
    value: float


class SeriesHistory(BaseModel):
    """The most recent actuals of one series (for charts and year-over-year comparisons)."""

    series: str
    actuals: list[ActualPoint]


class HorizonTotal(BaseModel):
    """Sum of the point forecast over the horizon vs the same periods one season earlier."""

    series: str
    forecast_total: float
    same_periods_last_year: float | None
    growth_pct: float | None


class RevenueForecast(ForecastResult):
    """Forecast result plus recent actuals and horizon totals (``total`` = bottom-up sum of the series)."""

    history: list[SeriesHistory]
    horizon_totals: list[HorizonTotal]


def _fmt_ds(ts: pd.Timestamp, freq: str) -> str:
    return ts.strftime("%Y-%m") if freq == "MS" else ts.strftime("%Y-%m-%d")


def _horizon_totals(series: SeriesSet, result: ForecastResult) -> list[HorizonTotal]:
    import pandas as pd

    frame = series.frame
    m = series.season_length
    out = []
    sums: list[tuple[float, float | None]] = []
    for sf in result.series:
        hist = frame[frame["unique_id"] == sf.series].set_index("ds")["y"]
        ahead = pd.to_datetime([p.date for p in sf.forecast])
        # The same calendar periods one season back (12 months / 52 weeks).
        step = pd.DateOffset(months=m) if series.freq == "MS" else pd.Timedelta(weeks=m)
        back = [d - step for d in ahead]
        prior = float(hist.reindex(back).sum()) if all(b in hist.index for b in back) else None
        total = float(sum(p.mean for p in sf.forecast))
        sums.append((total, prior))
        out.append(HorizonTotal(series=sf.series, forecast_total=total, same_periods_last_year=prior,
                                growth_pct=(total / prior - 1) * 100 if prior else None))
    if len(out) > 1:
        total = sum(t for t, _ in sums)
        prior = sum(p for _, p in sums) if all(p is not None for _, p in sums) else None
        out.append(HorizonTotal(series="total", forecast_total=total, same_periods_last_year=prior,
                                growth_pct=(total / prior - 1) * 100 if prior else None))
    return out


@tool("revenue_forecast")
def revenue_forecast(csv_path: str | None = None, horizon: int = 6, by: list[str] | None = None,
                     chart_dir: str | None = None) -> RevenueForecast:
    """Backtested revenue forecast with 80/95 % intervals, the chosen model per series and why.

    Reads a monthly/weekly revenue CSV (date, value, optional breakdown columns) or a CRM deals.csv (won deals
    by close month); default: the demo tenant's revenue_monthly.csv. ``by`` splits into one series per
    segment/region/product. ``chart_dir`` writes one PNG per series. Also returns each series' last 36 actuals
    and the horizon's forecast total vs the same periods a year earlier (with a bottom-up ``total``).
    """
    from sophia_crew.engines.forecast.forecaster import forecast_series

    series = _load(csv_path, by, horizon)
    n_jobs = None if len(series.ids) >= POOL_MIN_SERIES else 1
    result = forecast_series(series, horizon=horizon, chart_dir=chart_dir, n_jobs=n_jobs)
    history = [SeriesHistory(series=str(uid), actuals=[ActualPoint(date=_fmt_ds(d, series.freq), value=float(v))
                                                      for d, v in zip(g["ds"], g["y"])])
               for uid, g in series.frame.groupby("unique_id", sort=False)
               for g in [g.tail(HISTORY_SHOWN)]]
    return RevenueForecast(**result.model_dump(), history=history,
                           horizon_totals=_horizon_totals(series, result))


@tool("pipeline_forecast")
def pipeline_forecast(as_of: str | None = None, target_usd: float | None = None,
                      deals_csv: str | None = None, history_csv: str | None = None,
                      period_end: str | None = None) -> PipelineForecast:
    """Stage-weighted pipeline from open deals using the tenant's own stage-to-win rates and cycle times.

    Returns commit / best-case / pipeline totals, coverage of ``target_usd``, slipped deals and a per-deal
    explanation. Defaults: the demo tenant's deals.csv and deal_stage_history.csv, as of its today (2026-11-15).
    """
    from sophia_crew.engines.forecast.pipeline import forecast_pipeline_files

    deals = Path(deals_csv) if deals_csv else demo_path("deals.csv")
    history = Path(history_csv) if history_csv else deals.with_name("deal_stage_history.csv")
    is_demo = deals.resolve() == demo_path("deals.csv").resolve()
    when = as_of or (DEMO_TODAY if is_demo else date.today().isoformat())
    owners = deals.with_name("owners.csv")
    return forecast_pipeline_files(deals, history, as_of=when, target_usd=target_usd, period_end=period_end,
                                   owners_path=owners if owners.is_file() else None)


class AnomalySummary(BaseModel):
    """Alerts on the total (with likely driver) and on each breakdown series, most severe first."""

    source: str
    series_analysed: int
    points: int
    outliers: int
    change_points: int
    flag_rate: float
    alerts: list[Alert]
    alerts_not_shown: int
    method: str


@tool("revenue_anomalies")
def revenue_anomalies(csv_path: str | None = None, by: list[str] | None = None) -> AnomalySummary:
    """Outliers (robust STL z-scores with severity) and sustained shifts (CUSUM) in revenue series.

    With ``by`` (e.g. ["segment"]) the total is analysed with a likely driver named for each alert (the segment
    that moved most in the same direction), and every segment is analysed too, its alerts naming the finer cell
    (e.g. "SMB | EMEA" from the file's other category columns) that moved most. Default: demo revenue_monthly.csv.
    """
    from sophia_crew.engines.forecast.anomaly import detect_anomalies

    total = _load(csv_path, None, horizon=1, check_length=False)
    reports = []
    if by:
        parts = _load(csv_path, by, horizon=1, check_length=False)
        reports.append(detect_anomalies(total, parts))
        reports.extend(_segment_reports(csv_path, by, parts))
    else:
        reports.append(detect_anomalies(total))
    alerts = [a for r in reports for a in r.alerts]
    alerts.sort(key=lambda a: (SEVERITY_RANK.get(a.severity, 3), -abs(a.deviation_pct)))
    points = sum(r.points for r in reports)
    flagged = sum(r.flag_rate * r.points for r in reports)
    return AnomalySummary(
        source=total.source, series_analysed=sum(len(r.series) for r in reports), points=points,
        outliers=sum(r.outliers for r in reports), change_points=sum(r.change_points for r in reports),
        flag_rate=flagged / points if points else 0.0, alerts=alerts[:MAX_ALERTS],
        alerts_not_shown=max(0, len(alerts) - MAX_ALERTS), method=reports[0].method,
    )


def _finer_columns(csv_path: str | None, by: list[str]) -> list[str]:
    """Category columns of a revenue CSV beyond ``by`` (not the date or value column)."""
    import pandas as pd

    from sophia_crew.engines.forecast.series import DATE_CANDIDATES, VALUE_CANDIDATES

    path = Path(csv_path) if csv_path else demo_path("revenue_monthly.csv")
    header = [str(c) for c in pd.read_csv(path, nrows=0).columns]
    if "is_won" in header:  # a deals.csv: no natural finer breakdown
        return []
    lower = [c.lower() for c in header]
    date_col = next((c for c in DATE_CANDIDATES if c in lower), None)
    value_col = next((c for c in VALUE_CANDIDATES if c in lower), None)
    return [c for c, lc in zip(header, lower) if lc not in (date_col, value_col) and c not in by]


def _segment_reports(csv_path: str | None, by: list[str], parts: SeriesSet) -> list[AnomalyReport]:
    """Each breakdown series analysed on its own, with its finer cells as candidate drivers."""
    from sophia_crew.engines.forecast.anomaly import detect_anomalies
    from sophia_crew.engines.forecast.series import SeriesSet

    extra = _finer_columns(csv_path, by)
    if not extra:
        return [detect_anomalies(parts)]
    finer = _load(csv_path, by + extra, horizon=1, check_length=False)
    out = []
    for uid in parts.ids:
        own = parts.frame[parts.frame["unique_id"] == uid]
        cells = finer.frame[finer.frame["unique_id"].str.startswith(f"{uid} | ")]
        one = SeriesSet(frame=own, freq=parts.freq, season_length=parts.season_length, source=parts.source, by=by)
        sub = SeriesSet(frame=cells, freq=finer.freq, season_length=finer.season_length, source=finer.source,
                        by=finer.by)
        out.append(detect_anomalies(one, sub if len(cells) else None))
    return out


@tool("market_analysis")
def market_analysis(csv_path: str | None = None, by: list[str] | None = None) -> MarketAnalysis:
    """Growth (MoM, YoY, trailing-year, CAGR), monthly seasonality index and share by segment with its change.

    Default: the demo tenant's revenue_monthly.csv; ``by`` (e.g. ["segment"]) adds per-segment growth and shares.
    """
    from sophia_crew.engines.forecast.market import analyse_market

    series = _load(csv_path, by, horizon=1, check_length=False)
    return analyse_market(series)


__all__ = ["AnomalySummary", "market_analysis", "pipeline_forecast", "revenue_anomalies", "revenue_forecast"]
