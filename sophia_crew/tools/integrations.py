"""Agent tools over the integrations: read the unified CRM, Gong and the warehouse; PLAN writes.

Write tools (``writes=True``) never send anything: they persist a PlannedWrite and return its id and diff;
a human applies it with ``sophia writes apply ID`` or a Slack button.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from ..errors import InputError

# Models only: the clients (httpx, sqlglot, SQLAlchemy, pydantic-settings) load when a tool runs, not when the
# tool table (CLI, MCP server) is built.
from ..integrations.crm_models import Account, Activity, CrmSnapshot, Deal
from ..integrations.results import DiffLine, GongCall, QueryResult
from ..registry import tool


class AccountList(BaseModel):
    """Accounts of one CRM source."""

    source: str
    accounts: list[Account]


class DealList(BaseModel):
    """Deals (with stage history) of one CRM source."""

    source: str
    deals: list[Deal]


class ActivityList(BaseModel):
    """Logged activities of one CRM source."""

    source: str
    activities: list[Activity]


class GongCallList(BaseModel):
    """Gong calls in a date range."""

    calls: list[GongCall]


class GongTranscript(BaseModel):
    """One call in the sales-coach importer's Gong JSON shape."""

    callTranscripts: list[dict[str, Any]] = Field(default_factory=list)
    parties: list[dict[str, Any]] = Field(default_factory=list)


class PlannedWriteRef(BaseModel):
    """A planned (not sent) write: apply it with ``sophia writes apply <id>``."""

    id: str
    status: str
    diff: list[DiffLine]
    diff_text: str
    how_to_apply: str


def _snapshot(source: str) -> CrmSnapshot:
    from ..integrations.sync import SOURCES, load_crm, sync_crm

    if source not in SOURCES:
        raise InputError(f"source: unknown CRM source {source!r} (choose from {', '.join(SOURCES)})")
    snap = load_crm(source)
    if not snap.accounts:
        if source != "demo":
            raise InputError(
                f"source: no {source} data in the local store; run `sophia sync crm --source {source}`"
            )
        sync_crm("demo")  # local CSVs only: nothing leaves the machine
        snap = load_crm(source)
    return snap


def _ref(w: Any) -> PlannedWriteRef:
    return PlannedWriteRef(
        id=w.id,
        status=w.status,
        diff=w.diff,
        diff_text=w.diff_text(),
        how_to_apply=f"sophia writes apply {w.id}",
    )


@tool("crm_accounts")
def crm_accounts(source: str = "demo", segment: str | None = None, region: str | None = None) -> AccountList:
    """Accounts from the locally synced unified CRM model, optionally filtered by segment and region.

    Args:
        source: demo, hubspot or salesforce (the last two must have been synced).
        segment: SMB, Mid-Market or Enterprise.
        region: NA, EMEA or APAC.
    """
    accounts = [
        a
        for a in _snapshot(source).accounts
        if (segment is None or a.segment == segment) and (region is None or a.region == region)
    ]
    return AccountList(source=source, accounts=accounts)


@tool("crm_deals")
def crm_deals(source: str = "demo", account_id: str | None = None, open_only: bool = False) -> DealList:
    """Deals with their stage history from the unified CRM model.

    Args:
        source: demo, hubspot or salesforce.
        account_id: only deals of this account.
        open_only: drop closed (won or lost) deals.
    """
    deals = [
        d
        for d in _snapshot(source).deals
        if (account_id is None or d.account_id == account_id) and not (open_only and d.is_closed)
    ]
    return DealList(source=source, deals=deals)


@tool("crm_activities")
def crm_activities(
    source: str = "demo", account_id: str | None = None, since: str | None = None
) -> ActivityList:
    """Calls, emails, meetings and notes logged in the CRM, newest first.

    Args:
        source: demo, hubspot or salesforce.
        account_id: only activities of this account.
        since: ISO date; only activities on or after it.
    """
    start = date.fromisoformat(since) if since else None
    acts = [
        a
        for a in _snapshot(source).activities
        if (account_id is None or a.account_id == account_id)
        and (start is None or (a.date and a.date >= start))
    ]
    return ActivityList(
        source=source, activities=sorted(acts, key=lambda a: a.date or date.min, reverse=True)
    )


