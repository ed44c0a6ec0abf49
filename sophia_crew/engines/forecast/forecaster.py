"""Revenue forecaster: candidates backtested by rolling origin, one forecast per series, with the reason.

By default every series gets the median ensemble of four cheap calendar-adjusted log models (``Ensemble``):
on the US Census retail benchmark (``bench/forecast_eval.py``) it was the best combination on origins before
the evaluated ones, and picking a model per series from a few backtest origins did worse than combining.
The per-series backtest of every candidate (seasonal naive, plain AutoETS, the members, the ensemble) is
still run and reported as evidence. ``selection="backtest"`` picks the lowest backtest MASE per series instead.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd

from sophia_crew.errors import InputError

from .backtest import (
    BASELINE,
    MODEL_LIBRARY,
    add_ensemble,
    interval_factors,
    run_models,
    score,
    widen_intervals,
)
from .calendar_effects import MONTHLY_FREQS
from .models import BacktestRow, ForecastPoint, ForecastResult, SeriesForecast
from .series import SeriesSet, min_length

# Chosen on the benchmark's earlier origins (2014-12 .. 2016-12) only; see bench/forecast_eval.py.
DEFAULT_ENSEMBLE = ["cal-ETS-AAA", "cal-Airline", "cal-ETS-AAdA", "cal-SDN36"]
# Seasonal naive is the MASE baseline and plain AutoETS the classic reference; AutoARIMA and AutoTheta are
# available by name but not run by default (slower and no better on the benchmark).
DEFAULT_MODELS = ["SeasonalNaive", "AutoETS", *DEFAULT_ENSEMBLE]
ENSEMBLE = "Ensemble"
SELECTIONS = ("ensemble", "backtest")


def _fmt(ts: pd.Timestamp, freq: str) -> str:
    return ts.strftime("%Y-%m") if freq == "MS" else ts.strftime("%Y-%m-%d")


def _accuracy(rows: list[BacktestRow], chosen: str, horizon: int) -> str:
    """Backtest sentence of the lowest-MASE choice (``selection="backtest"``)."""
    by = {r.model: r for r in rows}
    best = by[chosen]
    n = best.origins
    ranked = [r for r in rows if r.model != chosen and r.mase is not None]
    base = by.get(BASELINE)
    if best.mase is None:
        return (f"{chosen} chosen on sMAPE {best.smape:.1f} % (MASE undefined: the history is flat) over {n} "
                f"backtest origin(s) of {horizon} periods.")
    if chosen == BASELINE:
        runner = ranked[0] if ranked else None
        return (f"No model beat the seasonal-naive baseline: its mean MASE {best.mase:.2f} over {n} backtest "
                f"origin(s) of {horizon} periods" + (f" vs {runner.mase:.2f} for {runner.model}." if runner else "."))
    text = f"{chosen} had the lowest mean MASE, {best.mase:.2f}, over {n} backtest origin(s) of {horizon} periods"
    if base is not None and base.mase:
        text += f", {1 - best.mase / base.mase:.0%} below the seasonal-naive baseline ({base.mase:.2f})"
    if ranked:
        text += f"; runner-up {ranked[0].model} at {ranked[0].mase:.2f}"
    return text + f"; sMAPE {best.smape:.1f} %."


def _ensemble_accuracy(rows: list[BacktestRow], horizon: int) -> str:
    """Backtest sentence of the default ensemble, which is used whatever its rank on this series."""
    by = {r.model: r for r in rows}
    ens = by[ENSEMBLE]
    n = ens.origins
    if ens.mase is None:
        return (f"In this series' backtest ({n} origin(s) of {horizon} periods) its sMAPE was {ens.smape:.1f} % "
                "(MASE undefined: the history is flat).")
    text = f"In this series' backtest its mean MASE was {ens.mase:.2f} over {n} origin(s) of {horizon} periods"
    base = by.get(BASELINE)
    if base is not None and base.mase:
        rel = 1 - ens.mase / base.mase
        text += (f", {rel:.0%} below the seasonal-naive baseline ({base.mase:.2f})" if rel >= 0 else
                 f", {-rel:.0%} ABOVE the seasonal-naive baseline ({base.mase:.2f})")
    scored = [r for r in rows if r.mase is not None]
    rank = [r.model for r in scored].index(ENSEMBLE) + 1
    if rank == 1:
        text += f", the lowest of the {len(scored)} candidates"
    else:
        text += (f", rank {rank} of {len(scored)} (lowest: {scored[0].model} at {scored[0].mase:.2f}; a few "
                 "origins are too few to pick per series, see the benchmark)")
    return text + f"; sMAPE {ens.smape:.1f} %."


def _why(rows: list[BacktestRow], chosen: str, horizon: int, k80: float = 1.0, k95: float = 1.0,
         members: list[str] | None = None, calendar: bool = False) -> str:
    by = {r.model: r for r in rows}
    best = by[chosen]
    if members is not None:
        text = (f"Ensemble = median of {', '.join(members)} (log scale"
                + ("; monthly trading-day, leap-year and Easter effects estimated per series and removed where "
                   "they lower the AICc" if calendar else "")
                + "). It is the default method: on the US Census retail benchmark it was the best combination "
                "on origins before the evaluated ones, and it beat picking one model per series. "
                + _ensemble_accuracy(rows, horizon))
    else:
        text = _accuracy(rows, chosen, horizon)
    text += (f" In backtest its 80 % interval held {best.coverage_80:.0%} of actuals and its 95 % interval "
             f"{best.coverage_95:.0%}.")
    if k80 > 1.0 or k95 > 1.0:
        text += (f" The forecast's intervals are widened (x{k80:.2f} at 80 %, x{k95:.2f} at 95 %, on the log scale) "
                 f"so they would have held those shares of the backtest errors.")
    elif best.coverage_95 < 0.8:
        text += " The intervals were too narrow there: read them as optimistic."
    return text


def _table(scores: pd.DataFrame, uid: str) -> list[BacktestRow]:
    s = scores[scores["unique_id"] == uid]
    g = s.groupby("model").agg(mase=("mase", "mean"), smape=("smape", "mean"), cov80=("cov80", "mean"),
                               cov95=("cov95", "mean"), origins=("cutoff", "nunique"))
    g = g.sort_values(["mase", "smape"], na_position="last")
    return [BacktestRow(model=m, mase=None if pd.isna(r.mase) else float(r.mase), smape=float(r.smape),
                        coverage_80=float(r.cov80), coverage_95=float(r.cov95), origins=int(r.origins))
            for m, r in g.iterrows()]


def forecast_series(series: SeriesSet, *, horizon: int = 6, models: list[str] | None = None,
                    ensemble: list[str] | None = None, origins: int = 3, n_jobs: int | None = None,
                    chart_dir: str | Path | None = None, selection: str = "ensemble") -> ForecastResult:
    """Backtest every candidate on every series, choose the forecast (default: the ensemble), then forecast.

    The chosen model's 80/95 % intervals are widened per series by conformal factors from its own backtest
    errors (:func:`~.backtest.interval_factors`), so they are at least as wide as the backtest says they must be.

    Args:
        series: validated series (one or many; all are fitted in one parallel call).
        horizon: periods ahead (also the backtest window and the step between origins).
        models: candidate names from ``MODEL_LIBRARY`` (default :data:`DEFAULT_MODELS`).
        ensemble: members of the median ensemble (default :data:`DEFAULT_ENSEMBLE` when all are candidates;
            [] for none).
        origins: rolling backtest origins wanted; fewer are used when the shortest series cannot hold them.
        n_jobs: processes (default: all cores).
        chart_dir: when given, one PNG per series (history + forecast band) is written there.
        selection: ``"ensemble"`` (default): every series gets the ensemble, the method the benchmark chose
            on earlier origins; falls back to ``"backtest"`` when there is no ensemble (fewer than two members
            among the candidates). ``"backtest"``: the lowest mean backtest MASE per series.

    Returns:
        Forecast, chosen model, reason and backtest table (sorted by MASE) for each series.

    Raises:
        InputError: unknown model name or selection, horizon < 1, or a series too short for one backtest origin.
    """
    start = time.perf_counter()
    if horizon < 1:
        raise InputError(f"horizon must be at least 1, got {horizon}")
    if selection not in SELECTIONS:
        raise InputError(f"selection must be one of {', '.join(SELECTIONS)}, got {selection!r}")
    names = list(models or DEFAULT_MODELS)
    unknown = [m for m in names if m not in MODEL_LIBRARY]
    if unknown:
        raise InputError(f"unknown model(s) {unknown}; known: {', '.join(MODEL_LIBRARY)}")
    if BASELINE not in names:
        names.insert(0, BASELINE)
    members = [m for m in (DEFAULT_ENSEMBLE if ensemble is None else ensemble) if m in names]
    use_ens = len(members) >= 2
    if not use_ens:
        selection = "backtest"
    calendar = series.freq in MONTHLY_FREQS and any(MODEL_LIBRARY[m].calendar for m in members)
    m = series.season_length
    shortest = min(series.lengths().values())
    need = min_length(m, horizon)
    if shortest < need:
        raise InputError(f"{series.source}: shortest series has {shortest} points; at least {need} needed for "
                         f"season length {m} and horizon {horizon}")
    n_orig = max(1, min(origins, (shortest - 2 * m) // horizon))
    specs = [MODEL_LIBRARY[n] for n in names]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = run_models(series.frame, specs, freq=series.freq, season_length=m, horizon=horizon,
                        n_windows=n_orig, step=horizon, n_jobs=n_jobs)
        fc = run_models(series.frame, specs, freq=series.freq, season_length=m, horizon=horizon, n_jobs=n_jobs)
    if use_ens:
        cv = add_ensemble(cv, members, ENSEMBLE)
        fc = add_ensemble(fc, members, ENSEMBLE)
    scores = score(cv, series.frame, m)
    tables = {str(uid): _table(scores, str(uid)) for uid in series.frame["unique_id"].unique()}
    chosen = {uid: ENSEMBLE if selection == "ensemble" else rows[0].model for uid, rows in tables.items()}
    # Conformal-style calibration: each series' chosen model gets its intervals stretched by factors learned
    # from its own backtest errors (never narrowed).
    factors = {}
    for model in set(chosen.values()):
        ids = [u for u, c in chosen.items() if c == model]
        k = interval_factors(cv[cv["unique_id"].isin(ids)], model)
        fc_ids = fc["unique_id"].isin(ids)
        fc.loc[fc_ids] = widen_intervals(fc[fc_ids], model, k)
        factors.update({u: (float(k.loc[u, "k80"]), float(k.loc[u, "k95"])) for u in ids if u in k.index})
    out = []
    for uid, hist in series.frame.groupby("unique_id", sort=False):
        uid = str(uid)
        rows, pick = tables[uid], chosen[uid]
        f = fc[fc["unique_id"] == uid].sort_values("ds")
        points = [ForecastPoint(date=_fmt(r["ds"], series.freq), mean=float(r[pick]),
                                lo_80=float(r[f"{pick}-lo-80"]), hi_80=float(r[f"{pick}-hi-80"]),
                                lo_95=float(r[f"{pick}-lo-95"]), hi_95=float(r[f"{pick}-hi-95"]))
                  for _, r in f.iterrows()]
        k80, k95 = factors.get(uid, (1.0, 1.0))
        if selection == "ensemble":
            why = _why(rows, pick, horizon, k80, k95, members=members, calendar=calendar)
        else:
            why = _why(rows, pick, horizon, k80, k95)
            if pick == ENSEMBLE:
                why = f"Ensemble = median of {', '.join(members)}. " + why
        sf = SeriesForecast(series=uid, chosen_model=pick, why=why, history_points=len(hist),
                            last_actual_date=_fmt(hist["ds"].iloc[-1], series.freq),
                            last_actual=float(hist["y"].iloc[-1]), forecast=points, backtest=rows)
        if chart_dir is not None:
            from .charts import forecast_chart

            safe = "".join(c if c.isalnum() else "_" for c in uid)
            sf.chart_path = str(forecast_chart(hist, sf, Path(chart_dir) / f"forecast_{safe}.png"))
        out.append(sf)
    rule = (f"{ENSEMBLE} (median of {', '.join(members)}) for every series, the method chosen on the benchmark's "
            f"earlier origins; {n_orig} backtest origin(s) of {horizon} periods shown as evidence"
            if selection == "ensemble" else
            f"lowest mean MASE per series over {n_orig} rolling-origin backtest origin(s) of {horizon} periods")
    return ForecastResult(source=series.source, freq=series.freq, season_length=m, horizon=horizon,
                          origins=n_orig, candidates=names + ([ENSEMBLE] if use_ens else []), selection=rule,
                          series=out, seconds=round(time.perf_counter() - start, 2))
