"""Account health signals and company history: product usage, support tickets, invoices, NPS, monthly revenue
and the churn history of past accounts."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from .common import TODAY, d, month_range, rng_for
from .world import ACCOUNTS, RISK_DECLINE_FROM

# --------------------------------------------------------------------------------------------- usage
SEASON = {1: 0.93, 2: 0.91, 3: 0.97, 4: 0.98, 5: 1.0, 6: 0.99, 7: 0.97, 8: 0.96, 9: 1.0, 10: 1.03, 11: 1.09,
          12: 1.16}


def usage_months(acc: tuple) -> list[str]:
    first = max("2024-01", acc[9][:7])
    last = min("2026-10", acc[14][:7]) if acc[14] else "2026-10"
    return month_range(first, last)


def build_usage() -> tuple[list[str], list[list]]:
    rng = rng_for("product_usage.csv")
    rows = []
    for acc in ACCOUNTS:
        aid, seats, profile, tx0, ticket = acc[0], acc[12], acc[15], acc[16], acc[17]
        months = usage_months(acc)
        n = len(months)
        for i, month in enumerate(months):
            t = i / max(n - 1, 1)
            adoption = 58.0 + rng.normal(0, 1.5)
            login_rate = rng.uniform(15, 21)
            if profile == "growth":
                util = 0.72 + 0.24 * t
                adoption = 47.0 + 27.0 * t + rng.normal(0, 1.2)
            elif profile == "risk":
                util = 0.84
                k = months.index(month) - months.index(RISK_DECLINE_FROM[aid]) if month >= RISK_DECLINE_FROM[aid] else -1
                if k >= 0:
                    util *= 0.86 ** (k + 1)
                    adoption -= 4.5 * (k + 1)
                    login_rate *= 0.9 ** (k + 1)
            elif profile == "churned":
                k = i - (n - 5)
                util = 0.8 * (0.8 ** (k + 1) if k >= 0 else 1.0)
                if k >= 0:
                    adoption -= 5.0 * (k + 1)
            elif profile == "onboarding":
                util, adoption = 0.25, 18.0 + rng.normal(0, 1)
            else:
                util = 0.8
            util *= 1 + rng.normal(0, 0.025)
            users = max(1, round(seats * min(util, 1.0)))
            year_growth = 1.12 ** ((int(month[:4]) - 2024) + (int(month[5:]) - 1) / 12)
            tx = tx0 * (util / 0.8) * year_growth * SEASON[int(month[5:])] * (1 + rng.normal(0, 0.04))
            if profile == "onboarding":
                tx = tx0
            tx = round(tx)
            volume = tx * ticket * (1 + rng.normal(0, 0.03))
            rows.append([aid, month, users, tx, f"{volume:.2f}", f"{min(max(adoption, 5.0), 95.0):.1f}",
                         round(users * login_rate)])
    return ["account_id", "month", "active_users", "transactions", "payment_volume_usd", "feature_adoption_pct",
            "logins"], rows


# --------------------------------------------------------------------------------------------- support
TICKET_SUBJECTS = {
    "low": ["Request: add a user to the dashboard", "Question about payout schedule settings",
            "How to export the monthly fee report as CSV", "Update company logo on hosted payment page",
            "Request for PCI AOC document", "Change billing contact email", "Typo in receipt email template"],
    "normal": ["Refund not showing in settlement report", "Webhook retries for payment_intent.succeeded",
               "Customer receipt emails delayed", "Duplicate customer records after CSV import",
               "API key rotation question", "Card updater did not refresh expired cards",
               "Chargeback evidence upload fails for PDFs over 5 MB", "SEPA mandate reference format",
               "Dashboard slow when filtering 90 days of transactions", "3-D Secure challenge shown twice"],
    "high": ["Payouts delayed by one business day", "Reconciliation export missing fee lines",
             "Intermittent 502 errors on /v1/charges", "ACH returns not posted to ledger",
             "Apple Pay button missing on Safari checkout", "Invoice PDFs show wrong VAT rate"],
    "critical": ["Checkout down: all card payments failing", "Settlement file not delivered",
                 "Payout batch stuck in processing", "Duplicate charges on recurring billing run"],
}
STORY_TICKETS = [  # account, opened, closed, priority, sla breached, csat, subject
    ("A001", "2026-10-27", "", "critical", 1, "", "ACH settlement files missing since Oct 27 - reconciliation blocked"),
    ("A001", "2026-09-14", "2026-09-29", "high", 1, "2", "Carrier payout batch rejected by bank (NACHA format)"),
    ("A001", "2026-08-03", "2026-08-11", "high", 0, "3", "Reconciliation export missing fee lines"),
    ("A002", "2026-10-06", "", "high", 1, "", "Invoice PDFs show wrong VAT rate after October update"),
    ("A002", "2026-08-18", "2026-09-02", "high", 1, "2", "Patient payment links expire after 24h instead of 7 days"),
    ("A003", "2026-11-02", "", "critical", 1, "", "Recurring membership charges failing for about 8% of members"),
    ("A003", "2026-09-21", "2026-10-05", "high", 1, "1", "Card updater did not refresh expired cards before billing run"),
    ("A004", "2026-10-19", "", "critical", 1, "", "AUD payouts to airline settlement (BSP) delayed more than 48h"),
    ("A004", "2026-09-08", "2026-09-24", "high", 1, "2", "Multi-currency FX rates stale in settlement report"),
    ("A019", "2025-06-10", "2025-06-19", "critical", 1, "1", "Parking kiosks declining contactless cards"),
]
TICKET_RATE = {"SMB": 0.6, "Mid-Market": 1.1, "Enterprise": 2.4}
CLOSE_DAYS = {"low": (1, 10), "normal": (1, 7), "high": (0, 4), "critical": (0, 2)}
BREACH_P = {"low": 0.02, "normal": 0.04, "high": 0.08, "critical": 0.2}


def build_tickets() -> tuple[list[str], list[list]]:
    rng = rng_for("support_tickets.csv")
    tickets = []
    for acc in ACCOUNTS:
        aid, segment, profile = acc[0], acc[4], acc[15]
        first = max(d("2025-01-01"), d(acc[9]))
        last = d(acc[14]) if acc[14] else TODAY - timedelta(days=1)
        day = first
        rate_per_day = TICKET_RATE[segment] / 30.0
        while True:
            day += timedelta(days=int(rng.exponential(1 / rate_per_day)) + 1)
            if day > last:
                break
            priority = rng.choice(["low", "normal", "high", "critical"], p=[0.3, 0.52, 0.15, 0.03])
            if profile == "risk" and priority == "critical":
                priority = "high"  # the risk accounts get their critical tickets from the story list
            lo, hi = CLOSE_DAYS[priority]
            closed = day + timedelta(days=int(rng.integers(lo, hi + 1)))
            breached = int(rng.random() < BREACH_P[priority])
            csat = ""
            if rng.random() < 0.7:
                base = 4.4 - 1.5 * breached - (0.6 if profile == "risk" and day >= d("2026-06-01") else 0)
                csat = str(int(np.clip(round(base + rng.normal(0, 0.7)), 1, 5)))
            subject = str(rng.choice(TICKET_SUBJECTS[priority]))
            if closed >= TODAY:
                tickets.append([aid, day.isoformat(), "", priority, "open", breached, "", subject])
            else:
                tickets.append([aid, day.isoformat(), closed.isoformat(), priority, "closed", breached, csat, subject])
    for aid, opened, closed, priority, breached, csat, subject in STORY_TICKETS:
        tickets.append([aid, opened, closed, priority, "closed" if closed else "open", breached, csat, subject])
    tickets.sort(key=lambda r: (r[1], r[0], r[7]))
    rows = [[f"T-{20001 + i}"] + t for i, t in enumerate(tickets)]
    return ["ticket_id", "account_id", "opened_date", "closed_date", "priority", "status", "sla_breached", "csat",
            "subject"], rows


# --------------------------------------------------------------------------------------------- billing
# (account, issue month) -> days paid after due (None = still unpaid)
LATE_STORIES = {
    ("A001", "2026-10"): 10,
    ("A002", "2026-06"): 12, ("A002", "2026-07"): 18, ("A002", "2026-08"): 26, ("A002", "2026-09"): None,
    ("A002", "2026-10"): None,
    ("A003", "2026-08"): 9, ("A003", "2026-09"): 15, ("A003", "2026-10"): None,
    ("A004", "2026-07"): 21, ("A004", "2026-10"): None,
    ("A019", "2025-07"): 14, ("A019", "2025-09"): 35, ("A020", "2026-04"): 20,
}


def build_invoices() -> tuple[list[str], list[list]]:
    rng = rng_for("invoices.csv")
    invoices = []
    for acc in ACCOUNTS:
        aid, segment, arr = acc[0], acc[4], acc[11]
        monthly = segment == "SMB"
        last_month = acc[14][:7] if acc[14] else "2026-10"
        anniversary = d(acc[10]) - timedelta(days=365)
        for month in month_range(max("2025-01", acc[9][:7]), last_month):
            if not monthly and int(month[5:]) % 3 != 1:
                continue
            issue = d(month + "-01")
            issue = max(issue, d(acc[9]))
            due = issue + timedelta(days=30)
            if due >= TODAY or (acc[14] and issue > d(acc[14])):
                continue
            value = arr * (1.0 if issue >= anniversary else 0.93) / (12 if monthly else 4)
            key = (aid, month)
            if key in LATE_STORIES:
                late = LATE_STORIES[key]
            elif rng.random() < 0.05:
                late = int(rng.integers(3, 20))
            else:
                late = -int(rng.integers(0, 13))
            if late is None:
                paid, status = "", "overdue"
            else:
                paid_day = due + timedelta(days=late)
                paid, status = paid_day.isoformat(), "late" if late > 0 else "paid"
            invoices.append([aid, issue.isoformat(), due.isoformat(), paid, f"{value:.2f}", status])
    invoices.sort(key=lambda r: (r[1], r[0]))
    rows = [[f"INV-{r[1][:4]}-{i + 1:04d}"] + r for i, r in enumerate(invoices)]
    return ["invoice_id", "account_id", "issue_date", "due_date", "paid_date", "amount_usd", "status"], rows


# --------------------------------------------------------------------------------------------- NPS
NPS_WAVES = ["2025-03-15", "2025-09-15", "2026-03-16", "2026-09-14"]
NPS_COMMENTS = {
    "promoter": ["Payouts arrive on time and reconciliation finally matches our ledger.",
                 "Support answers fast and knows payments. Onboarding of new sites was smooth.",
                 "The dashboard saves our finance team hours every month.",
                 "Reliable platform; we have not had a failed billing run in a year.",
                 "Great account team, proactive about new payment methods.", ""],
    "passive": ["Works well overall, but fee reporting could be clearer.",
                "Good product; the API docs for refunds need more examples.",
                "Happy with uptime. Pricing for international cards is on the high side.",
                "Solid, though it took a while to get SEPA mandates migrated.", ""],
    "detractor": ["Too many payout delays lately and nobody owns the problem.",
                  "Support tickets sit for days. We expected more for the price.", ""],
}
STORY_NPS = {  # (account, wave index) -> (score, comment)
    ("A001", 2): (7, "Fine overall; the carrier payout project went nowhere though."),
    ("A001", 3): (3, ("Settlement files keep breaking our reconciliation. SwiftPay offered us a lower rate and a "
                     "dedicated engineer; we are evaluating it.")),
    ("A002", 2): (6, "Billing questions take too long to answer."),
    ("A002", 3): (2, "Invoices with the wrong VAT rate, payment links expiring. SwiftPay quoted us 20% less."),
    ("A003", 2): (6, "Card updater misses too many expired cards, members get failed charges."),
    ("A003", 3): (2, "Failed membership charges cost us real revenue. Looking at SwiftPay."),
    ("A004", 2): (8, "James and the PayReady team built a great payout setup."),
    ("A004", 3): (5, "Since our payments lead left we get little proactive help; payout delays to BSP hurt."),
    ("A019", 1): (3, "Kiosk outage in June was the last straw. SwiftPay is cheaper per transaction."),
    ("A020", 2): (6, "Good service, but we are closing shops and need to cut costs."),
}
NPS_MEAN = {"growth": 9.0, "stable": 8.0, "risk": 7.5, "churned": 6.5}


def build_nps() -> tuple[list[str], list[list]]:
    rng = rng_for("nps.csv")
    rows = []
    for acc in ACCOUNTS:
        aid, profile = acc[0], acc[15]
        if profile == "onboarding":
            continue
        for w, wave in enumerate(NPS_WAVES):
            day = d(wave) + timedelta(days=int(rng.integers(0, 12)))
            if day < d(acc[9]) + timedelta(days=90) or (acc[14] and day > d(acc[14])):
                continue
            if (aid, w) in STORY_NPS:
                score, comment = STORY_NPS[(aid, w)]
            else:
                if rng.random() < 0.15:  # not every account answers every wave
                    continue
                score = int(np.clip(round(NPS_MEAN[profile] + rng.normal(0, 1.0)), 0, 10))
                band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                comment = str(rng.choice(NPS_COMMENTS[band]))
            rows.append([aid, day.isoformat(), score, comment])
    rows.sort(key=lambda r: (r[1], r[0]))
    return ["account_id", "date", "score", "comment"], rows


# --------------------------------------------------------------------------------------------- revenue
REVENUE_BASE = {  # monthly revenue in 2021-01 (USD) and yearly growth
    ("Enterprise", "NA"): (905000, 0.17), ("Mid-Market", "NA"): (648000, 0.21), ("SMB", "NA"): (418000, 0.24),
    ("Enterprise", "EMEA"): (522000, 0.19), ("Mid-Market", "EMEA"): (377000, 0.23), ("SMB", "EMEA"): (262000, 0.26),
    ("Enterprise", "APAC"): (238000, 0.31), ("Mid-Market", "APAC"): (171000, 0.34), ("SMB", "APAC"): (108000, 0.36),
}
ANOMALY = (("SMB", "EMEA"), "2024-08", 0.61)  # Aug 6-9 2024 processing outage + service credits


def build_revenue() -> tuple[list[str], list[list]]:
    rng = rng_for("revenue_monthly.csv")
    rows = []
    months = month_range("2021-01", "2026-10")
    for (segment, region), (base, growth) in REVENUE_BASE.items():
        noise = rng.normal(0, 0.022, size=len(months))
        for i, month in enumerate(months):
            value = base * (1 + growth) ** (i / 12) * SEASON[int(month[5:])] * (1 + noise[i])
            if (segment, region) == ANOMALY[0] and month == ANOMALY[1]:
                value *= ANOMALY[2]
            rows.append([month, segment, region, f"{value:.2f}"])
    rows.sort(key=lambda r: (r[0], ["Enterprise", "Mid-Market", "SMB"].index(r[1]), ["NA", "EMEA", "APAC"].index(r[2])))
    return ["month", "segment", "region", "revenue_usd"], rows


# --------------------------------------------------------------------------------------------- churn history
TIERS = [("Starter", 1, 5, 49.0), ("Growth", 5, 25, 89.0), ("Scale", 20, 80, 79.0), ("Enterprise", 60, 300, 69.0)]


def build_churn_history() -> tuple[list[str], list[list]]:
    """~800 past accounts; churn follows a noisy logistic model of the features (coefficients in the README)."""
    rng = rng_for("churn_history.csv")
    n = 800
    tier_idx = rng.choice(4, size=n, p=[0.34, 0.36, 0.21, 0.09])
    rows = []
    for i in range(n):
        tier, lo, hi, fee = TIERS[tier_idx[i]]
        seats = int(rng.integers(lo, hi + 1))
        monthly_fee = seats * fee * rng.uniform(0.85, 1.1)
        tenure = int(np.clip(rng.gamma(2.0, 14.0), 1, 96))
        usage_trend = float(np.clip(rng.normal(3.0, 18.0), -70, 60))
        tickets = int(rng.poisson(1.0 + seats / 40))
        critical = int(rng.binomial(tickets, 0.12))
        late = int(rng.poisson(0.5))
        sponsor = rng.random() < (0.35 + 0.12 * tier_idx[i])
        nps = float(np.clip(round(7.4 + 0.04 * usage_trend - 0.5 * critical + rng.normal(0, 1.6)), 0, 10))
        logins_per_seat = max(0.5, 14.0 * (1 + usage_trend / 120) + rng.normal(0, 3.0))
        region = str(rng.choice(["NA", "EMEA", "APAC"], p=[0.5, 0.32, 0.18]))
        logit = (-1.05 - 0.045 * usage_trend + 0.75 * critical + 0.42 * late - 0.26 * (nps - 7)
                 - 0.85 * sponsor - 0.018 * tenure + 0.05 * (tickets - critical) + rng.normal(0, 0.6))
        churned = rng.random() < 1 / (1 + np.exp(-logit))
        nps_text = "" if rng.random() < 0.04 else str(int(nps))
        rows.append([f"CH-{i + 1:05d}", tenure, tier, seats, f"{monthly_fee:.2f}", f"{usage_trend:.1f}", tickets,
                     critical, late, nps_text, "Y" if sponsor else "N", f"{logins_per_seat:.1f}", region,
                     "yes" if churned else "no"])
    return ["cust_ref", "tenure_m", "plan_tier", "seats", "monthly_fee", "usage_trend_pct", "tickets_90d",
            "critical_tickets_90d", "late_invoices_12m", "nps_last", "exec_sponsor", "logins_per_seat", "region",
            "churned_flag"], rows
