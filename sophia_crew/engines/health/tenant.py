"""Load a tenant (the demo PayReady tenant or any folder with the same CSV schema) and derive health signals.

Signals are computed "as of" a date from dated rows only, so the same code gives the previous period for trends.
Definitions (documented in ``knowledge/health_scorecards/default.yaml`` too):

* usage: only complete months (``month`` before the as-of month); the last one must be at most 2 months old;
* ``license_utilisation`` = active_users of the last complete month / seats_purchased;
* ``usage_trend_pct`` = mean active_users of the last 3 complete months vs the 3 before, in percent;
* tickets: open at the as-of date = opened on/before it and not closed by then;
* ``days_since_last_touch``: last call/email/meeting activity or recorded call (notes are internal, not touches);
* invoices: late = due before the as-of date and paid after the due date or not at all (12-month window by
  issue date); overdue = due before the as-of date and unpaid at that date;
* ``nps``: latest answer within 365 days; ``csat``: mean of tickets closed in the last 180 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from sophia_crew.errors import InputError
from sophia_crew.resources import demo_path

from .models import AccountSignals

REQUIRED: dict[str, list[str]] = {
    "accounts.csv": ["account_id", "name", "segment", "owner_id", "csm_id", "contract_start", "renewal_date",
                     "arr_usd", "seats_purchased", "lifecycle_stage"],
    "owners.csv": ["owner_id", "name", "role"],
    "product_usage.csv": ["account_id", "month", "active_users", "feature_adoption_pct", "logins"],
    "support_tickets.csv": ["account_id", "opened_date", "closed_date", "priority", "sla_breached", "csat"],
    "activities.csv": ["account_id", "type", "date"],
    "invoices.csv": ["account_id", "issue_date", "due_date", "paid_date", "amount_usd"],
    "nps.csv": ["account_id", "date", "score"],
}
OPTIONAL = {"contacts.csv": ["account_id", "is_decision_maker"], "calls/index.csv": ["account_id", "date"]}
DATE_COLUMNS = {
    "accounts.csv": ["contract_start", "renewal_date", "created_date", "churn_date"],
    "support_tickets.csv": ["opened_date", "closed_date"],
    "activities.csv": ["date"],
    "invoices.csv": ["issue_date", "due_date", "paid_date"],
    "nps.csv": ["date"],
    "calls/index.csv": ["date"],
}
TOUCH_TYPES = {"call", "email", "meeting"}


@dataclass
class Tenant:
    """The tenant's tables as DataFrames (dates parsed), keyed by file name."""

    root: Path
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def accounts(self) -> pd.DataFrame:
        return self.tables["accounts.csv"]

    def owner_name(self, owner_id: str) -> str:
        """Owner's display name, or the id when the owner is unknown."""
        owners = self.tables["owners.csv"]
        hit = owners.loc[owners["owner_id"] == owner_id, "name"]
        return str(hit.iloc[0]) if len(hit) else str(owner_id)


