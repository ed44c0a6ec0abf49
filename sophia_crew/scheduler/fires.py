"""What happens when a schedule fires: claim the fire, take the schedule's lock, kick the crew off, record it.

:func:`run_scheduled` is the APScheduler job function (referenced as ``sophia_crew.scheduler.fires:run_scheduled``
so jobs stay picklable in the SQL job store). Two guarantees live in the database, not in the scheduler:

* **idempotency**: a fire is an insert of ``(schedule_id, fire_time)`` under a unique constraint, so a restarted
  daemon (or a second daemon) that sees the same fire again finds it claimed and does nothing;
* **no overlap**: a fire runs only while holding the schedule's row in ``sched_locks``; a fire that finds the
  lock held by a live owner is recorded as ``skipped_overlap``.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import SophiaError
from ..redact import redact
from ..store.base import get_engine, session_factory
from .models import SchedFireRow, SchedLockRow, ensure_tables
from .notify import notify

log = logging.getLogger("sophia_crew.scheduler")

LOCK_LEASE = timedelta(hours=6)  # a lock older than this is stale even if its owner looks alive (other host)
JOB_FUNC = "sophia_crew.scheduler.fires:run_scheduled"


def kickoff(*args: Any, **kwargs: Any):
    """Indirection to :func:`sophia_crew.runner.kickoff` (lazy: crewAI loads only when a fire runs; tests patch it)."""
    from ..runner import kickoff as real_kickoff

    return real_kickoff(*args, **kwargs)


@dataclass
class FireOutcome:
    """What one call of :func:`run_scheduled` did."""

    schedule_id: str
    fire_time: datetime
    status: str  # succeeded | failed | duplicate | skipped_overlap
    run_id: str | None = None
    error: str | None = None


def owner_id() -> str:
    """``host:pid`` of this process, as recorded on claims and locks."""
    return f"{socket.gethostname()}:{os.getpid()}"


def utc(value: datetime | str) -> datetime:
    """``value`` as an aware UTC datetime without microseconds (naive values are taken as UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=0)


def _now() -> datetime:
    return datetime.now(UTC)


