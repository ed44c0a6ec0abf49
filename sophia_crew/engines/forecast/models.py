"""Result models of the forecasting engines: what the tools return and reports read.

Only Pydantic here: tool signatures and the MCP server's tool table import these without loading pandas,
statsforecast, statsmodels or scipy (the engine modules re-export them under their old names).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

__all__ = [
    "Alert", "AnomalyReport", "BacktestRow", "CategoryTotal", "DealForecast", "ForecastPoint", "ForecastResult",
    "GrowthStats", "MarketAnalysis", "PipelineForecast", "SeasonalityProfile", "SegmentShare", "SeriesForecast",
    "StageStats",
]

# --------------------------------------------------------------------------- forecaster


class ForecastPoint(BaseModel):
    """One future period: point forecast with 80 % and 95 % prediction intervals."""

    date: str
    mean: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float


class BacktestRow(BaseModel):
    """Mean accuracy of one model on one series over the backtest origins."""

    model: str
    mase: float | None
    smape: float
    coverage_80: float
    coverage_95: float
    origins: int


class SeriesForecast(BaseModel):
    """Forecast of one series with the chosen model, why, and the evidence."""

    series: str
    chosen_model: str
    why: str
    history_points: int
    last_actual_date: str
    last_actual: float
    forecast: list[ForecastPoint]
    backtest: list[BacktestRow]
    chart_path: str | None = None


class ForecastResult(BaseModel):
    """Forecasts for every series of one input."""

    source: str
    freq: str
    season_length: int
    horizon: int
    origins: int
    candidates: list[str]
    selection: str
    series: list[SeriesForecast]
    seconds: float


# --------------------------------------------------------------------------- anomaly


class Alert(BaseModel):
    """One flagged point (outlier) or regime change (change point)."""

    series: str
    date: str
    end_date: str | None = None
    kind: str  # "outlier" | "change_point"
    severity: str
    value: float
    expected: float
    deviation: float
    deviation_pct: float
    z: float | None
    driver: str | None = None
    driver_deviation: float | None = None
    message: str


class AnomalyReport(BaseModel):
    """Alerts for every analysed series."""

    series: list[str]
    points: int
    outliers: int
    change_points: int
    flag_rate: float  # share of points inside any alert (outlier dates and CUSUM episode spans)
    alerts: list[Alert]
    method: str


# --------------------------------------------------------------------------- market


class GrowthStats(BaseModel):
    """Growth of one series at its last period (percentages; None when history is too short)."""

    series: str
    last_period: str
    last_value: float
    mom_pct: float | None
    yoy_pct: float | None
    trailing_year_total: float | None
    trailing_year_yoy_pct: float | None
    cagr_pct: float | None
    cagr_years: int


class SeasonalityProfile(BaseModel):
    """Seasonal index per calendar month (mean 1.0): 1.15 means 15 % above the de-trended level."""

    series: str
    index: dict[str, float]
    peak: str
    trough: str
    amplitude_pct: float
    method: str


class SegmentShare(BaseModel):
    """Share of one segment in the last year vs the year before."""

    segment: str
    last_year_total: float
    share_pct: float
    prior_share_pct: float | None
    change_pp: float | None
    yoy_pct: float | None


class MarketAnalysis(BaseModel):
    """Growth, seasonality and (with a breakdown) segment shares."""

    source: str
    by: list[str]
    period_end: str
    growth: list[GrowthStats]
    seasonality: list[SeasonalityProfile]
    shares: list[SegmentShare]


# --------------------------------------------------------------------------- pipeline


class StageStats(BaseModel):
    """Historical conversion of one stage."""

    stage: str
    closed_deals: int
    won_deals: int
    win_rate: float
    median_days_to_close: float | None
    rate_source: str  # "history" or "overall win rate (no closed deal reached this stage)"


class DealForecast(BaseModel):
    """One open deal, weighted and explained."""

    deal_id: str
    name: str
    owner_id: str | None = None
    owner_name: str | None = None
    amount_usd: float
    stage: str
    forecast_category: str
    win_rate: float
    weighted_usd: float
    close_date: date
    original_close_date: date | None
    expected_close_date: date | None
    days_pushed: int
    days_overdue: int
    slipped: bool
    explanation: str


class CategoryTotal(BaseModel):
    """Open deals of one CRM forecast category."""

    category: str
    deals: int
    amount_usd: float
    weighted_usd: float


class PipelineForecast(BaseModel):
    """Stage-weighted pipeline, category roll-up, coverage and slipped deals as of a date."""

    as_of: date
    open_deals: int
    pipeline_usd: float
    weighted_usd: float
    commit_usd: float
    best_case_usd: float
    by_category: list[CategoryTotal]
    target_usd: float | None
    coverage: float | None
    weighted_coverage: float | None
    stage_stats: list[StageStats]
    deals: list[DealForecast]
    slipped_deal_ids: list[str]
    slipped_usd: float = 0.0  # open amount of the slipped deals (any category)
    notes: list[str]
