"""Pydantic models of the health engine: scorecard configuration, account signals and scored output."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Colour = Literal["red", "yellow", "green"]
COLOUR_RANK: dict[str, int] = {"green": 0, "yellow": 1, "red": 2}

# Raw inputs a scorecard measure may read; AccountSignals carries one optional field per name.
SIGNAL_NAMES = (
    "usage_trend_pct",
    "license_utilisation",
    "feature_adoption_pct",
    "open_critical_tickets",
    "sla_breaches_90d",
    "tickets_90d",
    "days_since_last_touch",
    "sentiment",
    "competitor_mentions",
    "late_invoices_12m",
    "overdue_invoices",
    "nps",
    "csat",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- configuration


class MeasureConfig(_Strict):
    """One scored measure: a raw signal mapped to 0-100 by piecewise-linear interpolation.

    ``points`` are ``[raw, score]`` pairs with strictly increasing raw values; below the first and
    above the last point the score is clamped to the end value.
    """

    signal: str
    group: str
    weight: float = Field(gt=0)
    points: list[tuple[float, float]] = Field(min_length=2)
    optional: bool = False
    critical: bool = False
    description: str = ""

    @field_validator("signal")
    @classmethod
    def _known_signal(cls, value: str) -> str:
        if value not in SIGNAL_NAMES:
            raise ValueError(f"unknown signal {value!r} (known: {', '.join(SIGNAL_NAMES)})")
        return value

    @field_validator("points")
    @classmethod
    def _monotonic(cls, value: list[tuple[float, float]]) -> list[tuple[float, float]]:
        raws = [p[0] for p in value]
        if any(b <= a for a, b in itertools.pairwise(raws)):
            raise ValueError("raw values of points must be strictly increasing")
        if any(not 0 <= p[1] <= 100 for p in value):
            raise ValueError("point scores must be within 0-100")
        return value


class Bands(_Strict):
    """Colour bands on a 0-100 score: ``>= green`` is green, ``>= yellow`` is yellow, else red."""

    green: float = 70
    yellow: float = 45

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not 0 <= self.yellow < self.green <= 100:
            raise ValueError("need 0 <= yellow < green <= 100")
        return self


class RuleConfig(_Strict):
    """Colour override: when any (or all) of ``measures`` is red, the account colour is at least ``force``."""

    name: str
    when_red: list[str] = Field(min_length=1)
    mode: Literal["any", "all"] = "any"
    force: Colour = "red"


class ProfileMatch(_Strict):
    """Conditions (all must hold) that select a profile for an account."""

    lifecycle_stage: list[str] | None = None
    segment: list[str] | None = None
    max_days_since_start: int | None = Field(default=None, ge=0)


class ProfileConfig(_Strict):
    """A per-segment variant of the scorecard: weights, exclusions and thresholds override the defaults."""

    name: str
    description: str = ""
    match: ProfileMatch = Field(default_factory=ProfileMatch)
    group_weights: dict[str, float] = Field(default_factory=dict)
    measure_weights: dict[str, float] = Field(default_factory=dict)
    exclude: list[str] = Field(default_factory=list)
    points: dict[str, list[tuple[float, float]]] = Field(default_factory=dict)
    max_missing_weight: float | None = Field(default=None, ge=0, le=1)


class ScorecardConfig(_Strict):
    """A whole scorecard file (``knowledge/health_scorecards/*.yaml``)."""

    name: str
    version: str = "1"
    description: str = ""
    trend_period_days: int = Field(default=30, ge=1)
    max_missing_weight: float = Field(default=0.35, ge=0, le=1)
    bands: Bands = Field(default_factory=Bands)
    groups: dict[str, float]
    measures: dict[str, MeasureConfig]
    rules: list[RuleConfig] = Field(default_factory=list)
    profiles: list[ProfileConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> ScorecardConfig:
        for name, measure in self.measures.items():
            if measure.group not in self.groups:
                raise ValueError(f"measures.{name}.group: unknown group {measure.group!r}")
        for i, rule in enumerate(self.rules):
            for m in rule.when_red:
                if m not in self.measures:
                    raise ValueError(f"rules.{i}.when_red: unknown measure {m!r}")
        for i, prof in enumerate(self.profiles):
            for key in [*prof.measure_weights, *prof.exclude, *prof.points]:
                if key not in self.measures:
                    raise ValueError(f"profiles.{i}: unknown measure {key!r}")
            for key in prof.group_weights:
                if key not in self.groups:
                    raise ValueError(f"profiles.{i}.group_weights: unknown group {key!r}")
        return self


# --------------------------------------------------------------------------- inputs


class AccountSignals(BaseModel):
    """Raw health inputs of one account at one date; ``None`` means the input is missing."""

    account_id: str
    as_of: date
    name: str = ""
    segment: str = ""
    lifecycle_stage: str = ""
    days_since_start: int | None = None
    usage_trend_pct: float | None = None
    license_utilisation: float | None = None
    feature_adoption_pct: float | None = None
    open_critical_tickets: float | None = None
    sla_breaches_90d: float | None = None
    tickets_90d: float | None = None
    days_since_last_touch: float | None = None
    sentiment: float | None = None
    competitor_mentions: float | None = None
    late_invoices_12m: float | None = None
    overdue_invoices: float | None = None
    nps: float | None = None
    csat: float | None = None
    notes: dict[str, str] = Field(default_factory=dict, description="why a signal is missing, by signal")


# --------------------------------------------------------------------------- output


class MeasureScore(BaseModel):
    """One measure of one account: raw value, 0-100 score, weight share and contribution to the total."""

    measure: str
    group: str
    raw: float
    score: float
    colour: Colour
    weight: float = Field(description="normalised weight among the measures that had data (sums to 1)")
    contribution: float = Field(description="weight * score; contributions sum to the account score")
    critical: bool = False


class GroupScore(BaseModel):
    """Weighted mean of a group's measures and the group's summed contribution."""

    group: str
    score: float
    contribution: float


class ComponentDelta(BaseModel):
    """How much one measure's contribution moved between the previous period and now."""

    measure: str
    delta: float
    before: float | None
    after: float | None
    explanation: str


class HealthTrend(BaseModel):
    """Score now vs ``period_days`` earlier, with the largest contribution moves."""

    previous_as_of: date
    previous_score: float | None
    delta: float | None
    direction: Literal["up", "down", "flat", "unknown"]
    why: list[ComponentDelta] = Field(default_factory=list)
    note: str = ""


class InsufficientData(BaseModel):
    """Which inputs were missing; ``blocking`` is True when no score could be given."""

    missing: list[str]
    missing_weight: float
    threshold: float
    blocking: bool
    reasons: dict[str, str] = Field(default_factory=dict)


class HealthScore(BaseModel):
    """Scored health of one account. ``score``/``colour`` are None when data is insufficient."""

    account_id: str
    as_of: date
    profile: str
    score: float | None
    colour: Colour | None
    status: Literal["scored", "insufficient_data"]
    measures: list[MeasureScore] = Field(default_factory=list)
    groups: list[GroupScore] = Field(default_factory=list)
    skipped_optional: list[str] = Field(default_factory=list)
    excluded_by_profile: dict[str, str] = Field(
        default_factory=dict, description="measures the profile leaves out, with why their input is missing if it is")
    insufficient_data: InsufficientData | None = None
    overrides: list[str] = Field(default_factory=list, description="rules that changed the colour")
    trend: HealthTrend | None = None


class AccountStanding(BaseModel):
    """Who an account is and where its health stands: the head of every per-account health row and report."""

    account_id: str
    name: str
    segment: str
    owner: str
    csm: str
    arr_usd: float | None
    renewal_date: date | None
    days_to_renewal: int | None
    score: float | None
    colour: str | None
    status: str
    profile: str
