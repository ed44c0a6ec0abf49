"""Plays: YAML rules that turn risk patterns into calls-to-action (CTAs) with owner, due date and steps."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sophia_crew.resources import knowledge_path

from .models import SIGNAL_NAMES, AccountSignals, HealthScore
from .scorecard import load_yaml_model


class Compare(BaseModel):
    """Numeric comparison on a signal; every bound given must hold. A missing signal never matches."""

    model_config = ConfigDict(extra="forbid")
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None

    def holds(self, value: float | None) -> bool:
        """True when ``value`` is present and satisfies every bound."""
        if value is None:
            return False
        return all([self.lt is None or value < self.lt, self.lte is None or value <= self.lte,
                    self.gt is None or value > self.gt, self.gte is None or value >= self.gte])

    def text(self) -> str:
        """The bounds as text, e.g. ``<= -10``."""
        ops = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
        return " and ".join(f"{ops[k]} {v:g}" for k, v in self.model_dump().items() if v is not None)


class PlayWhen(BaseModel):
    """Pattern of a play; all conditions given must hold."""

    model_config = ConfigDict(extra="forbid")
    colour: list[Literal["red", "yellow", "green"]] | None = None
    status: Literal["scored", "insufficient_data"] | None = None
    segment: list[str] | None = None
    signals: dict[str, Compare] = Field(default_factory=dict)
    measures_red: list[str] = Field(default_factory=list)
    renewal_within_days: int | None = Field(default=None, ge=0)
    churn_probability_gte: float | None = Field(default=None, ge=0, le=1)
    trend_delta_lte: float | None = None

    @field_validator("signals")
    @classmethod
    def _known(cls, value: dict[str, Compare]) -> dict[str, Compare]:
        unknown = [k for k in value if k not in SIGNAL_NAMES]
        if unknown:
            raise ValueError(f"unknown signal(s) {', '.join(unknown)} (known: {', '.join(SIGNAL_NAMES)})")
        return value


class PlayConfig(BaseModel):
    """One play: the pattern, who owns the CTA, when it is due and the steps."""

    model_config = ConfigDict(extra="forbid")
    name: str
    title: str
    priority: Literal["high", "medium", "low"] = "medium"
    owner: Literal["csm", "account_owner"] = "csm"
    due_in_days: int = Field(ge=0)
    when: PlayWhen
    steps: list[str] = Field(min_length=1)


class PlaysConfig(BaseModel):
    """A plays file (``knowledge/plays/*.yaml``)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    plays: list[PlayConfig] = Field(min_length=1)


class AccountContext(BaseModel):
    """Everything a play may look at for one account."""

    account_id: str
    name: str = ""
    segment: str = ""
    owner_id: str = ""
    owner_name: str = ""
    csm_id: str = ""
    csm_name: str = ""
    renewal_date: date | None = None
    arr_usd: float | None = None
    churn_probability: float | None = None


class CTA(BaseModel):
    """A call-to-action created by a play for one account."""

    play: str
    title: str
    account_id: str
    account_name: str
    priority: Literal["high", "medium", "low"]
    owner_id: str
    owner_name: str
    owner_role: Literal["csm", "account_owner"]
    due_date: date
    reasons: list[str]
    steps: list[str]


def load_plays(path: str | Path | None = None) -> PlaysConfig:
    """Load and validate a plays YAML (default ``knowledge/plays/default.yaml``); ConfigError on problems."""
    return load_yaml_model(Path(path) if path else knowledge_path("plays", "default.yaml"), PlaysConfig, "plays")


def _reasons(when: PlayWhen, ctx: AccountContext, sig: AccountSignals, health: HealthScore,
             as_of: date) -> list[str] | None:
    """Human-readable reasons if the pattern matches, else None."""
    reasons: list[str] = []
    if when.status is not None:
        if health.status != when.status:
            return None
        reasons.append(f"health status {health.status}")
    if when.colour is not None:
        if health.colour not in when.colour:
            return None
        reasons.append(f"health {health.colour} ({health.score:g})")
    if when.segment is not None:
        if ctx.segment not in when.segment:
            return None
        reasons.append(f"segment {ctx.segment}")
    for name, cmp in when.signals.items():
        value = getattr(sig, name)
        if not cmp.holds(value):
            return None
        reasons.append(f"{name} = {round(value, 1):g} ({cmp.text()})")
    red = {m.measure for m in health.measures if m.colour == "red"}
    for measure in when.measures_red:
        if measure not in red:
            return None
        reasons.append(f"{measure} is red")
    if when.renewal_within_days is not None:
        if ctx.renewal_date is None:
            return None
        days = (ctx.renewal_date - as_of).days
        if not 0 <= days <= when.renewal_within_days:
            return None
        reasons.append(f"renewal in {days} days ({ctx.renewal_date.isoformat()})")
    if when.churn_probability_gte is not None:
        if ctx.churn_probability is None or ctx.churn_probability < when.churn_probability_gte:
            return None
        reasons.append(f"churn probability {ctx.churn_probability:.0%}")
    if when.trend_delta_lte is not None:
        delta = health.trend.delta if health.trend else None
        if delta is None or delta > when.trend_delta_lte:
            return None
        reasons.append(f"health score moved {delta:+g} pts in {(as_of - health.trend.previous_as_of).days} days")
    return reasons


def plays_for(ctx: AccountContext, sig: AccountSignals, health: HealthScore, as_of: date,
              config: PlaysConfig) -> list[CTA]:
    """CTAs of every play whose pattern matches the account, in file order.

    The CTA owner is the account's CSM (or the account owner when the play says so or no CSM is set); the due
    date is ``as_of + due_in_days``.
    """
    ctas = []
    for play in config.plays:
        reasons = _reasons(play.when, ctx, sig, health, as_of)
        if reasons is None:
            continue
        use_csm = play.owner == "csm" and bool(ctx.csm_id)
        ctas.append(CTA(play=play.name, title=play.title, account_id=ctx.account_id, account_name=ctx.name,
                        priority=play.priority, owner_id=ctx.csm_id if use_csm else ctx.owner_id,
                        owner_name=ctx.csm_name if use_csm else ctx.owner_name,
                        owner_role="csm" if use_csm else "account_owner",
                        due_date=as_of + timedelta(days=play.due_in_days), reasons=reasons, steps=play.steps))
    return ctas
