"""Health scorecard engine: YAML-configured, weighted, explainable 0-100 account scores.

Arithmetic (what the tests verify by hand):

* each measure's raw value becomes a 0-100 score by piecewise-linear interpolation of its ``points``;
* weights of a set of measures: each group's weight is split among its measures in the set in proportion to
  the measure weights, then divided by the summed weight of the groups present, so they sum to 1;
* missing ``optional`` measures are skipped (listed in ``skipped_optional``). Missing required measures are
  listed; their weight share (weights over all kept, non-skipped measures) is ``missing_weight``; above
  ``max_missing_weight`` no score is given (``status = insufficient_data``);
* otherwise the weights are recomputed over the measures with data; contribution = weight * score and the
  account score is the sum of contributions (a group keeps its weight while any of its measures has data);
* colour comes from the bands, then rules (and ``critical`` measures) can force it worse, never better.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import ValidationError

from sophia_crew.errors import ConfigError
from sophia_crew.resources import knowledge_path

from .models import (
    COLOUR_RANK,
    AccountSignals,
    Colour,
    ComponentDelta,
    GroupScore,
    HealthScore,
    HealthTrend,
    InsufficientData,
    MeasureScore,
    ProfileConfig,
    ScorecardConfig,
)


def load_yaml_model(path: Path, model: type, what: str):
    """Read a YAML file and validate it with ``model``; errors become ``ConfigError('file: field: msg')``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: {what} file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: yaml: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level: expected a mapping, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field, msg = ".".join(str(p) for p in err["loc"]), err["msg"]
            if not field and msg.startswith("Value error, ") and ": " in msg:
                # cross-field checks name their own field: "Value error, rules.0.when_red: unknown measure"
                field, msg = msg.removeprefix("Value error, ").split(": ", 1)
            problems.append(f"{path}: {field or '(top level)'}: {msg}")
        raise ConfigError(problems) from None


def load_scorecard(path: str | Path | None = None) -> ScorecardConfig:
    """Load and validate a scorecard YAML.

    Args:
        path: a YAML file; default ``knowledge/health_scorecards/default.yaml``.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: one ``file: field: message`` line per problem.
    """
    return load_yaml_model(Path(path) if path else knowledge_path("health_scorecards", "default.yaml"),
                           ScorecardConfig, "scorecard")


def interpolate(points: list[tuple[float, float]], raw: float) -> float:
    """Piecewise-linear score of ``raw`` on ``points`` (clamped outside the first/last point)."""
    if raw <= points[0][0]:
        return float(points[0][1])
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if raw <= x1:
            return float(y0 + (y1 - y0) * (raw - x0) / (x1 - x0))
    return float(points[-1][1])


def colour_of(score: float, config: ScorecardConfig) -> Colour:
    """Colour of a 0-100 score under the scorecard's bands."""
    if score >= config.bands.green:
        return "green"
    if score >= config.bands.yellow:
        return "yellow"
    return "red"


def _worse(a: Colour, b: Colour) -> Colour:
    return a if COLOUR_RANK[a] >= COLOUR_RANK[b] else b


def select_profile(config: ScorecardConfig, signals: AccountSignals) -> ProfileConfig | None:
    """First profile whose ``match`` conditions all hold for the account, else None (defaults)."""
    for prof in config.profiles:
        m = prof.match
        if m.lifecycle_stage is not None and signals.lifecycle_stage not in m.lifecycle_stage:
            continue
        if m.segment is not None and signals.segment not in m.segment:
            continue
        if m.max_days_since_start is not None and (
            signals.days_since_start is None or signals.days_since_start > m.max_days_since_start
        ):
            continue
        return prof
    return None


def _weights(config: ScorecardConfig, prof: ProfileConfig | None, members: list[str]) -> dict[str, float]:
    """Weights of ``members`` (measures): group weight split within the group by measure weight, then
    normalised over the groups that have at least one member, so the weights sum to 1."""
    group_w = {**config.groups, **(prof.group_weights if prof else {})}
    measure_w = {n: (prof.measure_weights.get(n) if prof else None) or config.measures[n].weight for n in members}
    per_group: dict[str, float] = {}
    for name, w in measure_w.items():
        per_group[config.measures[name].group] = per_group.get(config.measures[name].group, 0.0) + w
    total = sum(group_w[g] for g in per_group)
    return {n: group_w[config.measures[n].group] * w / per_group[config.measures[n].group] / total
            for n, w in measure_w.items()}


