"""PNG charts of forecasts (matplotlib, headless Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

if TYPE_CHECKING:
    from .models import SeriesForecast


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


def _money_axis(ax) -> None:
    def fmt(v: float, _: object) -> str:
        a = abs(v)
        return f"${v / 1e6:,.1f}M" if a >= 1e6 else f"${v / 1e3:,.0f}k" if a >= 1e3 else f"${v:,.0f}"

    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(fmt))


def forecast_panels(path: str | Path, panels: list[dict]) -> Path:
    """One PNG with a panel per series: recent actuals, forecast with 80/95 % bands, flagged anomalies.

    Args:
        path: output PNG path.
        panels: per series a dict with ``title``, ``history`` [(date "YYYY-MM[-DD]", value)], ``forecast``
            [(date, mean, lo_80, hi_80, lo_95, hi_95)], ``model`` (label) and optional ``marks``
            [(date, value, label)] drawn as red markers (e.g. anomalies).

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = len(panels)
    cols = 1 if n <= 3 else 2
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(10 if cols == 1 else 13, 3.1 * rows + 0.4), dpi=110,
                             squeeze=False)
    try:
        for ax, p in zip(axes.flat, panels):
            hd = pd.to_datetime([d for d, _ in p["history"]])
            hv = [v for _, v in p["history"]]
            fd = pd.to_datetime([f[0] for f in p["forecast"]])
            ax.plot(hd, hv, color="#1f3b73", lw=1.6, label="actual")
            ax.fill_between(fd, [f[4] for f in p["forecast"]], [f[5] for f in p["forecast"]], color="#f28e2b",
                            alpha=0.18, label="95 % interval")
            ax.fill_between(fd, [f[2] for f in p["forecast"]], [f[3] for f in p["forecast"]], color="#f28e2b",
                            alpha=0.38, label="80 % interval")
            if len(hd):
                ax.plot([hd[-1], *fd], [hv[-1], *[f[1] for f in p["forecast"]]], color="#d4570f", lw=1.8,
                        ls="--", label=f"forecast ({p['model']})")
            for d, v, label in p.get("marks", []):
                ax.scatter([pd.Timestamp(d)], [v], color="#c0392b", zorder=5, s=28)
                ax.annotate(label, (pd.Timestamp(d), v), textcoords="offset points", xytext=(6, 2),
                            fontsize=7, color="#c0392b")
            ax.set_title(p["title"], fontsize=10, loc="left")
            _money_axis(ax)
            ax.grid(alpha=0.3)
            ax.legend(loc="upper left", fontsize=7)
            # Per axis, not fig.autofmt_xdate(): that hides the dates of every panel but the bottom row.
            ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def pipeline_chart(path: str | Path, bars: list[tuple[str, float]], target: float | None = None,
                   title: str = "Open pipeline by forecast category") -> Path:
    """Horizontal bars (e.g. commit, best case, open pipeline, stage-weighted) with an optional target line."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(bars) + 1.4), dpi=110)
    try:
        labels = [b[0] for b in bars][::-1]
        values = [b[1] for b in bars][::-1]
        colors = ["#1f3b73", "#4e79a7", "#a0cbe8", "#f28e2b"][: len(bars)][::-1]
        ax.barh(labels, values, color=colors)
        top = max(values + ([target] if target else []))
        for y, v in enumerate(values):
            ax.text(v + top * 0.01, y, f"${v:,.0f}", va="center", fontsize=8)
        if target:
            ax.axvline(target, color="#c0392b", ls="--", lw=1.4, label=f"target ${target:,.0f}")
            ax.legend(loc="lower right", fontsize=8)
        ax.set_xlim(0, top * 1.22)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _: f"${v / 1e6:,.1f}M" if v >= 1e6 else f"${v / 1e3:,.0f}k" if v else "$0"))
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title, fontsize=10, loc="left")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
