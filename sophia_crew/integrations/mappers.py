"""Mappers from HubSpot objects, Salesforce records and demo-tenant CSV rows to the unified CRM model.

Each ``hubspot_*`` / ``salesforce_*`` mapper takes the raw record (plain dict) and returns ``(model,
modified_at)`` where ``modified_at`` is the source's ISO modification stamp used as sync watermark.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from ..errors import InputError
from .crm_models import Account, Activity, Contact, Deal, Owner, StageChange

HS = "hubspot"
SF = "salesforce"


def to_date(value: Any, field: str) -> date | None:
    """Parse an ISO date/datetime, epoch milliseconds, or date object; None for blank."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, tz=UTC).date()
        if len(text) == 10:
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))
        return parsed.astimezone(UTC).date() if parsed.tzinfo else parsed.date()
    except ValueError:
        raise InputError(f"{field}: not a date: {text!r}") from None


def stamp(value: Any) -> str | None:
    """Normalise a modification timestamp to ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (sortable as text)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00").replace("+0000", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _num(value: Any, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"{field}: not a number: {value!r}") from None


def _bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes"}


def _first_assoc(obj: dict, kind: str) -> str | None:
    results = ((obj.get("associations") or {}).get(kind) or {}).get("results") or []
    return str(results[0]["id"]) if results else None


def _domain(website: str | None) -> str | None:
    if not website:
        return None
    host = website.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.") or None


# ---------------------------------------------------------------- HubSpot
def hubspot_owner(o: dict) -> tuple[Owner, str | None]:
    """HubSpot owner (``/crm/v3/owners``) → Owner."""
    name = " ".join(p for p in (o.get("firstName"), o.get("lastName")) if p) or o.get("email") or str(o["id"])
    teams = o.get("teams") or []
    return (
        Owner(
            id=str(o["id"]),
            source=HS,
            name=name,
            email=o.get("email"),
            team=teams[0]["name"] if teams else None,
        ),
        stamp(o.get("updatedAt")),
    )


def hubspot_company(o: dict) -> tuple[Account, str | None]:
    """HubSpot company → Account (custom properties ``segment``, ``region``, ``arr``, ``renewal_date``)."""
    p = o.get("properties") or {}
    return (
        Account(
            id=str(o["id"]),
            source=HS,
            name=p.get("name") or "",
            domain=p.get("domain") or None,
            industry=p.get("industry") or None,
            segment=p.get("segment") or None,
            region=p.get("region") or None,
            owner_id=p.get("hubspot_owner_id") or None,
            arr_usd=_num(p.get("arr"), "company.arr"),
            lifecycle_stage=p.get("lifecyclestage") or None,
            renewal_date=to_date(p.get("renewal_date"), "company.renewal_date"),
            created_date=to_date(p.get("createdate"), "company.createdate"),
        ),
        stamp(o.get("updatedAt")),
    )


def hubspot_contact(o: dict) -> tuple[Contact, str | None]:
    """HubSpot contact (with ``companies`` association) → Contact."""
    p = o.get("properties") or {}
    return (
        Contact(
            id=str(o["id"]),
            source=HS,
            account_id=_first_assoc(o, "companies"),
            first_name=p.get("firstname") or None,
            last_name=p.get("lastname") or None,
            title=p.get("jobtitle") or None,
            email=p.get("email") or None,
            phone=p.get("phone") or None,
        ),
        stamp(o.get("updatedAt")),
    )


def hubspot_deal(o: dict, stage_labels: dict[str, str]) -> tuple[Deal, str | None]:
    """HubSpot deal (``propertiesWithHistory=dealstage``, ``companies`` association) → Deal.

    ``stage_labels`` maps pipeline stage ids to labels (from the pipelines API).
    """
    p = o.get("properties") or {}
    history = sorted(
        ((o.get("propertiesWithHistory") or {}).get("dealstage") or []),
        key=lambda h: str(stamp(h["timestamp"])),
    )
    stage_id = p.get("dealstage") or ""
    return (
        Deal(
            id=str(o["id"]),
            source=HS,
            account_id=_first_assoc(o, "companies"),
            name=p.get("dealname") or "",
            owner_id=p.get("hubspot_owner_id") or None,
            amount_usd=_num(p.get("amount"), "deal.amount"),
            stage=stage_labels.get(stage_id, stage_id),
            close_date=to_date(p.get("closedate"), "deal.closedate"),
            created_date=to_date(p.get("createdate"), "deal.createdate"),
            is_closed=_bool(p.get("hs_is_closed")),
            is_won=_bool(p.get("hs_is_closed_won")),
            stage_history=[
                StageChange(
                    stage=stage_labels.get(h["value"], h["value"]),
                    entered_date=to_date(h["timestamp"], "deal.dealstage.timestamp"),
                )
                for h in history
            ],
        ),
        stamp(o.get("updatedAt")),
    )


HUBSPOT_ENGAGEMENT_SUBJECT = {
    "calls": ("call", "hs_call_title"),
    "emails": ("email", "hs_email_subject"),
    "meetings": ("meeting", "hs_meeting_title"),
    "notes": ("note", "hs_note_body"),
}


def hubspot_engagement(kind: str, o: dict) -> tuple[Activity, str | None]:
    """HubSpot call/email/meeting/note object → Activity."""
    act_type, subject_prop = HUBSPOT_ENGAGEMENT_SUBJECT[kind]
    p = o.get("properties") or {}
    return (
        Activity(
            id=str(o["id"]),
            source=HS,
            type=act_type,
            account_id=_first_assoc(o, "companies"),
            contact_id=_first_assoc(o, "contacts"),
            owner_id=p.get("hubspot_owner_id") or None,
            date=to_date(p.get("hs_timestamp"), f"{kind}.hs_timestamp"),
            subject=p.get(subject_prop) or None,
        ),
        stamp(o.get("updatedAt")),
    )


# ---------------------------------------------------------------- Salesforce
def salesforce_owner(r: dict) -> tuple[Owner, str | None]:
    """Salesforce User → Owner."""
    return (
        Owner(
            id=r["Id"],
            source=SF,
            name=r.get("Name") or r["Id"],
            email=r.get("Email"),
            role=r.get("Title"),
            team=r.get("Department"),
        ),
        stamp(r.get("SystemModstamp")),
    )


def salesforce_account(r: dict) -> tuple[Account, str | None]:
    """Salesforce Account (custom fields ``Segment__c``, ``Region__c``, ``ARR__c``...) → Account."""
    return (
        Account(
            id=r["Id"],
            source=SF,
            name=r.get("Name") or "",
            domain=_domain(r.get("Website")),
            industry=r.get("Industry"),
            segment=r.get("Segment__c"),
            region=r.get("Region__c"),
            owner_id=r.get("OwnerId"),
            arr_usd=_num(r.get("ARR__c"), "Account.ARR__c"),
            lifecycle_stage=r.get("Lifecycle_Stage__c"),
            renewal_date=to_date(r.get("Renewal_Date__c"), "Account.Renewal_Date__c"),
            created_date=to_date(r.get("CreatedDate"), "Account.CreatedDate"),
        ),
        stamp(r.get("SystemModstamp")),
    )


def salesforce_contact(r: dict) -> tuple[Contact, str | None]:
    """Salesforce Contact → Contact."""
    return (
        Contact(
            id=r["Id"],
            source=SF,
            account_id=r.get("AccountId"),
            first_name=r.get("FirstName"),
            last_name=r.get("LastName"),
            title=r.get("Title"),
            email=r.get("Email"),
            phone=r.get("Phone"),
        ),
        stamp(r.get("SystemModstamp")),
    )


def salesforce_deal(r: dict) -> tuple[Deal, str | None]:
    """Salesforce Opportunity with its ``OpportunityHistories`` sub-query → Deal."""
    hist = ((r.get("OpportunityHistories") or {}).get("records")) or []
    changes: list[StageChange] = []
    for h in sorted(hist, key=lambda h: h["CreatedDate"]):
        if not changes or changes[-1].stage != h["StageName"]:  # history rows also log amount/date edits
            changes.append(
                StageChange(
                    stage=h["StageName"],
                    entered_date=to_date(h["CreatedDate"], "OpportunityHistory.CreatedDate"),
                )
            )
    return (
        Deal(
            id=r["Id"],
            source=SF,
            account_id=r.get("AccountId"),
            name=r.get("Name") or "",
            owner_id=r.get("OwnerId"),
            amount_usd=_num(r.get("Amount"), "Opportunity.Amount"),
            stage=r.get("StageName") or "",
            close_date=to_date(r.get("CloseDate"), "Opportunity.CloseDate"),
            created_date=to_date(r.get("CreatedDate"), "Opportunity.CreatedDate"),
            is_closed=bool(r.get("IsClosed")),
            is_won=bool(r.get("IsWon")),
            stage_history=changes,
        ),
        stamp(r.get("SystemModstamp")),
    )


SF_TASK_TYPES = {"Call": "call", "Email": "email"}


def salesforce_activity(r: dict) -> tuple[Activity, str | None]:
    """Salesforce Task (call/email/other→note) or Event (→meeting) → Activity."""
    is_event = (r.get("attributes") or {}).get("type") == "Event"
    act_type = "meeting" if is_event else SF_TASK_TYPES.get(r.get("TaskSubtype") or "", "note")
    return (
        Activity(
            id=r["Id"],
            source=SF,
            type=act_type,
            account_id=r.get("AccountId"),
            contact_id=r.get("WhoId"),
            owner_id=r.get("OwnerId"),
            date=to_date(r.get("ActivityDate"), "Task.ActivityDate"),
            subject=r.get("Subject"),
        ),
        stamp(r.get("SystemModstamp")),
    )
