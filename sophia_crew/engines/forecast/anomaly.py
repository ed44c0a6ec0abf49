"""Anomaly and change-point detection on revenue / pipeline series.

Method (see ``knowledge/forecasting/anomaly_detection.md``):
1. Robust STL (statsmodels; seasonal smoother 13, or a fixed periodic seasonal below five seasons) on
   log(y) when every value is positive, else on y.
2. Robust z-score of each residual: 0.6745 * (r - median) / MAD (Iglewicz & Hoaglin). |z| >= 3.5 is an alert;
   severity low < 5 <= medium < 8 <= high, capped by size: under 5 % of expected at most low, under 10 % at
   most medium.
3. Shifts ("change_point" alerts): two-sided tabular CUSUM (Page 1954) on those robust z-scores with the
   textbook k = 0.5, h = 5 (in-control run length about 465 points per side for Gaussian noise). A run of
   same-sign residuals that the STL trend did not absorb (a level shift such as late 2008) raises it; alarms
   that follow each other in the same direction are merged into one episode; one-period episodes are dropped
   (they are the outlier itself).
4. Driver: when a breakdown is given, the segment whose own STL deviation at that date is largest in the
   direction of the total's deviation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from sophia_crew.errors import InputError

from .models import Alert, AnomalyReport
from .series import SeriesSet

Z_THRESHOLD = 3.5
SEVERITY = ((8.0, "high"), (5.0, "medium"), (Z_THRESHOLD, "low"))
# A deviation under 5 % of the expected value is at most "low", under 10 % at most "medium".
SIZE_CAP = ((5.0, "low"), (10.0, "medium"))
CUSUM_K, CUSUM_H = 0.5, 5.0


class _Decomp:
    def __init__(self, y: pd.Series, period: int):
        self.log = bool((y > 0).all())
        work = np.log(y) if self.log else y.astype(float)
        # With fewer than five seasons a moving seasonal absorbs a one-off into that month's seasonal (and
        # robust weights can zero out whole years), so short series get a fixed (periodic) seasonal pattern.
        if len(y) >= 5 * period:
            fit = STL(work, period=period, seasonal=13 if period == 12 else 2 * (period // 2) + 1, robust=True).fit()
        else:
            fit = STL(work, period=period, seasonal=10 * len(y) + 1, seasonal_deg=0, robust=True).fit()
        self.y = y
        self.seasonal = fit.seasonal
        fitted = fit.trend + fit.seasonal
        self.expected = np.exp(fitted) if self.log else fitted
        self.resid = fit.resid
        self.adjusted = work - fit.seasonal
        med = float(np.median(self.resid))
        mad = float(np.median(np.abs(self.resid - med))) / 0.6745
        # Fall back to the mean absolute deviation (x 1.2533 = sigma for Gaussian noise) when MAD degenerates.
        scale = mad if mad > 1e-9 * max(1.0, float(np.abs(work).mean())) else \
            1.2533 * float(np.mean(np.abs(self.resid - med)))
        self.z = (self.resid - med) / scale if scale > 0 else self.resid * 0.0

    def deviation(self, ds: pd.Timestamp) -> float:
        return float(self.y[ds] - self.expected[ds])


def _severity(z: float, pct: float) -> str:
    """Severity from the robust z-score, capped by business size (a 3 % wobble on a smooth series is "low")."""
    level = next((name for bound, name in SEVERITY if abs(z) >= bound), "none")
    cap = next((name for bound, name in SIZE_CAP if abs(pct) < bound), "high")
    order = ["none", "low", "medium", "high"]
    return order[min(order.index(level), order.index(cap))]


def _fmt(ds: pd.Timestamp, freq: str) -> str:
    return ds.strftime("%Y-%m") if freq == "MS" else ds.strftime("%Y-%m-%d")


def cusum_episodes(z: np.ndarray, k: float = CUSUM_K, h: float = CUSUM_H) -> list[tuple[int, int, int]]:
    """Two-sided CUSUM alarms on standardized residuals, merged into episodes.

    Returns:
        (onset index, last alarm index, direction +1/-1) per episode.
    """
    episodes: list[list[int]] = []
    up = down = 0.0
    on_up = on_down = 0
    for i, v in enumerate(z):
        if up == 0.0:
            on_up = i
        if down == 0.0:
            on_down = i
        up, down = max(0.0, up + v - k), max(0.0, down - v - k)
        alarm = (on_up, 1) if up > h else (on_down, -1) if down > h else None
        if alarm is None:
            continue
        onset, sign = alarm
        if episodes and episodes[-1][2] == sign and onset <= episodes[-1][1] + 1:
            episodes[-1][1] = i
        else:
            episodes.append([onset, i, sign])
        up = down = 0.0
    return [(a, b, c) for a, b, c in episodes]


def _analyse(uid: str, y: pd.Series, period: int, freq: str, z_threshold: float,
             parts: dict[str, _Decomp] | None, with_cp: bool) -> tuple[list[Alert], set]:
    dec = _Decomp(y, period)
    alerts = []
    flagged = set(y.index[np.abs(dec.z.to_numpy()) >= z_threshold])
    for ds in y.index[np.abs(dec.z.to_numpy()) >= z_threshold]:
        z = float(dec.z[ds])
        dev = dec.deviation(ds)
        exp_v = float(dec.expected[ds])
        driver = drv_dev = None
        if parts:
            moves = {name: p.deviation(ds) for name, p in parts.items() if ds in p.y.index}
            same_sign = {k: v for k, v in moves.items() if np.sign(v) == np.sign(dev)}
            if same_sign:
                driver = max(same_sign, key=lambda k: abs(same_sign[k]))
                drv_dev = same_sign[driver]
        pct = dev / exp_v * 100 if exp_v else 0.0
        sev = _severity(z, pct)
        msg = (f"{uid} {_fmt(ds, freq)}: {y[ds]:,.0f} vs expected {exp_v:,.0f} ({dev:+,.0f}, {pct:+.1f}%), "
               f"robust z {z:+.1f} ({sev})")
        if driver is not None:
            msg += f"; largest same-direction move: {driver} ({drv_dev:+,.0f})"
        alerts.append(Alert(series=uid, date=_fmt(ds, freq), kind="outlier", severity=sev,
                            value=float(y[ds]), expected=exp_v, deviation=dev, deviation_pct=pct, z=z,
                            driver=driver, driver_deviation=drv_dev, message=msg))
    if with_cp:
        for a, b, sign in cusum_episodes(dec.z.to_numpy()):
            if b == a:
                continue  # a one-period "shift" is just the outlier already reported
            span = y.index[a:b + 1]
            flagged.update(span)
            dev = float(sum(dec.deviation(ds) for ds in span))
            exp_v = float(dec.expected[span].sum())
            pct = dev / exp_v * 100 if exp_v else 0.0
            msg = (f"{uid} {_fmt(span[0], freq)}..{_fmt(span[-1], freq)}: sustained {'rise' if sign > 0 else 'drop'} "
                   f"(CUSUM), {dev:+,.0f} ({pct:+.1f}%) vs expected over {len(span)} period(s)")
            alerts.append(Alert(series=uid, date=_fmt(span[0], freq), end_date=_fmt(span[-1], freq),
                                kind="change_point", severity=_severity(np.inf, pct),
                                value=float(y[span].sum()), expected=exp_v, deviation=dev, deviation_pct=pct,
                                z=None, message=msg))
    return alerts, flagged


def detect_anomalies(series: SeriesSet, breakdown: SeriesSet | None = None, *, z_threshold: float = Z_THRESHOLD,
                     with_change_points: bool = True) -> AnomalyReport:
    """Flag outliers and change points in every series; attribute each outlier to a breakdown segment.

    Args:
        series: series to analyse (usually the total, or one per segment).
        breakdown: optional finer series (e.g. per segment); when given, every outlier of ``series`` names the
            breakdown series whose own deviation at that date is largest in the same direction.
        z_threshold: robust z-score that counts as an alert.
        with_change_points: also report CUSUM shift episodes.

    Raises:
        InputError: a series shorter than two seasons plus one point (STL needs it).
    """
    period = series.season_length
    need = 2 * period + 1
    for uid, n in series.lengths().items():
        if n < need:
            raise InputError(f"{series.source}: series {uid!r} has {n} points; anomaly detection needs at least "
                             f"{need} (two seasons of {period} plus one)")
    parts = None
    if breakdown is not None:
        parts = {uid: _Decomp(g.set_index("ds")["y"], period)
                 for uid, g in breakdown.frame.groupby("unique_id", sort=False)
                 if len(g) >= need}
    alerts: list[Alert] = []
    flagged = 0
    for uid, g in series.frame.groupby("unique_id", sort=False):
        found, dates = _analyse(str(uid), g.set_index("ds")["y"], period, series.freq, z_threshold, parts,
                            with_change_points)
        alerts.extend(found)
        flagged += len(dates)
    points = len(series.frame)
    outliers = sum(a.kind == "outlier" for a in alerts)
    return AnomalyReport(
        series=series.ids, points=points, outliers=outliers,
        change_points=sum(a.kind == "change_point" for a in alerts),
        flag_rate=flagged / points if points else 0.0,
        alerts=sorted(alerts, key=lambda a: (a.date, a.series)),
        method=f"robust STL (period {period}) residual z >= {z_threshold}; CUSUM (k={CUSUM_K}, h={CUSUM_H}) shifts",
    )
