"""PNG charts of forecasts (matplotlib, headless Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

if TYPE_CHECKING:
    from .forecaster import SeriesForecast


def forecast_chart(history: pd.DataFrame, fc: SeriesForecast, path: str | Path, last: int = 48) -> Path:
    """Write a PNG: the last ``last`` actuals, the point forecast and its 80 % / 95 % bands.

    Args:
        history: the series' rows (columns ``ds``, ``y``).
        fc: the forecast to draw.
        path: output PNG path (parent folders are created).
        last: how many past periods to show.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    hist = history.tail(last)
    dates = pd.to_datetime([p.date for p in fc.forecast])
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=110)
    try:
        ax.plot(hist["ds"], hist["y"], color="#1f3b73", lw=1.6, label="actual")
        ax.fill_between(dates, [p.lo_95 for p in fc.forecast], [p.hi_95 for p in fc.forecast],
                        color="#f28e2b", alpha=0.18, label="95 % interval")
        ax.fill_between(dates, [p.lo_80 for p in fc.forecast], [p.hi_80 for p in fc.forecast],
                        color="#f28e2b", alpha=0.35, label="80 % interval")
        # Join the last actual to the first forecast so the line reads as one story.
        ax.plot([hist["ds"].iloc[-1], *dates], [hist["y"].iloc[-1], *[p.mean for p in fc.forecast]],
                color="#d4570f", lw=1.8, ls="--", label=f"forecast ({fc.chosen_model})")
        ax.set_title(f"{fc.series}: {len(fc.forecast)}-period forecast")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
