"""HubSpot CRM client on the official ``hubspot-api-client`` SDK.

Reads companies, contacts, deals (with stage history), owners and engagements (calls, emails, meetings,
notes) with their associations, paging with ``after``; exposes the CRM search API; writes (property update,
note creation) only through :mod:`sophia_crew.integrations.writes`. 429/5xx are retried by the SDK's urllib3
retry (bounded, ``Retry-After`` honoured).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from hubspot import HubSpot
from hubspot.crm.objects import (
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from ..errors import IntegrationError
from . import mappers
from .retry import auth_error, urllib3_retry
from .settings import IntegrationSettings, load_settings

AUTH_FIELDS = ["hubspot_access_token"]
PAGE_LIMIT = 100

COMPANY_PROPS = [
    "name",
    "domain",
    "industry",
    "segment",
    "region",
    "hubspot_owner_id",
    "arr",
    "lifecyclestage",
    "renewal_date",
    "createdate",
    "hs_lastmodifieddate",
]
CONTACT_PROPS = ["firstname", "lastname", "jobtitle", "email", "phone", "hs_lastmodifieddate"]
DEAL_PROPS = [
    "dealname",
    "amount",
    "dealstage",
    "closedate",
    "createdate",
    "hubspot_owner_id",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_lastmodifieddate",
]
ENGAGEMENT_PROPS = {
    "calls": ["hs_call_title", "hs_timestamp", "hubspot_owner_id"],
    "emails": ["hs_email_subject", "hs_timestamp", "hubspot_owner_id"],
    "meetings": ["hs_meeting_title", "hs_timestamp", "hubspot_owner_id"],
    "notes": ["hs_note_body", "hs_timestamp", "hubspot_owner_id"],
}


class HubSpotClient:
    """Typed reads over the HubSpot SDK pointed at ``hubspot_base_url``."""

    def __init__(self, settings: IntegrationSettings | None = None, *, for_writes: bool = False):
        self.settings = s = settings or load_settings()
        if not s.hubspot_access_token:
            raise IntegrationError("hubspot: not configured; set SOPHIA_HUBSPOT_ACCESS_TOKEN")
        retry = urllib3_retry(s)
        if for_writes:
            # A 5xx after a POST may have been applied; only 429 (refused before processing) is safe to resend.
            retry = retry.new(status_forcelist=(429,), allowed_methods=None)
        self.api = HubSpot(
            access_token=s.secret("hubspot_access_token"), retry=retry, host=s.hubspot_base_url.rstrip("/")
        )
        # Turns SDK models back into the API's JSON shape (camelCase keys, ISO datetimes), recursively.
        self._json = self.api.crm.objects.basic_api.api_client.sanitize_for_serialization

    def _call(self, what: str, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except Exception as exc:
            status = getattr(exc, "status", None)
            if status == 401 or status == 403:
                raise auth_error("hubspot", AUTH_FIELDS, self.settings, f"HTTP {status} on {what}") from None
            if status is not None:
                raise IntegrationError(
                    f"hubspot: {what} failed: HTTP {status} {getattr(exc, 'reason', '')} "
                    f"(after up to {self.settings.http_max_retries} retries)"
                ) from None
            raise IntegrationError(f"hubspot: {what} failed: {self.settings.redact(exc)}") from None

    def _pages(self, what: str, fetch: Callable[[str | None], Any]) -> Iterator[dict]:
        after: str | None = None
        while True:
            page = self._call(what, lambda after=after: fetch(after))
            for obj in page.results or []:
                yield self._json(obj)
            nxt = page.paging.next if page.paging else None
            if not nxt or not nxt.after:
                return
            after = nxt.after

    def objects(
        self,
        object_type: str,
        properties: list[str],
        associations: list[str] | None = None,
        history: list[str] | None = None,
    ) -> Iterator[dict]:
        """Every object of ``object_type`` (companies, contacts, deals, calls, ...) as plain dicts."""
        basic = self.api.crm.objects.basic_api

        def fetch(after: str | None) -> Any:
            kwargs: dict[str, Any] = {"limit": PAGE_LIMIT, "properties": properties}
            if after:
                kwargs["after"] = after
            if associations:
                kwargs["associations"] = associations
            if history:
                kwargs["properties_with_history"] = history
            return basic.get_page(object_type, **kwargs)

        return self._pages(f"list {object_type}", fetch)

    def owners(self) -> Iterator[dict]:
        """Every CRM owner as plain dicts."""
        api = self.api.crm.owners.owners_api
        return self._pages(
            "list owners", lambda after: api.get_page(limit=PAGE_LIMIT, **({"after": after} if after else {}))
        )

    def deal_stage_labels(self) -> dict[str, str]:
        """Deal pipeline stage id → label across every deal pipeline."""
        res = self._call("list deal pipelines", lambda: self.api.crm.pipelines.pipelines_api.get_all("deals"))
        return {st.id: st.label for p in res.results or [] for st in p.stages or []}

    def search(
        self,
        object_type: str,
        filters: list[dict],
        properties: list[str] | None = None,
        sorts: list[str] | None = None,
    ) -> list[dict]:
        """CRM search API (``POST /crm/v3/objects/{type}/search``), AND of ``filters``, every page."""
        api = self.api.crm.objects.search_api

        def fetch(after: str | None) -> Any:
            req = PublicObjectSearchRequest(
                filter_groups=[{"filters": filters}],
                properties=properties or [],
                sorts=sorts or [],
                limit=PAGE_LIMIT,
                after=after,
            )
            return api.do_search(object_type, public_object_search_request=req)

        return list(self._pages(f"search {object_type}", fetch))

    def get(self, object_type: str, object_id: str, properties: list[str]) -> dict:
        """One object with ``properties`` (used to compute a write's diff)."""
        obj = self._call(
            f"read {object_type}/{object_id}",
            lambda: self.api.crm.objects.basic_api.get_by_id(object_type, object_id, properties=properties),
        )
        return self._json(obj)

    def update(self, object_type: str, object_id: str, properties: dict[str, Any]) -> dict:
        """PATCH an object's properties (call only from an approved PlannedWrite)."""
        body = SimplePublicObjectInput(properties=properties)
        obj = self._call(
            f"update {object_type}/{object_id}",
            lambda: self.api.crm.objects.basic_api.update(object_type, object_id, body),
        )
        return self._json(obj)

    def create_note(self, body: str, timestamp: str, company_id: str | None = None) -> dict:
        """Create a note, associated to a company when given (call only from an approved PlannedWrite)."""
        associations = (
            []
            if not company_id
            else [
                {
                    "to": {"id": company_id},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 190}],
                }
            ]
        )
        req = SimplePublicObjectInputForCreate(
            properties={"hs_note_body": body, "hs_timestamp": timestamp}, associations=associations
        )
        return self._json(
            self._call("create note", lambda: self.api.crm.objects.basic_api.create("notes", req))
        )

    def ping(self) -> None:
        """Cheapest authenticated call, for ``integrations check``."""
        self._call("list owners", lambda: self.api.crm.owners.owners_api.get_page(limit=1))

    # ------------------------------------------------------------ unified model
    def fetch(self, obj: str, since: str | None) -> list[tuple[Any, str | None]]:
        """Unified records of ``obj`` (owners, accounts, ...) modified at or after ``since``."""
        if obj == "owners":
            rows = [mappers.hubspot_owner(o) for o in self.owners()]
        elif obj == "accounts":
            rows = [mappers.hubspot_company(o) for o in self.objects("companies", COMPANY_PROPS)]
        elif obj == "contacts":
            rows = [
                mappers.hubspot_contact(o) for o in self.objects("contacts", CONTACT_PROPS, ["companies"])
            ]
        elif obj == "deals":
            labels = self.deal_stage_labels()
            rows = [
                mappers.hubspot_deal(o, labels)
                for o in self.objects("deals", DEAL_PROPS, ["companies"], history=["dealstage"])
            ]
        elif obj == "activities":
            rows = [
                mappers.hubspot_engagement(kind, o)
                for kind, props in ENGAGEMENT_PROPS.items()
                for o in self.objects(kind, props, ["companies", "contacts"])
            ]
        else:
            raise IntegrationError(f"hubspot: unknown CRM object {obj!r}")
        # The list endpoints cannot filter by modification time; the watermark still skips unchanged rows.
        return [(m, ts) for m, ts in rows if since is None or ts is None or ts >= since]
