"""Fake HubSpot CRM v3 API (owners, objects list/get/update/create, search, pipelines) over the test tenant."""

from __future__ import annotations

import re
from typing import Any

from fake_crm_data import MODIFIED, rows, stage_history
from fake_http import Reply, Request

TOKEN = "pat-na1-test-0123456789abcdef"
STAGE_IDS = {
    "Prospecting": "appointmentscheduled",
    "Discovery": "qualifiedtobuy",
    "Demo": "presentationscheduled",
    "Proposal": "decisionmakerboughtin",
    "Negotiation": "contractsent",
    "Closed Won": "closedwon",
    "Closed Lost": "closedlost",
}
ENGAGEMENT = {
    "call": ("calls", "hs_call_title"),
    "email": ("emails", "hs_email_subject"),
    "meeting": ("meetings", "hs_meeting_title"),
    "note": ("notes", "hs_note_body"),
}


def _obj(
    oid: str,
    props: dict[str, Any],
    assoc: dict[str, list[str]] | None = None,
    history: dict[str, list[dict]] | None = None,
    updated: str = MODIFIED,
) -> dict:
    out: dict[str, Any] = {
        "id": oid,
        "properties": {k: v for k, v in props.items()},
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": updated,
        "archived": False,
    }
    if assoc:
        out["associations"] = {
            k: {"results": [{"id": i, "type": f"x_to_{k}"} for i in ids]} for k, ids in assoc.items()
        }
    if history:
        out["propertiesWithHistory"] = history
    return out


