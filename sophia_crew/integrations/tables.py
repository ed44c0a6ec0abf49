"""SQLAlchemy tables of the integrations on the shared run-store ``Base``.

``crm_records`` holds the unified CRM model (one JSON row per record), ``sync_watermarks`` the incremental
sync state per (source, object), ``write_planned`` the safe-write queue and ``write_audit`` its audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from ..store.base import Base, get_engine


def utcnow() -> datetime:
    """Timezone-aware now (UTC)."""
    return datetime.now(UTC)


class CrmRecord(Base):
    """One unified CRM record (Owner, Account, Contact, Deal or Activity) from one source."""

    __tablename__ = "crm_records"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    object: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    modified_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncWatermark(Base):
    """Highest source-side modification time seen per (source, object)."""

    __tablename__ = "sync_watermarks"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    object: Mapped[str] = mapped_column(String(32), primary_key=True)
    watermark: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WritePlanned(Base):
    """A planned outbound write: what, where, the diff, and its approval state."""

    __tablename__ = "write_planned"
    __table_args__ = (UniqueConstraint("idempotency_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[dict] = mapped_column(JSON)
    payload: Mapped[dict] = mapped_column(JSON)
    diff: Mapped[list] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approver: Mapped[str | None] = mapped_column(String(128), nullable=True)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class WriteAudit(Base):
    """Audit log: one row per state change of a planned write (messages already redacted)."""

    __tablename__ = "write_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    write_id: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


TABLES = [CrmRecord.__table__, SyncWatermark.__table__, WritePlanned.__table__, WriteAudit.__table__]


def sessions(url: str | None = None) -> sessionmaker:
    """Session factory on the run store with the integration tables created.

    ``get_engine`` is cached and may have run ``create_all`` before this module was imported, so the
    integration tables are created here explicitly.
    """
    engine = get_engine(url)
    Base.metadata.create_all(engine, tables=TABLES)
    return sessionmaker(engine, expire_on_commit=False)
