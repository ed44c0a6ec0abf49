"""A consensus tie decided from Slack: the approval message reaches the (fake) Slack API with one button per
option; the click payload decides it once and completes the waiting run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "spine"))
import spine_support

from sophia_crew.errors import InputError
from sophia_crew.orchestration.slack_approvals import OPTION, handle_slack_action, post_approval
from sophia_crew.runner import kickoff
from sophia_crew.store.repo import RunStore


def test_consensus_tie_is_decided_by_a_slack_button(slack, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    result = kickoff("mini_tie", {"numbers_file": str(spine_support.MINI_WS / "numbers.txt")},
                     workspace=spine_support.MINI_WS)
    assert result.status == "waiting_approval"
    post_approval(result.approval_id, settings=slack.settings)
    [post] = slack.fake.posts
    buttons = post["blocks"][1]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["high", "low", "Reject"]
    click = {"type": "block_actions", "user": {"id": "U1", "username": "maria"},
             "actions": [{"action_id": f"{OPTION}_1", "value": buttons[1]["value"]}]}
    done = handle_slack_action(f"payload={json.dumps(click)}")
    assert done["status"] == "done" and done["decided_by"] == "slack:maria"
    run = RunStore().get_run(result.run_id)
    assert run["status"] == "succeeded" and run["result"]["consensus"]["human_decision"] == "low"
    with pytest.raises(InputError, match="already decided"):  # a second click does nothing
        handle_slack_action(click)


def test_planned_writes_wait_in_sophia_approvals_and_apply_once(slack, monkeypatch):
    from typer.testing import CliRunner

    from sophia_crew.cli import app
    from sophia_crew.integrations.writes import get_write, plan_write

    for key, value in {"SOPHIA_SLACK_BOT_TOKEN": slack.settings.secret("slack_bot_token"),
                       "SOPHIA_SLACK_BASE_URL": slack.url + "/api/", "SOPHIA_SLACK_CHANNEL": "C0REVOPS01",
                       "SOPHIA_HTTP_BACKOFF_SECONDS": "0.01"}.items():
        monkeypatch.setenv(key, value)
    write = plan_write("slack", "post_message", {"channel": "C0REVOPS01"}, {"text": "Weekly health digest"})
    runner = CliRunner()
    listed = runner.invoke(app, ["approvals", "list"])
    assert write.id in listed.output and "write" in listed.output
    assert slack.fake.posts == []  # planned, not sent
    out = runner.invoke(app, ["approvals", "approve", write.id, "--by", "ops"])
    assert out.exit_code == 0, out.output
    assert get_write(write.id).status == "applied" and len(slack.fake.posts) == 1
    again = runner.invoke(app, ["approvals", "approve", write.id, "--by", "ops"])
    assert len(slack.fake.posts) == 1 and "applied" in again.output  # a retry never sends twice
