"""Stage-weighted pipeline forecast from open deals, using the tenant's own stage-to-win history.

Win rate of stage S = (closed deals that ever entered S and were won) / (closed deals that ever entered S),
counting only deals closed on or before ``as_of``. Cycle time of S = median days from entering S to the
close date, over those *won* deals (it is the time a win takes from S). No textbook weights.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from sophia_crew.errors import InputError

from .models import CategoryTotal, DealForecast, PipelineForecast, StageStats

STAGES = ["Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
OPEN_CATEGORIES = ["commit", "best_case", "pipeline"]
DEAL_COLUMNS = ["deal_id", "amount_usd", "stage", "close_date", "original_close_date", "is_closed", "is_won",
                "forecast_category"]


def _read(path: str | Path, required: list[str]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise InputError(f"{path.name}: missing column(s) {', '.join(missing)}")
    data.attrs["source"] = path.name
    return data


def _dates(data: pd.DataFrame, col: str, source: str, optional: bool = False) -> pd.Series:
    raw = data[col].str.strip()
    parsed = pd.to_datetime(raw, errors="coerce", format="%Y-%m-%d")
    bad = parsed.isna() & ~(optional & (raw == ""))
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"{source}: line {i + 2}: column {col!r}: bad date {data[col][i]!r} (want YYYY-MM-DD)")
    return parsed


def _prepare(deals: pd.DataFrame, history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    src, hsrc = deals.attrs.get("source", "deals"), history.attrs.get("source", "deal_stage_history")
    deals = deals.copy()
    amount = pd.to_numeric(deals["amount_usd"], errors="coerce")
    bad = amount.isna() | (amount < 0)
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"{src}: line {i + 2}: column 'amount_usd': missing or negative {deals['amount_usd'][i]!r}")
    deals["amount_usd"] = amount
    for col in ("is_closed", "is_won"):
        flag = deals[col].str.strip()
        if not flag.isin(["0", "1"]).all():
            i = (~flag.isin(["0", "1"])).idxmax()
            raise InputError(f"{src}: line {i + 2}: column {col!r}: want 0 or 1, got {deals[col][i]!r}")
        deals[col] = flag == "1"
    deals["close_date"] = _dates(deals, "close_date", src)
    deals["original_close_date"] = _dates(deals, "original_close_date", src, optional=True)
    unknown = ~deals["stage"].isin(STAGES)
    if unknown.any():
        i = unknown.idxmax()
        raise InputError(f"{src}: line {i + 2}: column 'stage': unknown stage {deals['stage'][i]!r}")
    history = history.copy()
    history["entered_date"] = _dates(history, "entered_date", hsrc)
    return deals, history


def stage_statistics(deals: pd.DataFrame, history: pd.DataFrame, as_of: pd.Timestamp) -> list[StageStats]:
    """Win rate and median days-to-close per open stage, from deals closed on or before ``as_of``."""
    closed = deals[deals["is_closed"] & (deals["close_date"] <= as_of)]
    if closed.empty:
        raise InputError(f"no closed deals on or before {as_of.date()} to learn stage-to-win rates from")
    overall = float(closed["is_won"].mean())
    reached = history.merge(closed[["deal_id", "is_won", "close_date"]], on="deal_id")
    reached = reached[reached["stage"].isin(STAGES[:5])].drop_duplicates(["deal_id", "stage"])
    out = []
    for stage in STAGES[:5]:
        rows = reached[reached["stage"] == stage]
        won = rows[rows["is_won"]]
        days = (won["close_date"] - won["entered_date"]).dt.days
        if len(rows):
            rate, source = float(won.shape[0] / rows.shape[0]), "history"
        else:
            rate, source = overall, "overall win rate (no closed deal reached this stage)"
        out.append(StageStats(
            stage=stage, closed_deals=len(rows), won_deals=len(won), win_rate=rate,
            median_days_to_close=float(days.median()) if len(days) else None, rate_source=source,
        ))
    return out


def _explain(d: pd.Series, st: StageStats, weighted: float, expected: pd.Timestamp | None,
             pushed: int, overdue: int) -> str:
    parts = [
        f"{d['deal_id']} ${d['amount_usd']:,.0f} in {d['stage']} ({d['forecast_category']}): "
        f"{st.won_deals}/{st.closed_deals} closed deals that reached {d['stage']} were won "
        f"= {st.win_rate:.0%} → weighted ${weighted:,.0f}."
        if st.rate_source == "history" else
        f"{d['deal_id']} ${d['amount_usd']:,.0f} in {d['stage']} ({d['forecast_category']}): no closed deal "
        f"reached {d['stage']}, so the overall win rate {st.win_rate:.0%} applies → weighted ${weighted:,.0f}."
    ]
    if expected is not None:
        parts.append(
            f"Won deals closed a median {st.median_days_to_close:.0f} days after entering {d['stage']}: "
            f"expected close {expected.date()} vs CRM close date {d['close_date'].date()}."
        )
    if pushed > 0:
        parts.append(f"Slipped: close date pushed {pushed} days from {d['original_close_date'].date()}.")
    if overdue > 0:
        parts.append(f"Overdue: close date {d['close_date'].date()} passed {overdue} days ago and still open.")
    return " ".join(parts)


def forecast_pipeline(deals: pd.DataFrame, history: pd.DataFrame, *, as_of: str | date,
                      target_usd: float | None = None, period_end: str | date | None = None,
                      owners: dict[str, str] | None = None) -> PipelineForecast:
    """Weight every open deal by its stage's historical win rate and roll up by forecast category.

    Args:
        deals: ``deals.csv`` rows (strings as read), columns as in the demo tenant schema.
        history: ``deal_stage_history.csv`` rows (deal_id, stage, entered_date).
        as_of: the forecast date; only deals closed on or before it teach win rates.
        target_usd: quota or target for the period; coverage = open pipeline / target.
        period_end: when given, only open deals whose close date is on or before it count in the totals.
        owners: owner_id -> display name (e.g. from ``owners.csv``), shown with each deal.

    Returns:
        The forecast with per-deal explanations. Deals in the ``omitted`` category are listed but not totalled.

    Raises:
        InputError: bad amounts, flags, dates or stages (file, line, column), no closed history, target <= 0.
    """
    if target_usd is not None and target_usd <= 0:
        raise InputError(f"target_usd must be positive, got {target_usd}")
    deals, history = _prepare(deals, history)
    as_of_ts = pd.Timestamp(as_of)
    stats = {s.stage: s for s in stage_statistics(deals, history, as_of_ts)}
    open_deals = deals[~deals["is_closed"]].copy()
    notes = []
    if period_end is not None:
        end = pd.Timestamp(period_end)
        later = open_deals["close_date"] > end
        if later.any():
            notes.append(f"{int(later.sum())} open deal(s) closing after {end.date()} left out of the totals")
        open_deals = open_deals[~later]
    entered = history.sort_values("entered_date").drop_duplicates(["deal_id", "stage"], keep="last")
    entered = entered.set_index(["deal_id", "stage"])["entered_date"]
    rows: list[DealForecast] = []
    for _, d in open_deals.iterrows():
        st = stats.get(d["stage"])
        if st is None:
            raise InputError(f"deal {d['deal_id']}: open deal in closed stage {d['stage']!r}")
        weighted = float(d["amount_usd"]) * st.win_rate
        since = entered.get((d["deal_id"], d["stage"]))
        expected = None
        if since is not None and st.median_days_to_close is not None:
            expected = since + pd.Timedelta(days=st.median_days_to_close)
        orig = d["original_close_date"]
        pushed = int((d["close_date"] - orig).days) if pd.notna(orig) else 0
        overdue = max(0, int((as_of_ts - d["close_date"]).days))
        owner_id = str(d.get("owner_id", "")).strip() or None
        rows.append(DealForecast(
            deal_id=d["deal_id"], name=d.get("name", ""), owner_id=owner_id,
            owner_name=(owners or {}).get(owner_id) if owner_id else None,
            amount_usd=float(d["amount_usd"]), stage=d["stage"],
            forecast_category=d["forecast_category"], win_rate=st.win_rate, weighted_usd=weighted,
            close_date=d["close_date"].date(), original_close_date=orig.date() if pd.notna(orig) else None,
            expected_close_date=expected.date() if expected is not None else None,
            days_pushed=max(pushed, 0), days_overdue=overdue, slipped=pushed > 0 or overdue > 0,
            explanation=_explain(d, st, weighted, expected, pushed, overdue),
        ))
    counted = [r for r in rows if r.forecast_category in OPEN_CATEGORIES]
    by_cat = []
    for cat in OPEN_CATEGORIES:
        sel = [r for r in counted if r.forecast_category == cat]
        by_cat.append(CategoryTotal(category=cat, deals=len(sel), amount_usd=sum(r.amount_usd for r in sel),
                                    weighted_usd=sum(r.weighted_usd for r in sel)))
    omitted = len(rows) - len(counted)
    if omitted:
        notes.append(f"{omitted} open deal(s) outside commit/best_case/pipeline (e.g. omitted) not totalled")
    cat = {c.category: c for c in by_cat}
    pipeline = sum(r.amount_usd for r in counted)
    weighted_total = sum(r.weighted_usd for r in counted)
    return PipelineForecast(
        as_of=as_of_ts.date(), open_deals=len(rows), pipeline_usd=pipeline, weighted_usd=weighted_total,
        commit_usd=cat["commit"].amount_usd, best_case_usd=cat["commit"].amount_usd + cat["best_case"].amount_usd,
        by_category=by_cat, target_usd=target_usd,
        coverage=pipeline / target_usd if target_usd else None,
        weighted_coverage=weighted_total / target_usd if target_usd else None,
        stage_stats=list(stats.values()), deals=rows,
        slipped_deal_ids=[r.deal_id for r in rows if r.slipped],
        slipped_usd=sum(r.amount_usd for r in rows if r.slipped), notes=notes,
    )


def forecast_pipeline_files(deals_path: str | Path, history_path: str | Path, *, as_of: str | date,
                            target_usd: float | None = None, period_end: str | date | None = None,
                            owners_path: str | Path | None = None) -> PipelineForecast:
    """:func:`forecast_pipeline` on ``deals.csv`` and ``deal_stage_history.csv`` files.

    ``owners_path`` (an ``owners.csv`` with ``owner_id`` and ``name``) adds the owner's name to each deal.
    """
    deals = _read(deals_path, DEAL_COLUMNS)
    history = _read(history_path, ["deal_id", "stage", "entered_date"])
    owners = None
    if owners_path is not None:
        table = _read(owners_path, ["owner_id", "name"])
        owners = dict(zip(table["owner_id"].str.strip(), table["name"].str.strip()))
    return forecast_pipeline(deals, history, as_of=as_of, target_usd=target_usd, period_end=period_end,
                             owners=owners)