def _read(root: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = root / name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    frame = frame.apply(lambda s: s.str.strip())
    for col in DATE_COLUMNS.get(name, []):
        if col in frame.columns:
            parsed = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d", errors="coerce")
            bad = frame[col][(frame[col] != "") & parsed.isna()]
            if len(bad):
                raise InputError(f"{path}: {col}: not an ISO date: {bad.iloc[0]!r}")
            frame[col] = parsed
    return frame


def _numeric(frame: pd.DataFrame, col: str, path: Path) -> pd.Series:
    values = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    bad = frame[col][(frame[col] != "") & values.isna()]
    if len(bad):
        raise InputError(f"{path}: {col}: not a number: {bad.iloc[0]!r}")
    return values


def load_tenant(tenant_dir: str | Path | None = None) -> Tenant:
    """Read a tenant folder (default: the embedded demo tenant via ``demo_path()``).

    Raises:
        InputError: a required file or column is missing, or a date/number does not parse.
    """
    root = Path(tenant_dir) if tenant_dir else demo_path()
    if not (root / "accounts.csv").is_file():
        raise InputError(f"{root}: not a tenant folder (accounts.csv not found)")
    tables: dict[str, pd.DataFrame] = {}
    for name, cols in REQUIRED.items():
        if not (root / name).is_file():
            raise InputError(f"{root / name}: required tenant file not found")
        tables[name] = _read(root, name, cols)
    for name, cols in OPTIONAL.items():
        if (root / name).is_file():
            tables[name] = _read(root, name, cols)
    numeric = {"accounts.csv": ["arr_usd", "seats_purchased"],
               "product_usage.csv": ["active_users", "feature_adoption_pct", "logins"],
               "support_tickets.csv": ["sla_breached", "csat"], "nps.csv": ["score"],
               "invoices.csv": ["amount_usd"]}
    for name, cols in numeric.items():
        for col in cols:
            tables[name][col] = _numeric(tables[name], col, root / name)
    accounts = tables["accounts.csv"]
    dup = accounts["account_id"][accounts["account_id"].duplicated()]
    if len(dup):
        raise InputError(f"{root / 'accounts.csv'}: account_id: duplicated id {dup.iloc[0]!r}")
    return Tenant(root=root, tables=tables)


def active_accounts(tenant: Tenant) -> pd.DataFrame:
    """Accounts that are not churned (lifecycle_stage != churned and churned != 1)."""
    acc = tenant.accounts
    churned = acc["lifecycle_stage"].eq("churned")
    if "churned" in acc.columns:
        churned |= acc["churned"].eq("1")
    return acc[~churned]


def _month_index(month: str) -> int:
    year, mon = month.split("-")[:2]
    return int(year) * 12 + int(mon) - 1


def _usage_signals(usage: pd.DataFrame, seats: float | None, as_of: date, out: dict, notes: dict) -> None:
    current = as_of.year * 12 + as_of.month - 1
    rows = usage.assign(_m=usage["month"].map(_month_index))
    rows = rows[rows["_m"] < current].sort_values("_m")
    if rows.empty or rows["_m"].iloc[-1] < current - 2:
        for key in ("license_utilisation", "feature_adoption_pct", "usage_trend_pct"):
            notes[key] = "no product usage in the last 2 complete months"
        return
    last = rows.iloc[-1]
    if seats and seats > 0 and pd.notna(last["active_users"]):
        out["license_utilisation"] = float(last["active_users"]) / seats
    else:
        notes["license_utilisation"] = "seats_purchased missing or 0"
    if pd.notna(last["feature_adoption_pct"]):
        out["feature_adoption_pct"] = float(last["feature_adoption_pct"])
    recent = rows[rows["_m"] > rows["_m"].iloc[-1] - 6]
    if len(recent) < 6 or recent["active_users"].isna().any():
        notes["usage_trend_pct"] = f"needs 6 complete months of usage, has {len(recent)}"
    else:
        before, after = recent["active_users"].iloc[:3].mean(), recent["active_users"].iloc[3:].mean()
        if before > 0:
            out["usage_trend_pct"] = (after / before - 1) * 100
        else:
            notes["usage_trend_pct"] = "no active users in the earlier 3 months"


def account_signals(tenant: Tenant, as_of: date, extra: dict[str, dict[str, float]] | None = None,
                    ) -> dict[str, AccountSignals]:
    """Health signals of every active account as of ``as_of``.

    Args:
        tenant: a loaded tenant.
        as_of: only rows dated on/before this day are used (usage: complete months before it).
        extra: optional per-account inputs not in the tenant, e.g. ``{"A1": {"sentiment": 0.2,
            "competitor_mentions": 1}}`` from the sales-coach engine.

    Returns:
        ``{account_id: AccountSignals}``.
    """
    ts = pd.Timestamp(as_of)
    usage, tickets = tenant["product_usage.csv"], tenant["support_tickets.csv"]
    acts, inv, nps = tenant["activities.csv"], tenant["invoices.csv"], tenant["nps.csv"]
    calls = tenant.tables.get("calls/index.csv")
    result: dict[str, AccountSignals] = {}
    for _, acc in active_accounts(tenant).iterrows():
        aid = acc["account_id"]
        start = acc["contract_start"] if pd.notna(acc["contract_start"]) else acc.get("created_date")
        if pd.notna(start) and start > ts:
            continue  # not a customer yet at this date
        out: dict = {}
        notes: dict[str, str] = {}
        seats = acc["seats_purchased"] if pd.notna(acc["seats_purchased"]) else None
        _usage_signals(usage[usage["account_id"] == aid], seats, as_of, out, notes)

        t = tickets[(tickets["account_id"] == aid) & (tickets["opened_date"] <= ts)]
        open_now = t["closed_date"].isna() | (t["closed_date"] > ts)
        last90 = t["opened_date"] > ts - timedelta(days=90)
        out["open_critical_tickets"] = int((open_now & t["priority"].eq("critical")).sum())
        out["sla_breaches_90d"] = int((last90 & t["sla_breached"].eq(1)).sum())
        out["tickets_90d"] = int(last90.sum())
        closed180 = t[(t["closed_date"] <= ts) & (t["closed_date"] > ts - timedelta(days=180))]["csat"].dropna()
        if len(closed180):
            out["csat"] = float(closed180.mean())

        a = acts[(acts["account_id"] == aid) & acts["type"].isin(TOUCH_TYPES) & (acts["date"] <= ts)]["date"]
        if calls is not None:
            a = pd.concat([a, calls[(calls["account_id"] == aid) & (calls["date"] <= ts)]["date"]])
        if len(a):
            out["days_since_last_touch"] = (ts - a.max()).days
        else:
            notes["days_since_last_touch"] = "no call, email or meeting recorded"

        i = inv[(inv["account_id"] == aid) & (inv["issue_date"] <= ts)]
        if len(i):
            due_before = i["due_date"] < ts
            late = due_before & (i["paid_date"].isna() | (i["paid_date"] > i["due_date"]))
            out["late_invoices_12m"] = int((late & (i["issue_date"] > ts - timedelta(days=365))).sum())
            out["overdue_invoices"] = int((due_before & (i["paid_date"].isna() | (i["paid_date"] > ts))).sum())
        else:
            notes["late_invoices_12m"] = notes["overdue_invoices"] = "no invoice issued yet"

        n = nps[(nps["account_id"] == aid) & (nps["date"] <= ts) & (nps["date"] > ts - timedelta(days=365))]
        if len(n) and pd.notna(n.sort_values("date")["score"].iloc[-1]):
            out["nps"] = float(n.sort_values("date")["score"].iloc[-1])
        out.update((extra or {}).get(aid, {}))
        result[aid] = AccountSignals(
            account_id=aid, as_of=as_of, name=acc["name"], segment=acc["segment"],
            lifecycle_stage=acc["lifecycle_stage"],
            days_since_start=(ts - start).days if pd.notna(start) else None, notes=notes, **out,
        )
    return result


def churn_feature_rows(tenant: Tenant, signals: dict[str, AccountSignals]) -> pd.DataFrame:
    """Per-account inputs a churn mapping's ``tenant_features`` can refer to (one row per scored account).

    Columns: tenure_months, seats_purchased, monthly_fee (arr_usd / 12), usage_trend_pct, tickets_90d,
    critical_tickets_90d, late_invoices_12m, nps, logins_per_seat (last complete month), exec_sponsor (Y when a
    contact is a decision maker, N otherwise, missing without contacts.csv), region, segment, plan_tier (missing
    unless accounts.csv has that column). Missing values stay NaN; the model imputes them.
    """
    acc = tenant.accounts.set_index("account_id")
    tickets, usage = tenant["support_tickets.csv"], tenant["product_usage.csv"]
    contacts = tenant.tables.get("contacts.csv")
    rows = []
    for aid, sig in signals.items():
        a = acc.loc[aid]
        ts = pd.Timestamp(sig.as_of)
        t = tickets[(tickets["account_id"] == aid) & (tickets["opened_date"] <= ts)
                    & (tickets["opened_date"] > ts - timedelta(days=90))]
        current = sig.as_of.year * 12 + sig.as_of.month - 1
        u = usage[usage["account_id"] == aid].assign(_m=lambda f: f["month"].map(_month_index))
        u = u[u["_m"] < current].sort_values("_m")
        seats = a["seats_purchased"]
        logins = float(u["logins"].iloc[-1]) / seats if len(u) and pd.notna(seats) and seats > 0 else np.nan
        sponsor = np.nan
        if contacts is not None:
            c = contacts[contacts["account_id"] == aid]
            sponsor = "Y" if c["is_decision_maker"].eq("1").any() else "N"
        rows.append({
            "account_id": aid,
            "tenure_months": sig.days_since_start / 30.4375 if sig.days_since_start is not None else np.nan,
            "seats_purchased": seats, "monthly_fee": a["arr_usd"] / 12 if pd.notna(a["arr_usd"]) else np.nan,
            "usage_trend_pct": sig.usage_trend_pct, "tickets_90d": len(t),
            "critical_tickets_90d": int(t["priority"].eq("critical").sum()),
            "late_invoices_12m": sig.late_invoices_12m, "nps": sig.nps, "logins_per_seat": logins,
            "exec_sponsor": sponsor, "region": a.get("region", np.nan), "segment": a["segment"],
            "plan_tier": a.get("plan_tier", np.nan),
        })
    return pd.DataFrame(rows).set_index("account_id").astype({"usage_trend_pct": float, "nps": float,
                                                              "late_invoices_12m": float})
