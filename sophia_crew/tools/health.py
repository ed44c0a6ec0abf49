"""Agent-facing tools of the client-health engine (scores, churn risk, plays, model training).

They read the embedded demo tenant (PayReady, "today" = 2026-11-15) until the unified CRM model is wired in;
``TENANT_DIR`` can point them at another folder with the same CSV schema.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

# Result models only: the engine's pandas modules (portfolio, review, tenant) load when a tool runs, not when
# the tool table (CLI, MCP server) is built. tests/interfaces/test_interfaces_mcp_startup.py guards this.
from sophia_crew.engines.health.churn_models import ChurnModel
from sophia_crew.engines.health.portfolio_models import PortfolioHealth, RenewalItem, RiskRollup
from sophia_crew.engines.health.review_models import CallSignal, CallSignals, RiskRegister, ScoreRow
from sophia_crew.engines.health.scorecard import load_scorecard, previous_as_of
from sophia_crew.errors import InputError
from sophia_crew.registry import tool
from sophia_crew.resources import demo_path, knowledge_path

TENANT_DIR: Path | None = None  # None = the embedded demo tenant


class AccountScoreRow(BaseModel):
    """Compact health of one account."""

    account_id: str
    name: str
    segment: str
    score: float | None
    colour: str | None
    status: str
    profile: str
    weakest: list[str]
    missing_inputs: list[str]
    overrides: list[str]
    trend_delta: float | None
    why_changed: list[str]


class HealthScoresResult(BaseModel):
    """Health scores of the portfolio (worst first) with the colour counts."""

    as_of: date
    accounts: list[AccountScoreRow]
    counts: dict[str, int]


class ChurnRow(BaseModel):
    """Churn probability of one account and its main factors in plain words."""

    account_id: str
    name: str
    probability: float
    raises_risk: list[str]
    lowers_risk: list[str]
    warnings: list[str]


class ChurnRiskResult(BaseModel):
    """Churn probabilities (highest first) and which model produced them."""

    model_version: str | None
    model_metrics: dict[str, float]
    model_details: dict[str, str] = {}
    note: str
    accounts: list[ChurnRow]


class PlayRow(BaseModel):
    """One CTA, compact."""

    account_id: str
    account_name: str
    play: str
    title: str
    priority: str
    owner: str
    due_date: date
    reasons: list[str]
    steps: list[str]


class PlaysResult(BaseModel):
    """CTAs plus contract value at risk and the 90-day renewal calendar."""

    as_of: date
    ctas: list[PlayRow]
    arr_at_risk_usd: float
    arr_total_usd: float
    at_risk_by_owner: list[RiskRollup]
    at_risk_by_segment: list[RiskRollup]
    renewals_90d: list[RenewalItem]
    churn_note: str


class TrainResult(BaseModel):
    """A trained churn model: where it is saved and how well it did on the holdout split."""

    version: str
    artefact: str
    rows: int
    churned: int
    calibration: str
    features: list[str]
    roc_auc: float
    pr_auc: float
    brier: float
    base_rate: float


def _models_dir() -> Path:
    from sophia_crew.resources import data_dir

    return data_dir() / "models" / "churn"


@lru_cache(maxsize=4)
def _tenant_model(history: Path, digest: str) -> ChurnModel:
    from sophia_crew.engines.health import (
        churn as churn_engine,  # scikit-learn loads only when a model is needed
    )

    for meta in sorted(_models_dir().glob("payready-*.json"), reverse=True):
        if digest[:8] in meta.name:
            try:
                return churn_engine.load_churn_model(meta)
            except InputError:
                continue
    model = churn_engine.train_churn_model(history, "payready")
    churn_engine.save_churn_model(model, _models_dir())
    return model


def _default_model() -> tuple[ChurnModel | None, str]:
    """The tenant's churn model (trained once from churn_history.csv and saved), or None with the reason."""
    history = (TENANT_DIR or demo_path()) / "churn_history.csv"
    if not history.is_file():
        return None, f"no churn model: {history} not found"
    try:
        return _tenant_model(history, hashlib.sha256(history.read_bytes()).hexdigest()), ""
    except InputError as exc:
        return None, f"no churn model: {exc}"


