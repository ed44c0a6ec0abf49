"""Fake Salesforce REST API v59.0 (SOQL query + nextRecordsUrl paging, sObject get/update/upsert, limits)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

from fake_crm_data import rows, stage_history
from fake_http import Reply, Request

TOKEN = "00D5e0000000001!AQ4AQTestSessionTokenValue"
V = "/services/data/v59.0"
MODIFIED = "2026-11-01T09:00:00.000+0000"
SUBTYPE = {"call": "Call", "email": "Email", "note": "Task"}


def sfid(prefix: str, n: int) -> str:
    return f"{prefix}5e000000{n:04d}AAA"


def _rec(sobject: str, rid: str, fields: dict[str, Any], modified: str = MODIFIED) -> dict:
    return {
        "attributes": {"type": sobject, "url": f"{V}/sobjects/{sobject}/{rid}"},
        "Id": rid,
        **fields,
        "SystemModstamp": modified,
    }


class SalesforceFake:
    """State + handler. ``page_size`` is the query batch size (real default 2000)."""

    def __init__(self, page_size: int = 2):
        self.page_size = page_size
        owners = {r["owner_id"]: sfid("005", i) for i, r in enumerate(rows("owners"), 1)}
        accts = {r["account_id"]: sfid("001", i) for i, r in enumerate(rows("accounts"), 1)}
        contacts = {r["contact_id"]: sfid("003", i) for i, r in enumerate(rows("contacts"), 1)}
        self.data: dict[str, list[dict]] = {
            "User": [],
            "Account": [],
            "Contact": [],
            "Opportunity": [],
            "Task": [],
            "Event": [],
        }
        for r in rows("owners"):
            self.data["User"].append(
                _rec(
                    "User",
                    owners[r["owner_id"]],
                    {"Name": r["name"], "Email": r["email"], "Department": r["team"]},
                )
            )
        for r in rows("accounts"):
            self.data["Account"].append(
                _rec(
                    "Account",
                    accts[r["account_id"]],
                    {
                        "Name": r["name"],
                        "Website": f"https://www.{r['domain']}",
                        "Industry": r["industry"],
                        "OwnerId": owners[r["owner_id"]],
                        "Segment__c": r["segment"],
                        "Region__c": r["region"],
                        "ARR__c": float(r["arr_usd"]),
                        "Lifecycle_Stage__c": r["lifecycle_stage"],
                        "Renewal_Date__c": r["renewal_date"],
                        "CreatedDate": r["created_date"] + "T08:00:00.000+0000",
                    },
                )
            )
        for r in rows("contacts"):
            self.data["Contact"].append(
                _rec(
                    "Contact",
                    contacts[r["contact_id"]],
                    {
                        "AccountId": accts[r["account_id"]],
                        "FirstName": r["first_name"],
                        "LastName": r["last_name"],
                        "Title": r["title"],
                        "Email": r["email"],
                        "Phone": r["phone"],
                    },
                )
            )
        hist = stage_history()
        for i, r in enumerate(rows("deals"), 1):
            oid = sfid("006", i)
            # OpportunityHistory also logs amount edits: a repeated stage row must not count as a stage change.
            h_rows = [
                {
                    "attributes": {"type": "OpportunityHistory"},
                    "StageName": h["stage"],
                    "CreatedDate": h["entered_date"] + "T12:00:00.000+0000",
                }
                for h in hist[r["deal_id"]]
            ]
            h_rows.insert(1, dict(h_rows[0], CreatedDate=h_rows[0]["CreatedDate"].replace("T12", "T13")))
            self.data["Opportunity"].append(
                _rec(
                    "Opportunity",
                    oid,
                    {
                        "AccountId": accts[r["account_id"]],
                        "Name": r["name"],
                        "OwnerId": owners[r["owner_id"]],
                        "Amount": float(r["amount_usd"]),
                        "StageName": r["stage"],
                        "CloseDate": r["close_date"],
                        "CreatedDate": r["created_date"] + "T09:30:00.000+0000",
                        "IsClosed": r["is_closed"] == "1",
                        "IsWon": r["is_won"] == "1",
                        "OpportunityHistories": {"totalSize": len(h_rows), "done": True, "records": h_rows},
                    },
                )
            )
        for i, r in enumerate(rows("activities"), 1):
            common = {
                "AccountId": accts[r["account_id"]],
                "WhoId": contacts[r["contact_id"]],
                "OwnerId": owners[r["owner_id"]],
                "Subject": r["subject"],
                "ActivityDate": r["date"],
            }
            if r["type"] == "meeting":
                self.data["Event"].append(_rec("Event", sfid("00U", i), common))
            else:
                self.data["Task"].append(
                    _rec("Task", sfid("00T", i), dict(common, TaskSubtype=SUBTYPE[r["type"]]))
                )
        self.cursors: dict[str, list[dict]] = {}
        self.writes: list[tuple[str, str, dict]] = []

    def _query(self, soql: str) -> list[dict]:
        outer = re.sub(r"\(SELECT[^)]*\)", "", soql, flags=re.IGNORECASE)
        sobject = re.search(r"\bFROM\s+(\w+)", outer, re.IGNORECASE).group(1)
        records = list(self.data[sobject])
        m = re.search(r"WHERE\s+SystemModstamp\s*>=\s*(\S+)", outer, re.IGNORECASE)
        if m:
            since = m.group(1).replace("Z", "")
            records = [r for r in records if r["SystemModstamp"][:19] >= since[:19]]
        return records

    def _batch(self, records: list[dict], start: int, key: str) -> dict:
        chunk = records[start : start + self.page_size]
        done = start + self.page_size >= len(records)
        out = {"totalSize": len(records), "done": done, "records": chunk}
        if not done:
            self.cursors[key] = records
            out["nextRecordsUrl"] = f"{V}/query/{key.split('-')[0]}-{start + self.page_size}"
        return out

    def __call__(self, req: Request) -> Reply:
        if req.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        path = req.path.rstrip("/")
        if path == f"{V}/limits":
            return Reply(200, {"DailyApiRequests": {"Max": 15000, "Remaining": 14999}})
        if path == f"{V}/query":
            soql = unquote_plus(req.param("q") or "")
            key = f"01gQ{len(self.cursors):04d}"
            return Reply(200, self._batch(self._query(soql), 0, key))
        m = re.fullmatch(rf"{V}/query/(01gQ\d+)-(\d+)", path)
        if m:
            key = m.group(1)
            records = self.cursors[key]
            return Reply(200, self._batch(records, int(m.group(2)), key))
        m = re.fullmatch(rf"{V}/sobjects/(\w+)/(\w+)/([\w-]+)", path)
        if m and req.method == "PATCH":  # upsert by external id
            self.writes.append(("upsert", f"{m.group(1)}/{m.group(2)}/{m.group(3)}", req.json()))
            return Reply(
                201,
                {"id": sfid("00T", 900 + len(self.writes)), "success": True, "errors": [], "created": True},
            )
        m = re.fullmatch(rf"{V}/sobjects/(\w+)/(\w+)", path)
        if m:
            rec = next((r for r in self.data.get(m.group(1), []) if r["Id"] == m.group(2)), None)
            if rec is None:
                return Reply(
                    404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
                )
            if req.method == "PATCH":
                rec.update(req.json())
                self.writes.append(("update", f"{m.group(1)}/{m.group(2)}", req.json()))
                return Reply(204, "")
            return Reply(200, rec)
        return Reply(404, [{"errorCode": "NOT_FOUND", "message": f"no route {path}"}])
