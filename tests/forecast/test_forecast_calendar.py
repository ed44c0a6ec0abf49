"""Calendar effects: the regressors by hand, recovery of known effects, and the adjusted model's forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsforecast.models import SeasonalNaive

from sophia_crew.engines.forecast.backtest import MODEL_LIBRARY, run_models
from sophia_crew.engines.forecast.calendar_effects import (
    CALENDAR_COLUMNS,
    CalendarAdjusted,
    calendar_effects,
    calendar_regressors,
)


def test_forecast_calendar_regressors_by_hand():
    # 2020-01 starts on a Wednesday and has 31 days: one extra Wed, Thu, Fri -> +1 against 4 Sundays.
    # 2020-02 starts on a Saturday and has 29 days: one extra Saturday; leap February -> lpyear 0.75.
    # 2020-03 starts on a Sunday, 31 days: extra Sun, Mon, Tue -> Mon/Tue equal Sundays (0), Wed..Sat -1.
    # Easter 2020 was 12 April: the 8 days before (4-11 April) are all in April.
    # 2021-02: 28 days -> every weekday 4 times, lpyear -0.25. Easter 2021 was 4 April: 27-31 March (5 days)
    # and 1-3 April (3 days) -> 5/8 and 3/8.
    x = calendar_regressors(pd.to_datetime(["2020-01-15", "2020-02-01", "2020-03-31", "2020-04-01",
                                            "2021-02-01", "2021-03-01", "2021-04-01"]))
    assert list(x.columns) == CALENDAR_COLUMNS
    assert x.iloc[0].tolist() == [0, 0, 1, 1, 1, 0, 0, 0]
    assert x.iloc[1].tolist() == [0, 0, 0, 0, 0, 1, 0.75, 0]
    assert x.iloc[2].tolist() == [0, 0, -1, -1, -1, -1, 0, 0]
    assert x.loc[3, "easter8"] == 1.0
    assert x.iloc[4].tolist() == [0, 0, 0, 0, 0, 0, -0.25, 0]
    assert x.loc[5, "easter8"] == 0.625 and x.loc[6, "easter8"] == 0.375


def _calendar_series(n: int = 144, seed: int = 3) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    ds = pd.date_range("2008-01-01", periods=n, freq="MS")
    x = calendar_regressors(ds).to_numpy()
    season = 0.3 * np.sin(2 * np.pi * np.arange(n) / 12)
    beta = np.array([-0.01, 0, 0, 0, 0.01, 0.03, 0.02, 0.05])  # Saturdays and Easter matter, Mondays less
    noise = np.random.default_rng(seed).normal(0, 0.002, n)
    return ds, 5 + 0.002 * np.arange(n) + season + x @ beta + noise, beta


def test_forecast_calendar_effects_recovered_and_absent_ones_left_out():
    ds, y, beta = _calendar_series()
    x = calendar_regressors(ds).to_numpy()
    assert calendar_effects(y, x, 12) == pytest.approx(beta, abs=0.003)
    # A perfectly regular series (trend + season, no calendar) has nothing to remove.
    plain = 5 + 0.002 * np.arange(len(ds)) + 0.3 * np.sin(2 * np.pi * np.arange(len(ds)) / 12)
    assert calendar_effects(plain, x, 12).tolist() == [0.0] * 8
    # Too short for any seasonal difference regression.
    assert calendar_effects(y[:14], x[:14], 12).tolist() == [0.0] * 8


def test_forecast_calendar_adjusted_forecast_beats_last_years_calendar():
    ds, y, beta = _calendar_series()
    x = calendar_regressors(ds).to_numpy()
    train, test = slice(0, 132), slice(132, 144)
    model = CalendarAdjusted(SeasonalNaive(season_length=12), 12)
    adj = model.forecast(y[train], 12, X=x[train], X_future=x[test], level=[80])
    plain = SeasonalNaive(season_length=12).forecast(y[train], 12, level=[80])
    # Seasonal naive carries last year's calendar; the adjusted one swaps in this year's (known) calendar.
    expected = plain["mean"] + (x[test] - x[132 - 12:132]) @ beta
    assert adj["mean"] == pytest.approx(expected, abs=0.01)
    # What is left is the one year of trend (12 x 0.002) that seasonal naive never has, plus noise; the plain
    # seasonal naive is also off by the calendar change (up to 0.08 in April 2019, Easter moving to April).
    assert adj["mean"] - y[test] == pytest.approx(np.full(12, -0.024), abs=0.008)
    assert np.abs(plain["mean"] - y[test] + 0.024).max() > 0.07
    # Its intervals come from the adjusted history, whose year-on-year changes no longer hold calendar noise:
    # seasonal naive's sigma is then the RMS of trend 0.024 and noise 0.002 * sqrt(2) -> 0.0242; z80 = 1.2816.
    assert adj["hi-80"] - adj["mean"] == pytest.approx(np.full(12, 1.2816 * 0.0242), abs=0.001)
    assert np.all(plain["hi-80"] - plain["mean"] > 0.045)
    # Without calendar columns it is the base model.
    assert model.forecast(y[train], 12)["mean"] == pytest.approx(plain["mean"])


def test_forecast_calendar_models_get_the_future_calendar_and_skip_weekly_series():
    ds, y, _ = _calendar_series()
    frame = pd.DataFrame({"unique_id": "s", "ds": ds, "y": np.expm1(y)})
    specs = [MODEL_LIBRARY["cal-SDN36"], MODEL_LIBRARY["log-SDN36"]]
    out = run_models(frame, specs, freq="MS", season_length=12, horizon=12, n_jobs=1)
    assert out["ds"].iloc[0] == pd.Timestamp("2020-01-01") and len(out) == 12
    assert not np.allclose(out["cal-SDN36"], out["log-SDN36"])  # the calendar effect is applied
    weekly = frame.assign(ds=pd.date_range("2018-01-01", periods=len(frame), freq="W-MON"))
    out = run_models(weekly, specs, freq="W-MON", season_length=52, horizon=4, n_jobs=1)
    assert out["cal-SDN36"].to_numpy() == pytest.approx(out["log-SDN36"].to_numpy())
