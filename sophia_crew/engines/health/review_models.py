"""Result models of the client-health crew's views: call signals, score rows with drags, the risk register.

Only Pydantic here, so tool signatures and the MCP tool table import them without pandas;
:mod:`.review` computes them and re-exports them under their old names.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from .models import AccountStanding
from .portfolio_models import RenewalItem, RiskRollup

__all__ = ["CallSignal", "CallSignals", "DataGap", "Drag", "RiskRegister", "RiskRow", "ScoreRow"]


class CallSignal(BaseModel):
    """Competitor talk on one account's recorded calls in the window."""

    account_id: str
    calls: list[str] = Field(description="'<call_id> <date> <call_type>' of the calls in the window")
    competitor_mentions: int = Field(description="customer-side sentences naming a competitor")
    by_competitor: dict[str, int]
    quotes: list[str] = Field(description="up to two customer quotes naming a competitor")


class CallSignals(BaseModel):
    """Per-account call signals plus the calls that could not be read."""

    as_of: date
    window_days: int
    accounts: dict[str, CallSignal]
    calls_read: int
    failures: list[str]


class Drag(BaseModel):
    """One measure of an account score: how many points it costs against a perfect 100."""

    measure: str
    group: str
    raw: float
    score: float
    colour: str
    weight: float
    contribution: float
    points_lost: float = Field(description="weight x (100 - score): what this measure costs the total score")


class ScoreRow(AccountStanding):
    """Health of one account as the crew reports it: score, what drags it, the trend and why, data gaps."""

    drags: list[Drag]
    previous_as_of: date | None
    previous_score: float | None
    trend_delta: float | None
    trend_direction: str
    why_changed: list[str]
    trend_note: str
    overrides: list[str]
    missing_inputs: list[str] = Field(description="required inputs without data, with why")
    not_scored: list[str] = Field(description="optional measures without data and measures the profile leaves out")


class RiskRow(BaseModel):
    """An account on the risk register or the watch list."""

    account_id: str
    name: str
    segment: str
    owner: str
    csm: str
    score: float | None
    colour: str | None
    trend_delta: float | None
    churn_probability: float | None
    arr_usd: float | None
    expected_loss_usd: float | None = Field(description="ARR x churn probability")
    renewal_date: date | None
    days_to_renewal: int | None
    reasons: list[str]


class DataGap(BaseModel):
    """An account whose score misses inputs (blocking when it has no score at all)."""

    account_id: str
    name: str
    status: str
    blocking: bool
    missing: list[str]


class RiskRegister(BaseModel):
    """At-risk accounts with why, the watch list, data gaps, value at risk by owner/CSM/segment, renewals."""

    as_of: date
    risk_probability: float
    accounts: int
    at_risk: list[RiskRow]
    watch: list[RiskRow]
    disagreements: list[str] = Field(description="accounts where the health score and the churn model disagree")
    data_gaps: list[DataGap] = Field(description="missing required inputs and measures a profile leaves out")
    optional_without_data: dict[str, int] = Field(description="optional measure -> accounts scored without it")
    arr_total_usd: float
    arr_at_risk_usd: float
    expected_loss_usd: float | None
    by_owner: list[RiskRollup]
    by_csm: list[RiskRollup]
    by_segment: list[RiskRollup]
    renewals_90d: list[RenewalItem]
    renewals_90d_arr_usd: float
    renewals_90d_at_risk_arr_usd: float
