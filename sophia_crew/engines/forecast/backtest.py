"""Candidate models, rolling-origin backtests and forecast-accuracy metrics (MASE, sMAPE, interval coverage).

Models are described by :class:`ModelSpec` (a statsforecast model factory, optionally fitted on log1p(y) and
on calendar-adjusted data, see :mod:`.calendar_effects`). Ensembles combine member columns after the fact, so
they cost nothing extra to backtest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import (
    ARIMA,
    AutoARIMA,
    AutoETS,
    AutoTheta,
    DynamicOptimizedTheta,
    OptimizedTheta,
    SeasonalNaive,
)

from sophia_crew.errors import InputError

from .calendar_effects import MONTHLY_FREQS, CalendarAdjusted, calendar_regressors
from .members import SeasonalDriftNaive

LEVELS = (80, 95)
BASELINE = "SeasonalNaive"


@dataclass(frozen=True)
class ModelSpec:
    """A candidate model.

    Attributes:
        name: column name in results (``AutoETS``, ``log-ETS-damped`` ...).
        factory: builds the statsforecast model from the season length.
        log: fit on log1p(y) and back-transform point and interval bounds (monotone, so quantiles survive).
        calendar: wrap in :class:`~.calendar_effects.CalendarAdjusted` (trading days, leap year, Easter
            estimated per series and origin from the training data; monthly series only, otherwise the plain
            model).
    """

    name: str
    factory: Callable[[int], object]
    log: bool = False
    calendar: bool = False


def _ets(model: str = "ZZZ", damped: bool | None = None) -> Callable[[int], object]:
    return lambda m: AutoETS(season_length=m, model=model, damped=damped)


MODEL_LIBRARY: dict[str, ModelSpec] = {
    "SeasonalNaive": ModelSpec("SeasonalNaive", lambda m: SeasonalNaive(season_length=m)),
    "AutoETS": ModelSpec("AutoETS", _ets()),
    "AutoARIMA": ModelSpec("AutoARIMA", lambda m: AutoARIMA(season_length=m)),
    "AutoTheta": ModelSpec("AutoTheta", lambda m: AutoTheta(season_length=m)),
    "OptimizedTheta": ModelSpec("OptimizedTheta", lambda m: OptimizedTheta(season_length=m)),
    "DynamicOptimizedTheta": ModelSpec("DynamicOptimizedTheta", lambda m: DynamicOptimizedTheta(season_length=m)),
    "log-ETS-AAdA": ModelSpec("log-ETS-AAdA", _ets("AAA", damped=True), log=True),
    # The "airline" model ARIMA(0,1,1)(0,1,1) on logs: fixed order, so no costly order search.
    "log-Airline": ModelSpec(
        "log-Airline", lambda m: ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1), season_length=m), log=True
    ),
    "log-ETS-AAA": ModelSpec("log-ETS-AAA", _ets("AAA", damped=False), log=True),
    # Last year's month times the average yearly growth of the last three years (on logs).
    "log-SDN36": ModelSpec("log-SDN36", lambda m: SeasonalDriftNaive(season_length=m, window=3 * m), log=True),
    "log-SDN12": ModelSpec("log-SDN12", lambda m: SeasonalDriftNaive(season_length=m, window=m), log=True),
    # Seasonal random walk with drift on logs: last year's month times the average yearly growth.
    "log-SRWD": ModelSpec(
        "log-SRWD",
        lambda m: ARIMA(order=(0, 0, 0), seasonal_order=(0, 1, 0), season_length=m, include_drift=True),
        log=True,
    ),
    "log-DOTheta": ModelSpec("log-DOTheta", lambda m: DynamicOptimizedTheta(season_length=m), log=True),
    "log-OTheta": ModelSpec("log-OTheta", lambda m: OptimizedTheta(season_length=m), log=True),
}
# The same cheap log members on calendar-adjusted data ("cal-" = log1p + trading days, leap year, Easter).
for _name in ("log-ETS-AAA", "log-Airline", "log-ETS-AAdA", "log-SDN36", "log-SDN12", "log-SRWD"):
    _cal = "cal-" + _name.removeprefix("log-")
    MODEL_LIBRARY[_cal] = ModelSpec(_cal, MODEL_LIBRARY[_name].factory, log=True, calendar=True)
del _name, _cal


def n_jobs_default() -> int:
    """All cores (statsforecast parallelises over series)."""
    return os.cpu_count() or 1


def _model_columns(cv: pd.DataFrame) -> list[str]:
    return [c for c in cv.columns if c not in ("unique_id", "ds", "cutoff", "y") and "-lo-" not in c and "-hi-" not in c]


def _run(frame: pd.DataFrame, specs: list[ModelSpec], freq: str, season: int, horizon: int,
         n_windows: int | None, step: int, levels: tuple[int, ...], n_jobs: int) -> pd.DataFrame:
    """Cross-validate (n_windows set) or forecast (n_windows None) one transform group of specs."""
    log = specs[0].log
    data = frame[["unique_id", "ds", "y"]].copy().reset_index(drop=True)
    if log:
        data["y"] = np.log1p(data["y"])
    # Only this group sees the calendar columns: models such as ARIMA would otherwise use them as regressors.
    calendar = specs[0].calendar and freq in MONTHLY_FREQS
    future = None
    if calendar:
        data = pd.concat([data, calendar_regressors(data["ds"])], axis=1)
        if n_windows is None:
            last = data.groupby("unique_id", sort=False)["ds"].max()
            future = pd.DataFrame([(uid, ds) for uid, end in last.items()
                                   for ds in pd.date_range(end, periods=horizon + 1, freq=freq)[1:]],
                                  columns=["unique_id", "ds"])
            future = pd.concat([future, calendar_regressors(future["ds"])], axis=1)
    models = []
    for spec in specs:
        model = spec.factory(season)
        if spec.calendar:
            model = CalendarAdjusted(model, season)
        model.alias = spec.name
        models.append(model)
    # A model that fails on one series (e.g. a flat or all-zero history) falls back to seasonal naive
    # instead of failing the whole multi-series call.
    sf = StatsForecast(models=models, freq=freq, n_jobs=n_jobs, fallback_model=SeasonalNaive(season_length=season))
    if n_windows is None:
        out = sf.forecast(df=data, h=horizon, level=list(levels), X_df=future)
    else:
        out = sf.cross_validation(df=data, h=horizon, n_windows=n_windows, step_size=step, level=list(levels))
    if log:
        cols = [c for c in out.columns if c not in ("unique_id", "ds", "cutoff", "y")]
        out[cols] = np.expm1(out[cols]).clip(lower=0.0)
        if "y" in out.columns:
            out["y"] = np.expm1(out["y"])
    return out.reset_index() if "unique_id" not in out.columns else out


def run_models(frame: pd.DataFrame, specs: list[ModelSpec], *, freq: str, season_length: int, horizon: int,
               n_windows: int | None = None, step: int | None = None, levels: tuple[int, ...] = LEVELS,
               n_jobs: int | None = None) -> pd.DataFrame:
    """Forecast (``n_windows=None``) or rolling-origin cross-validate every spec on every series.

    Args:
        frame: long frame (unique_id, ds, y).
        specs: candidate models.
        freq: pandas frequency alias.
        season_length: seasonal period.
        horizon: steps ahead.
        n_windows: number of backtest origins (None = plain forecast from the end of the data).
        step: periods between origins (default: horizon).
        levels: interval levels in percent.
        n_jobs: processes (default all cores).

    Returns:
        One wide frame: unique_id, ds, [cutoff, y,] one column per model plus ``{model}-lo-{L}``/``-hi-{L}``.
    """
    if not specs:
        raise InputError("no candidate models given")
    n_jobs = n_jobs or n_jobs_default()
    keys = ["unique_id", "ds"] + (["cutoff", "y"] if n_windows is not None else [])
    merged = pd.DataFrame()
    for log, calendar in ((False, False), (True, False), (True, True), (False, True)):
        group = [s for s in specs if (s.log, s.calendar) == (log, calendar)]
        if not group:
            continue
        out = _run(frame, group, freq, season_length, horizon, n_windows, step or horizon, levels, n_jobs)
        if merged.empty:
            merged = out
        else:
            merged = merged.merge(out.drop(columns=["y"], errors="ignore"), on=[k for k in keys if k != "y"])
    merged["unique_id"] = merged["unique_id"].astype(str)
    return merged


def add_ensemble(cv: pd.DataFrame, members: list[str], name: str = "Ensemble", how: str = "median",
                 levels: tuple[int, ...] = LEVELS) -> pd.DataFrame:
    """Add a combined column: median or mean of member points, and of their interval bounds.

    Combining bounds this way is a pragmatic approximation (members' errors are correlated), checked by the
    backtest's coverage figures rather than assumed.
    """
    agg = np.nanmedian if how == "median" else np.nanmean
    cv = cv.copy()
    cv[name] = agg(cv[members].to_numpy(), axis=1)
    for lv in levels:
        for side in ("lo", "hi"):
            cols = [f"{m}-{side}-{lv}" for m in members]
            cv[f"{name}-{side}-{lv}"] = agg(cv[cols].to_numpy(), axis=1)
    return cv


def _scales(frame: pd.DataFrame, cutoffs: pd.DataFrame, season: int) -> pd.DataFrame:
    """In-sample seasonal-naive MAE per (series, cutoff): the MASE denominator."""
    rows = []
    for (uid, cutoff), _ in cutoffs.groupby(["unique_id", "cutoff"]):
        y = frame.loc[(frame["unique_id"] == uid) & (frame["ds"] <= cutoff), "y"].to_numpy()
        diff = np.abs(y[season:] - y[:-season]) if len(y) > season else np.abs(np.diff(y))
        scale = float(np.mean(diff)) if len(diff) else np.nan
        rows.append((uid, cutoff, scale if scale > 0 else np.nan))
    return pd.DataFrame(rows, columns=["unique_id", "cutoff", "scale"])


def score(cv: pd.DataFrame, frame: pd.DataFrame, season_length: int,
          levels: tuple[int, ...] = LEVELS) -> pd.DataFrame:
    """Per-series, per-origin accuracy of every model column in ``cv``.

    Returns:
        Long frame: unique_id, cutoff, model, mase, smape (0-200 scale), and ``cov{L}`` (share of actuals
        inside the L % interval). MASE is NaN for a series whose training part is perfectly flat.
    """
    frame = frame.assign(unique_id=frame["unique_id"].astype(str))
    scales = _scales(frame, cv[["unique_id", "cutoff"]].drop_duplicates(), season_length)
    cv = cv.merge(scales, on=["unique_id", "cutoff"])
    out = []
    y = cv["y"].to_numpy()
    for model in _model_columns(cv.drop(columns=["scale"])):
        f = cv[model].to_numpy()
        err = np.abs(y - f)
        denom = np.abs(y) + np.abs(f)
        part = pd.DataFrame({
            "unique_id": cv["unique_id"], "cutoff": cv["cutoff"],
            "ae_scaled": err / cv["scale"].to_numpy(),
            "sape": np.where(denom > 0, 200.0 * err / np.where(denom > 0, denom, 1.0), 0.0),
        })
        for lv in levels:
            lo, hi = f"{model}-lo-{lv}", f"{model}-hi-{lv}"
            if lo in cv.columns:
                part[f"cov{lv}"] = ((y >= cv[lo].to_numpy()) & (y <= cv[hi].to_numpy())).astype(float)
        g = part.groupby(["unique_id", "cutoff"], as_index=False).mean(numeric_only=True)
        g = g.rename(columns={"ae_scaled": "mase", "sape": "smape"})
        g.insert(2, "model", model)
        out.append(g)
    return pd.concat(out, ignore_index=True)


def summarize(scores: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """Mean metrics per model over all series and origins, with MASE relative to the baseline's mean MASE."""
    table = scores.groupby("model").mean(numeric_only=True)
    if baseline in table.index:
        table["rel_mase"] = table["mase"] / table.loc[baseline, "mase"]
    return table.sort_values("mase")


def interval_factors(past: pd.DataFrame, model: str, levels: tuple[int, ...] = LEVELS) -> pd.DataFrame:
    """Per-series widening factors for a model's intervals, from its backtest errors (split-conformal style).

    On the log1p scale, every backtest point gives r = |log1p(y) - log1p(point)| / the distance from the point
    to the L % bound on the actual's side (so bounds can be stretched side by side, as ``widen_intervals`` does).
    The factor is the conformal quantile of r (rank ceil((n + 1) L / 100) of n), floored at 1: intervals are
    only ever widened, since a handful of origins is too little evidence to narrow them. When n is too small
    for that rank (fewer than 19 points at 95 %), the next lower level's factor is used instead of the single
    largest error, which would make the band hinge on one outlier.

    Args:
        past: backtest frame (``run_models`` with ``n_windows``) holding ``y`` and the model's bound columns.
        model: column name.
        levels: interval levels in percent.

    Returns:
        Frame indexed by unique_id with one column ``k{L}`` per level (1.0 when there is no usable error).
    """
    ly = np.log1p(past["y"].clip(lower=0.0).to_numpy())
    lp = np.log1p(past[model].clip(lower=0.0).to_numpy())
    out = pd.DataFrame(index=pd.Index(past["unique_id"].unique(), name="unique_id"))
    lower = None
    for lv in sorted(levels):
        lo = np.log1p(past[f"{model}-lo-{lv}"].clip(lower=0.0).to_numpy())
        hi = np.log1p(past[f"{model}-hi-{lv}"].clip(lower=0.0).to_numpy())
        side = np.where(ly >= lp, hi - lp, lp - lo)
        # A zero-width interval (flat history) cannot be stretched, so its points carry no evidence.
        ratio = pd.Series(np.where(side > 0, np.abs(ly - lp) / np.where(side > 0, side, 1.0), np.nan),
                          index=past.index)

        def conformal(r: pd.Series, q: float = lv / 100.0) -> float:
            r = np.sort(r.dropna().to_numpy())
            rank = int(np.ceil((len(r) + 1) * q))
            return max(1.0, float(r[rank - 1])) if len(r) and rank <= len(r) else np.nan

        k = ratio.groupby(past["unique_id"].to_numpy()).apply(conformal)
        out[f"k{lv}"] = k if lower is None else k.fillna(out[lower])
        lower = f"k{lv}"
    return out.fillna(1.0)


def widen_intervals(future: pd.DataFrame, model: str, factors: pd.DataFrame,
                    levels: tuple[int, ...] = LEVELS) -> pd.DataFrame:
    """Stretch a model's interval bounds about its point by the per-series ``factors`` on the log1p scale.

    Wider levels are kept at least as wide as narrower ones after stretching.

    Returns:
        A copy of ``future`` with the model's ``-lo-``/``-hi-`` columns replaced; other columns unchanged.
    """
    future = future.copy()
    lp = np.log1p(future[model].clip(lower=0.0).to_numpy())
    prev = None
    for lv in sorted(levels):
        k = future["unique_id"].map(factors[f"k{lv}"]).fillna(1.0).to_numpy()
        for side, sign in (("lo", -1.0), ("hi", 1.0)):
            col = f"{model}-{side}-{lv}"
            dist = np.abs(np.log1p(future[col].clip(lower=0.0).to_numpy()) - lp)
            future[col] = np.expm1(lp + sign * k * dist).clip(min=0.0)
            if prev is not None:
                inner = future[f"{model}-{side}-{prev}"].to_numpy()
                future[col] = np.minimum(future[col], inner) if side == "lo" else np.maximum(future[col], inner)
        prev = lv
    return future
