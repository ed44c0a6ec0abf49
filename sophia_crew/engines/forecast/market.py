"""Market-analysis helpers: growth rates, seasonality profile and share by segment."""

from __future__ import annotations

import calendar

import pandas as pd
from statsmodels.tsa.seasonal import seasonal_decompose

from sophia_crew.errors import InputError

from .models import GrowthStats, MarketAnalysis, SeasonalityProfile, SegmentShare
from .series import SeriesSet


def _pct(new: float, old: float) -> float | None:
    return None if old == 0 else (new / old - 1.0) * 100.0


def _label(ts: pd.Timestamp, freq: str) -> str:
    return ts.strftime("%Y-%m") if freq == "MS" else ts.strftime("%Y-%m-%d")


def growth_stats(series: SeriesSet) -> list[GrowthStats]:
    """MoM, YoY, trailing-year YoY and CAGR for every series.

    CAGR compares the last 12 periods' total with the 12 periods the largest whole number of years earlier:
    (last / first) ** (1 / years) - 1.
    """
    m = series.season_length
    out = []
    for uid, g in series.frame.groupby("unique_id", sort=False):
        y = g["y"].to_numpy()
        n = len(y)
        years = (n - m) // m
        t12 = float(y[-m:].sum()) if n >= m else None
        prev12 = float(y[-2 * m:-m].sum()) if n >= 2 * m else None
        cagr = None
        if years >= 1 and t12 is not None:
            first = float(y[-(years + 1) * m:-years * m].sum())
            cagr = ((t12 / first) ** (1.0 / years) - 1.0) * 100.0 if first > 0 else None
        out.append(GrowthStats(
            series=str(uid), last_period=_label(g["ds"].iloc[-1], series.freq), last_value=float(y[-1]),
            mom_pct=_pct(y[-1], y[-2]) if n >= 2 else None, yoy_pct=_pct(y[-1], y[-1 - m]) if n > m else None,
            trailing_year_total=t12,
            trailing_year_yoy_pct=_pct(t12, prev12) if prev12 is not None else None,
            cagr_pct=cagr, cagr_years=max(years, 0),
        ))
    return out


def seasonality_profile(series: SeriesSet) -> list[SeasonalityProfile]:
    """Classical ratio-to-moving-average seasonal index per calendar month (statsmodels ``seasonal_decompose``).

    Multiplicative when every value is positive; otherwise additive, expressed relative to the mean level.
    Raises InputError for weekly data (a 52-slot profile is not meaningful on a few years) or < 2 seasons.
    """
    if series.freq != "MS":
        raise InputError(f"{series.source}: seasonality profile needs monthly data (got {series.freq})")
    out = []
    for uid, g in series.frame.groupby("unique_id", sort=False):
        y = g.set_index("ds")["y"].asfreq("MS")
        if len(y) < 24:
            raise InputError(f"{series.source}: series {uid!r} has {len(y)} months; the profile needs 24")
        multiplicative = bool((y > 0).all())
        dec = seasonal_decompose(y, model="multiplicative" if multiplicative else "additive", period=12)
        first_year = dec.seasonal.iloc[:12]
        if multiplicative:
            idx = first_year / first_year.mean()
        else:
            idx = 1.0 + first_year / float(y.mean())
        by_month = {calendar.month_abbr[d.month]: round(float(v), 4) for d, v in idx.items()}
        ordered = {calendar.month_abbr[k]: by_month[calendar.month_abbr[k]] for k in range(1, 13)}
        peak = max(ordered, key=ordered.get)
        trough = min(ordered, key=ordered.get)
        out.append(SeasonalityProfile(
            series=str(uid), index=ordered, peak=peak, trough=trough,
            amplitude_pct=round((ordered[peak] - ordered[trough]) * 100.0, 2),
            method="ratio to centred 2x12 moving average" if multiplicative else "additive, relative to mean",
        ))
    return out


def segment_shares(series: SeriesSet) -> list[SegmentShare]:
    """Share of each series in the total of the last year, the prior year's share and the change in points."""
    m = series.season_length
    end = series.frame["ds"].max()
    frame = series.frame
    periods = sorted(frame["ds"].unique())
    if len(periods) < m:
        raise InputError(f"{series.source}: shares need at least {m} periods")
    last = frame[frame["ds"].isin(periods[-m:])].groupby("unique_id")["y"].sum()
    prior = (frame[frame["ds"].isin(periods[-2 * m:-m])].groupby("unique_id")["y"].sum()
             if len(periods) >= 2 * m else None)
    total = float(last.sum())
    if total <= 0:
        raise InputError(f"{series.source}: total of the last {m} periods to {_label(end, series.freq)} is zero")
    out = []
    for uid, v in last.sort_values(ascending=False).items():
        share = float(v) / total * 100.0
        prior_share = change = yoy = None
        if prior is not None and float(prior.sum()) > 0:
            pv = float(prior.get(uid, 0.0))
            prior_share = pv / float(prior.sum()) * 100.0
            change = share - prior_share
            yoy = _pct(float(v), pv)
        out.append(SegmentShare(segment=str(uid), last_year_total=float(v), share_pct=share,
                                prior_share_pct=prior_share, change_pp=change, yoy_pct=yoy))
    return out


def _total(series: SeriesSet) -> SeriesSet:
    tot = series.frame.groupby("ds", as_index=False)["y"].sum().assign(unique_id="total")
    return SeriesSet(frame=tot[["unique_id", "ds", "y"]], freq=series.freq, season_length=series.season_length,
                     source=series.source, by=[])


def analyse_market(series: SeriesSet) -> MarketAnalysis:
    """Growth and seasonality of the total, plus per-segment growth and shares when ``series`` has a breakdown."""
    total = _total(series) if series.by else series
    growth = growth_stats(total) + (growth_stats(series) if series.by else [])
    season = seasonality_profile(total) if series.freq == "MS" else []
    shares = segment_shares(series) if series.by else []
    return MarketAnalysis(source=series.source, by=series.by,
                          period_end=_label(series.frame["ds"].max(), series.freq),
                          growth=growth, seasonality=season, shares=shares)


__all__ = [
    "GrowthStats",
    "MarketAnalysis",
    "SeasonalityProfile",
    "SegmentShare",
    "analyse_market",
    "growth_stats",
    "seasonality_profile",
    "segment_shares",
]