def _day(as_of: str | None) -> date:
    from sophia_crew.engines.health.portfolio import DEMO_TODAY

    try:
        return date.fromisoformat(as_of) if as_of else DEMO_TODAY
    except ValueError:
        raise InputError(f"as_of: not an ISO date (YYYY-MM-DD): {as_of!r}") from None


@lru_cache(maxsize=8)
def _calls(tenant: str, day: date, stamp: float) -> CallSignals:
    from sophia_crew.engines.health import review

    return review.call_signals(tenant or None, day)


def _call_signals(day: date) -> CallSignals:
    """Customer-side competitor mentions on the recorded calls of the 90 days before ``day`` (cached per index)."""
    index = (TENANT_DIR or demo_path()) / "calls" / "index.csv"
    stamp = index.stat().st_mtime if index.is_file() else 0.0
    return _calls(str(TENANT_DIR or ""), day, stamp)


def _stamp(root: Path) -> tuple:
    """Modification times of the tenant's tables and the default scorecard / plays (the cache key)."""
    files = [*sorted(root.glob("*.csv")), root / "calls" / "index.csv",
             knowledge_path("health_scorecards", "default.yaml"), knowledge_path("plays", "default.yaml")]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files if f.is_file())


@lru_cache(maxsize=8)
def _assessed(tenant: str, day: date, with_model: bool, stamp: tuple) -> PortfolioHealth:
    from sophia_crew.engines.health import review
    from sophia_crew.engines.health.portfolio import assess_portfolio

    model, note = _default_model() if with_model else (None, "")
    previous = _call_signals(previous_as_of(load_scorecard(), day))
    result = assess_portfolio(TENANT_DIR, day, model, extra_signals=review.extra_signals(_call_signals(day)),
                              previous_extra_signals=review.extra_signals(previous))
    if note:
        result.churn_note = note
    return result


def _portfolio(as_of: str | None = None, with_model: bool = False, segment: str | None = None,
               account_ids: list[str] | None = None) -> PortfolioHealth:
    """The assessed portfolio (call signals included), restricted to ``segment`` / ``account_ids`` if given.

    Assessments are cached per tenant, day and file modification times, so the tools of one crew run share one.
    """
    from sophia_crew.engines.health import review

    day = _day(as_of)
    root = TENANT_DIR or demo_path()
    port = _assessed(str(root), day, with_model, _stamp(Path(root))).model_copy(deep=True)
    return review.select_accounts(port, account_ids, segment)


@tool("account_health_scores")
def account_health_scores(as_of: str | None = None, segment: str | None = None) -> HealthScoresResult:
    """Health score (0-100), colour, weakest measures, missing inputs and 30-day trend of every active account.

    as_of is an ISO date (default the tenant's today, 2026-11-15); segment filters (SMB, Mid-Market, Enterprise).
    """
    port = _portfolio(as_of)
    rows = []
    for a in port.accounts:
        if segment and a.segment != segment:
            continue
        h = a.health
        weakest = [f"{m.measure} {m.score:g} ({m.colour})" for m in sorted(h.measures, key=lambda m: m.score)[:3]]
        rows.append(AccountScoreRow(
            account_id=a.account_id, name=a.name, segment=a.segment, score=h.score, colour=h.colour,
            status=h.status, profile=h.profile, weakest=weakest,
            missing_inputs=[f"{k}: {v}" for k, v in (h.insufficient_data.reasons if h.insufficient_data else {}).items()],
            overrides=h.overrides, trend_delta=h.trend.delta if h.trend else None,
            why_changed=[w.explanation for w in h.trend.why] if h.trend else []))
    counts = {c: sum(1 for r in rows if r.colour == c) for c in ("red", "yellow", "green")}
    counts["insufficient_data"] = sum(1 for r in rows if r.status == "insufficient_data")
    return HealthScoresResult(as_of=port.as_of, accounts=rows, counts=counts)


