"""Views of an assessed portfolio for the client-health crew: selection, call signals, risk reasons, drags.

Call signals come from the sales-coach engine: customer-side sentences naming a competitor on the recorded
calls of the last ``days`` days (``calls/index.csv`` maps calls to accounts). An account with no recorded
call in the window gets no value (missing, the optional measure is skipped), never a silent zero.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from sophia_crew.errors import InputError

from .models import HealthScore
from .portfolio import _distribution, _rollup
from .portfolio_models import AccountHealth, PortfolioHealth, RenewalItem
from .review_models import CallSignal, CallSignals, DataGap, Drag, RiskRegister, RiskRow, ScoreRow
from .tenant import load_tenant


def call_signals(tenant_dir: str | Path | None, as_of: date, days: int = 90) -> CallSignals:
    """Competitor mentions by the customer on each account's recorded calls dated in ``(as_of - days, as_of]``.

    Calls before the account's contract start (pre-sale) are not counted. Speakers listed in ``owners.csv`` are the selling side; everyone else is the customer. A transcript that
    fails to import is listed in ``failures`` (one line) and the other calls still count.
    """
    from sophia_crew.engines.calls import detect_mentions, load_transcript

    if days < 1:
        raise InputError(f"days: must be >= 1, got {days}")
    tenant = load_tenant(tenant_dir)
    index = tenant.tables.get("calls/index.csv")
    empty = CallSignals(as_of=as_of, window_days=days, accounts={}, calls_read=0, failures=[])
    if index is None or "file" not in index.columns:
        return empty
    ts = pd.Timestamp(as_of)
    window = index[(index["date"] <= ts) & (index["date"] > ts - timedelta(days=days))]
    reps = [n for n in tenant["owners.csv"]["name"].dropna().astype(str) if n]
    starts = tenant.accounts.set_index("account_id")["contract_start"].to_dict()
    out: dict[str, CallSignal] = {}
    failures: list[str] = []
    read = 0
    for _, row in window.sort_values(["date", "call_id"] if "call_id" in window else ["date"]).iterrows():
        start = starts.get(row["account_id"])
        if start is not None and pd.notna(start) and row["date"] < start:
            continue  # a pre-sale call: competitors weighed before signing say nothing about the customer's health
        path = tenant.root / "calls" / str(row["file"])
        fmt = row.get("format") if isinstance(row.get("format"), str) and row.get("format") else None
        try:
            t = load_transcript(path, format=fmt, reps=reps)
        except InputError as exc:
            failures.append(f"{row['file']}: {exc}")
            continue
        read += 1
        roles = t.roles()
        day = row["date"].date().isoformat()
        sig = out.setdefault(row["account_id"], CallSignal(account_id=row["account_id"], calls=[],
                                                           competitor_mentions=0, by_competitor={}, quotes=[]))
        sig.calls.append(" ".join(str(x) for x in (row.get("call_id", t.call_id), day, row.get("call_type", ""))).strip())
        for m in detect_mentions(t).competitors:
            if roles.get(m.speaker) != "external":
                continue
            sig.competitor_mentions += 1
            sig.by_competitor[m.competitor] = sig.by_competitor.get(m.competitor, 0) + 1
            if len(sig.quotes) < 2 and not any(m.quote in q for q in sig.quotes):
                sig.quotes.append(f'{m.name} ({day}): "{m.quote}"')
    return CallSignals(as_of=as_of, window_days=days, accounts=out, calls_read=read, failures=failures)


def extra_signals(signals: CallSignals) -> dict[str, dict[str, float]]:
    """``assess_portfolio`` extra signals from call signals (``competitor_mentions`` per account with calls)."""
    return {aid: {"competitor_mentions": float(s.competitor_mentions)} for aid, s in signals.accounts.items()}


def select_accounts(portfolio: PortfolioHealth, account_ids: list[str] | None = None,
                    segment: str | None = None) -> PortfolioHealth:
    """The portfolio restricted to some accounts, with roll-ups, distribution and renewals recomputed.

    Raises:
        InputError: an account id that is not an active account, or a segment with no active account.
    """
    accounts = portfolio.accounts
    if account_ids:
        known = {a.account_id for a in accounts}
        unknown = [i for i in account_ids if i not in known]
        if unknown:
            raise InputError(f"account_ids: unknown or inactive account(s) {', '.join(unknown)} "
                             f"(active: {', '.join(sorted(known))})")
        accounts = [a for a in accounts if a.account_id in set(account_ids)]
    if segment:
        segments = sorted({a.segment for a in portfolio.accounts})
        if segment not in segments:
            raise InputError(f"segment: unknown segment {segment!r} (known: {', '.join(segments)})")
        accounts = [a for a in accounts if a.segment == segment]
    if accounts is portfolio.accounts:
        return portfolio
    ids = {a.account_id for a in accounts}
    renewals: list[RenewalItem] = [r for r in portfolio.renewals_90d if r.account_id in ids]
    return portfolio.model_copy(update={
        "accounts": accounts, "distribution": _distribution(accounts),
        "arr_total_usd": sum(a.arr_usd or 0 for a in accounts),
        "arr_at_risk_usd": sum(a.arr_usd or 0 for a in accounts if a.at_risk),
        "by_owner": _rollup(accounts, "owner_id", lambda x: x.owner_name),
        "by_csm": _rollup(accounts, "csm_id", lambda x: x.csm_name),
        "by_segment": _rollup(accounts, "segment", lambda x: x.segment), "renewals_90d": renewals})


def drags(health: HealthScore) -> list[Drag]:
    """Measures ordered by the points they cost (largest first); measures at 100 cost nothing and are left out."""
    rows = [Drag(measure=m.measure, group=m.group, raw=round(m.raw, 4), score=round(m.score, 2), colour=m.colour,
                 weight=round(m.weight, 4), contribution=round(m.contribution, 2),
                 points_lost=round(m.weight * (100 - m.score), 2)) for m in health.measures]
    return sorted((d for d in rows if d.points_lost > 0), key=lambda d: (-d.points_lost, d.measure))


def risk_reasons(account: AccountHealth, risk_probability: float) -> list[str]:
    """Why an account counts as at risk (empty when it does not), in plain words with the figures."""
    h, reasons = account.health, []
    if h.colour == "red":
        red = [d.measure for d in drags(h) if d.colour == "red"]
        reasons.append(f"health {h.score:g} is red" + (f": {len(red)} red measures, worst {', '.join(red[:3])}"
                                                        if red else ""))
        reasons.extend(h.overrides)
    if account.churn is not None and account.churn.probability >= risk_probability:
        reasons.append(f"churn probability {account.churn.probability:.0%} >= {risk_probability:.0%}")
    return reasons if account.at_risk else []


# --------------------------------------------------------------------------- per-account score rows


def score_rows(portfolio: PortfolioHealth, top_drags: int = 4) -> list[ScoreRow]:
    """One :class:`ScoreRow` per account, in the portfolio's order (worst first)."""
    rows = []
    for a in portfolio.accounts:
        h, t = a.health, a.health.trend
        gaps = h.insufficient_data.reasons if h.insufficient_data else {}
        rows.append(ScoreRow(
            account_id=a.account_id, name=a.name, segment=a.segment, owner=a.owner_name, csm=a.csm_name,
            arr_usd=a.arr_usd, renewal_date=a.renewal_date, days_to_renewal=a.days_to_renewal, score=h.score,
            colour=h.colour, status=h.status, profile=h.profile, drags=drags(h)[:top_drags],
            previous_as_of=t.previous_as_of if t else None, previous_score=t.previous_score if t else None,
            trend_delta=t.delta if t else None, trend_direction=t.direction if t else "unknown",
            why_changed=[w.explanation for w in t.why] if t else [], trend_note=t.note if t else "",
            overrides=h.overrides, missing_inputs=[f"{k}: {v}" for k, v in gaps.items()],
            not_scored=[f"{m}: optional, no data" for m in h.skipped_optional]
            + [f"{m}: left out by the {h.profile} profile ({why})" if why else f"{m}: left out by the {h.profile} profile"
               for m, why in h.excluded_by_profile.items()]))
    return rows


