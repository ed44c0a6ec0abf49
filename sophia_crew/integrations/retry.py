"""Retry policy shared by the integrations: bounded retries on 429 / 5xx, honouring ``Retry-After``.

urllib3-based clients (HubSpot SDK, simple-salesforce's requests session) get a :class:`BoundedRetry`;
httpx-based Gong and DB-API Snowflake use tenacity via :func:`retrying`.
"""

from __future__ import annotations

from typing import Any

from tenacity import Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base
from urllib3.util.retry import Retry

from ..errors import IntegrationError
from .settings import IntegrationSettings, env_name

RETRY_STATUSES = (429, 500, 502, 503, 504)


class BoundedRetry(Retry):
    """urllib3 Retry whose ``Retry-After`` wait is capped (a server asking for an hour must not hang a crew)."""

    max_retry_after: float = 60.0

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.max_retry_after)

    def new(self, **kw: Any) -> BoundedRetry:
        new = super().new(**kw)
        new.max_retry_after = self.max_retry_after
        return new


def urllib3_retry(settings: IntegrationSettings, methods: frozenset[str] | None = None) -> BoundedRetry:
    """A bounded urllib3 retry for 429/5xx built from the ``http_*`` settings.

    Args:
        settings: integration settings (``http_max_retries``, ``http_backoff_seconds``, ...).
        methods: HTTP methods to retry; default GET/HEAD plus POST (search endpoints are reads).
    """
    retry = BoundedRetry(
        total=settings.http_max_retries,
        connect=settings.http_max_retries,
        read=0,
        status=settings.http_max_retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=methods or frozenset({"GET", "HEAD", "POST"}),
        backoff_factor=settings.http_backoff_seconds,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    retry.max_retry_after = settings.http_max_retry_after_seconds
    return retry


class RetryableHTTP(Exception):
    """Raised inside a tenacity loop for a retryable answer; carries the server's ``Retry-After``."""

    def __init__(self, status: int, retry_after: float | None, message: str):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class _WaitRetryAfter(wait_base):
    def __init__(self, backoff: float, cap: float):
        self.backoff = backoff
        self.cap = cap

    def __call__(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, RetryableHTTP) and exc.retry_after is not None:
            return min(exc.retry_after, self.cap)
        return min(self.backoff * (2 ** (retry_state.attempt_number - 1)), self.cap)


def retrying(
    settings: IntegrationSettings, retry_on: tuple[type[BaseException], ...] = (RetryableHTTP,)
) -> Retrying:
    """A tenacity ``Retrying`` honouring ``Retry-After``, capped and bounded by ``http_max_retries``."""
    return Retrying(
        retry=retry_if_exception(lambda e: isinstance(e, retry_on)),
        wait=_WaitRetryAfter(settings.http_backoff_seconds, settings.http_max_retry_after_seconds),
        stop=stop_after_attempt(settings.http_max_retries + 1),
        reraise=True,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds form), or None."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def auth_error(
    system: str, fields: list[str], settings: IntegrationSettings, detail: str
) -> IntegrationError:
    """IntegrationError for a refused credential, naming the settings to fix and never the secret."""
    names = " / ".join(env_name(f) for f in fields)
    return IntegrationError(f"{system}: authentication failed ({settings.redact(detail)}); check {names}")