@tool("churn_risk")
def churn_risk(account_ids: list[str] | None = None, as_of: str | None = None,
               segment: str | None = None) -> ChurnRiskResult:
    """Calibrated churn probability per active account with the factors that raise or lower it, in plain words.

    Uses the tenant's churn model (trained from its churn_history.csv on first use and saved); returns the
    model's version and holdout metrics, or the reason there is no model.
    """
    port = _portfolio(as_of, True, segment, account_ids)
    model, note = _default_model()
    rows = [ChurnRow(account_id=a.account_id, name=a.name, probability=a.churn.probability,
                     raises_risk=[f.text for f in a.churn.raises_risk], lowers_risk=[f.text for f in a.churn.lowers_risk],
                     warnings=a.churn.warnings)
            for a in port.accounts if a.churn is not None]
    rows.sort(key=lambda r: -r.probability)
    metrics = model.meta.metrics.model_dump() if model else {}
    details = {"design": model.meta.design, "calibration": model.meta.calibration,
               "trained_at": model.meta.trained_at, "training_rows": str(model.meta.n_rows)} if model else {}
    return ChurnRiskResult(model_version=port.churn_model, note=note or port.churn_note,
                           model_metrics={k: float(v) for k, v in metrics.items()}, model_details=details,
                           accounts=rows)


@tool("health_plays")
def health_plays(account_ids: list[str] | None = None, as_of: str | None = None,
                 segment: str | None = None) -> PlaysResult:
    """Calls-to-action from the plays that match each account's risk pattern, value at risk and renewal calendar.

    CTAs carry owner, due date, reasons and play steps; value at risk is rolled up by owner and segment over the
    portfolio (or the segment); account_ids only filters the CTAs.
    """
    from sophia_crew.engines.health import review

    port = _portfolio(as_of, True, segment)
    wanted = {a.account_id for a in review.select_accounts(port, account_ids).accounts}
    ctas = [PlayRow(account_id=c.account_id, account_name=c.account_name, play=c.play, title=c.title,
                    priority=c.priority, owner=c.owner_name, due_date=c.due_date, reasons=c.reasons, steps=c.steps)
            for a in port.accounts if a.account_id in wanted for c in a.ctas]
    order = {"high": 0, "medium": 1, "low": 2}
    ctas.sort(key=lambda c: (order[c.priority], c.due_date, c.account_id))
    return PlaysResult(as_of=port.as_of, ctas=ctas, arr_at_risk_usd=port.arr_at_risk_usd,
                       arr_total_usd=port.arr_total_usd, at_risk_by_owner=port.by_owner,
                       at_risk_by_segment=port.by_segment, renewals_90d=port.renewals_90d,
                       churn_note=port.churn_note)


class PortfolioScoresResult(BaseModel):
    """Per-account health (worst first) with drags, trend and data gaps, the colour counts and score bins."""

    as_of: date
    scorecard: str
    bands: dict[str, float]
    accounts: list[ScoreRow]
    counts: dict[str, int]
    bins: dict[str, int]
    arr_total_usd: float


class CallSignalsResult(BaseModel):
    """Customer-side competitor mentions on the recorded calls of the window, per account (those with calls)."""

    as_of: date
    window_days: int
    accounts: list[CallSignal]
    calls_read: int
    failures: list[str]
    note: str


class SlackDigestResult(BaseModel):
    """A planned (not sent) Slack post of the health digest, or why none was planned."""

    requested: bool
    configured: bool
    channel: str | None
    planned_write_id: str | None
    status: str
    how_to_apply: str | None
    text: str


@tool("health_portfolio_scores")
def health_portfolio_scores(as_of: str | None = None, segment: str | None = None,
                            account_ids: list[str] | None = None) -> PortfolioScoresResult:
    """Health score, colour, the measures that drag it (points lost), trend with why, and data gaps per account.

    Worst first; includes competitor mentions from recorded calls. as_of ISO date (default 2026-11-15).
    """
    from sophia_crew.engines.health import review

    port = _portfolio(as_of, False, segment, account_ids)
    card = load_scorecard()
    d = port.distribution
    return PortfolioScoresResult(
        as_of=port.as_of, scorecard=f"{card.name} v{card.version}",
        bands={"green": card.bands.green, "yellow": card.bands.yellow}, accounts=review.score_rows(port),
        counts={"red": d.red, "yellow": d.yellow, "green": d.green, "insufficient_data": d.insufficient_data},
        bins=d.bins, arr_total_usd=port.arr_total_usd)