@tool("gong_calls")
def gong_calls(from_date: str, to_date: str) -> GongCallList:
    """Gong calls started between two ISO-8601 datetimes (needs Gong credentials)."""
    from ..integrations.gong import GongClient

    return GongCallList(calls=GongClient().list_calls(from_date, to_date))


@tool("gong_transcript")
def gong_transcript(call_id: str) -> GongTranscript:
    """One Gong call's transcript and parties, in the Gong JSON shape the call-coach importer reads."""
    from ..integrations.gong import GongClient

    return GongTranscript.model_validate(GongClient().call_as_importer_json(call_id))


@tool("warehouse_query")
def warehouse_query(sql: str, params: list[str | int | float] | None = None, limit: int = 100) -> QueryResult:
    """Run one read-only SELECT on the warehouse (demo DuckDB by default), allow-listed tables only.

    Args:
        sql: a single SELECT; put values as ``?`` placeholders, never inline.
        params: values bound to the placeholders, in order.
        limit: maximum rows returned (capped by the configured row limit).
    """
    from ..integrations.snowflake import open_warehouse

    return open_warehouse().query(sql, params or [], limit)


@tool("slack_post_report", writes=True)
def slack_post_report(text: str, channel: str | None = None, thread_ts: str | None = None) -> PlannedWriteRef:
    """PLAN a Slack post of a report (nothing is sent until a human approves the returned write id).

    Args:
        text: the message (Slack mrkdwn).
        channel: channel id or name; default the configured channel.
        thread_ts: post as a reply in this thread.
    """
    from ..integrations.writes import plan_write

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]
    return _ref(
        plan_write(
            "slack",
            "post_message",
            {"channel": channel, "thread_ts": thread_ts},
            {"text": text, "blocks": blocks},
        )
    )


@tool("crm_update_field", writes=True)
def crm_update_field(
    system: str, object_type: str, record_id: str, field: str, value: str, current_value: str | None = None
) -> PlannedWriteRef:
    """PLAN a CRM field update and return its diff (nothing is sent until a human approves it).

    Args:
        system: hubspot or salesforce.
        object_type: HubSpot object type (companies, deals...) or Salesforce sObject (Account, Opportunity...).
        record_id: the record's id in that CRM.
        field: the CRM's own property / field API name.
        value: the new value.
        current_value: the value now, if known, for the diff.
    """
    from ..integrations.writes import plan_write

    before = {field: current_value} if current_value is not None else None
    if system == "hubspot":
        w = plan_write(
            "hubspot",
            "update_field",
            {"object_type": object_type, "object_id": record_id},
            {"properties": {field: value}},
            before,
        )
    elif system == "salesforce":
        w = plan_write(
            "salesforce",
            "update_field",
            {"sobject": object_type, "record_id": record_id},
            {"fields": {field: value}},
            before,
        )
    else:
        raise InputError(f"system: {system!r} is not a CRM (hubspot or salesforce)")
    return _ref(w)


@tool("crm_log_note", writes=True)
def crm_log_note(system: str, record_id: str, body: str, due_date: str | None = None) -> PlannedWriteRef:
    """PLAN a note (HubSpot, on a company) or follow-up task (Salesforce, on a record); nothing is sent yet.

    Args:
        system: hubspot or salesforce.
        record_id: HubSpot company id or Salesforce record id (WhatId).
        body: the note text / task subject.
        due_date: ISO date for the Salesforce task (default today).
    """
    from ..integrations.writes import plan_write

    if system == "hubspot":
        w = plan_write(
            "hubspot",
            "create_note",
            {"company_id": record_id},
            {"body": body, "timestamp": f"{due_date or date.today().isoformat()}T00:00:00Z"},
        )
    elif system == "salesforce":
        w = plan_write(
            "salesforce",
            "create_task",
            {"what_id": record_id},
            {"fields": {"Subject": body[:255], "ActivityDate": due_date or date.today().isoformat()}},
        )
    else:
        raise InputError(f"system: {system!r} is not a CRM (hubspot or salesforce)")
    return _ref(w)
