"""Safe writes: dry-run by default, nothing sent without approval, sent once with approval, audit log."""

from __future__ import annotations

import json

import pytest
from conftest import (
    fast_settings,  # tests/integrations/conftest.py (imported while this folder leads sys.path)
)
from fake_http import Reply

from sophia_crew.errors import InputError, IntegrationError
from sophia_crew.integrations.slack import APPROVE, REJECT
from sophia_crew.integrations.writes import (
    apply_write,
    audit_log,
    get_write,
    handle_slack_decision,
    list_writes,
    plan_write,
    request_approval,
)


def test_planned_write_never_reaches_the_fake_and_apply_sends_once(hubspot, db_url):
    w = plan_write(
        "hubspot",
        "update_field",
        {"object_type": "companies", "object_id": "2002"},
        {"properties": {"arr": "120000"}},
        before={"arr": "96000"},
        url=db_url,
    )
    assert w.status == "planned"
    assert (
        w.diff_text() == f'[{w.id}] hubspot update_field companies/2002 (planned)\n  arr: "96000" -> "120000"'
    )
    assert hubspot.requests == []  # planning is offline
    again = plan_write(
        "hubspot",
        "update_field",
        {"object_type": "companies", "object_id": "2002"},
        {"properties": {"arr": "120000"}},
        url=db_url,
    )
    assert again.id == w.id  # same write planned twice is one row

    with pytest.raises(InputError, match="approver is required"):
        apply_write(w.id, "", db_url, hubspot.settings)
    assert hubspot.requests == []

    done = apply_write(w.id, "rita", db_url, hubspot.settings)
    retry = apply_write(w.id, "rita", db_url, hubspot.settings)
    assert done.status == retry.status == "applied"
    assert hubspot.fake.updates == [("update", "companies/2002", {"arr": "120000"})]
    assert len(hubspot.seen("PATCH")) == 1
    actions = [a["action"] for a in audit_log(w.id, db_url)]
    assert actions == ["planned", "approved", "applied", "apply_skipped"]


def test_slack_post_applied_once_despite_a_429_and_a_repeat(slack, db_url):
    w = plan_write(
        "slack", "post_message", {"channel": "C0REVOPS01"}, {"text": "Pipeline report"}, url=db_url
    )
    slack.inject("chat.postMessage", Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    apply_write(w.id, "cli:rita", db_url, slack.settings)
    apply_write(w.id, "cli:rita", db_url, slack.settings)
    assert [p["text"] for p in slack.fake.posts] == ["Pipeline report"]
    assert get_write(w.id, db_url).result["channel"] == "C0REVOPS01"


def test_write_that_fails_with_5xx_is_not_resent_and_error_is_redacted(slack, db_url):
    w = plan_write("slack", "post_message", {"channel": "C0REVOPS01"}, {"text": "hello"}, url=db_url)
    slack.inject("chat.postMessage", Reply(500, "Internal Server Error"))
    with pytest.raises(IntegrationError, match="HTTP 500"):
        apply_write(w.id, "rita", db_url, slack.settings)
    assert len(slack.seen("POST", "chat.postMessage")) == 1  # no blind resend of a maybe-delivered post
    stored = get_write(w.id, db_url)
    assert stored.status == "failed" and slack.settings.secret("slack_bot_token") not in stored.error


def test_salesforce_task_is_an_upsert_on_the_idempotency_key(salesforce, db_url):
    w = plan_write(
        "salesforce",
        "create_task",
        {"what_id": "0065e0000000002AAA"},
        {"fields": {"Subject": "Send revised order form", "ActivityDate": "2026-11-20"}},
        url=db_url,
    )
    apply_write(w.id, "rita", db_url, salesforce.settings)
    kind, path, body = salesforce.fake.writes[0]
    assert kind == "upsert" and path == f"Task/Sophia_External_Id__c/{w.idempotency_key[:32]}"
    assert body["WhatId"] == "0065e0000000002AAA"


def test_slack_buttons_approve_and_reject_pending_writes(hubspot, db_url):
    a = plan_write(
        "hubspot",
        "update_field",
        {"object_type": "companies", "object_id": "2001"},
        {"properties": {"segment": "Mid-Market"}},
        url=db_url,
    )
    b = plan_write(
        "hubspot",
        "update_field",
        {"object_type": "companies", "object_id": "2003"},
        {"properties": {"segment": "SMB"}},
        url=db_url,
    )
    click = {
        "type": "block_actions",
        "user": {"id": "U7", "username": "rita"},
        "actions": [{"action_id": APPROVE, "value": a.id}],
    }
    assert handle_slack_decision(json.dumps(click), db_url, hubspot.settings).status == "applied"
    click["actions"] = [{"action_id": REJECT, "value": b.id}]
    assert handle_slack_decision(click, db_url, hubspot.settings).status == "rejected"
    with pytest.raises(InputError, match="rejected"):
        apply_write(b.id, "rita", db_url, hubspot.settings)
    assert hubspot.fake.updates == [("update", "companies/2001", {"segment": "Mid-Market"})]
    assert get_write(a.id, db_url).approver == "slack:rita"
    assert {w.status for w in list_writes(url=db_url)} == {"applied", "rejected"}


def test_approval_request_then_button_click_applies_once(slack, db_url):
    w = plan_write(
        "slack", "post_message", {"channel": "C0REVOPS01"}, {"text": "Forecast: $1.2M commit"}, url=db_url
    )
    sent = request_approval(w.id, db_url, slack.settings)
    ask = slack.fake.posts[0]
    blocks = json.loads(ask["blocks"]) if isinstance(ask["blocks"], str) else ask["blocks"]
    buttons = blocks[-1]["elements"]
    assert [b["action_id"] for b in buttons] == [APPROVE, REJECT] and buttons[0]["value"] == w.id
    click = {"user": {"username": "rita"}, "actions": [{"action_id": APPROVE, "value": w.id}]}
    handle_slack_decision(click, db_url, slack.settings)
    handle_slack_decision(click, db_url, slack.settings)  # double click
    assert [p["text"] for p in slack.fake.posts[1:]] == ["Forecast: $1.2M commit"]
    assert sent["ts"] and "approval_requested" in [a["action"] for a in audit_log(w.id, db_url)]


def test_slack_interaction_signature_is_verified():
    import time

    from slack_sdk.signature import SignatureVerifier

    from sophia_crew.integrations.slack import verify_request

    settings = fast_settings(slack_signing_secret="8f742231b10e8888abcd99yyyzzz85a5")
    body = "payload=%7B%7D"
    ts = str(int(time.time()))
    sig = SignatureVerifier("8f742231b10e8888abcd99yyyzzz85a5").generate_signature(timestamp=ts, body=body)
    verify_request(settings, body, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
    with pytest.raises(IntegrationError, match="signature invalid"):
        verify_request(settings, body, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=deadbeef"})
