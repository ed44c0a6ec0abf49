"""Small forecasting models that statsforecast lacks, written to its model interface so they run in the same
parallel ``StatsForecast`` calls (and cross-validation) as the library's own models.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm


class CustomModel:
    """What statsforecast asks of a model object besides ``forecast``: an alias, a fresh copy per series, and
    the attributes it reads (``uses_exog``, ``prediction_intervals``)."""

    uses_exog = False
    prediction_intervals = None
    alias = "CustomModel"

    def new(self) -> CustomModel:
        """A fresh copy (statsforecast clones models per series)."""
        b = type(self).__new__(type(self))
        b.__dict__.update(self.__dict__)
        return b

    def __repr__(self) -> str:
        return self.alias


class SeasonalDriftNaive(CustomModel):
    """Seasonal naive plus the average year-on-year change of the last ``window`` periods.

    y(T+h) = y(T+h-m·k) + k·d with k = ceil(h/m) and d the mean of the last ``window`` seasonal differences
    y(t) - y(t-m). Fitted on log1p(y) (see ``MODEL_LIBRARY``) this is "last year's month times the recent
    yearly growth". Unlike a seasonal random walk with drift fitted on the whole history, the drift follows
    the recent growth rate. Intervals are normal with sigma from those same differences, widened by sqrt(k)
    like the seasonal random walk's.

    Args:
        season_length: seasonal period m.
        window: seasonal differences averaged (default 36: three years of monthly data).
        alias: column name in results.
    """

    def __init__(self, season_length: int, window: int = 36, alias: str = "SeasonalDriftNaive"):
        self.season_length = season_length
        self.window = window
        self.alias = alias

    def forecast(self, y: np.ndarray, h: int, X: np.ndarray | None = None, X_future: np.ndarray | None = None,
                 level: list[int] | None = None, fitted: bool = False) -> dict[str, np.ndarray]:
        """Point forecast (and ``lo-L``/``hi-L`` bounds when ``level`` is given) for ``h`` steps after ``y``."""
        if fitted:
            raise ValueError("SeasonalDriftNaive has no in-sample fitted values")
        y = np.asarray(y, dtype=float)
        m = self.season_length
        if len(y) <= m:
            raise ValueError(f"SeasonalDriftNaive needs more than {m} points")
        diffs = (y[m:] - y[:-m])[-self.window:]
        drift = float(diffs.mean())
        steps = np.arange(h)
        k = steps // m + 1  # seasons ahead
        last = y[-m:]
        mean = last[steps % m] + k * drift
        res = {"mean": mean}
        if level:
            sigma = float(diffs.std(ddof=1)) if len(diffs) > 1 else 0.0
            sigmah = sigma * np.sqrt(k)
            for lv in sorted(level):
                z = norm.ppf(0.5 + lv / 200.0)
                res[f"lo-{lv}"] = mean - z * sigmah
                res[f"hi-{lv}"] = mean + z * sigmah
        return res
