"""Polite HTTP fetcher on httpx: robots.txt, per-host rate limit, tenacity retries, conditional requests, cache.

Every page (live site or the offline demo served by :func:`serve.serve_directory`) goes through
:meth:`Fetcher.fetch`; there is no special case for local files.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Self
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from sophia_crew.errors import InputError, IntegrationError

from .cache import CacheEntry, PageCache
from .encoding import decode_body
from .models import FetchResult
from .serve import serve_directory  # noqa: F401  (offline demo helper, re-exported)

USER_AGENT = "sophia-crew/0.1 (+research)"
ROBOTS_AGENT = "sophia-crew"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/json",
    "application/ld+json",
)


class FetchError(IntegrationError):
    """A page could not be fetched. ``reason`` is a stable code, the message says what happened and where.

    Reasons: robots_disallowed, robots_unavailable, rate_limited, http_error, redirect_loop,
    too_many_redirects, too_large, content_type, network.
    """

    def __init__(self, url: str, reason: str, message: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {message}")


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and politeness settings. Defaults suit live sites; tests and the demo shrink the waits."""

    user_agent: str = USER_AGENT
    max_bytes: int = 5 * 1024 * 1024
    allowed_types: tuple[str, ...] = DEFAULT_TYPES
    max_redirects: int = 5
    timeout: float = 15.0
    min_interval: float = 1.0
    max_crawl_delay: float = 10.0
    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 30.0
    respect_robots: bool = True
    cache_max_age: float = 0.0


class _Retryable(Exception):
    def __init__(self, status: int, retry_after: float | None):
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"HTTP {status}")