def _owner_dead(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _session(url: str | None):
    ensure_tables(get_engine(url))
    return session_factory(url)


def claim_fire(schedule_id: str, crew: str, fire_time: datetime, url: str | None = None,
               status: str = "running", error: str | None = None) -> int | None:
    """Insert the fire's row; its id, or None when ``(schedule_id, fire_time)`` was already claimed."""
    Session = _session(url)
    try:
        with Session.begin() as s:
            row = SchedFireRow(schedule_id=schedule_id, fire_time=utc(fire_time), crew=crew, status=status,
                               owner=owner_id(), claimed_at=_now(), error=error,
                               finished_at=_now() if status != "running" else None)
            s.add(row)
            s.flush()
            return row.id
    except IntegrityError:
        return None


def _acquire_lock(schedule_id: str, fire_id: int, url: str | None) -> bool:
    Session = _session(url)
    me = owner_id()
    try:
        with Session.begin() as s:
            s.add(SchedLockRow(schedule_id=schedule_id, owner=me, fire_id=fire_id, acquired_at=_now()))
        return True
    except IntegrityError:
        pass
    with Session.begin() as s:
        held = s.get(SchedLockRow, schedule_id)
        if held is None:  # released meanwhile: try once more
            s.add(SchedLockRow(schedule_id=schedule_id, owner=me, fire_id=fire_id, acquired_at=_now()))
            try:
                s.flush()
                return True
            except IntegrityError:
                return False
        if not (_owner_dead(held.owner) or utc(held.acquired_at) < _now() - LOCK_LEASE):
            return False
        # steal the stale lock: the WHERE on the old owner/fire makes this a compare-and-swap
        stolen = s.execute(update(SchedLockRow).where(
            SchedLockRow.schedule_id == schedule_id, SchedLockRow.owner == held.owner,
            SchedLockRow.fire_id == held.fire_id).values(owner=me, fire_id=fire_id, acquired_at=_now()))
        return stolen.rowcount == 1


def _release_lock(schedule_id: str, fire_id: int, url: str | None) -> None:
    with _session(url).begin() as s:
        s.execute(delete(SchedLockRow).where(SchedLockRow.schedule_id == schedule_id,
                                             SchedLockRow.fire_id == fire_id))


def _finish(fire_id: int, url: str | None, **values: Any) -> None:
    with _session(url).begin() as s:
        s.execute(update(SchedFireRow).where(SchedFireRow.id == fire_id).values(finished_at=_now(), **values))


def _failed_run_id(crew: str, since: datetime, url: str | None) -> str | None:
    """The run a failed kickoff left in the run store (RunFailed carries no run id)."""
    from ..store.models import RunRow

    with session_factory(url)() as s:
        row = s.scalars(select(RunRow.id).where(
            RunRow.crew == crew, RunRow.trigger == "schedule", RunRow.pid == os.getpid(),
            RunRow.started_at >= since).order_by(RunRow.started_at)).first()
    return row


def run_scheduled(schedule_id: str, crew: str, inputs: dict[str, Any] | None = None, workspace: str | None = None,
                  fire_time: str | datetime | None = None, url: str | None = None, **_meta: Any) -> FireOutcome:
    """Run one fire of a schedule exactly once: claim, lock, ``kickoff(trigger="schedule")``, record.

    Args:
        schedule_id: the schedule (APScheduler job id).
        crew: crew to kick off.
        inputs: kickoff inputs.
        workspace: workspace directory (None: bundled / ``SOPHIA_WORKSPACE``).
        fire_time: the scheduled time of this fire (the idempotency key with ``schedule_id``); default now.
        url: database URL (default: the run store's).
        **_meta: schedule metadata stored with the job (cron, timezone, source), ignored here.

    Returns:
        The outcome. Failures are recorded, logged and notified, never raised (the scheduler keeps going).
    """
    when = utc(fire_time or _now())
    fire_id = claim_fire(schedule_id, crew, when, url)
    if fire_id is None:
        log.info("schedule %s: fire %s already claimed; not running it again", schedule_id, when.isoformat())
        return FireOutcome(schedule_id, when, "duplicate")
    if not _acquire_lock(schedule_id, fire_id, url):
        log.warning("schedule %s: fire %s skipped, the previous fire is still running", schedule_id,
                    when.isoformat())
        _finish(fire_id, url, status="skipped_overlap")
        return FireOutcome(schedule_id, when, "skipped_overlap")
    started = _now()
    try:
        log.info("schedule %s: running crew %s (fire %s)", schedule_id, crew, when.isoformat())
        try:
            result = kickoff(crew, dict(inputs or {}), workspace=workspace, store_url=url, trigger="schedule")
        except Exception as exc:
            error = redact(f"{type(exc).__name__}: {exc}" if not isinstance(exc, SophiaError) else str(exc))
            run_id = _failed_run_id(crew, started, url)
            _finish(fire_id, url, status="failed", error=error, run_id=run_id)
            log.error("schedule %s: fire %s failed: %s", schedule_id, when.isoformat(), error)
            notify(schedule_id, error)
            return FireOutcome(schedule_id, when, "failed", run_id, error)
        _finish(fire_id, url, status="succeeded", run_id=result.run_id)
        log.info("schedule %s: run %s succeeded", schedule_id, result.run_id)
        return FireOutcome(schedule_id, when, "succeeded", result.run_id)
    finally:
        _release_lock(schedule_id, fire_id, url)


def record_missed(schedule_id: str, crew: str, fire_time: datetime, url: str | None = None) -> None:
    """Record a fire that APScheduler skipped because it was later than the misfire grace time."""
    if claim_fire(schedule_id, crew, fire_time, url, status="missed",
                  error="missed: later than the misfire grace time") is not None:
        log.warning("schedule %s: fire %s missed (outside the grace time); recorded, not run", schedule_id,
                    utc(fire_time).isoformat())


def mark_interrupted(url: str | None = None) -> int:
    """Mark fires left ``running`` by a dead process on this host as ``interrupted`` (never re-run them)."""
    Session = _session(url)
    with Session.begin() as s:
        rows = s.scalars(select(SchedFireRow).where(SchedFireRow.status == "running")).all()
        dead = [r for r in rows if _owner_dead(r.owner)]
        for r in dead:
            r.status, r.finished_at = "interrupted", _now()
            r.error = f"the process {r.owner} died during the run; not re-run (idempotency)"
    return len(dead)


def fire_history(schedule_id: str | None = None, limit: int = 50, url: str | None = None) -> list[dict[str, Any]]:
    """Recent fires (newest first) as plain dicts: schedule_id, fire_time, status, run_id, error..."""
    with _session(url)() as s:
        q = select(SchedFireRow).order_by(SchedFireRow.fire_time.desc(), SchedFireRow.id.desc()).limit(limit)
        if schedule_id:
            q = q.where(SchedFireRow.schedule_id == schedule_id)
        return [{"id": r.id, "schedule_id": r.schedule_id, "crew": r.crew, "fire_time": utc(r.fire_time),
                 "status": r.status, "run_id": r.run_id, "owner": r.owner, "error": r.error,
                 "claimed_at": utc(r.claimed_at), "finished_at": r.finished_at and utc(r.finished_at)}
                for r in s.scalars(q)]
