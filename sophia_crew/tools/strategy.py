"""Agent tools for the strategy crew: revenue forecast, pipeline forecast, anomalies, market analysis.

Thin wrappers over :mod:`sophia_crew.engines.forecast`; every figure comes from the engines. Without a path
they read the embedded demo tenant (PayReady, whose "today" is 2026-11-15).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from sophia_crew.engines.forecast.anomaly import Alert, detect_anomalies
from sophia_crew.engines.forecast.forecaster import ForecastResult, forecast_series
from sophia_crew.engines.forecast.market import MarketAnalysis, analyse_market
from sophia_crew.engines.forecast.pipeline import PipelineForecast, forecast_pipeline_files
from sophia_crew.engines.forecast.series import SeriesSet, from_won_deals, load_csv
from sophia_crew.errors import InputError
from sophia_crew.registry import tool
from sophia_crew.resources import demo_path

DEMO_TODAY = "2026-11-15"
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
MAX_ALERTS = 25


def _load(csv_path: str | None, by: list[str] | None, horizon: int, check_length: bool = True) -> SeriesSet:
    """A revenue CSV (long format) or a CRM deals.csv (won deals summed by close month)."""
    path = Path(csv_path) if csv_path else demo_path("revenue_monthly.csv")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    header = pd.read_csv(path, nrows=0).columns
    if {"is_won", "close_date", "amount_usd"} <= set(header):
        accounts = path.with_name("accounts.csv")
        return from_won_deals(path, by=by, accounts_path=accounts if accounts.is_file() else None,
                              horizon=horizon, check_length=check_length)
    return load_csv(path, by=by, horizon=horizon, check_length=check_length)


@tool("revenue_forecast")
def revenue_forecast(csv_path: str | None = None, horizon: int = 6, by: list[str] | None = None,
                     chart_dir: str | None = None) -> ForecastResult:
    """Backtested revenue forecast with 80/95 % intervals, the chosen model per series and why.

    Reads a monthly/weekly revenue CSV (date, value, optional breakdown columns) or a CRM deals.csv (won deals
    by close month); default: the demo tenant's revenue_monthly.csv. ``by`` splits into one series per
    segment/region/product. ``chart_dir`` writes one PNG per series.
    """
    series = _load(csv_path, by, horizon)
    return forecast_series(series, horizon=horizon, chart_dir=chart_dir)


@tool("pipeline_forecast")
def pipeline_forecast(as_of: str | None = None, target_usd: float | None = None,
                      deals_csv: str | None = None, history_csv: str | None = None,
                      period_end: str | None = None) -> PipelineForecast:
    """Stage-weighted pipeline from open deals using the tenant's own stage-to-win rates and cycle times.

    Returns commit / best-case / pipeline totals, coverage of ``target_usd``, slipped deals and a per-deal
    explanation. Defaults: the demo tenant's deals.csv and deal_stage_history.csv, as of its today (2026-11-15).
    """
    deals = Path(deals_csv) if deals_csv else demo_path("deals.csv")
    history = Path(history_csv) if history_csv else deals.with_name("deal_stage_history.csv")
    when = as_of or (DEMO_TODAY if deals_csv is None else date.today().isoformat())
    return forecast_pipeline_files(deals, history, as_of=when, target_usd=target_usd, period_end=period_end)


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
    that moved most in the same direction), and every segment is analysed too. Default: demo revenue_monthly.csv.
    """
    total = _load(csv_path, None, horizon=1, check_length=False)
    reports = []
    if by:
        parts = _load(csv_path, by, horizon=1, check_length=False)
        reports.append(detect_anomalies(total, parts))
        reports.append(detect_anomalies(parts))
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


@tool("market_analysis")
def market_analysis(csv_path: str | None = None, by: list[str] | None = None) -> MarketAnalysis:
    """Growth (MoM, YoY, trailing-year, CAGR), monthly seasonality index and share by segment with its change.

    Default: the demo tenant's revenue_monthly.csv; ``by`` (e.g. ["segment"]) adds per-segment growth and shares.
    """
    series = _load(csv_path, by, horizon=1, check_length=False)
    return analyse_market(series)


__all__ = ["AnomalySummary", "market_analysis", "pipeline_forecast", "revenue_anomalies", "revenue_forecast"]
