"""Compare call metrics with the sourced benchmarks (knowledge/calls/benchmarks.yaml); track reps over time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ...errors import ConfigError, InputError
from ...resources import knowledge_path
from .models import CallMetrics

Status = Literal["within", "above", "below", "info", "unavailable", "not_applicable"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    title: str
    publisher: str
    year: int
    note: str = ""
    url: str | None = None
    author: str | None = None
    verified: bool = True


class Benchmark(_Model):
    id: str
    label: str
    metric: str
    kind: Literal["range", "max", "min", "info"]
    low: float | None = None
    high: float | None = None
    direction: Literal["higher", "lower"] | None = None
    call_types: list[str] | None = None
    reference: str
    band_note: str | None = None
    source: str


class BenchmarkFile(_Model):
    definitions: dict[str, str] = {}
    sources: dict[str, Source]
    benchmarks: list[Benchmark]


class BenchmarkComparison(_Model):
    """One metric of one call against one benchmark."""

    id: str
    label: str
    metric: str
    value: float | None
    status: Status
    expected: str
    source: str
    source_verified: bool = True
    note: str | None = None


@lru_cache(maxsize=1)
def load_benchmarks() -> BenchmarkFile:
    """Parse knowledge/calls/benchmarks.yaml (ConfigError naming the file when invalid)."""
    path = knowledge_path("calls", "benchmarks.yaml")
    try:
        data = BenchmarkFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: {str(exc).splitlines()[0]}") from None
    for b in data.benchmarks:
        if b.source not in data.sources:
            raise ConfigError(f"{path}: benchmark {b.id}: unknown source {b.source!r}")
    return data


def metric_value(m: CallMetrics, dotted: str) -> float | None:
    """Value of a dotted metric path (``rep.talk_ratio``), None when any part is missing."""
    cur: Any = m
    for part in dotted.split("."):
        cur = getattr(cur, part, None)
        if cur is None:
            return None
    return float(cur)


def _expected(b: Benchmark) -> str:
    if b.kind == "range":
        return f"{b.low:g}–{b.high:g}"
    if b.kind == "max":
        return f"≤ {b.high:g}"
    if b.kind == "min":
        return f"≥ {b.low:g}"
    return f"{b.direction or ''} is better".strip()


def compare_to_benchmarks(metrics: CallMetrics, call_type: str | None = None) -> list[BenchmarkComparison]:
    """Compare one call's metrics with every benchmark.

    Args:
        metrics: output of :func:`compute_metrics`.
        call_type: discovery|demo|negotiation|qbr when known; benchmarks restricted to other call types
            are then ``not_applicable`` (unknown call type: they are applied with a note).

    Returns:
        One comparison per benchmark; metrics the call could not measure are ``unavailable``, never 0.
    """
    data = load_benchmarks()
    unavailable = {u.metric: u.reason for u in metrics.unavailable}
    out = []
    for b in data.benchmarks:
        src = data.sources[b.source]
        value = metric_value(metrics, b.metric)
        note = b.band_note
        status: Status
        if b.call_types and call_type and call_type not in b.call_types:
            status, note = "not_applicable", f"benchmark is for {', '.join(b.call_types)} calls"
        elif value is None:
            status = "unavailable"
            head = b.metric.split(".")[0]
            key = {"rep": "rep_side", "longest_customer_story": "longest_customer_story"}.get(head, head)
            note = (
                unavailable.get(key)
                or unavailable.get(b.metric.split(".")[-1].removesuffix("_s"))
                or "metric not measured on this call"
            )
        elif b.kind == "info":
            status = "info"
        elif b.low is not None and value < b.low:
            status = "below"
        elif b.high is not None and value > b.high:
            status = "above"
        else:
            status = "within"
        if b.call_types and not call_type and status not in ("unavailable",):
            note = "; ".join(x for x in (note, f"applies to {', '.join(b.call_types)} calls") if x)
        out.append(
            BenchmarkComparison(
                id=b.id,
                label=b.label,
                metric=b.metric,
                value=None if value is None else round(value, 4),
                status=status,
                expected=f"{_expected(b)} ({b.reference})",
                source=f"{src.publisher}: {src.title} ({src.year})",
                source_verified=src.verified,
                note=note,
            )
        )
    return out


# --------------------------------------------------------------------------- rep trends

TREND_METRICS = (
    "rep.talk_ratio",
    "rep.questions",
    "rep.longest_monologue_s",
    "rep.words_per_minute",
    "patience_s",
    "interactivity",
)


class MetricTrend(_Model):
    metric: str
    calls: int
    mean: float | None
    first: float | None
    last: float | None
    slope_per_call: float | None
    direction: Literal["up", "down", "flat", "n/a"]


class RepTrend(_Model):
    """One rep across their calls, oldest first."""

    rep: str
    calls: int
    first_date: date | None
    last_date: date | None
    call_ids: list[str]
    trends: list[MetricTrend]


def rep_trends(
    rows: Iterable[tuple[str, date | None, CallMetrics]], metrics: Iterable[str] = TREND_METRICS
) -> list[RepTrend]:
    """Per-rep table of the key metrics across calls, with a least-squares trend per call.

    Args:
        rows: (rep name, call date or None, metrics) per call; calls without a date sort first by id.
        metrics: dotted metric paths to track.

    Returns:
        One RepTrend per rep, sorted by name. ``slope_per_call`` is the least-squares slope over the calls in
        date order (needs 2+ calls with the metric); ``direction`` is flat when |slope| < 1 % of |mean|.
    """
    by_rep: dict[str, list[tuple[date | None, CallMetrics]]] = {}
    for rep, day, m in rows:
        if not rep:
            raise InputError("rep_trends: every row needs a rep name")
        by_rep.setdefault(rep, []).append((day, m))
    out = []
    for rep in sorted(by_rep):
        calls = sorted(by_rep[rep], key=lambda r: (r[0] or date.min, r[1].call_id))
        trends = []
        for path in metrics:
            vals = [metric_value(m, path) for _, m in calls]
            xs = [i for i, v in enumerate(vals) if v is not None]
            ys = [v for v in vals if v is not None]
            mean = round(float(np.mean(ys)), 4) if ys else None
            slope, direction = None, "n/a"
            if len(ys) >= 2:
                slope = round(float(np.polyfit(xs, ys, 1)[0]), 4)
                direction = (
                    "flat"
                    if abs(slope) < 0.01 * abs(mean or 0) or slope == 0
                    else ("up" if slope > 0 else "down")
                )
            trends.append(
                MetricTrend(
                    metric=path,
                    calls=len(ys),
                    mean=mean,
                    first=ys[0] if ys else None,
                    last=ys[-1] if ys else None,
                    slope_per_call=slope,
                    direction=direction,
                )
            )
        days = [d for d, _ in calls if d]
        out.append(
            RepTrend(
                rep=rep,
                calls=len(calls),
                first_date=min(days) if days else None,
                last_date=max(days) if days else None,
                call_ids=[m.call_id for _, m in calls],
                trends=trends,
            )
        )
    return out
