"""Scheduler tables: one row per scheduled fire (the idempotency key) and one lock row per running schedule."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import DateTime, Engine, String, Text, UniqueConstraint
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from ..store.base import Base

JOBS_TABLE = "sched_jobs"  # APScheduler's SQLAlchemyJobStore table in the same database


class SchedFireRow(Base):
    """One fire of a schedule. ``(schedule_id, fire_time)`` is unique: a fire is claimed once, ever.

    Status: running | succeeded | failed | missed (outside the misfire grace time) |
    skipped_overlap (the previous fire still held the schedule) | interrupted (its process died).
    """

    __tablename__ = "sched_fires"
    __table_args__ = (UniqueConstraint("schedule_id", "fire_time", name="uq_sched_fire"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    schedule_id: Mapped[str] = mapped_column(String(191), index=True)
    fire_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    crew: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), index=True)
    run_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    owner: Mapped[str] = mapped_column(String(300), default="")
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class SchedLockRow(Base):
    """Held while a fire of ``schedule_id`` runs, so two daemons never run the same schedule at once."""

    __tablename__ = "sched_locks"

    schedule_id: Mapped[str] = mapped_column(String(191), primary_key=True)
    owner: Mapped[str] = mapped_column(String(300))
    fire_id: Mapped[int] = mapped_column()
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


_READY: set[int] = set()
_LOCK = threading.Lock()


def ensure_tables(engine: Engine) -> None:
    """Create the scheduler tables on ``engine`` (the shared engine may predate this module's import)."""
    if id(engine) in _READY:
        return
    with _LOCK:
        if id(engine) not in _READY:
            try:
                Base.metadata.create_all(engine, tables=[SchedFireRow.__table__, SchedLockRow.__table__])
            except OperationalError:  # another process created them between the check and the CREATE
                Base.metadata.create_all(engine, tables=[SchedFireRow.__table__, SchedLockRow.__table__])
            _READY.add(id(engine))