def score_signals(signals: AccountSignals, config: ScorecardConfig) -> HealthScore:
    """Score one account's signals (no trend).

    Args:
        signals: raw inputs; ``None`` fields are missing inputs.
        config: a validated scorecard.

    Returns:
        A HealthScore; ``status='insufficient_data'`` with ``score=None`` when too much is missing.
    """
    prof = select_profile(config, signals)
    kept = [n for n in config.measures if not (prof and n in prof.exclude)]
    threshold = prof.max_missing_weight if prof and prof.max_missing_weight is not None else config.max_missing_weight
    present: dict[str, float] = {}
    missing: list[str] = []
    skipped: list[str] = []
    for name in kept:
        value = getattr(signals, config.measures[name].signal)
        if value is not None:
            present[name] = float(value)
        elif config.measures[name].optional:
            skipped.append(name)
        else:
            missing.append(name)
    nominal = _weights(config, prof, [n for n in kept if n not in skipped])
    missing_weight = sum(nominal[n] for n in missing)
    reasons = {n: signals.notes.get(config.measures[n].signal, "no data") for n in missing}
    insufficient = None
    if missing:
        insufficient = InsufficientData(
            missing=missing, missing_weight=round(missing_weight, 4), threshold=threshold,
            blocking=missing_weight > threshold or not present, reasons=reasons,
        )
    excluded = {n: signals.notes.get(config.measures[n].signal, "not used by this profile")
                for n in config.measures if n not in kept}
    base = {"account_id": signals.account_id, "as_of": signals.as_of, "profile": prof.name if prof else "default",
            "skipped_optional": skipped, "excluded_by_profile": excluded, "insufficient_data": insufficient}
    if insufficient and insufficient.blocking:
        return HealthScore(score=None, colour=None, status="insufficient_data", **base)

    weights = _weights(config, prof, list(present))
    raw_scores = {n: interpolate((prof.points.get(n) if prof else None) or config.measures[n].points, v)
                  for n, v in present.items()}
    measures: list[MeasureScore] = []
    for name, raw in present.items():
        m, s, w = config.measures[name], raw_scores[name], weights[name]
        measures.append(MeasureScore(measure=name, group=m.group, raw=round(raw, 4), score=round(s, 2),
                                     colour=colour_of(s, config), weight=round(w, 4),
                                     contribution=round(w * s, 2), critical=m.critical))
    score = sum(weights[n] * raw_scores[n] for n in present)
    groups = []
    for g in dict.fromkeys(ms.group for ms in measures):
        members = [n for n in present if config.measures[n].group == g]
        gw = sum(weights[n] for n in members)
        gscore = sum(weights[n] * raw_scores[n] for n in members) / gw
        groups.append(GroupScore(group=g, score=round(gscore, 2), contribution=round(gw * gscore, 2)))

    colour = colour_of(score, config)
    overrides: list[str] = []
    red = {ms.measure for ms in measures if ms.colour == "red"}
    for ms in measures:
        if ms.critical and ms.measure in red and colour != "red":
            overrides.append(f"critical measure {ms.measure} is red -> red")
            colour = "red"
    for rule in config.rules:
        hits = [n for n in rule.when_red if n in red]
        fired = bool(hits) if rule.mode == "any" else len(hits) == len(rule.when_red)
        if fired and _worse(colour, rule.force) != colour:
            overrides.append(f"rule {rule.name}: {', '.join(hits)} red -> {rule.force}")
            colour = _worse(colour, rule.force)
    return HealthScore(score=round(score, 1), colour=colour, status="scored", measures=measures,
                       groups=groups, overrides=overrides, **base)


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _delta_explanation(name: str, before: MeasureScore | None, after: MeasureScore | None, delta: float) -> str:
    if before and after:
        return (f"{name} {_num(before.raw)} -> {_num(after.raw)} (score {_num(before.score)} -> "
                f"{_num(after.score)}): {delta:+.1f} pts")
    if after:
        return f"{name} now has data ({_num(after.raw)}): {delta:+.1f} pts"
    return f"{name} no longer has data: {delta:+.1f} pts"


def trend_of(current: HealthScore, previous: HealthScore, top: int = 3) -> HealthTrend:
    """Compare two scores of the same account; ``why`` lists the largest contribution moves.

    Note that renormalisation means a measure appearing or disappearing moves every contribution a little.
    """
    if current.score is None or previous.score is None:
        which = "current" if current.score is None else "previous"
        return HealthTrend(previous_as_of=previous.as_of, previous_score=previous.score, delta=None,
                           direction="unknown", note=f"no trend: {which} period has insufficient data")
    delta = round(current.score - previous.score, 1)
    now = {m.measure: m for m in current.measures}
    before = {m.measure: m for m in previous.measures}
    deltas = []
    for name in dict.fromkeys([*now, *before]):
        a, b = now.get(name), before.get(name)
        d = (a.contribution if a else 0.0) - (b.contribution if b else 0.0)
        deltas.append(ComponentDelta(measure=name, delta=round(d, 2), before=b.raw if b else None,
                                     after=a.raw if a else None, explanation=_delta_explanation(name, b, a, d)))
    deltas.sort(key=lambda c: -abs(c.delta))
    direction = "flat" if abs(delta) < 1 else ("up" if delta > 0 else "down")
    note = "" if current.profile == previous.profile else f"profile changed {previous.profile} -> {current.profile}"
    return HealthTrend(previous_as_of=previous.as_of, previous_score=previous.score, delta=delta,
                       direction=direction, why=[d for d in deltas[:top] if d.delta != 0], note=note)


def score_with_trend(current: AccountSignals, previous: AccountSignals | None,
                     config: ScorecardConfig) -> HealthScore:
    """Score ``current`` and attach the trend against ``previous`` (signals one period earlier)."""
    result = score_signals(current, config)
    if previous is not None:
        result.trend = trend_of(result, score_signals(previous, config))
    else:
        day = previous_as_of(config, current.as_of)
        result.trend = HealthTrend(previous_as_of=day, previous_score=None, delta=None, direction="unknown",
                                   note=f"no trend: the account was not a customer yet on {day}")
    return result


def previous_as_of(config: ScorecardConfig, as_of):
    """Date of the previous period used for the trend."""
    return as_of - timedelta(days=config.trend_period_days)
