"""Forecaster: metrics by hand, model choice by backtest, intervals, chart, and the tool on a small CSV.

Kept small on purpose (two short series, two or three cheap models, one process): the heavy run is
bench/forecast_eval.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sophia_crew.engines.forecast.backtest import (
    MODEL_LIBRARY,
    interval_factors,
    run_models,
    score,
    widen_intervals,
)
from sophia_crew.engines.forecast.forecaster import DEFAULT_ENSEMBLE, DEFAULT_MODELS, forecast_series
from sophia_crew.engines.forecast.members import SeasonalDriftNaive
from sophia_crew.engines.forecast.series import from_frame
from sophia_crew.errors import InputError


def test_forecast_score_mase_smape_coverage_by_hand():
    # Training up to the cutoff: 10, 20, 30, 12, 22, 32 (season 3) -> seasonal-naive diffs |12-10|, |22-20|,
    # |32-30| = 2, 2, 2 -> scale 2. Actuals 14, 24; forecast 15, 21 -> |errors| 1, 3 -> MASE (1+3)/2/2 = 1.0.
    # sMAPE: 200*1/(14+15) = 6.8966, 200*3/(24+21) = 13.3333 -> mean 10.1149.
    # 80 % interval [13, 16] holds 14, [22, 23] misses 24 -> coverage 0.5.
    frame = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2020-01-01", periods=8, freq="MS"),
                          "y": [10, 20, 30, 12, 22, 32, 14, 24]})
    cv = pd.DataFrame({"unique_id": "s", "ds": frame["ds"][6:].to_numpy(), "cutoff": frame["ds"][5],
                       "y": [14, 24], "M": [15, 21], "M-lo-80": [13, 22], "M-hi-80": [16, 23],
                       "M-lo-95": [10, 20], "M-hi-95": [20, 30]})
    row = score(cv, frame, season_length=3).iloc[0]
    assert row["mase"] == pytest.approx(1.0)
    assert row["smape"] == pytest.approx((200 / 29 + 600 / 45) / 2)
    assert row["cov80"] == 0.5 and row["cov95"] == 1.0


def _two_series() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 48
    ds = pd.date_range("2022-01-01", periods=n, freq="MS")
    season = 1 + 0.25 * np.sin(2 * np.pi * np.arange(n) / 12)
    rows = []
    for seg, base, growth in (("SMB", 100_000, 0.02), ("Enterprise", 400_000, 0.01)):
        y = base * (1 + growth) ** np.arange(n) * season * (1 + rng.normal(0, 0.01, n))
        rows.append(pd.DataFrame({"month": ds.strftime("%Y-%m"), "segment": seg, "revenue_usd": y}))
    return pd.concat(rows).sort_values("month", kind="stable")


def test_forecast_chooses_by_backtest_and_explains(tmp_path):
    series = from_frame(_two_series(), by=["segment"], horizon=6)
    result = forecast_series(series, horizon=6, models=["SeasonalNaive", "log-ETS-AAA"], origins=2, n_jobs=1,
                             chart_dir=tmp_path)
    assert result.origins == 2 and [s.series for s in result.series] == ["Enterprise", "SMB"]
    for fc in result.series:
        # A growing series: last year's value (seasonal naive) is always too low, so the trend model wins.
        assert fc.chosen_model == "log-ETS-AAA"
        best, base = fc.backtest[0], next(r for r in fc.backtest if r.model == "SeasonalNaive")
        assert best.mase < base.mase and best.origins == 2
        assert f"{best.mase:.2f}" in fc.why and f"({base.mase:.2f})" in fc.why
        assert [p.date for p in fc.forecast] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
        for p in fc.forecast:
            assert p.lo_95 <= p.lo_80 <= p.mean <= p.hi_80 <= p.hi_95
        assert (tmp_path / f"forecast_{fc.series}.png").stat().st_size > 10_000
    smb = result.series[1]
    # SMB grew ~2 %/month: the 6-month-ahead forecast must exceed the same month a year earlier by >15 %.
    year_ago = series.frame[(series.frame.unique_id == "SMB")]["y"].iloc[-6]
    assert smb.forecast[-1].mean > 1.15 * year_ago


def test_forecast_rejects_unknown_model_and_short_series():
    series = from_frame(_two_series(), by=["segment"], horizon=6)
    with pytest.raises(InputError, match="unknown model"):
        forecast_series(series, models=["Prophet"])
    with pytest.raises(InputError, match="selection must be one of ensemble, backtest, got 'best'"):
        forecast_series(series, selection="best")
    with pytest.raises(InputError, match="at least 60 needed for season length 12 and horizon 36"):
        forecast_series(series, horizon=36)


def _e(x: float) -> float:
    return float(np.expm1(x))  # values given by their log1p, so the hand arithmetic stays on the log scale


def test_forecast_interval_factors_and_widening_by_hand():
    # Series "a": point log1p = 2.0; 80 % bounds at 1.9 / 2.1 (distance 0.1), 95 % at 1.8 / 2.2 (0.2).
    # Actuals at log1p 2.05, 2.2, 1.7, 2.0 -> 80 % ratios 0.5, 2.0, 3.0, 0 and 95 % ratios 0.25, 1.0, 1.5, 0.
    # Conformal rank ceil((4 + 1) * 0.8) = 4 -> the largest 80 % ratio: k80 = 3.0. At 95 % the rank would be
    # ceil(5 * 0.95) = 5 > 4 points, so the 80 % factor is used: k95 = 3.0 (not the 95 % ratios' max, 1.5).
    # Series "b": every actual on the point -> ratios 0 -> factors floored at 1 (never narrowed).
    rows = []
    for uid, logs in (("a", [2.05, 2.2, 1.7, 2.0]), ("b", [2.0] * 4)):
        for ly in logs:
            rows.append({"unique_id": uid, "y": _e(ly), "M": _e(2.0), "M-lo-80": _e(1.9), "M-hi-80": _e(2.1),
                         "M-lo-95": _e(1.8), "M-hi-95": _e(2.2)})
    k = interval_factors(pd.DataFrame(rows), "M")
    assert k.loc["a", "k80"] == pytest.approx(3.0) and k.loc["a", "k95"] == pytest.approx(3.0)
    assert k.loc["b", "k80"] == 1.0 and k.loc["b", "k95"] == 1.0
    # Widening is per side about the point: log1p point 3.0 with 80 % bounds 2.9 / 3.2 -> 3 - 3*0.1 = 2.7 and
    # 3 + 3*0.2 = 3.6; 95 % bounds 2.8 / 3.3 -> 3 - 3*0.2 = 2.4 and 3 + 3*0.3 = 3.9. The point is unchanged.
    fut = pd.DataFrame([{"unique_id": "a", "M": _e(3.0), "M-lo-80": _e(2.9), "M-hi-80": _e(3.2),
                         "M-lo-95": _e(2.8), "M-hi-95": _e(3.3)}])
    w = widen_intervals(fut, "M", k).iloc[0]
    assert np.log1p([w["M-lo-80"], w["M-hi-80"], w["M-lo-95"], w["M-hi-95"]]) == pytest.approx([2.7, 3.6, 2.4, 3.9])
    assert w["M"] == pytest.approx(_e(3.0))


def test_forecast_default_ensemble_and_intervals_never_narrower_than_the_model():
    # The default ensemble is the one chosen on the benchmark's earlier origins (bench/forecast_eval.py).
    assert DEFAULT_ENSEMBLE == ["cal-ETS-AAA", "cal-Airline", "cal-ETS-AAdA", "cal-SDN36"]
    assert DEFAULT_MODELS == ["SeasonalNaive", "AutoETS", *DEFAULT_ENSEMBLE]
    series = from_frame(_two_series(), by=["segment"], horizon=6)
    result = forecast_series(series, horizon=6, models=["SeasonalNaive", "log-ETS-AAA"], origins=2, n_jobs=1)
    raw = run_models(series.frame, [MODEL_LIBRARY["log-ETS-AAA"]], freq="MS", season_length=12, horizon=6,
                     n_jobs=1)
    for fc in result.series:
        r = raw[raw["unique_id"] == fc.series].sort_values("ds")
        assert [p.mean for p in fc.forecast] == pytest.approx(r["log-ETS-AAA"].tolist())
        for p, (_, q) in zip(fc.forecast, r.iterrows()):
            assert p.lo_80 <= q["log-ETS-AAA-lo-80"] + 1e-6 and p.hi_80 >= q["log-ETS-AAA-hi-80"] - 1e-6
            assert p.lo_95 <= q["log-ETS-AAA-lo-95"] + 1e-6 and p.hi_95 >= q["log-ETS-AAA-hi-95"] - 1e-6


def test_forecast_seasonal_drift_naive_by_hand():
    # Season 3: seasonal differences y[t] - y[t-3] = 1, 1, 1, 2, 2, 2 -> drift 1.5, sample sd sqrt(0.3).
    # Last season 4, 5, 6: steps 1-3 add one drift (5.5, 6.5, 7.5); step 4 is two seasons ahead: 4 + 2*1.5 = 7.
    y = np.array([1, 2, 3, 2, 3, 4, 4, 5, 6], dtype=float)
    out = SeasonalDriftNaive(season_length=3).forecast(y, h=4, level=[80])
    assert out["mean"] == pytest.approx([5.5, 6.5, 7.5, 7.0])
    z, sd = 1.2815516, np.sqrt(0.3)
    assert out["lo-80"] == pytest.approx([5.5 - z * sd, 6.5 - z * sd, 7.5 - z * sd, 7.0 - z * sd * np.sqrt(2)])
    # Only the last `window` differences count: with window 3 the drift is 2 -> 6, 7, 8, 8.
    assert SeasonalDriftNaive(season_length=3, window=3).forecast(y, h=4)["mean"] == pytest.approx([6, 7, 8, 8])


def test_forecast_default_is_the_ensemble_for_every_series_with_its_own_backtest_as_evidence():
    series = from_frame(_two_series(), by=["segment"], horizon=6)
    result = forecast_series(series, horizon=6, origins=2, n_jobs=1)
    assert result.candidates == [*DEFAULT_MODELS, "Ensemble"]
    assert result.selection.startswith("Ensemble (median of cal-ETS-AAA, cal-Airline, cal-ETS-AAdA, cal-SDN36)")
    members = run_models(series.frame, [MODEL_LIBRARY[m] for m in DEFAULT_ENSEMBLE], freq="MS",
                         season_length=12, horizon=6, n_jobs=1)
    for fc in result.series:
        assert fc.chosen_model == "Ensemble"
        # The point is the median of the four members' forecasts (mean of the middle two).
        r = members[members["unique_id"] == fc.series].sort_values("ds")
        assert [p.mean for p in fc.forecast] == pytest.approx(np.median(r[DEFAULT_ENSEMBLE].to_numpy(), axis=1))
        rows = {b.model: b for b in fc.backtest}
        assert f"mean MASE was {rows['Ensemble'].mase:.2f} over 2 origin(s) of 6 periods" in fc.why
        assert f"({rows['SeasonalNaive'].mase:.2f})" in fc.why and fc.why.startswith("Ensemble = median of")
        rank = [b.model for b in fc.backtest].index("Ensemble") + 1
        assert ("the lowest of the 7 candidates" in fc.why) == (rank == 1)
        assert rank == 1 or f"rank {rank} of 7 (lowest: {fc.backtest[0].model}" in fc.why
    picked = forecast_series(series, horizon=6, origins=2, n_jobs=1, selection="backtest")
    assert picked.selection.startswith("lowest mean MASE per series")
    for fc in picked.series:
        assert fc.chosen_model == fc.backtest[0].model and "had the lowest mean MASE" in fc.why
