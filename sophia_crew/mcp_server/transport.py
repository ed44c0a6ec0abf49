"""Streamable-HTTP transport: bearer-token auth (FastMCP's TokenVerifier) and per-token rate limits."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any

from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

from .server import SophiaMCP, build_server
from .tokens import TokenStore

log = logging.getLogger("sophia_crew.mcp")

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class StoreTokenVerifier:
    """``mcp`` TokenVerifier backed by :class:`TokenStore` (scopes: read, or read+write)."""

    def __init__(self, store: TokenStore):
        self.store = store

    async def verify_token(self, token: str) -> AccessToken | None:
        info = self.store.verify(token)
        if info is None:
            return None
        return AccessToken(token=token, client_id=info.id, scopes=info.scopes)


class TokenBuckets:
    """Token-bucket rate limits keyed by token id: ``rate_per_min`` requests a minute, bursts up to a tenth."""

    def __init__(self):
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate_per_min: int) -> float:
        """0 when the request may proceed, else the seconds to wait before retrying."""
        rate = rate_per_min / 60.0
        capacity = max(1.0, rate_per_min / 10.0)
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate


class RateLimitMiddleware:
    """ASGI middleware answering 429 (JSON error, ``Retry-After``) once a token exceeds its rate.

    Unknown or missing tokens pass through to the auth layer, which answers 401.
    """

    def __init__(self, app: Any, store: TokenStore, buckets: TokenBuckets | None = None):
        self.app, self.store = app, store
        self.buckets = buckets or TokenBuckets()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            auth = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            if auth[:7].lower() == "bearer ":
                info = self.store.verify(auth[7:].strip())
                wait = self.buckets.take(info.id, info.rate_per_min) if info else 0.0
                if wait > 0:
                    body = json.dumps({"error": "rate_limited", "error_description":
                                       f"token {info.id}: more than {info.rate_per_min} requests a minute; "
                                       f"retry in {wait:.1f} s", "retry_after_s": round(wait, 3)}).encode()
                    await send({"type": "http.response.start", "status": 429, "headers": [
                        (b"content-type", b"application/json"), (b"retry-after", str(max(1, round(wait))).encode()),
                        (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


def build_http_app(workspace: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 8765,
                   store: TokenStore | None = None, **kwargs: Any) -> tuple[Any, SophiaMCP]:
    """The ASGI app for ``/mcp`` (auth + rate limits) and its server. Callers need a token from the store."""
    store = store or TokenStore()
    server = build_server(
        workspace, host=host, port=port, token_verifier=StoreTokenVerifier(store),
        auth=AuthSettings(issuer_url=f"http://{'127.0.0.1' if host in LOOPBACK else host}:{port}",
                          resource_server_url=None, required_scopes=["read"]),
        **kwargs)
    return RateLimitMiddleware(server.streamable_http_app(), store), server


def _plain_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve_http(workspace: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 8765,
               log_level: str = "info", **kwargs: Any) -> None:
    """Serve MCP over streamable HTTP at ``http://host:port/mcp`` until interrupted (uvicorn).

    ``kwargs`` go to FastMCP, e.g. ``json_response=True`` (plain JSON instead of an SSE stream per call).
    """
    import uvicorn

    _plain_logging("WARNING" if log_level.lower() in ("warning", "error", "critical") else "INFO")
    if host not in LOOPBACK:
        log.warning("binding %s: the MCP server is reachable from other machines; put TLS in front of it", host)
    app, _ = build_http_app(workspace, host=host, port=port, **kwargs)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def serve_stdio(workspace: str | Path | None = None, *, scope: str = "read") -> None:
    """Serve MCP over stdio (for a local client that starts ``sophia mcp serve``)."""
    from .tokens import SCOPES

    _plain_logging("WARNING")  # stderr only: stdout carries the protocol
    build_server(workspace, local_scopes=set(SCOPES[scope])).run("stdio")