@dataclass
class _Raw:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """Fetch pages politely. Use as a context manager or call :meth:`close`.

    Args:
        cache_dir: page cache directory (default ``$SOPHIA_HOME/research/cache``).
        policy: limits and waits.
        transport: optional httpx transport (tests).
        sleep: sleep function used for rate limiting and retry waits (tests pass a recorder).
        clock: monotonic clock used for rate limiting.
    """

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.policy = policy or FetchPolicy()
        if cache_dir is None:
            from sophia_crew.resources import data_dir

            cache_dir = data_dir() / "research" / "cache"
        self.cache = PageCache(cache_dir)
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent},
            timeout=self.policy.timeout,
            follow_redirects=False,
            transport=transport,
        )
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self.sleeps: list[float] = []
        # tools may share one fetcher across threads; pacing and robots state must stay consistent
        self._lock = threading.RLock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- politeness ---------------------------------------------------------------------------

    def _do_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._sleep(seconds)

    def _interval(self, origin: str) -> float:
        robots = self._robots.get(origin)
        delay = robots.crawl_delay(ROBOTS_AGENT) if robots is not None else None
        return max(self.policy.min_interval, min(float(delay or 0), self.policy.max_crawl_delay))

    def _wait_turn(self, origin: str) -> None:
        with self._lock:
            last = self._last_request.get(origin)
            if last is not None:
                remaining = self._interval(origin) - (self._clock() - last)
                if remaining > 0:
                    self._do_sleep(remaining)
            self._last_request[origin] = self._clock()

    def allowed(self, url: str) -> bool:
        """True when robots.txt of the URL's host lets our user agent fetch it."""
        if not self.policy.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin)
            robots = self._robots[origin]
        if robots is None:
            raise FetchError(url, "robots_unavailable", f"robots.txt of {origin} unavailable; not fetching")
        return robots.can_fetch(ROBOTS_AGENT, url)

    def _load_robots(self, origin: str) -> RobotFileParser | None:
        parser = RobotFileParser(origin + "/robots.txt")
        url = origin + "/robots.txt"
        try:
            for _ in range(self.policy.max_redirects + 1):
                raw = self._request(url, {}, check_type=False, limit=512 * 1024)
                if raw.status in REDIRECT_STATUSES and raw.headers.get("location"):
                    url = urljoin(url, raw.headers["location"])
                    continue
                break
        except FetchError as exc:
            if exc.reason in ("network", "rate_limited", "http_error"):
                return None
            raise
        if raw.status in (401, 403):
            parser.disallow_all = True
        elif 400 <= raw.status < 500:
            parser.allow_all = True
        elif raw.status >= 500 or raw.status in REDIRECT_STATUSES:
            return None  # RFC 9309: an unreachable robots.txt means "assume complete disallow"
        else:
            parser.parse(raw.body.decode("utf-8", errors="replace").splitlines())
        return parser

    # -- HTTP -----------------------------------------------------------------------------------

    def _wait_for(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        return wait_exponential(multiplier=self.policy.backoff_base, max=self.policy.backoff_max)(state)

    def _request(
        self, url: str, headers: dict[str, str], *, check_type: bool, limit: int | None = None
    ) -> _Raw:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.max_attempts),
            wait=self._wait_for,
            retry=retry_if_exception_type((_Retryable, httpx.TimeoutException, httpx.TransportError)),
            sleep=self._do_sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, origin, headers, check_type, limit or self.policy.max_bytes)
        except _Retryable as exc:
            reason = "rate_limited" if exc.status == 429 else "http_error"
            raise FetchError(
                url, reason, f"HTTP {exc.status} after {self.policy.max_attempts} attempts; giving up"
            ) from None
        except httpx.TimeoutException:
            raise FetchError(url, "network", f"timed out after {self.policy.max_attempts} attempts") from None
        except httpx.TransportError as exc:
            raise FetchError(url, "network", f"network error: {type(exc).__name__}: {exc}") from None

    def _attempt(self, url: str, origin: str, headers: dict[str, str], check_type: bool, limit: int) -> _Raw:
        self._wait_turn(origin)
        with self._client.stream("GET", url, headers=headers) as resp:
            if resp.status_code in RETRY_STATUSES:
                retry_after = parse_retry_after(resp.headers.get("retry-after"))
                if retry_after is not None and retry_after > self.policy.max_retry_after:
                    raise FetchError(
                        url,
                        "rate_limited",
                        f"HTTP {resp.status_code}: server asks to retry after {retry_after:.0f} s "
                        f"(more than the {self.policy.max_retry_after:.0f} s we wait); giving up",
                    )
                raise _Retryable(resp.status_code, retry_after)
            if resp.status_code != 200:
                return _Raw(url, resp.status_code, resp.headers, b"")
            if check_type:
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype and ctype not in self.policy.allowed_types:
                    raise FetchError(
                        url,
                        "content_type",
                        f"content type {ctype!r} is not a page we read "
                        f"(allowed: {', '.join(self.policy.allowed_types)})",
                    )
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    url,
                    "too_large",
                    f"page is {int(declared):,} bytes, over the {limit:,}-byte limit; not downloaded",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        url,
                        "too_large",
                        f"page exceeded the {limit:,}-byte limit; download aborted after {size:,} bytes",
                    )
                chunks.append(chunk)
            return _Raw(url, 200, resp.headers, b"".join(chunks))

    # -- public ---------------------------------------------------------------------------------

    def fetch(self, url: str) -> FetchResult:
        """Fetch one page, following redirects (each hop checked against robots.txt).

        Args:
            url: absolute http(s) URL.

        Returns:
            The decoded page with url, final url, status (200, or 304 when served from a revalidated cache),
            fetch time and content hash.

        Raises:
            InputError: the URL is not an absolute http(s) URL.
            FetchError: robots.txt disallows, rate limited, redirect loop, too large, wrong content type,
                HTTP error or network failure; the message says which.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"url: {url!r} is not an absolute http(s) URL")
        now = datetime.now(UTC)
        hit = self.cache.get(url)
        if hit and self.policy.cache_max_age > 0:
            age = (now - hit[0].validated_at).total_seconds()
            if age <= self.policy.cache_max_age:
                return self._result(
                    hit[0], hit[1], status=hit[0].status, from_cache=True, fetched_at=hit[0].validated_at
                )
        current, chain = url, [url]
        for _ in range(self.policy.max_redirects + 1):
            if not self.allowed(current):
                raise FetchError(
                    current, "robots_disallowed", "disallowed by robots.txt for user agent sophia-crew"
                )
            cached = self.cache.get(current)
            headers: dict[str, str] = {}
            if cached and cached[0].final_url == current:
                if cached[0].etag:
                    headers["If-None-Match"] = cached[0].etag
                if cached[0].last_modified:
                    headers["If-Modified-Since"] = cached[0].last_modified
            raw = self._request(current, headers, check_type=True)
            now = datetime.now(UTC)
            if raw.status in REDIRECT_STATUSES:
                location = raw.headers.get("location")
                if not location:
                    raise FetchError(current, "http_error", f"HTTP {raw.status} without a Location header")
                target = urljoin(current, location)
                if target in chain:
                    loop = " -> ".join(chain[chain.index(target) :] + [target])
                    raise FetchError(url, "redirect_loop", f"redirect loop: {loop}")
                chain.append(target)
                current = target
                continue
            if raw.status == 304 and cached:
                self.cache.touch(current, now)
                return self._result(
                    cached[0], cached[1], status=304, from_cache=True, fetched_at=now, url=url
                )
            if raw.status != 200:
                raise FetchError(current, "http_error", f"HTTP {raw.status}")
            entry = CacheEntry(
                url=current,
                final_url=current,
                status=200,
                fetched_at=now,
                validated_at=now,
                content_hash=hashlib.sha256(raw.body).hexdigest(),
                content_type=raw.headers.get("content-type", ""),
                etag=raw.headers.get("etag"),
                last_modified=raw.headers.get("last-modified"),
            )
            self.cache.put(entry, raw.body)
            if current != url:
                self.cache.put(entry.model_copy(update={"url": url, "redirects": chain[1:]}), raw.body)
            return self._result(
                entry, raw.body, status=200, from_cache=False, fetched_at=now, url=url, redirects=chain[1:]
            )
        raise FetchError(
            url,
            "too_many_redirects",
            f"more than {self.policy.max_redirects} redirects: {' -> '.join(chain)}",
        )

    @staticmethod
    def _result(
        entry: CacheEntry,
        body: bytes,
        *,
        status: int,
        from_cache: bool,
        fetched_at: datetime,
        url: str | None = None,
        redirects: list[str] | None = None,
    ) -> FetchResult:
        text, encoding, errors = decode_body(body, entry.content_type)
        return FetchResult(
            url=url or entry.url,
            final_url=entry.final_url,
            status=status,
            fetched_at=fetched_at,
            content_hash=entry.content_hash,
            content_type=entry.content_type,
            encoding=encoding,
            encoding_errors=errors,
            from_cache=from_cache,
            etag=entry.etag,
            last_modified=entry.last_modified,
            redirects=redirects if redirects is not None else entry.redirects,
            size=len(body),
            text=text,
        )
