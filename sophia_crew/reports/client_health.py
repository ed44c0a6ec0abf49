"""Client-health report: one :class:`AccountHealthReport` per account inside a :class:`PortfolioHealthReport`.

Figures are copied from the health tools (``health_portfolio_scores``, ``churn_risk``, ``health_call_signals``,
``health_risk_register``, ``health_plays``, ``health_slack_digest``); the prose fields are the agents'.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..engines.health.models import AccountStanding
from ..engines.health.review import Drag
from . import client_health_render as render
from .base import ReportBase


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeasureDrag(Drag):
    """A measure that costs the account points: weight x (100 - score)."""

    model_config = ConfigDict(extra="forbid")


class ChurnOutlook(_Part):
    """Calibrated churn probability and its main factors."""

    probability: float
    raises_risk: list[str] = Field(default_factory=list)
    lowers_risk: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class CallEvidence(_Part):
    """Customer-side competitor mentions on the account's recorded calls (last 90 days)."""

    calls: list[str]
    competitor_mentions: int
    by_competitor: dict[str, int]
    quotes: list[str] = Field(default_factory=list)


class PlayAction(_Part):
    """A CTA: what to do, who owns it, by when, and why it fired."""

    play: str
    title: str
    priority: str
    owner: str
    due_date: date
    reasons: list[str] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list)


class AccountHealthReport(AccountStanding):
    """Health, risk and plan of one account."""

    model_config = ConfigDict(extra="forbid")

    at_risk: bool
    risk_reasons: list[str] = Field(default_factory=list)
    watch_reasons: list[str] = Field(default_factory=list)
    previous_score: float | None = None
    trend_delta: float | None = None
    trend_direction: str = "unknown"
    why_changed: list[str] = Field(default_factory=list)
    trend_note: str = ""
    drags: list[MeasureDrag] = Field(default_factory=list)
    overrides: list[str] = Field(default_factory=list)
    missing_inputs: list[str] = Field(default_factory=list)
    churn: ChurnOutlook | None = None
    expected_loss_usd: float | None = None
    calls: CallEvidence | None = None
    plays: list[PlayAction] = Field(default_factory=list)
    assessment: str = Field(description="2-3 sentences: where the account stands, why, and the next move")


class RollupRow(_Part):
    """ARR and ARR at risk for one owner, CSM or segment."""

    label: str
    accounts: int
    arr_usd: float
    at_risk_accounts: int
    arr_at_risk_usd: float
    expected_loss_usd: float | None = None


class RenewalRow(_Part):
    """One renewal in the next 90 days."""

    account_id: str
    name: str
    renewal_date: date
    days_to_renewal: int
    arr_usd: float | None
    colour: str | None
    score: float | None
    churn_probability: float | None
    owner: str
    csm: str
    at_risk: bool


class DataGapRow(_Part):
    """An account scored without some required inputs (no score at all when blocking)."""

    account_id: str
    name: str
    status: str
    blocking: bool
    missing: list[str]


class ChurnModelInfo(_Part):
    """Which churn model scored the accounts and how it validated, or why there is none."""

    trained: bool
    version: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    details: dict[str, str] = Field(default_factory=dict)
    note: str


class SlackDelivery(_Part):
    """The planned Slack post (dry-run: nothing is sent until a human applies the write)."""

    requested: bool
    configured: bool
    channel: str | None = None
    planned_write_id: str | None = None
    status: str
    how_to_apply: str | None = None


class PortfolioHealthReport(ReportBase):
    """Client-health portfolio review for a VP Customer Success: at-risk accounts first, value at risk, plays."""

    title: str
    as_of: date
    scope: str
    scorecard: str
    bands: dict[str, float]
    accounts_total: int
    counts: dict[str, int]
    bins: dict[str, int]
    arr_total_usd: float
    arr_at_risk_usd: float
    expected_loss_usd: float | None
    risk_probability: float
    churn_model: ChurnModelInfo
    accounts: list[AccountHealthReport]
    by_owner: list[RollupRow]
    by_csm: list[RollupRow]
    by_segment: list[RollupRow]
    renewals_90d: list[RenewalRow]
    renewals_90d_arr_usd: float
    renewals_90d_at_risk_arr_usd: float
    data_gaps: list[DataGapRow]
    optional_without_data: dict[str, int] = Field(default_factory=dict)
    disagreements: list[str] = Field(default_factory=list)
    call_signals_note: str = ""
    executive_summary: str
    priorities: list[str] = Field(min_length=1, max_length=8)
    caveats: list[str] = Field(default_factory=list)
    slack: SlackDelivery | None = None
    _stem: str | None = PrivateAttr(default=None)  # set by write_assets so the Markdown links the chart

    # -- helpers -----------------------------------------------------------------------------------
    @property
    def at_risk(self) -> list[AccountHealthReport]:
        """At-risk accounts, worst score first (as listed)."""
        return [a for a in self.accounts if a.at_risk]

    # -- CLI -------------------------------------------------------------------------------------
    def summary_rows(self) -> list[tuple[str, str]]:
        """Headline figures, then one row per at-risk account with its reasons and first play."""
        c = self.counts
        share = f" ({self.arr_at_risk_usd / self.arr_total_usd:.0%})" if self.arr_total_usd else ""
        rows = [("Accounts", (f"{self.accounts_total}: {c.get('red', 0)} red, {c.get('yellow', 0)} yellow, "
                             f"{c.get('green', 0)} green, {c.get('insufficient_data', 0)} without score")),
                ("ARR at risk", f"${self.arr_at_risk_usd:,.0f} of ${self.arr_total_usd:,.0f}{share}")]
        if self.expected_loss_usd is not None:
            rows.append(("Expected loss (ARR x churn p)", f"${self.expected_loss_usd:,.0f}"))
        rows.append(("Renewals next 90 days", (f"{len(self.renewals_90d)} (${self.renewals_90d_arr_usd:,.0f}; "
                                              f"${self.renewals_90d_at_risk_arr_usd:,.0f} at risk)")))
        rows.append(("Churn model", self.churn_model.version or f"not trained: {self.churn_model.note}"))
        for a in self.at_risk:
            play = a.plays[0] if a.plays else None
            why = ", ".join(f"{d.measure} -{d.points_lost:.0f}" for d in a.drags[:3])
            rows.append((f"AT RISK {a.name} ({a.account_id})", f"{render.head(a)}; drags: {why or 'none'}" +
                         (f"; changed: {render.main_change(a)}" if render.main_change(a) else "") +
                         (f" -> PLAY {play.title} ({play.owner}, due {play.due_date})" if play else " -> no play")))
        if self.data_gaps:
            rows.append(("Data gaps", ", ".join(f"{g.account_id} ({len(g.missing)})" for g in self.data_gaps)))
        if self.slack is not None and self.slack.requested:
            rows.append(("Slack", f"planned write {self.slack.planned_write_id} ({self.slack.status})"))
        return rows

    # -- chart -----------------------------------------------------------------------------------
    def write_assets(self, out_dir: Path, stem: str) -> list[Path]:
        """Write ``<stem>-health.png``: score distribution by colour and ARR at risk by segment and owner."""
        self._stem = stem
        return [render.chart(self, Path(out_dir) / f"{stem}-health.png")]

    # -- Markdown --------------------------------------------------------------------------------
    def to_markdown(self, stem: str | None = None) -> str:
        """The report as Markdown; with ``stem`` (or after ``write_assets``) it links the chart."""
        return render.markdown(self, stem or self._stem)
