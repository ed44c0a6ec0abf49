"""Portfolio health: every active account scored, churn-scored and matched to plays, plus roll-ups and a chart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sophia_crew.errors import InputError

from .churn_models import ChurnModel, ChurnPrediction
from .models import ScorecardConfig
from .plays import AccountContext, PlaysConfig, load_plays, plays_for
from .portfolio_models import AccountHealth, PortfolioHealth, RenewalItem, RiskRollup, ScoreDistribution
from .scorecard import load_scorecard, previous_as_of, score_with_trend
from .tenant import Tenant, account_signals, active_accounts, churn_feature_rows, load_tenant

DEMO_TODAY = date(2026, 11, 15)


def _churn_features(model: ChurnModel, rows: pd.DataFrame) -> pd.DataFrame:
    mapping = model.mapping
    if not mapping.tenant_features:
        raise InputError(f"churn mapping {mapping.name}: no tenant_features section; cannot score live accounts")
    unknown = sorted(set(mapping.tenant_features.values()) - set(rows.columns))
    if unknown:
        raise InputError(f"churn mapping {mapping.name}: tenant_features: unknown tenant feature(s) "
                         f"{', '.join(unknown)} (known: {', '.join(rows.columns)})")
    out = pd.DataFrame(index=rows.index)
    for col in mapping.raw_features:
        source = mapping.tenant_features.get(col)
        values = rows[source] if source else pd.Series(np.nan, index=rows.index)
        out[col] = values.astype(float) if col in mapping.numeric else values.astype(object)
    return out


def _rollup(accounts: list[AccountHealth], key: str, label_of) -> list[RiskRollup]:
    groups: dict[str, list[AccountHealth]] = {}
    for a in accounts:
        groups.setdefault(getattr(a, key), []).append(a)
    out = []
    for k, members in groups.items():
        risky = [a for a in members if a.at_risk]
        has_model = all(a.churn is not None for a in members)
        out.append(RiskRollup(
            key=k, label=label_of(members[0]), accounts=len(members),
            arr_usd=sum(a.arr_usd or 0 for a in members), at_risk_accounts=len(risky),
            arr_at_risk_usd=sum(a.arr_usd or 0 for a in risky),
            expected_loss_usd=round(sum((a.arr_usd or 0) * a.churn.probability for a in members), 2)
            if has_model else None))
    return sorted(out, key=lambda r: (-r.arr_at_risk_usd, r.key))


def _distribution(accounts: list[AccountHealth]) -> ScoreDistribution:
    colours = [a.health.colour for a in accounts]
    bins = {f"{lo}-{lo + 10}": 0 for lo in range(0, 100, 10)}
    for a in accounts:
        if a.health.score is not None:
            lo = min(int(a.health.score // 10) * 10, 90)
            bins[f"{lo}-{lo + 10}"] += 1
    return ScoreDistribution(green=colours.count("green"), yellow=colours.count("yellow"), red=colours.count("red"),
                             insufficient_data=colours.count(None), bins=bins)


def assess_portfolio(tenant_dir: str | Path | None = None, as_of: date = DEMO_TODAY, model: ChurnModel | None = None,
                     *, scorecard: ScorecardConfig | None = None, plays: PlaysConfig | None = None,
                     extra_signals: dict[str, dict[str, float]] | None = None, risk_probability: float = 0.5,
                     renewal_window_days: int = 90,
                     previous_extra_signals: dict[str, dict[str, float]] | None = None) -> PortfolioHealth:
    """Score every active account of a tenant and roll the risk up.

    Args:
        tenant_dir: tenant folder; default the embedded demo tenant.
        as_of: the day to assess (the demo tenant's "today" is 2026-11-15).
        model: a churn model whose mapping has ``tenant_features``; without one, churn fields stay empty.
        scorecard: default ``knowledge/health_scorecards/default.yaml``.
        plays: default ``knowledge/plays/default.yaml``.
        extra_signals: optional inputs not in the tenant (sentiment, competitor mentions) per account id.
        risk_probability: churn probability from which an account counts as at risk.
        renewal_window_days: size of the renewal calendar.
        previous_extra_signals: the same inputs one trend period earlier (default: ``extra_signals``), so a
            dated signal such as recent competitor mentions moves the trend only when it really changed.

    Returns:
        PortfolioHealth with accounts sorted worst first (insufficient data last).
    """
    tenant: Tenant = load_tenant(tenant_dir)
    scorecard = scorecard or load_scorecard()
    plays = plays or load_plays()
    now = account_signals(tenant, as_of, extra_signals)
    before = account_signals(tenant, previous_as_of(scorecard, as_of),
                             extra_signals if previous_extra_signals is None else previous_extra_signals)
    predictions: dict[str, ChurnPrediction] = {}
    churn_note = "no churn model supplied"
    if model is not None and now:
        feats = _churn_features(model, churn_feature_rows(tenant, now))
        predictions = {p.account_id: p for p in model.predict(feats)}
        churn_note = f"churn model {model.meta.version} (holdout ROC-AUC {model.meta.metrics.roc_auc:.3f})"
    acc = tenant.accounts.set_index("account_id")
    accounts: list[AccountHealth] = []
    for aid, sig in now.items():
        a = acc.loc[aid]
        health = score_with_trend(sig, before.get(aid), scorecard)
        renewal = a["renewal_date"].date() if pd.notna(a["renewal_date"]) else None
        arr = float(a["arr_usd"]) if pd.notna(a["arr_usd"]) else None
        pred = predictions.get(aid)
        ctx = AccountContext(account_id=aid, name=a["name"], segment=a["segment"], owner_id=a["owner_id"],
                             owner_name=tenant.owner_name(a["owner_id"]), csm_id=a["csm_id"],
                             csm_name=tenant.owner_name(a["csm_id"]) if a["csm_id"] else "",
                             renewal_date=renewal, arr_usd=arr, churn_probability=pred.probability if pred else None)
        at_risk = health.colour == "red" or (pred is not None and pred.probability >= risk_probability)
        accounts.append(AccountHealth(
            **ctx.model_dump(exclude={"renewal_date", "churn_probability"}), renewal_date=renewal,
            days_to_renewal=(renewal - as_of).days if renewal else None, health=health, churn=pred,
            at_risk=at_risk, ctas=plays_for(ctx, sig, health, as_of, plays)))
    accounts.sort(key=lambda x: (x.health.score is None, x.health.score if x.health.score is not None else 0))
    renewals = [RenewalItem(account_id=x.account_id, name=x.name, renewal_date=x.renewal_date,
                            days_to_renewal=x.days_to_renewal, arr_usd=x.arr_usd, colour=x.health.colour,
                            score=x.health.score, churn_probability=x.churn.probability if x.churn else None,
                            owner_name=x.owner_name, csm_name=x.csm_name)
                for x in accounts if x.days_to_renewal is not None and 0 <= x.days_to_renewal <= renewal_window_days]
    renewals.sort(key=lambda r: (r.renewal_date, r.account_id))
    return PortfolioHealth(
        as_of=as_of, scorecard=scorecard.name, churn_model=model.meta.version if model else None,
        churn_note=churn_note, risk_probability=risk_probability, accounts=accounts,
        distribution=_distribution(accounts), arr_total_usd=sum(x.arr_usd or 0 for x in accounts),
        arr_at_risk_usd=sum(x.arr_usd or 0 for x in accounts if x.at_risk),
        by_owner=_rollup(accounts, "owner_id", lambda x: x.owner_name),
        by_csm=_rollup(accounts, "csm_id", lambda x: x.csm_name),
        by_segment=_rollup(accounts, "segment", lambda x: x.segment),
        renewals_90d=renewals, excluded_churned=len(tenant.accounts) - len(active_accounts(tenant)),
    )


def portfolio_chart(portfolio: PortfolioHealth, path: str | Path) -> Path:
    """Write a PNG: score distribution by colour (left) and ARR at risk by segment and owner (right)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(11, 4.2), dpi=110)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    labels = list(portfolio.distribution.bins)
    colours = {"red": "#d9534f", "yellow": "#f0ad4e", "green": "#5cb85c"}
    bottom = np.zeros(len(labels))
    for colour, hex_ in colours.items():
        counts = np.zeros(len(labels))
        for a in portfolio.accounts:
            if a.health.colour == colour:
                counts[min(int(a.health.score // 10), 9)] += 1
        left.bar(labels, counts, bottom=bottom, color=hex_, label=colour)
        bottom += counts
    left.set_title(f"Health score distribution ({portfolio.as_of}); "
                   f"{portfolio.distribution.insufficient_data} without score")
    left.set_xlabel("score")
    left.set_ylabel("accounts")
    left.tick_params(axis="x", labelrotation=45)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.legend()
    rows = [(f"segment: {r.label}", r.arr_at_risk_usd) for r in portfolio.by_segment] + [
        (f"owner: {r.label}", r.arr_at_risk_usd) for r in portfolio.by_owner]
    right.barh([r[0] for r in rows][::-1], [r[1] / 1000 for r in rows][::-1], color="#d9534f")
    right.set_title(f"ARR at risk: {portfolio.arr_at_risk_usd / 1000:,.0f}k of {portfolio.arr_total_usd / 1000:,.0f}k USD")
    right.set_xlabel("ARR at risk (k USD)")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def portfolio_markdown(portfolio: PortfolioHealth, top: int = 10) -> str:
    """Deterministic Markdown summary: at-risk accounts with reasons and plays, value at risk, renewals."""
    d = portfolio.distribution
    summary = (f"{len(portfolio.accounts)} active accounts: {d.green} green, {d.yellow} yellow, {d.red} red, "
               f"{d.insufficient_data} without score. ARR at risk {portfolio.arr_at_risk_usd:,.0f} of "
               f"{portfolio.arr_total_usd:,.0f} USD. {portfolio.churn_note}.")
    lines = [f"# Client health - {portfolio.as_of}", "", summary, "", "## At-risk accounts", ""]
    risky = [a for a in portfolio.accounts if a.at_risk or a.health.status == "insufficient_data"]
    for a in risky[:top]:
        h = a.health
        head = f"{h.score:g} {h.colour}" if h.score is not None else "insufficient data"
        churn = f", churn {a.churn.probability:.0%}" if a.churn else ""
        lines.append(f"### {a.name} ({a.account_id}) - {head}{churn}, ARR {a.arr_usd or 0:,.0f}")
        weak = [f"{m.measure} {m.score:g}" for m in sorted(h.measures, key=lambda m: m.score) if m.colour == "red"]
        if weak:
            lines.append(f"- red measures: {', '.join(weak)}")
        if h.insufficient_data:
            lines.append("- missing: " + "; ".join(f"{k} ({v})" for k, v in h.insufficient_data.reasons.items()))
        if h.trend and h.trend.delta is not None:
            lines.append(f"- trend {h.trend.delta:+g} pts: " + "; ".join(w.explanation for w in h.trend.why))
        if a.churn:
            lines.append("- churn factors: " + "; ".join(f.text for f in a.churn.raises_risk))
            if a.churn.warnings:
                lines.append("- model caveats: " + "; ".join(a.churn.warnings))
        for c in a.ctas:
            lines.append(f"- play **{c.title}** -> {c.owner_name}, due {c.due_date}")
        lines.append("")
    lines += ["## Value at risk by owner", ""] + [
        f"- {r.label}: {r.arr_at_risk_usd:,.0f} of {r.arr_usd:,.0f} USD ({r.at_risk_accounts}/{r.accounts} accounts)"
        for r in portfolio.by_owner] + ["", f"## Renewals in the next 90 days ({len(portfolio.renewals_90d)})", ""]
    lines += [f"- {r.renewal_date} {r.name}: ARR {r.arr_usd or 0:,.0f}, {r.colour or 'no score'}"
              for r in portfolio.renewals_90d]
    return "\n".join(lines) + "\n"