class HubSpotFake:
    """State + request handler. ``page_size`` caps every page (real HubSpot caps at 100)."""

    def __init__(self, page_size: int = 2):
        self.page_size = page_size
        self.owner_ids = {r["owner_id"]: str(100 + i) for i, r in enumerate(rows("owners"), 1)}
        self.company_ids = {r["account_id"]: str(2000 + i) for i, r in enumerate(rows("accounts"), 1)}
        self.contact_ids = {r["contact_id"]: str(3000 + i) for i, r in enumerate(rows("contacts"), 1)}
        self.owners = [
            {
                "id": self.owner_ids[r["owner_id"]],
                "email": r["email"],
                "firstName": r["name"].split()[0],
                "lastName": r["name"].split()[1],
                "userId": 900 + i,
                "type": "PERSON",
                "createdAt": "2025-01-01T00:00:00Z",
                "updatedAt": MODIFIED,
                "archived": False,
                "teams": [{"id": str(70 + i), "name": r["team"], "primary": True}],
            }
            for i, r in enumerate(rows("owners"), 1)
        ]
        self.objects: dict[str, list[dict]] = {
            "companies": [],
            "contacts": [],
            "deals": [],
            "calls": [],
            "emails": [],
            "meetings": [],
            "notes": [],
        }
        for r in rows("accounts"):
            self.objects["companies"].append(
                _obj(
                    self.company_ids[r["account_id"]],
                    {
                        "name": r["name"],
                        "domain": r["domain"],
                        "industry": r["industry"],
                        "segment": r["segment"],
                        "region": r["region"],
                        "hubspot_owner_id": self.owner_ids[r["owner_id"]],
                        "arr": r["arr_usd"],
                        "lifecyclestage": r["lifecycle_stage"],
                        "renewal_date": r["renewal_date"],
                        "createdate": r["created_date"] + "T08:00:00Z",
                    },
                )
            )
        for r in rows("contacts"):
            self.objects["contacts"].append(
                _obj(
                    self.contact_ids[r["contact_id"]],
                    {
                        "firstname": r["first_name"],
                        "lastname": r["last_name"],
                        "jobtitle": r["title"],
                        "email": r["email"],
                        "phone": r["phone"],
                    },
                    {"companies": [self.company_ids[r["account_id"]]]},
                )
            )
        hist = stage_history()
        for i, r in enumerate(rows("deals"), 1):
            changes = [
                {
                    "value": STAGE_IDS[h["stage"]],
                    "timestamp": h["entered_date"] + "T12:00:00.000Z",
                    "sourceType": "CRM_UI",
                }
                for h in reversed(hist[r["deal_id"]])
            ]  # HubSpot: newest first
            self.objects["deals"].append(
                _obj(
                    str(4000 + i),
                    {
                        "dealname": r["name"],
                        "amount": r["amount_usd"],
                        "dealstage": STAGE_IDS[r["stage"]],
                        "closedate": r["close_date"] + "T00:00:00Z",
                        "createdate": r["created_date"] + "T09:30:00Z",
                        "hubspot_owner_id": self.owner_ids[r["owner_id"]],
                        "hs_is_closed": "true" if r["is_closed"] == "1" else "false",
                        "hs_is_closed_won": "true" if r["is_won"] == "1" else "false",
                    },
                    {"companies": [self.company_ids[r["account_id"]]]},
                    {"dealstage": changes},
                )
            )
        for i, r in enumerate(rows("activities"), 1):
            kind, subject_prop = ENGAGEMENT[r["type"]]
            self.objects[kind].append(
                _obj(
                    str(5000 + i),
                    {
                        subject_prop: r["subject"],
                        "hs_timestamp": r["date"] + "T15:00:00Z",
                        "hubspot_owner_id": self.owner_ids[r["owner_id"]],
                    },
                    {
                        "companies": [self.company_ids[r["account_id"]]],
                        "contacts": [self.contact_ids[r["contact_id"]]],
                    },
                )
            )
        self.updates: list[tuple[str, str, dict]] = []

    def _page(self, items: list[dict], req: Request) -> dict:
        start = int(req.param("after") or 0)
        limit = min(int(req.param("limit") or 100), self.page_size)
        out: dict[str, Any] = {"results": items[start : start + limit]}
        if start + limit < len(items):
            out["paging"] = {"next": {"after": str(start + limit), "link": "?after=" + str(start + limit)}}
        return out

    def __call__(self, req: Request) -> Reply:
        auth = req.headers.get("Authorization", "")
        if auth != f"Bearer {TOKEN}":
            return Reply(
                401,
                {
                    "status": "error",
                    "message": "The OAuth token used to make this call expired.",
                    "correlationId": "c0ffee",
                    "category": "EXPIRED_AUTHENTICATION",
                },
            )
        path = req.path
        if path == "/crm/v3/owners/" or path == "/crm/v3/owners":
            return Reply(200, self._page(self.owners, req))
        if path == "/crm/v3/pipelines/deals":
            stages = [
                {
                    "id": sid,
                    "label": label,
                    "displayOrder": i,
                    "metadata": {"isClosed": "false"},
                    "createdAt": "2025-01-01T00:00:00Z",
                    "updatedAt": "2025-01-01T00:00:00Z",
                    "archived": False,
                    "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                }
                for i, (label, sid) in enumerate(STAGE_IDS.items())
            ]
            return Reply(
                200,
                {
                    "results": [
                        {
                            "id": "default",
                            "label": "Sales Pipeline",
                            "displayOrder": 0,
                            "stages": stages,
                            "createdAt": "2025-01-01T00:00:00Z",
                            "updatedAt": "2025-01-01T00:00:00Z",
                            "archived": False,
                        }
                    ]
                },
            )
        m = re.fullmatch(r"/crm/v3/objects/(\w+)/search", path)
        if m and req.method == "POST":
            body = req.json()
            items = self.objects[m.group(1)]
            for f in (body.get("filterGroups") or [{}])[0].get("filters", []):
                if f["operator"] == "EQ":
                    items = [o for o in items if o["properties"].get(f["propertyName"]) == f["value"]]
                elif f["operator"] == "GTE":
                    items = [o for o in items if o["updatedAt"] >= f["value"]]
            start = int(body.get("after") or 0)
            page = self._page(
                items,
                Request(
                    "POST", path, {"after": [str(start)], "limit": [str(body.get("limit") or 100)]}, {}, b""
                ),
            )
            return Reply(200, {"total": len(items), **page})
        m = re.fullmatch(r"/crm/v3/objects/(\w+)", path)
        if m and req.method == "GET":
            return Reply(200, self._page(self.objects[m.group(1)], req))
        if m and req.method == "POST":
            body = req.json()
            obj = _obj(str(9000 + len(self.updates)), body.get("properties") or {})
            self.updates.append(("create", m.group(1), body))
            return Reply(201, obj)
        m = re.fullmatch(r"/crm/v3/objects/(\w+)/(\w+)", path)
        if m:
            obj = next((o for o in self.objects.get(m.group(1), []) if o["id"] == m.group(2)), None)
            if obj is None:
                return Reply(
                    404, {"status": "error", "message": "resource not found", "category": "OBJECT_NOT_FOUND"}
                )
            if req.method == "PATCH":
                props = req.json()["properties"]
                obj["properties"].update(props)
                self.updates.append(("update", f"{m.group(1)}/{m.group(2)}", props))
            return Reply(200, obj)
        return Reply(404, {"status": "error", "message": f"no route {path}", "category": "OBJECT_NOT_FOUND"})
