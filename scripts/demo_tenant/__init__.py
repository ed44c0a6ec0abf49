"""Generators of the embedded demo tenant "PayReady"; ``scripts/build_demo_data.py`` is the entry point.

``common`` (paths, seed, dates, CSV), ``world`` (story tables), ``crm``, ``signals``, ``calls``, ``resumes``.
"""

from __future__ import annotations

from .calls import render_calls
from .common import to_csv
from .crm import (
    build_accounts,
    build_activities,
    build_contacts,
    build_deals,
    build_owners,
    build_stage_history,
)
from .resumes import render_resumes
from .signals import build_churn_history, build_invoices, build_nps, build_revenue, build_tickets, build_usage


def build_all() -> list[tuple[str, bytes]]:
    """Every generated file as (path relative to the tenant folder, bytes)."""
    tables = {
        "owners.csv": build_owners, "accounts.csv": build_accounts, "contacts.csv": build_contacts,
        "deals.csv": build_deals, "deal_stage_history.csv": build_stage_history, "activities.csv": build_activities,
        "product_usage.csv": build_usage, "support_tickets.csv": build_tickets, "invoices.csv": build_invoices,
        "nps.csv": build_nps, "revenue_monthly.csv": build_revenue, "churn_history.csv": build_churn_history,
    }
    files = [(name, to_csv(*fn())) for name, fn in tables.items()]
    call_files, index = render_calls()
    files += call_files + [("calls/index.csv", to_csv(*index))]
    files += render_resumes()
    return files

