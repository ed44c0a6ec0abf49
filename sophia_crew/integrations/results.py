"""Result models of the integration clients that agent tools return: Gong calls, warehouse rows, write diffs.

Only Pydantic here, so tool signatures and the MCP tool table import them without httpx, sqlglot,
SQLAlchemy or the settings stack; :mod:`.gong`, :mod:`.snowflake` and :mod:`.writes` re-export them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["DiffLine", "GongCall", "GongParty", "QueryResult"]


class GongParty(BaseModel):
    """A participant of a call as returned by ``/v2/calls/extensive``."""

    id: str | None = None
    speakerId: str | None = None
    name: str | None = None
    emailAddress: str | None = None
    title: str | None = None
    affiliation: str | None = None  # Internal | External | Unknown
    userId: str | None = None
    methods: list[str] | None = None


class GongCall(BaseModel):
    """Call metadata from ``/v2/calls`` (or ``metaData`` of ``/v2/calls/extensive``)."""

    id: str
    title: str | None = None
    started: str | None = None
    duration: int | None = None
    url: str | None = None
    primaryUserId: str | None = None
    parties: list[GongParty] = Field(default_factory=list)


class QueryResult(BaseModel):
    """Rows of a read-only query; ``truncated`` when the row limit cut it."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    row_limit: int


class DiffLine(BaseModel):
    """One field the write changes."""

    field: str
    before: Any = None
    after: Any = None
