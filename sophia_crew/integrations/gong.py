"""Gong API v2 client over httpx (Gong has no official Python SDK).

Basic auth with access key + secret; cursor paging via ``records.cursor``; a client-side limiter keeps to
Gong's 3 calls/second and 10,000 calls/day, and 429 answers are retried after their ``Retry-After``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

import httpx

from ..errors import IntegrationError
from .results import GongCall, GongParty  # noqa: F401  (GongParty: re-exported from its old module)
from .retry import RetryableHTTP, auth_error, parse_retry_after, retrying
from .settings import IntegrationSettings, load_settings

AUTH_FIELDS = ["gong_access_key", "gong_access_key_secret"]


class RateLimiter:
    """Sliding one-second window plus a daily budget (Gong: 3/s, 10,000/day)."""

    def __init__(self, per_second: float, per_day: int):
        self.per_second = max(1, int(per_second))
        self.per_day = per_day
        self._recent: deque[float] = deque()
        self._day: tuple[str, int] = ("", 0)
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Block until a call is allowed; IntegrationError once the daily budget is spent."""
        with self._lock:
            today = datetime.now(UTC).strftime("%Y-%m-%d")
            day, used = self._day
            used = used if day == today else 0
            if used >= self.per_day:
                raise IntegrationError(
                    f"gong: daily API budget of {self.per_day} calls spent; retry tomorrow "
                    "or raise SOPHIA_GONG_CALLS_PER_DAY if your contract allows more"
                )
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.per_second:
                time.sleep(max(0.0, 1.0 - (now - self._recent[0])))
                self._recent.popleft()
            self._recent.append(time.monotonic())
            self._day = (today, used + 1)


class GongClient:
    """Thin typed client over the three Gong endpoints sophia_crew needs."""

    def __init__(
        self, settings: IntegrationSettings | None = None, transport: httpx.BaseTransport | None = None
    ):
        self.settings = settings or load_settings()
        s = self.settings
        if not (s.gong_access_key and s.gong_access_key_secret):
            raise IntegrationError(
                "gong: not configured; set SOPHIA_GONG_ACCESS_KEY and SOPHIA_GONG_ACCESS_KEY_SECRET"
            )
        self._http = httpx.Client(
            base_url=s.gong_base_url.rstrip("/"),
            auth=(s.secret("gong_access_key"), s.secret("gong_access_key_secret")),
            timeout=s.http_timeout_seconds,
            transport=transport,
        )
        self.limiter = RateLimiter(s.gong_calls_per_second, s.gong_calls_per_day)

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            self.limiter.acquire()
            try:
                resp = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                raise RetryableHTTP(0, None, self.settings.redact(exc)) from None
            if resp.status_code in (401, 403):
                raise auth_error("gong", AUTH_FIELDS, self.settings, f"HTTP {resp.status_code}")
            if resp.status_code == 429 or resp.status_code >= 500:
                raise RetryableHTTP(
                    resp.status_code,
                    parse_retry_after(resp.headers.get("Retry-After")),
                    f"HTTP {resp.status_code}",
                )
            if resp.status_code >= 400:
                raise IntegrationError(
                    f"gong: {method} {path} refused: HTTP {resp.status_code} {self.settings.redact(resp.text[:200])}"
                )
            return resp.json()

        try:
            return retrying(self.settings)(once)
        except RetryableHTTP as exc:
            raise IntegrationError(
                f"gong: {method} {path} failed after {self.settings.http_max_retries} retries ({exc})"
            ) from None

    def _paged(self, method: str, path: str, key: str, params: dict | None = None, body: dict | None = None):
        cursor: str | None = None
        while True:
            if method == "GET":
                query = dict(params or {}, **({"cursor": cursor} if cursor else {}))
                data = self._request("GET", path, params=query)
            else:
                payload = dict(body or {}, **({"cursor": cursor} if cursor else {}))
                data = self._request("POST", path, json=payload)
            yield from data.get(key, [])
            cursor = (data.get("records") or {}).get("cursor")
            if not cursor:
                return

    def list_calls(self, from_dt: str | None = None, to_dt: str | None = None) -> list[GongCall]:
        """Calls started in ``[from_dt, to_dt)`` (ISO-8601), following every cursor page."""
        params = {k: v for k, v in {"fromDateTime": from_dt, "toDateTime": to_dt}.items() if v}
        return [GongCall.model_validate(c) for c in self._paged("GET", "/v2/calls", "calls", params=params)]

    def calls_extensive(self, call_ids: list[str]) -> list[GongCall]:
        """Calls with their parties (``speakerId``, ``affiliation``) via ``/v2/calls/extensive``."""
        body = {
            "filter": {"callIds": list(call_ids)},
            "contentSelector": {"exposedFields": {"parties": True}},
        }
        out: list[GongCall] = []
        for rec in self._paged("POST", "/v2/calls/extensive", "calls", body=body):
            meta = dict(rec.get("metaData") or {})
            meta["parties"] = rec.get("parties") or []
            out.append(GongCall.model_validate(meta))
        return out

    def transcripts(self, call_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Transcript monologues per call id via ``/v2/calls/transcript``."""
        body = {"filter": {"callIds": list(call_ids)}}
        return {
            t["callId"]: t.get("transcript", [])
            for t in self._paged("POST", "/v2/calls/transcript", "callTranscripts", body=body)
        }

    def call_as_importer_json(self, call_id: str) -> dict[str, Any]:
        """One call in the sales-coach importer's Gong shape: ``{"callTranscripts": [...], "parties": [...]}``."""
        calls = self.calls_extensive([call_id])
        if not calls:
            raise IntegrationError(f"gong: call {call_id!r} not found")
        transcript = self.transcripts([call_id]).get(call_id, [])
        return {
            "callTranscripts": [{"callId": call_id, "transcript": transcript}],
            "parties": [p.model_dump(exclude_none=True) for p in calls[0].parties],
        }

    def ping(self) -> None:
        """Cheapest authenticated call (first page of calls), for ``integrations check``."""
        self._request("GET", "/v2/calls", params={"fromDateTime": "2000-01-01T00:00:00Z"})

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()