@tool("health_call_signals")
def health_call_signals(as_of: str | None = None, segment: str | None = None,
                        account_ids: list[str] | None = None) -> CallSignalsResult:
    """Competitor mentions by the customer on each active account's recorded calls of the last 90 days.

    From the sales-coach engine over calls/index.csv; these counts feed the health score's competitor measure.
    """
    day = _day(as_of)
    wanted = {a.account_id for a in _portfolio(as_of, False, segment, account_ids).accounts}
    sig = _call_signals(day)
    rows = [s for aid, s in sig.accounts.items() if aid in wanted]
    rows.sort(key=lambda s: (-s.competitor_mentions, s.account_id))
    return CallSignalsResult(
        as_of=day, window_days=sig.window_days, accounts=rows, calls_read=sig.calls_read, failures=sig.failures,
        note=f"{len(rows)} accounts with recorded calls in the {sig.window_days} days to {day}; accounts without "
             "calls have no competitor measure (skipped, not zero); pre-sale calls are not counted")


@tool("health_risk_register")
def health_risk_register(as_of: str | None = None, segment: str | None = None,
                         account_ids: list[str] | None = None) -> RiskRegister:
    """Risk register: at-risk accounts with why, watch list, health-vs-model disagreements, data gaps,
    ARR at risk and expected loss by owner, CSM and segment, and the 90-day renewal calendar."""
    from sophia_crew.engines.health import review

    return review.risk_register(_portfolio(as_of, True, segment, account_ids))


@tool("health_slack_digest", writes=True)
def health_slack_digest(notify_slack: bool, as_of: str | None = None, segment: str | None = None,
                        account_ids: list[str] | None = None, channel: str | None = None) -> SlackDigestResult:
    """PLAN a Slack post of the health digest when notify_slack is true (dry-run: returns a planned-write id).

    Nothing is sent until a human approves the write (`sophia writes apply <id>`).
    """
    from sophia_crew.engines.health import review
    from sophia_crew.integrations.settings import load_settings
    from sophia_crew.tools.integrations import slack_post_report

    port = _portfolio(as_of, True, segment, account_ids)
    register = review.risk_register(port)
    ctas = {a.account_id: [f"{c.title} -> {c.owner_name}, due {c.due_date}" for c in a.ctas] for a in port.accounts}
    text = review.digest_text(register, ctas)
    settings = load_settings()
    configured = settings.slack_bot_token is not None
    target = channel or settings.slack_channel
    if not notify_slack:
        return SlackDigestResult(requested=False, configured=configured, channel=target, planned_write_id=None,
                                 status="not requested (notify_slack is false)", how_to_apply=None, text=text)
    ref = slack_post_report(text, channel=target)
    return SlackDigestResult(
        requested=True, configured=configured, channel=target, planned_write_id=ref.id,
        status=ref.status + ("" if configured else " (Slack not configured: set SOPHIA_SLACK_BOT_TOKEN to send it)"),
        how_to_apply=ref.how_to_apply, text=text)


@tool("train_churn_model")
def train_churn_model(csv_path: str, mapping: str) -> TrainResult:
    """Train and save a calibrated churn model from a labelled CSV and a mapping (YAML path or name, e.g. telco).

    Refuses tables below the mapping's minimum (default 200 rows and 30 of each class). Returns holdout metrics.
    """
    from sophia_crew.engines.health import churn as churn_engine

    model = churn_engine.train_churn_model(csv_path, mapping)
    path = churn_engine.save_churn_model(model, _models_dir())
    m = model.meta
    return TrainResult(version=m.version, artefact=str(path), rows=m.n_rows, churned=m.n_positive,
                       calibration=m.calibration, features=m.features, roc_auc=m.metrics.roc_auc,
                       pr_auc=m.metrics.pr_auc, brier=m.metrics.brier, base_rate=m.metrics.base_rate)
