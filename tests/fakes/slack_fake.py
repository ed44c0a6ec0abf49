"""Fake Slack Web API (chat.postMessage, conversations.history paging, auth.test, external file upload)."""

from __future__ import annotations

from typing import Any

from fake_http import Reply, Request

TOKEN = "xoxb-fake-1111-2222-TestSlackBotToken"


class SlackFake:
    """State + handler; ``base`` must be set to the server URL (for upload URLs)."""

    def __init__(self, page_size: int = 2, n_messages: int = 5):
        self.base = ""
        self.page_size = page_size
        self.history = [
            {"type": "message", "user": "U0ANARUIZ1", "text": f"message {i}", "ts": f"17000000{i:02d}.000100"}
            for i in range(n_messages)
        ]
        self.posts: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []

    def _params(self, req: Request) -> dict[str, Any]:
        if "json" in req.headers.get("Content-Type", ""):
            return req.json()
        return req.form()

    def __call__(self, req: Request) -> Reply:
        if req.path.startswith("/upload/"):
            self.uploads.append(req.body)
            return Reply(200, f"OK - {len(req.body)}")
        auth = req.headers.get("Authorization", "")
        if auth != f"Bearer {TOKEN}":
            return Reply(200, {"ok": False, "error": "invalid_auth"})
        method = req.path.removeprefix("/api/")
        p = self._params(req)
        if method == "auth.test":
            return Reply(
                200,
                {
                    "ok": True,
                    "url": "https://payready.example/",
                    "team": "PayReady",
                    "user": "sophia",
                    "team_id": "T0PAYREADY",
                    "user_id": "U0SOPHIA01",
                    "bot_id": "B0SOPHIA01",
                },
            )
        if method == "chat.postMessage":
            ts = f"1700001{len(self.posts):03d}.000200"
            self.posts.append(p)
            msg = {
                "type": "message",
                "subtype": "bot_message",
                "text": p.get("text", ""),
                "ts": ts,
                "username": "sophia",
                "bot_id": "B0SOPHIA01",
            }
            if p.get("thread_ts"):
                msg["thread_ts"] = p["thread_ts"]
            return Reply(200, {"ok": True, "channel": p.get("channel"), "ts": ts, "message": msg})
        if method == "conversations.history":
            start = int(p.get("cursor") or 0)
            size = min(int(p.get("limit") or 100), self.page_size)
            page = self.history[start : start + size]
            more = start + size < len(self.history)
            return Reply(
                200,
                {
                    "ok": True,
                    "messages": page,
                    "has_more": more,
                    "pin_count": 0,
                    "channel_actions_ts": None,
                    "channel_actions_count": 0,
                    "response_metadata": {"next_cursor": str(start + size) if more else ""},
                },
            )
        if method == "files.getUploadURLExternal":
            return Reply(
                200,
                {
                    "ok": True,
                    "upload_url": f"{self.base}/upload/v1/ABC{len(self.uploads)}",
                    "file_id": f"F{len(self.uploads):04d}",
                },
            )
        if method == "files.completeUploadExternal":
            import json

            files = p.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            return Reply(
                200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
            )
        return Reply(200, {"ok": False, "error": "unknown_method"})
