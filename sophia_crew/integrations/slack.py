"""Slack client on the official ``slack-sdk`` WebClient.

Posts Block Kit reports, thread replies and files (``files_upload_v2``: getUploadURLExternal → upload →
completeUploadExternal), and approval messages whose buttons (or a ``approve <id>`` reply) approve or reject
a pending write. 429s are retried by the SDK's RateLimitErrorRetryHandler, 5xx by ServerErrorRetryHandler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from ..errors import IntegrationError
from .retry import auth_error
from .settings import IntegrationSettings, load_settings

AUTH_FIELDS = ["slack_bot_token"]
AUTH_ERRORS = {"invalid_auth", "not_authed", "token_expired", "token_revoked", "account_inactive"}
APPROVE, REJECT = "sophia_approve_write", "sophia_reject_write"


class SlackClient:
    """Typed wrapper of ``slack_sdk.WebClient`` pointed at ``slack_base_url``."""

    def __init__(self, settings: IntegrationSettings | None = None, *, for_writes: bool = False):
        self.settings = s = settings or load_settings()
        if not s.slack_bot_token:
            raise IntegrationError("slack: not configured; set SOPHIA_SLACK_BOT_TOKEN")
        base = s.slack_base_url if s.slack_base_url.endswith("/") else s.slack_base_url + "/"
        handlers = [RateLimitErrorRetryHandler(max_retry_count=s.http_max_retries)]
        if not for_writes:
            # A post answered with a 5xx may have been delivered: writes never resend on 5xx.
            handlers.append(
                ServerErrorRetryHandler(
                    max_retry_count=s.http_max_retries,
                    interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=s.http_backoff_seconds),
                )
            )
        self.web = WebClient(
            token=s.secret("slack_bot_token"),
            base_url=base,
            timeout=int(s.http_timeout_seconds),
            retry_handlers=handlers,
        )

    def _call(self, what: str, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except SlackApiError as exc:
            error = (exc.response.data or {}).get("error") if isinstance(exc.response.data, dict) else None
            status = exc.response.status_code
            if error in AUTH_ERRORS or status == 401:
                raise auth_error(
                    "slack", AUTH_FIELDS, self.settings, f"{error or status} on {what}"
                ) from None
            raise IntegrationError(
                f"slack: {what} failed: HTTP {status} {error or ''} (after up to {self.settings.http_max_retries} "
                "retries)".replace("  ", " ")
            ) from None
        except SlackClientError as exc:
            raise IntegrationError(f"slack: {what} failed: {self.settings.redact(exc)}") from None

    def _channel(self, channel: str | None) -> str:
        chan = channel or self.settings.slack_channel
        if not chan:
            raise IntegrationError("slack: no channel given; pass one or set SOPHIA_SLACK_CHANNEL")
        return chan

    def post_blocks(
        self,
        text: str,
        blocks: list[dict] | None = None,
        channel: str | None = None,
        thread_ts: str | None = None,
    ) -> dict:
        """``chat.postMessage`` with Block Kit ``blocks`` (``text`` is the notification fallback)."""
        chan = self._channel(channel)
        resp = self._call(
            "chat.postMessage",
            lambda: self.web.chat_postMessage(channel=chan, text=text, blocks=blocks, thread_ts=thread_ts),
        )
        return {"channel": resp["channel"], "ts": resp["ts"]}

    def reply(self, thread_ts: str, text: str, channel: str | None = None) -> dict:
        """Reply in the thread of message ``thread_ts``."""
        return self.post_blocks(text, None, channel, thread_ts=thread_ts)

    def upload_file(
        self, path: str, title: str | None = None, channel: str | None = None, thread_ts: str | None = None
    ) -> dict:
        """Upload a Markdown/PNG file with ``files_upload_v2`` and share it in ``channel``."""
        file = Path(path)
        if not file.is_file():
            raise IntegrationError(f"slack: file to upload not found: {file}")
        chan = self._channel(channel)
        resp = self._call(
            "files.upload_v2",
            lambda: self.web.files_upload_v2(
                file=str(file),
                filename=file.name,
                title=title or file.name,
                channel=chan,
                thread_ts=thread_ts,
            ),
        )
        files = resp.get("files") or [resp.get("file")]
        return {"file_id": files[0]["id"] if files and files[0] else None}

    def channel_history(self, channel: str, limit: int = 200) -> list[dict]:
        """Every message of ``channel`` (``conversations.history``, cursor paging)."""
        out: list[dict] = []
        pages = self._call(
            "conversations.history", lambda: self.web.conversations_history(channel=channel, limit=limit)
        )
        while True:
            out.extend(pages.get("messages", []))
            cursor = (pages.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return out
            pages = self._call(
                "conversations.history",
                lambda cursor=cursor: self.web.conversations_history(
                    channel=channel, limit=limit, cursor=cursor
                ),
            )

    def ping(self) -> None:
        """``auth.test``, for ``integrations check``."""
        self._call("auth.test", self.web.auth_test)


def approval_blocks(write_id: str, summary: str, diff_text: str) -> list[dict]:
    """Block Kit for an approval request: the diff plus Approve / Reject buttons carrying the write id."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Approval needed* `{write_id}`: {summary}"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"```{diff_text[:2900]}```"}},
        {
            "type": "actions",
            "block_id": f"sophia_write_{write_id}",
            "elements": [
                {
                    "type": "button",
                    "action_id": APPROVE,
                    "style": "primary",
                    "value": write_id,
                    "text": {"type": "plain_text", "text": "Approve"},
                },
                {
                    "type": "button",
                    "action_id": REJECT,
                    "style": "danger",
                    "value": write_id,
                    "text": {"type": "plain_text", "text": "Reject"},
                },
            ],
        },
    ]


def verify_request(settings: IntegrationSettings, body: str, headers: dict[str, str]) -> None:
    """Check Slack's request signature with ``slack_signing_secret``; IntegrationError when it does not match."""
    if not settings.slack_signing_secret:
        raise IntegrationError("slack: cannot verify interaction; set SOPHIA_SLACK_SIGNING_SECRET")
    verifier = SignatureVerifier(settings.secret("slack_signing_secret"))
    if not verifier.is_valid_request(body, headers):
        raise IntegrationError("slack: interaction signature invalid (check SOPHIA_SLACK_SIGNING_SECRET)")


def parse_decision(payload: dict[str, Any] | str) -> tuple[str, str, str]:
    """``(decision, write_id, user)`` from a block_actions payload (dict, JSON, or ``payload=`` form body)."""
    if isinstance(payload, str):
        form = parse_qs(payload)
        payload = json.loads(form["payload"][0] if "payload" in form else payload)
    actions = payload.get("actions") or []
    action = next((a for a in actions if a.get("action_id") in (APPROVE, REJECT)), None)
    if action is None:
        raise IntegrationError("slack: interaction carries no approve/reject action")
    user = payload.get("user") or {}
    who = user.get("username") or user.get("name") or user.get("id") or "unknown"
    return ("approve" if action["action_id"] == APPROVE else "reject", action["value"], f"slack:{who}")


REPLY = re.compile(r"^\s*(approve|reject)\s+(\S+)\s*$", re.IGNORECASE)


def parse_reply(text: str, user: str) -> tuple[str, str, str] | None:
    """``(decision, write_id, user)`` from a reply like ``approve w_ab12``; None for any other text."""
    m = REPLY.match(text or "")
    return (m.group(1).lower(), m.group(2), f"slack:{user}") if m else None
