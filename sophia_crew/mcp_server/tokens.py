"""Bearer tokens for the MCP server's HTTP transport: scoped (read / write), stored hashed, revocable.

A token is shown once at creation (``sophia mcp token create``); the table ``mcp_tokens`` keeps only its
SHA-256 (tokens are 256 random bits, so an unsalted hash is enough). Verification is cached for a few
seconds per process, so a revocation takes effect within :data:`CACHE_TTL_S`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..errors import InputError
from ..store.base import Base, get_engine, session_factory
from .scopes import SCOPES

PREFIX = "sophia_mcp_"
CACHE_TTL_S = 5.0
DEFAULT_RATE_PER_MIN = 600


class McpTokenRow(Base):
    __tablename__ = "mcp_tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    rate_per_min: Mapped[int] = mapped_column(Integer, default=DEFAULT_RATE_PER_MIN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TokenInfo(BaseModel):
    """A token as listed (never the secret itself)."""

    id: str
    name: str
    scopes: list[str]
    rate_per_min: int
    created_at: datetime
    revoked: bool


def hash_token(token: str) -> str:
    """SHA-256 hex of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(row: McpTokenRow) -> TokenInfo:
    return TokenInfo(id=row.id, name=row.name, scopes=list(row.scopes), rate_per_min=row.rate_per_min,
                     created_at=row.created_at, revoked=row.revoked_at is not None)


class TokenStore:
    """Tokens in the run store's database (``url``: default ``SOPHIA_DATABASE_URL`` or local SQLite)."""

    def __init__(self, url: str | None = None):
        engine = get_engine(url)
        Base.metadata.create_all(engine, tables=[McpTokenRow.__table__])
        self.Session = session_factory(url)
        self._cache: dict[str, tuple[float, TokenInfo | None]] = {}
        self._lock = threading.Lock()

    def create(self, scope: str = "read", name: str = "", rate_per_min: int = DEFAULT_RATE_PER_MIN
               ) -> tuple[str, TokenInfo]:
        """Create a token; returns ``(secret, info)``. The secret cannot be recovered later."""
        if scope not in SCOPES:
            raise InputError(f"--scope: expected one of {', '.join(SCOPES)}, got {scope!r}")
        if rate_per_min < 1:
            raise InputError(f"--rate: must be at least 1 request per minute, got {rate_per_min}")
        secret = PREFIX + secrets.token_urlsafe(32)
        row = McpTokenRow(id=secrets.token_hex(4), name=name, token_hash=hash_token(secret),
                          scopes=SCOPES[scope], rate_per_min=rate_per_min, created_at=datetime.now(UTC))
        with self.Session.begin() as s:
            s.add(row)
        return secret, _info(row)

    def list(self) -> list[TokenInfo]:
        """Every token, oldest first."""
        with self.Session() as s:
            return [_info(r) for r in s.scalars(select(McpTokenRow).order_by(McpTokenRow.created_at))]

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke a token by id; InputError when unknown."""
        with self.Session.begin() as s:
            row = s.get(McpTokenRow, token_id)
            if row is None:
                raise InputError(f"TOKEN_ID: no token {token_id!r}")
            row.revoked_at = row.revoked_at or datetime.now(UTC)
            info = _info(row)
        with self._lock:
            self._cache.clear()
        return info

    def verify(self, token: str) -> TokenInfo | None:
        """The token's info if it exists and is not revoked, else None (cached :data:`CACHE_TTL_S` s)."""
        digest = hash_token(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and now - hit[0] < CACHE_TTL_S:
            return hit[1]
        with self.Session() as s:
            row = s.scalars(select(McpTokenRow).where(McpTokenRow.token_hash == digest)).first()
            info = _info(row) if row is not None and row.revoked_at is None else None
        with self._lock:
            if len(self._cache) > 10_000:  # bounded: junk tokens must not grow memory forever
                self._cache.clear()
            self._cache[digest] = (now, info)
        return info
