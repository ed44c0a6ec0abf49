"""The fakes' answers must fit the official Salesforce and Slack API specs (../shared/data/api_specs)."""

from __future__ import annotations

import json
from functools import lru_cache

import jsonschema
import pytest
from fake_http import Request
from salesforce_fake import SalesforceFake
from slack_fake import TOKEN, SlackFake

JSON_TYPES = {str: "string", float: "number", int: "integer", bool: "boolean"}


@lru_cache(maxsize=1)
def _sf_schemas(path: str) -> dict:
    return json.loads(open(path, encoding="utf-8").read())["components"]["schemas"]


@pytest.mark.parametrize("sobject", ["User", "Account", "Contact", "Opportunity", "Task", "Event"])
def test_salesforce_fake_fields_exist_in_the_sobject_spec(shared_data, sobject):
    spec = _sf_schemas(str(shared_data("api_specs", "salesforce", "salesforce_sobjects_rest.oas.json")))
    props = spec[f"{sobject}SObject"]["properties"]
    history = spec["OpportunityHistorySObject"]["properties"]
    checked = 0
    for record in SalesforceFake().data[sobject]:
        for field, value in record.items():
            if field in ("attributes", "OpportunityHistories") or field.endswith("__c"):
                continue  # envelope, child relationship, custom fields of the org
            assert field in props, f"{sobject}.{field} not in the spec"
            spec_type = props[field].get("type")
            got = JSON_TYPES[type(value)]
            assert got == spec_type or (got == "number" and spec_type in ("number", "integer")), (
                sobject,
                field,
            )
            checked += 1
        for h in (record.get("OpportunityHistories") or {}).get("records", []):
            assert {"StageName", "CreatedDate"} <= set(history)
            assert all(f in history for f in h if f != "attributes")
    assert checked > 0


def _relaxed(schema):
    """The 2020 Slack spec forbids extra fields; newer API answers carry more (see SOURCES.md)."""
    if isinstance(schema, dict):
        return {k: _relaxed(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [_relaxed(v) for v in schema]
    return schema


def _call(fake: SlackFake, method: str, params: dict) -> dict:
    req = Request(
        "POST",
        f"/api/{method}",
        {},
        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        json.dumps(params).encode(),
    )
    return fake(req).body


@pytest.mark.parametrize(
    "method, http, params",
    [
        ("chat.postMessage", "post", {"channel": "C0REVOPS01", "text": "hi"}),
        (
            "chat.postMessage",
            "post",
            {"channel": "C0REVOPS01", "text": "hi", "thread_ts": "1700000001.000100"},
        ),
        ("conversations.history", "get", {"channel": "C0REVOPS01", "limit": 2}),
        ("auth.test", "get", {}),
    ],
)
def test_slack_fake_answers_match_the_web_api_spec(shared_data, method, http, params):
    spec = json.loads(
        shared_data("api_specs", "slack", "slack_web_openapi_v2.json").read_text(encoding="utf-8")
    )
    schema = _relaxed(spec["paths"][f"/{method}"][http]["responses"]["200"]["schema"])
    schema["definitions"] = _relaxed(spec["definitions"])
    jsonschema.Draft4Validator(schema).validate(_call(SlackFake(), method, params))  # Swagger 2 = draft 4


def test_slack_fake_error_matches_the_spec_error_shape(shared_data):
    spec = json.loads(
        shared_data("api_specs", "slack", "slack_web_openapi_v2.json").read_text(encoding="utf-8")
    )
    schema = _relaxed(spec["paths"]["/auth.test"]["get"]["responses"]["default"]["schema"])
    schema["definitions"] = _relaxed(spec["definitions"])
    fake = SlackFake()
    body = fake(Request("POST", "/api/auth.test", {}, {"Authorization": "Bearer wrong"}, b"")).body
    jsonschema.Draft4Validator(schema).validate(body)
