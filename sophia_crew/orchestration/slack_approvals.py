"""Decide approvals from Slack: a message with one button per option (and Reject), and the click handler.

Planned CRM/Slack writes have their own Slack gate in :mod:`sophia_crew.integrations.writes`; this module
does the same for the approval queue (consensus ties, delegation plans): the click decides the approval
exactly once through :meth:`Approvals.decide`, which runs the resume handler.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from ..errors import IntegrationError
from .approvals import Approvals

OPTION = "sophia_approval_option"
REJECT = "sophia_approval_reject"


def approval_message(approval: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and Block Kit blocks for an approval."""
    payload = approval.get("payload") or {}
    options = payload.get("options") or ["approve"]
    lines = [f"*Approval needed* `{approval['id']}` ({approval['kind']}): {approval['title']}"]
    if payload.get("reason"):
        lines.append(f"Outcome so far: {payload['reason']}")
    for vote in payload.get("votes", [])[:10]:
        lines.append(f"• {vote['agent']}: {vote.get('decision')} ({vote.get('confidence', 0):.2f})")
    buttons = [{"type": "button", "action_id": f"{OPTION}_{i}", "text": {"type": "plain_text", "text": o},
                "value": json.dumps({"id": approval["id"], "decision": o})} for i, o in enumerate(options)]
    buttons.append({"type": "button", "action_id": REJECT, "style": "danger",
                    "text": {"type": "plain_text", "text": "Reject"}, "value": json.dumps({"id": approval["id"]})})
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}},
              {"type": "actions", "block_id": f"sophia_approval_{approval['id']}", "elements": buttons}]
    return lines[0], blocks


def post_approval(approval_id: str, *, url: str | None = None, settings: Any = None,
                  channel: str | None = None) -> dict[str, Any]:
    """Post the approval with its decision buttons to Slack (the gate's own message, sent directly)."""
    from ..integrations.slack import SlackClient

    text, blocks = approval_message(Approvals(url).get(approval_id))
    return SlackClient(settings, for_writes=True).post_blocks(text, blocks, channel=channel)


def handle_slack_action(payload: dict[str, Any] | str, *, url: str | None = None) -> dict[str, Any]:
    """Decide the approval named by a Slack ``block_actions`` payload (dict, JSON or ``payload=`` form body)."""
    if isinstance(payload, str):
        form = parse_qs(payload)
        payload = json.loads(form["payload"][0] if "payload" in form else payload)
    action = next((a for a in payload.get("actions") or []
                   if str(a.get("action_id", "")).startswith(OPTION) or a.get("action_id") == REJECT), None)
    if action is None:
        raise IntegrationError("slack: interaction carries no sophia approval action")
    value = json.loads(action["value"])
    user = payload.get("user") or {}
    who = f"slack:{user.get('username') or user.get('name') or user.get('id') or 'unknown'}"
    approve = action["action_id"] != REJECT
    return Approvals(url).decide(value["id"], approve=approve, by=who,
                                 decision=value.get("decision") if approve else None)
