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

from sophia_crew.engines.health import churn as churn_engine
from sophia_crew.engines.health.portfolio import (
    DEMO_TODAY,
    PortfolioHealth,
    RenewalItem,
    RiskRollup,
    assess_portfolio,
)
from sophia_crew.errors import InputError
from sophia_crew.registry import tool
from sophia_crew.resources import demo_path

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
    from sophia_crew.store.base import data_dir

    return data_dir() / "models" / "churn"


@lru_cache(maxsize=4)
def _tenant_model(history: Path, digest: str) -> churn_engine.ChurnModel:
    for meta in sorted(_models_dir().glob("payready-*.json"), reverse=True):
        if digest[:8] in meta.name:
            try:
                return churn_engine.load_churn_model(meta)
            except InputError:
                continue
    model = churn_engine.train_churn_model(history, "payready")
    churn_engine.save_churn_model(model, _models_dir())
    return model


def _default_model() -> tuple[churn_engine.ChurnModel | None, str]:
    """The tenant's churn model (trained once from churn_history.csv and saved), or None with the reason."""
    history = (TENANT_DIR or demo_path()) / "churn_history.csv"
    if not history.is_file():
        return None, f"no churn model: {history} not found"
    try:
        return _tenant_model(history, hashlib.sha256(history.read_bytes()).hexdigest()), ""
    except InputError as exc:
        return None, f"no churn model: {exc}"


def _portfolio(as_of: str | None = None, with_model: bool = False) -> PortfolioHealth:
    try:
        day = date.fromisoformat(as_of) if as_of else DEMO_TODAY
    except ValueError:
        raise InputError(f"as_of: not an ISO date (YYYY-MM-DD): {as_of!r}") from None
    model, note = _default_model() if with_model else (None, "")
    result = assess_portfolio(TENANT_DIR, day, model)
    if note:
        result.churn_note = note
    return result


def _select(ids: list[str] | None, known: list[str]) -> set[str]:
    if not ids:
        return set(known)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InputError(f"account_ids: unknown or inactive account(s) {', '.join(unknown)}")
    return set(ids)


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
def churn_risk(account_ids: list[str] | None = None) -> ChurnRiskResult:
    """Calibrated churn probability per active account with the factors that raise or lower it, in plain words.

    Uses the tenant's churn model (trained from its churn_history.csv on first use and saved).
    """
    port = _portfolio(with_model=True)
    wanted = _select(account_ids, [a.account_id for a in port.accounts])
    model, note = _default_model()
    rows = [ChurnRow(account_id=a.account_id, name=a.name, probability=a.churn.probability,
                     raises_risk=[f.text for f in a.churn.raises_risk], lowers_risk=[f.text for f in a.churn.lowers_risk],
                     warnings=a.churn.warnings)
            for a in port.accounts if a.account_id in wanted and a.churn is not None]
    rows.sort(key=lambda r: -r.probability)
    metrics = model.meta.metrics.model_dump() if model else {}
    return ChurnRiskResult(model_version=port.churn_model, note=note or port.churn_note,
                           model_metrics={k: float(v) for k, v in metrics.items()}, accounts=rows)


@tool("health_plays")
def health_plays(account_ids: list[str] | None = None) -> PlaysResult:
    """Calls-to-action from the plays that match each account's risk pattern, value at risk and renewal calendar.

    CTAs carry owner, due date, reasons and play steps; value at risk is rolled up by owner and segment.
    """
    port = _portfolio(with_model=True)
    wanted = _select(account_ids, [a.account_id for a in port.accounts])
    ctas = [PlayRow(account_id=c.account_id, account_name=c.account_name, play=c.play, title=c.title,
                    priority=c.priority, owner=c.owner_name, due_date=c.due_date, reasons=c.reasons, steps=c.steps)
            for a in port.accounts if a.account_id in wanted for c in a.ctas]
    order = {"high": 0, "medium": 1, "low": 2}
    ctas.sort(key=lambda c: (order[c.priority], c.due_date, c.account_id))
    return PlaysResult(as_of=port.as_of, ctas=ctas, arr_at_risk_usd=port.arr_at_risk_usd,
                       arr_total_usd=port.arr_total_usd, at_risk_by_owner=port.by_owner,
                       at_risk_by_segment=port.by_segment, renewals_90d=port.renewals_90d,
                       churn_note=port.churn_note)


@tool("train_churn_model")
def train_churn_model(csv_path: str, mapping: str) -> TrainResult:
    """Train and save a calibrated churn model from a labelled CSV and a mapping (YAML path or name, e.g. telco).

    Refuses tables below the mapping's minimum (default 200 rows and 30 of each class). Returns holdout metrics.
    """
    model = churn_engine.train_churn_model(csv_path, mapping)
    path = churn_engine.save_churn_model(model, _models_dir())
    m = model.meta
    return TrainResult(version=m.version, artefact=str(path), rows=m.n_rows, churned=m.n_positive,
                       calibration=m.calibration, features=m.features, roc_auc=m.metrics.roc_auc,
                       pr_auc=m.metrics.pr_auc, brier=m.metrics.brier, base_rate=m.metrics.base_rate)
