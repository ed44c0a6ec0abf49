"""Salesforce client on ``simple-salesforce``.

SOQL through ``query_all`` (which follows ``nextRecordsUrl``), incremental on ``SystemModstamp``; Account,
Contact, Opportunity with its OpportunityHistory, Task and Event; upsert by external id. The requests session
carries a bounded urllib3 retry (429/5xx, ``Retry-After`` honoured) and an optional CA bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
)

from ..errors import IntegrationError
from . import mappers
from .retry import auth_error, urllib3_retry
from .settings import IntegrationSettings, load_settings

AUTH_FIELDS = ["salesforce_access_token", "salesforce_instance_url"]

SOQL = {
    "owners": "SELECT Id, Name, Email, Title, Department, SystemModstamp FROM User",
    "accounts": (
        "SELECT Id, Name, Website, Industry, OwnerId, Segment__c, Region__c, ARR__c, Lifecycle_Stage__c, "
        "Renewal_Date__c, CreatedDate, SystemModstamp FROM Account"
    ),
    "contacts": "SELECT Id, AccountId, FirstName, LastName, Title, Email, Phone, SystemModstamp FROM Contact",
    "deals": (
        "SELECT Id, AccountId, Name, OwnerId, Amount, StageName, CloseDate, CreatedDate, IsClosed, IsWon, "
        "SystemModstamp, (SELECT StageName, CreatedDate FROM OpportunityHistories ORDER BY CreatedDate) "
        "FROM Opportunity"
    ),
    "tasks": (
        "SELECT Id, AccountId, WhoId, OwnerId, Subject, ActivityDate, TaskSubtype, SystemModstamp FROM Task"
    ),
    "events": "SELECT Id, AccountId, WhoId, OwnerId, Subject, ActivityDate, SystemModstamp FROM Event",
}


def soql_datetime(stamp: str) -> str:
    """A stored watermark as a SOQL datetime literal (second precision, floor: the sync re-reads the boundary)."""
    return stamp[:19] + "Z"


class _Session(requests.Session):
    """A session whose own ``verify`` (the configured CA bundle) wins over ``REQUESTS_CA_BUNDLE``."""

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        if verify is None and self.verify is not True:
            verify = self.verify
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


class SalesforceClient:
    """SOQL reads and sObject writes against ``salesforce_instance_url``."""

    def __init__(self, settings: IntegrationSettings | None = None, *, for_writes: bool = False):
        self.settings = s = settings or load_settings()
        session = _Session()
        retry = urllib3_retry(s)
        if for_writes:
            # Only a 429 is known not to have been applied; never resend a write after a 5xx.
            retry = retry.new(status_forcelist=(429,), allowed_methods=None)
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        if s.salesforce_ca_bundle:
            session.verify = s.salesforce_ca_bundle
        common = {"version": s.salesforce_api_version, "session": session}
        try:
            if s.salesforce_access_token and s.salesforce_instance_url:
                self.sf = Salesforce(
                    instance_url=s.salesforce_instance_url,
                    session_id=s.secret("salesforce_access_token"),
                    **common,
                )
            elif s.salesforce_username and s.salesforce_password:
                self.sf = Salesforce(
                    username=s.salesforce_username,
                    password=s.secret("salesforce_password"),
                    security_token=s.secret("salesforce_security_token"),
                    domain=s.salesforce_domain,
                    **common,
                )
            else:
                raise IntegrationError(
                    "salesforce: not configured; set SOPHIA_SALESFORCE_INSTANCE_URL and "
                    "SOPHIA_SALESFORCE_ACCESS_TOKEN (or SOPHIA_SALESFORCE_USERNAME / _PASSWORD / _SECURITY_TOKEN)"
                )
        except SalesforceAuthenticationFailed as exc:
            raise auth_error(
                "salesforce",
                ["salesforce_username", "salesforce_password", "salesforce_security_token"],
                s,
                exc.message,
            ) from None

    def _call(self, what: str, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except SalesforceExpiredSession:
            raise auth_error(
                "salesforce", AUTH_FIELDS, self.settings, f"session expired or invalid on {what}"
            ) from None
        except SalesforceError as exc:
            raise IntegrationError(
                f"salesforce: {what} failed: HTTP {exc.status} {self.settings.redact(exc.content)[:300]}"
            ) from None
        except requests.RequestException as exc:
            raise IntegrationError(
                f"salesforce: {what} failed after {self.settings.http_max_retries} retries: "
                f"{self.settings.redact(exc)}"
            ) from None

    def query_all(self, soql: str) -> list[dict]:
        """Every record of a SOQL query, following ``nextRecordsUrl`` pages."""
        return self._call("query", lambda: self.sf.query_all(soql))["records"]

    def upsert(self, sobject: str, external_id_field: str, external_id: str, data: dict[str, Any]) -> int:
        """Upsert ``sobject`` by external id (PATCH ``/sobjects/{obj}/{field}/{value}``); returns the HTTP status."""
        api = getattr(self.sf, sobject)
        return self._call(f"upsert {sobject}", lambda: api.upsert(f"{external_id_field}/{external_id}", data))

    def update(self, sobject: str, record_id: str, data: dict[str, Any]) -> int:
        """PATCH fields of one record (call only from an approved PlannedWrite)."""
        api = getattr(self.sf, sobject)
        return self._call(f"update {sobject}/{record_id}", lambda: api.update(record_id, data))

    def get(self, sobject: str, record_id: str) -> dict:
        """One record (used to compute a write's diff)."""
        api = getattr(self.sf, sobject)
        return self._call(f"read {sobject}/{record_id}", lambda: api.get(record_id))

    def create(self, sobject: str, data: dict[str, Any]) -> dict:
        """Create one record, e.g. a Task (call only from an approved PlannedWrite)."""
        api = getattr(self.sf, sobject)
        return self._call(f"create {sobject}", lambda: api.create(data))

    def ping(self) -> None:
        """Cheapest authenticated call, for ``integrations check``."""
        self._call("limits", lambda: self.sf.limits())

    def fetch(self, obj: str, since: str | None) -> list[tuple[Any, str | None]]:
        """Unified records of ``obj`` modified at or after ``since`` (SOQL ``SystemModstamp >=``)."""
        where = f" WHERE SystemModstamp >= {soql_datetime(since)}" if since else ""
        if obj == "activities":
            records = self.query_all(SOQL["tasks"] + where) + self.query_all(SOQL["events"] + where)
            return [mappers.salesforce_activity(r) for r in records]
        mapper = {
            "owners": mappers.salesforce_owner,
            "accounts": mappers.salesforce_account,
            "contacts": mappers.salesforce_contact,
            "deals": mappers.salesforce_deal,
        }.get(obj)
        if mapper is None:
            raise IntegrationError(f"salesforce: unknown CRM object {obj!r}")
        return [mapper(r) for r in self.query_all(SOQL[obj] + where)]
