"""Forecaster: metrics by hand, model choice by backtest, intervals, chart, and the tool on a small CSV.

Kept small on purpose (two short series, two or three cheap models, one process): the heavy run is
bench/forecast_eval.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sophia_crew.engines.forecast.backtest import score
from sophia_crew.engines.forecast.forecaster import forecast_series
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
    with pytest.raises(InputError, match="at least 60 needed for season length 12 and horizon 36"):
        forecast_series(series, horizon=36)
