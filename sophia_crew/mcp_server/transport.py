"""Streamable-HTTP transport: bearer-token auth (FastMCP's TokenVerifier) and per-token rate limits."""

from __future__ import annotations

import gc
import json
import logging
import os
import struct
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

from .scopes import SCOPES
from .server import SophiaMCP, build_server

if TYPE_CHECKING:  # the token store (SQLAlchemy) loads only when HTTP is served
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


def _refill(tokens: float, last: float, now: float, rate_per_min: int) -> tuple[float, float]:
    """One bucket step: ``(tokens left, seconds to wait)``; wait 0 means the request may proceed."""
    rate = rate_per_min / 60.0
    tokens = min(max(1.0, rate_per_min / 10.0), tokens + max(0.0, now - last) * rate)
    if tokens >= 1.0:
        return tokens - 1.0, 0.0
    return tokens, (1.0 - tokens) / rate


class TokenBuckets:
    """Token-bucket rate limits keyed by token id: ``rate_per_min`` requests a minute, bursts up to a tenth.

    In-process state: right for a single server process (the default). Several worker processes share
    :class:`SharedTokenBuckets` instead, so a token's budget is global and not multiplied by the workers.
    """

    def __init__(self):
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate_per_min: int) -> float:
        """0 when the request may proceed, else the seconds to wait before retrying."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (max(1.0, rate_per_min / 10.0), now))
            tokens, wait = _refill(tokens, last, now, rate_per_min)
            self._buckets[key] = (tokens, now)
        return wait


class SharedTokenBuckets:
    """The same token buckets in a small memory-mapped file shared by the server's worker processes.

    Each :meth:`take` is one read-modify-write of a 32-byte slot under an exclusive ``flock`` (a few
    microseconds), so the rate is enforced across all workers exactly as in one process. ``time.monotonic``
    is system-wide on Linux, so the processes agree on the clock. Slots are found by open addressing on a
    CRC of the token id (``hash()`` differs between processes); the table holds :attr:`SLOTS` tokens and is
    reset if that many distinct tokens were ever seen (only verified tokens reach it).

    Args:
        path: the file (created if missing); every worker of one server opens the same path.
    """

    SLOTS = 1024
    SLOT = struct.Struct("<16sdd")  # token id (NUL-padded), tokens left, last refill (monotonic s)

    def __init__(self, path: str | Path):
        import mmap

        self.path = Path(path)
        size = self.SLOTS * self.SLOT.size
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size)
        self._lock = threading.Lock()  # flock is per open file: threads of one process need their own lock

    def take(self, key: str, rate_per_min: int) -> float:
        """0 when the request may proceed, else the seconds to wait before retrying."""
        import fcntl

        name = key.encode("utf-8")[:16].ljust(16, b"\0")
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                now = time.monotonic()
                offset, tokens, last = self._slot(name, now, max(1.0, rate_per_min / 10.0))
                tokens, wait = _refill(tokens, last, now, rate_per_min)
                self.SLOT.pack_into(self._map, offset, name, tokens, now)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        return wait

    def _slot(self, name: bytes, now: float, capacity: float) -> tuple[int, float, float]:
        start = zlib.crc32(name) % self.SLOTS
        for i in range(self.SLOTS):
            offset = ((start + i) % self.SLOTS) * self.SLOT.size
            stored, tokens, last = self.SLOT.unpack_from(self._map, offset)
            if stored == name:
                return offset, tokens, last
            if stored == b"\0" * 16:
                return offset, capacity, now
        log.warning("rate-limit table full (%d tokens): resetting every bucket", self.SLOTS)
        self._map[:] = bytes(len(self._map))
        return start * self.SLOT.size, capacity, now

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


class RateLimitMiddleware:
    """ASGI middleware answering 429 (JSON error, ``Retry-After``) once a token exceeds its rate.

    Unknown or missing tokens pass through to the auth layer, which answers 401.
    """

    def __init__(self, app: Any, store: TokenStore, buckets: TokenBuckets | SharedTokenBuckets | None = None):
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
                   store: TokenStore | None = None, buckets: TokenBuckets | SharedTokenBuckets | None = None,
                   stateless: bool = False, json_response: bool = True, **kwargs: Any) -> tuple[Any, SophiaMCP]:
    """The ASGI app for ``/mcp`` (auth + rate limits) and its server. Callers need a token from the store.

    Args:
        workspace: workspace directory for crews (None: bundled / ``SOPHIA_WORKSPACE``).
        host: bind address (only used for the auth metadata's issuer URL).
        port: port (idem).
        store: token store (default: the run store's database).
        buckets: rate-limit state (default: in this process; :class:`SharedTokenBuckets` for workers).
        stateless: no MCP session between requests (``Mcp-Session-Id``): any worker can answer any request,
            server-to-client notifications outside a request are not available.
        json_response: one JSON body per call (default) instead of an SSE stream: cheaper; an SSE stream only
            carries progress messages during a call, which the tools and kickoffs do not send.
        **kwargs: passed to FastMCP.
    """
    if store is None:
        from .tokens import TokenStore

        store = TokenStore()
    server = build_server(
        workspace, host=host, port=port, token_verifier=StoreTokenVerifier(store), stateless_http=stateless,
        json_response=json_response,
        auth=AuthSettings(issuer_url=f"http://{'127.0.0.1' if host in LOOPBACK else host}:{port}",
                          resource_server_url=None, required_scopes=["read"]),
        **kwargs)
    return RateLimitMiddleware(server.streamable_http_app(), store, buckets), server


def _plain_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level.lower() != "debug":  # the SDK logs a line per request at INFO ("Processing request of type ...")
        logging.getLogger("mcp").setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))


ENV_CONFIG = "SOPHIA_MCP_HTTP_CONFIG"


def _freeze_startup_heap() -> None:
    """Move the ~300k objects of the loaded tools and libraries out of the cyclic GC's reach.

    They live as long as the server; left in place, every full collection walks them all (~0.3 s with the
    event loop stopped: the p99 of a busy server). Requests' own garbage is still collected as usual.
    """
    gc.collect()
    gc.freeze()


def http_app_from_env() -> Any:
    """ASGI app factory for uvicorn worker processes: the configuration comes from :data:`ENV_CONFIG`."""
    config = json.loads(os.environ[ENV_CONFIG])
    _plain_logging(config.pop("log_level"))
    buckets = SharedTokenBuckets(config.pop("buckets_path"))
    app, _ = build_http_app(config.pop("workspace"), buckets=buckets, **config)
    _freeze_startup_heap()
    return app


def check_http_options(workers: int, stateless: bool) -> None:
    """InputError unless ``workers`` / ``stateless`` make a valid HTTP server configuration."""
    from ..errors import InputError

    if workers < 1:
        raise InputError(f"--workers: must be at least 1, got {workers}")
    if workers > 1 and not stateless:
        raise InputError("--workers: more than one worker needs --stateless (an MCP session lives in one process)")


def serve_http(workspace: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 8765,
               log_level: str = "info", workers: int = 1, stateless: bool = False, json_response: bool = True,
               access_log: bool = True, **kwargs: Any) -> None:
    """Serve MCP over streamable HTTP at ``http://host:port/mcp`` until interrupted (uvicorn, uvloop, httptools).

    Args:
        workspace: workspace directory for crews.
        host: bind address (loopback by default).
        port: port.
        log_level: uvicorn / sophia log level (the SDK's per-request lines only at ``debug``).
        workers: server processes. More than one needs ``stateless=True`` (a stateful session lives in one
            process); the workers share the token store (database; each caches a verification for
            :data:`~.tokens.CACHE_TTL_S` s, so a revocation is effective everywhere within that bound) and one
            rate-limit table (:class:`SharedTokenBuckets`), so a token's rate is the same as with one process.
        stateless: see :func:`build_http_app`.
        json_response: answer each call with one JSON body (default) instead of an SSE stream.
        access_log: uvicorn's line per request.
        **kwargs: passed to FastMCP (JSON-serialisable when ``workers > 1``).
    """
    import uvicorn

    check_http_options(workers, stateless)
    level = "WARNING" if log_level.lower() in ("warning", "error", "critical") else log_level.upper()
    _plain_logging(level)
    if host not in LOOPBACK:
        log.warning("binding %s: the MCP server is reachable from other machines; put TLS in front of it", host)
    options = {"host": host, "port": port, "log_level": log_level, "access_log": access_log}
    if workers == 1:
        app, _ = build_http_app(workspace, host=host, port=port, stateless=stateless, json_response=json_response,
                                **kwargs)
        _freeze_startup_heap()
        uvicorn.run(app, **options)
        return
    from .tokens import TokenStore

    TokenStore()  # create the table once, before the workers race to
    with tempfile.TemporaryDirectory(prefix="sophia-mcp-") as tmp:
        os.environ[ENV_CONFIG] = json.dumps({
            "workspace": str(workspace) if workspace is not None else None, "host": host, "port": port,
            "log_level": level, "buckets_path": str(Path(tmp) / "rate_limits.bin"), "stateless": stateless,
            "json_response": json_response, **kwargs})
        uvicorn.run(f"{__name__}:http_app_from_env", factory=True, workers=workers, **options)


def serve_stdio(workspace: str | Path | None = None, *, scope: str = "read") -> None:
    """Serve MCP over stdio (for a local client that starts ``sophia mcp serve``)."""
    _plain_logging("WARNING")  # stderr only: stdout carries the protocol
    build_server(workspace, local_scopes=set(SCOPES[scope])).run("stdio")
