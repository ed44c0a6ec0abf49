"""Calendar effects of monthly sales: trading days, leap-year February and Easter.

Monthly retail sales depend on how many Saturdays, Sundays ... a month holds and on whether the days before
Easter fall in March or April; last year's same month had a different calendar, so every seasonal model
carries that noise into its forecast. These are the regressors X-13ARIMA-SEATS uses for the Census retail
series (six trading-day contrasts, ``lpyear``, ``easter[8]``). :class:`CalendarAdjusted` estimates their
effects per series from the training data only, removes them, lets any statsforecast model forecast the
adjusted series, and adds the (known) calendar of the forecast months back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from dateutil.easter import easter

from .members import CustomModel

# Frequencies whose periods are calendar months (the regressors are defined for those only).
MONTHLY_FREQS = frozenset({"MS", "M", "ME"})
CALENDAR_COLUMNS = ["td_mon", "td_tue", "td_wed", "td_thu", "td_fri", "td_sat", "lpyear", "easter8"]
_BLOCKS = ((0, 1, 2, 3, 4, 5, 6), (7,))  # trading days with leap year; Easter (tested separately, as X-13 does)
EASTER_WINDOW = 8


def calendar_regressors(months: pd.Series | pd.DatetimeIndex) -> pd.DataFrame:
    """Calendar regressors of the months that hold the given dates.

    Columns (:data:`CALENDAR_COLUMNS`): ``td_mon`` .. ``td_sat`` = count of that weekday in the month minus the
    count of Sundays; ``lpyear`` = 0.75 for a 29-day February, -0.25 for a 28-day one, 0 otherwise; ``easter8``
    = share of the 8 days before Easter Sunday that fall in the month.

    Args:
        months: dates (any day of the month).

    Returns:
        Frame with one row per date, in order, index 0..n-1.
    """
    start = pd.DatetimeIndex(months).to_period("M").to_timestamp()
    days = start.days_in_month.to_numpy()
    first = start.weekday.to_numpy()
    # A month has 4 of each weekday plus one more of the first (days - 28) weekdays from its first day.
    extra = (np.arange(7)[None, :] - first[:, None]) % 7 < (days - 28)[:, None]
    counts = 4 + extra.astype(float)
    out = pd.DataFrame(counts[:, :6] - counts[:, 6:7], columns=CALENDAR_COLUMNS[:6])
    feb = start.month.to_numpy() == 2
    out["lpyear"] = np.where(feb, np.where(days == 29, 0.75, -0.25), 0.0)
    share = np.zeros(len(start))
    for year in np.unique(start.year):
        sunday = pd.Timestamp(easter(int(year)))
        window = pd.date_range(sunday - pd.Timedelta(days=EASTER_WINDOW), periods=EASTER_WINDOW, freq="D")
        for month in np.unique(window.month):
            share[(start.year == year) & (start.month == month)] = float(np.mean(window.month == month))
    out["easter8"] = share
    return out


def _aicc(rss: float, n: int, k: int) -> float:
    if rss <= 0 or n - k - 1 <= 0:
        return np.inf
    return n * np.log(rss / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)


def calendar_effects(y: np.ndarray, X: np.ndarray, season_length: int) -> np.ndarray:
    """Per-period effects of the calendar regressors on ``y``, estimated on seasonal differences.

    Seasonal differencing removes level and seasonality (so the regression does not need a model of them)
    and leaves the year-on-year change of the calendar; an intercept takes the average growth. The trading-day
    block (with leap year) and the Easter block are each kept only when they lower the regression's AICc,
    so a series without calendar effects, or too short to show them, is left as it is.

    Args:
        y: training values (on the scale the model is fitted on, e.g. log1p).
        X: calendar regressors of the same periods, shape (len(y), k).
        season_length: seasonal period.

    Returns:
        Coefficients, shape (k,); zero for a block that was not kept.
    """
    m = season_length
    beta = np.zeros(X.shape[1])
    if len(y) <= m + 2:
        return beta
    dy, dX = y[m:] - y[:-m], X[m:] - X[:-m]
    n = len(dy)
    best, best_aicc = None, _aicc(float(np.sum((dy - dy.mean()) ** 2)), n, 1)
    for use in ((0,), (1,), (0, 1)):
        cols = [c for b in use for c in _BLOCKS[b]]
        A = np.column_stack([np.ones(n), dX[:, cols]])
        coef, *_ = np.linalg.lstsq(A, dy, rcond=None)
        aicc = _aicc(float(np.sum((dy - A @ coef) ** 2)), n, A.shape[1])
        if aicc < best_aicc:
            best, best_aicc = (cols, coef[1:]), aicc
    if best is not None:
        beta[best[0]] = best[1]
    return beta


class CalendarAdjusted(CustomModel):
    """Any statsforecast model fitted on calendar-adjusted data (see :func:`calendar_effects`).

    Used through ``StatsForecast`` with the :data:`CALENDAR_COLUMNS` as exogenous columns (``X``/``X_future``
    hold the training and forecast months' calendars). Without them it is the plain base model. Point and
    interval bounds are shifted by the forecast months' calendar effect (its estimation error is ignored; the
    backtest's coverage shows what that costs).

    Args:
        base: the statsforecast model (anything with ``forecast(y, h, level=...)``).
        season_length: seasonal period.
        alias: column name in results.
    """

    uses_exog = True

    def __init__(self, base: object, season_length: int, alias: str = "CalendarAdjusted"):
        self.base = base
        self.season_length = season_length
        self.alias = alias

    def forecast(self, y: np.ndarray, h: int, X: np.ndarray | None = None, X_future: np.ndarray | None = None,
                 level: list[int] | None = None, fitted: bool = False) -> dict[str, np.ndarray]:
        """Point forecast (and ``lo-L``/``hi-L`` bounds when ``level`` is given) for ``h`` steps after ``y``."""
        if fitted:
            raise ValueError("CalendarAdjusted has no in-sample fitted values")
        y = np.asarray(y, dtype=float)
        if X is None or X_future is None:
            return self.base.forecast(y=y, h=h, level=level)
        beta = calendar_effects(y, np.asarray(X, dtype=float), self.season_length)
        res = self.base.forecast(y=y - X @ beta, h=h, level=level)
        effect = np.asarray(X_future, dtype=float) @ beta
        return {k: np.asarray(v, dtype=float) + effect for k, v in res.items()}