# --------------------------------------------------------------------------- risk register


def _risk_row(a: AccountHealth, reasons: list[str]) -> RiskRow:
    p = a.churn.probability if a.churn else None
    return RiskRow(account_id=a.account_id, name=a.name, segment=a.segment, owner=a.owner_name, csm=a.csm_name,
                   score=a.health.score, colour=a.health.colour,
                   trend_delta=a.health.trend.delta if a.health.trend else None, churn_probability=p,
                   arr_usd=a.arr_usd, expected_loss_usd=round((a.arr_usd or 0) * p, 2) if p is not None else None,
                   renewal_date=a.renewal_date, days_to_renewal=a.days_to_renewal, reasons=reasons)


def risk_register(portfolio: PortfolioHealth, watch_drop: float = 5.0) -> RiskRegister:
    """The risk reviewer's view: at risk (red, or churn >= the threshold), watch list (yellow, or the score fell
    ``watch_drop``+ points in the trend period), health-vs-model disagreements and data gaps."""
    at_risk, watch, disagree, gaps = [], [], [], []
    optional: dict[str, int] = {}
    thr = portfolio.risk_probability
    for a in portfolio.accounts:
        h, p = a.health, a.churn.probability if a.churn else None
        if a.at_risk:
            at_risk.append(_risk_row(a, risk_reasons(a, thr)))
        else:
            why = []
            if h.colour == "yellow":
                why.append(f"health {h.score:g} is yellow")
            if h.trend and h.trend.delta is not None and h.trend.delta <= -watch_drop:
                why.append(f"health fell {-h.trend.delta:g} pts since {h.trend.previous_as_of}")
            if h.status == "insufficient_data":
                why.append("no health score: insufficient data")
            if why:
                watch.append(_risk_row(a, why))
        if p is not None and h.colour == "green" and p >= thr:
            disagree.append(f"{a.name} ({a.account_id}): health green {h.score:g} but churn model {p:.0%}")
        if p is not None and h.colour == "red" and p < thr:
            disagree.append(f"{a.name} ({a.account_id}): health red {h.score:g} but churn model only {p:.0%}")
        missing = [f"{k}: {v}" for k, v in (h.insufficient_data.reasons if h.insufficient_data else {}).items()]
        missing += [f"{m}: left out by the {h.profile} profile" + (f" ({why})" if why else "")
                    for m, why in h.excluded_by_profile.items()]
        for m in h.skipped_optional:
            optional[m] = optional.get(m, 0) + 1
        if missing:
            gaps.append(DataGap(account_id=a.account_id, name=a.name, status=h.status,
                                blocking=bool(h.insufficient_data and h.insufficient_data.blocking), missing=missing))
    gaps.sort(key=lambda g: (not g.blocking, g.account_id))
    has_model = bool(portfolio.accounts) and all(a.churn is not None for a in portfolio.accounts)
    risky_ids = {a.account_id for a in portfolio.accounts if a.at_risk}
    return RiskRegister(
        as_of=portfolio.as_of, risk_probability=thr, accounts=len(portfolio.accounts), at_risk=at_risk,
        watch=watch, disagreements=disagree, data_gaps=gaps,
        optional_without_data=dict(sorted(optional.items(), key=lambda kv: (-kv[1], kv[0]))), arr_total_usd=portfolio.arr_total_usd,
        arr_at_risk_usd=portfolio.arr_at_risk_usd,
        expected_loss_usd=round(sum((a.arr_usd or 0) * a.churn.probability for a in portfolio.accounts), 2)
        if has_model else None,
        by_owner=portfolio.by_owner, by_csm=portfolio.by_csm, by_segment=portfolio.by_segment,
        renewals_90d=portfolio.renewals_90d,
        renewals_90d_arr_usd=sum(r.arr_usd or 0 for r in portfolio.renewals_90d),
        renewals_90d_at_risk_arr_usd=sum(r.arr_usd or 0 for r in portfolio.renewals_90d if r.account_id in risky_ids))


def digest_text(register: RiskRegister, ctas_by_account: dict[str, list[str]], top: int = 5) -> str:
    """A short Slack (mrkdwn) digest of the register: value at risk, the worst accounts and their first plays."""
    lines = [(f"*Client health {register.as_of}*: {len(register.at_risk)} of {register.accounts} accounts at risk, "
             f"ARR at risk ${register.arr_at_risk_usd:,.0f} of ${register.arr_total_usd:,.0f}")]
    for r in register.at_risk[:top]:
        churn = f", churn {r.churn_probability:.0%}" if r.churn_probability is not None else ""
        score = f"{r.score:g} {r.colour}" if r.score is not None else "no score"
        lines.append(f"• *{r.name}* ({r.account_id}): {score}{churn}, ARR ${r.arr_usd or 0:,.0f}, "
                     f"renews {r.renewal_date or 'n/a'}")
        lines.extend(f"   ↳ {c}" for c in ctas_by_account.get(r.account_id, [])[:2])
    if register.renewals_90d:
        lines.append(f"Renewals in 90 days: {len(register.renewals_90d)} (${register.renewals_90d_arr_usd:,.0f}, "
                     f"${register.renewals_90d_at_risk_arr_usd:,.0f} at risk)")
    return "\n".join(lines)
