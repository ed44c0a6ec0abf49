"""Gong client (httpx) against respx routes speaking Gong API v2 shapes."""

from __future__ import annotations

import httpx
import pytest
import respx
from conftest import fast_settings

from sophia_crew.errors import IntegrationError
from sophia_crew.integrations.gong import GongClient

BASE = "https://gong.fake"
KEY, SECRET = "GONGKEY123", "gong-secret-value-xyz"


def settings(**kw):
    return fast_settings(
        gong_base_url=BASE,
        gong_access_key=KEY,
        gong_access_key_secret=SECRET,
        gong_calls_per_second=100,
        **kw,
    )


def _calls_page(ids, cursor=None):
    records = {"totalRecords": 5, "currentPageSize": len(ids), "currentPageNumber": 0}
    if cursor:
        records["cursor"] = cursor
    return {
        "requestId": "r1",
        "records": records,
        "calls": [
            {"id": i, "title": f"Call {i}", "started": "2026-11-02T15:00:00Z", "duration": 1800} for i in ids
        ],
    }


@respx.mock
def test_list_calls_follows_the_cursor_over_three_pages():
    route = respx.get(f"{BASE}/v2/calls").mock(
        side_effect=[
            httpx.Response(200, json=_calls_page(["1", "2"], "c2")),
            httpx.Response(200, json=_calls_page(["3", "4"], "c3")),
            httpx.Response(200, json=_calls_page(["5"])),
        ]
    )
    calls = GongClient(settings()).list_calls("2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z")
    assert [c.id for c in calls] == ["1", "2", "3", "4", "5"]
    sent = [dict(c.request.url.params) for c in route.calls]
    assert sent[0] == {"fromDateTime": "2026-11-01T00:00:00Z", "toDateTime": "2026-11-15T00:00:00Z"}
    assert [s.get("cursor") for s in sent] == [None, "c2", "c3"]
    assert route.calls[0].request.headers["Authorization"].startswith("Basic ")


@respx.mock
def test_429_waits_retry_after_then_succeeds():
    route = respx.get(f"{BASE}/v2/calls").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}, json={"errors": ["rate limited"]}),
            httpx.Response(200, json=_calls_page(["1"])),
        ]
    )
    assert [c.id for c in GongClient(settings()).list_calls()] == ["1"]
    assert route.call_count == 2


@respx.mock
def test_5xx_exhausted_is_a_clear_error():
    route = respx.post(f"{BASE}/v2/calls/transcript").mock(return_value=httpx.Response(503))
    with pytest.raises(IntegrationError, match=r"gong: POST /v2/calls/transcript failed after 2 retries"):
        GongClient(settings()).transcripts(["1"])
    assert route.call_count == 3


@respx.mock
def test_auth_failure_names_the_settings_and_hides_the_secret():
    respx.get(f"{BASE}/v2/calls").mock(
        return_value=httpx.Response(401, json={"errors": ["Invalid credentials"]})
    )
    with pytest.raises(IntegrationError) as err:
        GongClient(settings()).list_calls()
    msg = str(err.value)
    assert "SOPHIA_GONG_ACCESS_KEY" in msg and "SOPHIA_GONG_ACCESS_KEY_SECRET" in msg
    assert SECRET not in msg and KEY not in msg


@respx.mock
def test_daily_budget_is_enforced_client_side():
    respx.get(f"{BASE}/v2/calls").mock(return_value=httpx.Response(200, json=_calls_page(["1"])))
    client = GongClient(settings(gong_calls_per_day=2))
    client.list_calls()
    client.list_calls()
    with pytest.raises(IntegrationError, match="daily API budget of 2 calls"):
        client.list_calls()


@respx.mock
def test_extensive_and_transcript_convert_to_the_importer_shape():
    ext = respx.post(f"{BASE}/v2/calls/extensive").mock(
        return_value=httpx.Response(
            200,
            json={
                "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
                "calls": [
                    {
                        "metaData": {
                            "id": "77",
                            "title": "Discovery",
                            "started": "2026-11-02T15:00:00Z",
                            "duration": 1500,
                        },
                        "parties": [
                            {"id": "p1", "speakerId": "s1", "name": "Ana Ruiz", "affiliation": "Internal"},
                            {"id": "p2", "speakerId": "s2", "name": "Eli Moss", "affiliation": "External"},
                        ],
                    }
                ],
            },
        )
    )
    respx.post(f"{BASE}/v2/calls/transcript").mock(
        return_value=httpx.Response(
            200,
            json={
                "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
                "callTranscripts": [
                    {
                        "callId": "77",
                        "transcript": [
                            {
                                "speakerId": "s1",
                                "topic": "Intro",
                                "sentences": [{"start": 0, "end": 4200, "text": "Hi Eli."}],
                            }
                        ],
                    }
                ],
            },
        )
    )
    out = GongClient(settings()).call_as_importer_json("77")
    body = ext.calls[0].request.content
    assert b'"callIds":["77"]' in body and b'"parties":true' in body
    assert out["callTranscripts"][0]["transcript"][0]["sentences"][0]["end"] == 4200
    assert [(p["speakerId"], p["affiliation"]) for p in out["parties"]] == [
        ("s1", "Internal"),
        ("s2", "External"),
    ]


@respx.mock
def test_round_trip_of_a_demo_gong_file_into_the_importer_shape():
    import csv
    import json

    from sophia_crew.resources import demo_path

    index = demo_path("calls", "index.csv")
    if not index.is_file():
        pytest.skip("embedded demo tenant not written yet")
    row = next(r for r in csv.DictReader(index.open()) if r["format"] == "gong_json")
    original = json.loads(demo_path("calls", row["file"]).read_text())
    call_id = original["callTranscripts"][0]["callId"]
    respx.post(f"{BASE}/v2/calls/extensive").mock(
        return_value=httpx.Response(
            200,
            json={
                "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
                "calls": [{"metaData": {"id": call_id}, "parties": original["parties"]}],
            },
        )
    )
    respx.post(f"{BASE}/v2/calls/transcript").mock(return_value=httpx.Response(200, json=original))
    out = GongClient(settings()).call_as_importer_json(call_id)
    assert out == {"callTranscripts": original["callTranscripts"], "parties": original["parties"]}
