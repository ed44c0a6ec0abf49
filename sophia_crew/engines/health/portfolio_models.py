"""Portfolio result models: one account's health, value-at-risk roll-ups, renewals, the portfolio summary.

Only Pydantic here, so tool signatures and the MCP tool table import them without pandas;
:mod:`.portfolio` computes them and re-exports them under their old names.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from .churn_models import ChurnPrediction
from .models import HealthScore
from .plays import CTA

__all__ = ["AccountHealth", "PortfolioHealth", "RenewalItem", "RiskRollup", "ScoreDistribution"]


class AccountHealth(BaseModel):
    """Health, churn risk and CTAs of one account."""

    account_id: str
    name: str
    segment: str
    owner_id: str
    owner_name: str
    csm_id: str
    csm_name: str
    arr_usd: float | None
    renewal_date: date | None
    days_to_renewal: int | None
    health: HealthScore
    churn: ChurnPrediction | None = None
    at_risk: bool = Field(description="red, or churn probability >= the risk threshold")
    ctas: list[CTA] = Field(default_factory=list)


class RiskRollup(BaseModel):
    """Contract value at risk for one owner / CSM / segment."""

    key: str
    label: str
    accounts: int
    arr_usd: float
    at_risk_accounts: int
    arr_at_risk_usd: float
    expected_loss_usd: float | None = Field(None, description="sum of ARR x churn probability (needs a model)")


class RenewalItem(BaseModel):
    """One renewal in the calendar window."""

    account_id: str
    name: str
    renewal_date: date
    days_to_renewal: int
    arr_usd: float | None
    colour: str | None
    score: float | None
    churn_probability: float | None
    owner_name: str
    csm_name: str


class ScoreDistribution(BaseModel):
    """Counts by colour and by 10-point score bin (``"40-50"`` holds 40 <= score < 50; 100 goes in 90-100)."""

    green: int
    yellow: int
    red: int
    insufficient_data: int
    bins: dict[str, int]


class PortfolioHealth(BaseModel):
    """Portfolio summary plus every account's detail."""

    as_of: date
    scorecard: str
    churn_model: str | None
    churn_note: str
    risk_probability: float
    accounts: list[AccountHealth]
    distribution: ScoreDistribution
    arr_total_usd: float
    arr_at_risk_usd: float
    by_owner: list[RiskRollup]
    by_csm: list[RiskRollup]
    by_segment: list[RiskRollup]
    renewals_90d: list[RenewalItem]
    excluded_churned: int
