"""CRM tables: owners, accounts, contacts, deals, deal stage history and activities."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from .calls import call_meta
from .common import TODAY, d, rng_for
from .world import ACC, ACCOUNTS, CALLS, CONTACTS, DEALS, EMEA_PHONES, OWNERS, STAGES


def owner_email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@payready.io"


def build_owners() -> tuple[list[str], list[list]]:
    rows = [[oid, name, owner_email(name), role, team] for oid, name, role, team in OWNERS]
    return ["owner_id", "name", "email", "role", "team"], rows


def build_accounts() -> tuple[list[str], list[list]]:
    header = ["account_id", "name", "domain", "industry", "segment", "region", "owner_id", "csm_id",
              "created_date", "contract_start", "renewal_date", "arr_usd", "seats_purchased", "lifecycle_stage",
              "churned", "churn_date"]
    rows = [list(a[:13]) + [a[13], 1 if a[13] == "churned" else 0, a[14]] for a in ACCOUNTS]
    return header, rows


def contact_phone(account_id: str, n: int) -> str:
    acc = ACC[account_id]
    tld = acc[2].rsplit(".", 1)[-1]
    if acc[5] == "NA":
        area = {"A001": 312, "A003": 303, "A005": 617, "A006": 619, "A010": 206, "A012": 515, "A016": 503,
                "A019": 602}[account_id]
        return f"+1 {area} 555-01{n:02d}"
    if acc[5] == "APAC":
        return f"+81 3 5550 01{n:02d}" if tld == "jp" else f"+61 2 5550 {100 + n:04d}"
    country = {"ch": "ch", "de": "de", "no": "no", "uk": "uk", "ie": "ie", "fr": "fr", "com": "uk"}[tld]
    return EMEA_PHONES[country].format(n=n)


def build_contacts() -> tuple[list[str], list[list]]:
    header = ["contact_id", "account_id", "first_name", "last_name", "title", "email", "phone", "is_champion",
              "is_decision_maker"]
    rows = []
    for i, (acc, first, last, title, champ, dm) in enumerate(CONTACTS, start=1):
        email = f"{first.lower()}.{last.lower()}@{ACC[acc][2]}"
        rows.append([f"C{i:03d}", acc, first, last, title, email, contact_phone(acc, i), champ, dm])
    return header, rows


def contact_id(account_id: str, first: str, last: str) -> str:
    for i, c in enumerate(CONTACTS, start=1):
        if c[0] == account_id and c[1] == first and c[2] == last:
            return f"C{i:03d}"
    raise KeyError(f"no contact {first} {last} at {account_id}")


def build_deals() -> tuple[list[str], list[list]]:
    header = ["deal_id", "account_id", "name", "owner_id", "type", "amount_usd", "stage", "created_date",
              "close_date", "original_close_date", "is_closed", "is_won", "forecast_category"]
    rows = []
    for did, acc, name, owner, typ, amount, stage, created, close, orig, fc in DEALS:
        final = stage.split("@")[0]
        closed = int(final.startswith("Closed"))
        rows.append([did, acc, name, owner, typ, amount, final, created, close, orig, closed,
                     int(final == "Closed Won"), fc])
    return header, rows


# deals discussed on recorded calls: their history is pinned so the call falls into the right stage
EXPLICIT_HISTORY = {
    "D-1031": "2026-07-21 2026-08-05 2026-08-26 2026-09-09 2026-09-30 2026-10-20",
    "D-1041": "2026-09-22 2026-10-02",
    "D-1017": "2026-06-22 2026-07-08 2026-08-05 2026-09-16 2026-10-21",
    "D-1050": "2026-10-05 2026-10-14",
    "D-1004": "2026-09-21 2026-10-19",
    "D-1029": "2026-06-08 2026-06-30 2026-08-04 2026-10-06",
    "D-1022": "2026-08-10 2026-08-24 2026-09-10 2026-10-05 2026-10-21",
    "D-1064": "2026-11-05 2026-11-12",
    "D-1006": "2026-09-28 2026-10-08 2026-10-27",
    "D-1057": "2026-10-19 2026-10-28",
}


def stage_path(typ: str, stage: str) -> list[str]:
    """Stages a deal went through, in order: renewals skip Discovery and Demo."""
    route = ["Prospecting", "Proposal", "Negotiation"] if typ == "renewal" else STAGES[:5]
    final, _, lost_after = stage.partition("@")
    if final == "Closed Won":
        return route + ["Closed Won"]
    if final == "Closed Lost":
        return route[: route.index(lost_after) + 1] + ["Closed Lost"]
    return route[: route.index(final) + 1]


def build_stage_history() -> tuple[list[str], list[list]]:
    rng = rng_for("deal_stage_history.csv")
    rows = []
    for did, _acc, _name, _owner, typ, _amount, stage, created, close, _orig, _fc in DEALS:
        path = stage_path(typ, stage)
        if did in EXPLICIT_HISTORY:
            dates = EXPLICIT_HISTORY[did].split()
            rows.extend([did, st, day] for st, day in zip(path, dates, strict=True))
            continue
        start = d(created)
        closed = path[-1].startswith("Closed")
        end = d(close) if closed else TODAY - timedelta(days=int(rng.integers(2, 12)))
        end = max(end, min(TODAY, start + timedelta(days=len(path) + 1)))
        span = (end - start).days
        inner = len(path) - 2 if closed else len(path) - 1
        # distinct, sorted day offsets strictly between creation and the closing (or latest) stage
        offsets = sorted(rng.choice(np.arange(1, span), size=inner, replace=False).tolist()) if inner else []
        days = [0] + offsets + ([span] if closed else [])
        for st, off in zip(path, days, strict=True):
            rows.append([did, st, (start + timedelta(days=int(off))).isoformat()])
    return ["deal_id", "stage", "entered_date"], rows


# --------------------------------------------------------------------------------------------- activities
ROUTINE = {
    "email": ["Monthly payments summary", "Re: payout schedule question", "Invoice copy request",
              "New in PayReady: instant payouts", "Re: webhook retries on failed events", "Re: fee report columns",
              "Agenda for our next review", "Re: adding users to the dashboard", "Release notes: reconciliation v3"],
    "meeting": ["Quarterly business review", "Payments operations sync", "Roadmap preview",
                "Executive sponsor check-in", "Reconciliation workshop"],
    "call": ["Check-in call", "Quick call on payout timing", "Call: fee statement walkthrough"],
    "note": ["Internal: account plan updated", "Internal: expansion idea logged", "Internal: stakeholder map refreshed"],
}
STAGE_ACTIVITY = {"Discovery": ("meeting", "Discovery meeting"), "Demo": ("meeting", "Product demo"),
                  "Proposal": ("email", "Proposal sent"), "Negotiation": ("email", "Order form and pricing redlines"),
                  "Closed Won": ("email", "Signed order form received"), "Closed Lost": ("note", "Closed lost")}
STORY_ACTIVITIES = [  # account, owner, type, date, subject, contact (first last or "")
    ("A001", "O08", "note", "2026-08-12", "Active users down since June: dispatch team moved to a new TMS; usage review requested", ""),
    ("A001", "O08", "note", "2026-10-30", "Escalation: ACH settlement files missing (critical ticket, SLA breached). Dale says SwiftPay pitched 0.2 pts lower pricing", ""),
    ("A001", "O02", "email", "2026-11-11", "Follow-up to QBR: remediation plan and renewal options", "Dale Porter"),
    ("A002", "O07", "email", "2026-09-22", "Reminder: two invoices past due", "Sabine Keller"),
    ("A002", "O07", "note", "2026-10-16", "Risk: SwiftPay offered 20% off plus free migration; VAT invoice bug still open", ""),
    ("A003", "O08", "note", "2026-11-03", "Critical ticket on failed membership charges; Kevin Doyle mentioned moving to SwiftPay", ""),
    ("A003", "O06", "email", "2026-11-04", "Re: failed recurring charges - action plan", "Kevin Doyle"),
    ("A004", "O09", "note", "2026-08-28", "James Whitmore (exec sponsor, Head of Payments) has left Kestrel; no new sponsor yet", ""),
    ("A004", "O09", "email", "2026-09-02", "Introduction request to the new payments leadership", "Olivia Hart"),
    ("A004", "O09", "note", "2026-10-21", "Critical AUD payout ticket open; no reply from Olivia Hart to three emails", ""),
    ("A009", "O07", "meeting", "2026-10-28", "Onboarding kickoff", "Felix Wagner"),
    ("A009", "O07", "meeting", "2026-11-06", "Onboarding: SEPA mandate migration and sandbox review", "Anna Schulz"),
    ("A009", "O07", "email", "2026-11-13", "Go-live checklist for December 1", "Felix Wagner"),
    ("A019", "O08", "note", "2025-09-10", "Renewal lost to SwiftPay on price (2.4% + 20c vs our 2.7% + 30c) after the June kiosk outage", ""),
    ("A019", "O06", "email", "2026-11-06", "Checking in a year after the switch", "Tina Marsh"),
    ("A020", "O07", "note", "2026-04-08", "Not renewing: closing 4 of 9 shops and cutting costs; left on good terms", ""),
]
TOUCH_GAP = {"SMB": 30, "Mid-Market": 17, "Enterprise": 11}


def build_activities() -> tuple[list[str], list[list]]:
    rng = rng_for("activities.csv")
    by_account: dict[str, list[str]] = {}
    for i, c in enumerate(CONTACTS, start=1):
        by_account.setdefault(c[0], []).append(f"C{i:03d}")
    acts = []
    for acc in ACCOUNTS:
        aid, segment, ae, csm = acc[0], acc[4], acc[6], acc[7]
        day = max(d("2025-05-01"), d(acc[8]) if acc[15] == "onboarding" else d(acc[9]))
        last = d(acc[14]) if acc[14] else TODAY - timedelta(days=1)
        if aid == "A004":
            last = d("2026-08-27")  # the sponsor left: the account went quiet
        while True:
            day += timedelta(days=int(rng.exponential(TOUCH_GAP[segment])) + 1)
            if day > last:
                break
            typ = str(rng.choice(["email", "meeting", "call", "note"], p=[0.5, 0.2, 0.15, 0.15]))
            owner = ae if rng.random() < 0.45 else csm
            contact = "" if typ == "note" else str(rng.choice(by_account[aid]))
            acts.append([aid, contact, owner, typ, day.isoformat(), str(rng.choice(ROUTINE[typ])), ""])
    history = build_stage_history()[1]
    deals = {r[0]: r for r in DEALS}
    for did, stage, entered in history:
        if stage not in STAGE_ACTIVITY:
            continue
        aid, name, owner = deals[did][1], deals[did][2], deals[did][3]
        typ, label = STAGE_ACTIVITY[stage]
        contact = "" if typ == "note" else champion_of(aid, by_account)
        acts.append([aid, contact, owner, typ, entered, f"{label}: {name}", ""])
    for aid, owner, typ, day, subject, who in STORY_ACTIVITIES:
        contact = contact_id(aid, *who.split(" ", 1)) if who else ""
        acts.append([aid, contact, owner, typ, day, subject, ""])
    meta = call_meta()
    for cid, _stem, _fmt, aid, _deal, rep, _ctype in CALLS:
        m = meta[cid]
        external = [p for p in m["speakers"].values() if p["affiliation"] == "External"]
        first, last = external[0]["name"].split(" ", 1)
        acts.append([aid, contact_id(aid, first, last), rep, "call", m["date"], m["title"], cid])
    acts.sort(key=lambda r: (r[4], r[0], r[3], r[5]))
    rows = [[f"ACT-{i + 1:05d}"] + r for i, r in enumerate(acts)]
    return ["activity_id", "account_id", "contact_id", "owner_id", "type", "date", "subject", "call_id"], rows


def champion_of(account_id: str, by_account: dict[str, list[str]]) -> str:
    for i, c in enumerate(CONTACTS, start=1):
        if c[0] == account_id and c[4] == 1:
            return f"C{i:03d}"
    return by_account[account_id][0]
