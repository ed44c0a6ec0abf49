"""One CRM model for every source (HubSpot, Salesforce, the demo tenant).

Crews read these models whichever CRM the user has. Ids are the source system's ids; ``source`` says which.
Dates are ``datetime.date``; money is USD floats.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    source: str


class Owner(_Record):
    """A CRM user who owns accounts or deals."""

    name: str
    email: str | None = None
    role: str | None = None
    team: str | None = None


class Account(_Record):
    """A customer or prospect company."""

    name: str
    domain: str | None = None
    industry: str | None = None
    segment: str | None = None
    region: str | None = None
    owner_id: str | None = None
    arr_usd: float | None = None
    lifecycle_stage: str | None = None
    renewal_date: dt.date | None = None
    created_date: dt.date | None = None


class Contact(_Record):
    """A person at an account."""

    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None


class StageChange(BaseModel):
    """One stage a deal entered, and when."""

    model_config = ConfigDict(extra="forbid")

    stage: str
    entered_date: dt.date


class Deal(_Record):
    """An opportunity, with the chronological history of the stages it entered."""

    account_id: str | None = None
    name: str
    owner_id: str | None = None
    amount_usd: float | None = None
    stage: str
    close_date: dt.date | None = None
    created_date: dt.date | None = None
    is_closed: bool = False
    is_won: bool = False
    stage_history: list[StageChange] = Field(default_factory=list)


class Activity(_Record):
    """A logged call, email, meeting or note."""

    type: str  # call | email | meeting | note
    account_id: str | None = None
    contact_id: str | None = None
    owner_id: str | None = None
    date: dt.date | None = None
    subject: str | None = None


class CrmSnapshot(BaseModel):
    """Every record of one source, as fetched (input of :func:`sophia_crew.integrations.sync.sync_crm`)."""

    owners: list[Owner] = Field(default_factory=list)
    accounts: list[Account] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    deals: list[Deal] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)


CRM_OBJECTS: dict[str, type[_Record]] = {
    "owners": Owner,
    "accounts": Account,
    "contacts": Contact,
    "deals": Deal,
    "activities": Activity,
}
