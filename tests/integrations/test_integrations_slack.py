"""Slack client (slack-sdk WebClient against the local fake): paging, 429, 5xx, auth, Block Kit, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import fast_settings
from fake_http import Reply

from sophia_crew.errors import IntegrationError
from sophia_crew.integrations.slack import APPROVE, SlackClient, approval_blocks, parse_decision, parse_reply


def test_history_paging_over_three_pages(slack):
    messages = SlackClient(slack.settings).channel_history("C0REVOPS01", limit=2)
    assert [m["text"] for m in messages] == [f"message {i}" for i in range(5)]
    assert len(slack.seen("POST", "conversations.history")) == 3


def test_429_waits_retry_after_then_succeeds(slack):
    slack.inject("chat.postMessage", Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    out = SlackClient(slack.settings).post_blocks(
        "hi", [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    )
    assert out["channel"] == "C0REVOPS01"
    assert len(slack.seen("POST", "chat.postMessage")) == 2
    assert len(slack.fake.posts) == 1


def test_5xx_exhausted_is_a_clear_error(slack):
    slack.inject("auth.test", *[Reply(500, "Internal Server Error")] * 5)
    with pytest.raises(IntegrationError, match=r"slack: auth.test failed: HTTP 500"):
        SlackClient(slack.settings).ping()
    assert len(slack.seen("POST", "auth.test")) == 3


def test_invalid_token_names_the_setting_and_hides_the_token(slack):
    bad = "xoxb-fake-9999-expired-SecretValue"
    settings = fast_settings(slack_bot_token=bad, slack_base_url=slack.url + "/api/")
    with pytest.raises(IntegrationError) as err:
        SlackClient(settings).ping()
    assert "SOPHIA_SLACK_BOT_TOKEN" in str(err.value) and bad not in str(err.value)


def test_thread_reply_and_file_upload(slack, tmp_path: Path):
    client = SlackClient(slack.settings)
    parent = client.post_blocks("report", approval_blocks("w_1", "update ARR", "arr: 1 -> 2"))
    client.reply(parent["ts"], "details")
    assert slack.fake.posts[1]["thread_ts"] == parent["ts"]
    report = tmp_path / "report.md"
    report.write_text("# Pipeline\n")
    out = client.upload_file(str(report), channel="C0REVOPS01")
    assert out["file_id"] == "F0000"
    assert slack.fake.uploads == [b"# Pipeline\n"]
    assert [r.path for r in slack.requests][-3:] == [
        "/api/files.getUploadURLExternal",
        "/upload/v1/ABC0",
        "/api/files.completeUploadExternal",
    ]


def test_interaction_payload_and_reply_parsing():
    payload = {
        "type": "block_actions",
        "user": {"id": "U7", "username": "rita"},
        "actions": [{"action_id": APPROVE, "value": "w_abc"}],
    }
    assert parse_decision(json.dumps(payload)) == ("approve", "w_abc", "slack:rita")
    assert parse_decision("payload=" + json.dumps(payload).replace(" ", "+")) == (
        "approve",
        "w_abc",
        "slack:rita",
    )
    assert parse_reply("Reject w_abc", "U7") == ("reject", "w_abc", "slack:U7")
    assert parse_reply("looks good", "U7") is None
