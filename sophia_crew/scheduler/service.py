"""Schedules in the run store's database: sync from crew YAML, manage them, run the daemon.

Schedules are APScheduler 3 jobs in a ``SQLAlchemyJobStore`` (table ``sched_jobs``) in the run store's
database. A job's id is the schedule id: the crew name for schedules declared in crew YAML
(``schedule: {cron, timezone, inputs}``), ``<crew>-<hex>`` (or ``--id``) for schedules added by hand.
The job calls :func:`sophia_crew.scheduler.fires.run_scheduled` with the scheduled fire time.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.executors.base import run_job
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from pydantic import BaseModel

from ..errors import InputError
from ..store.base import get_engine
from . import fires
from .models import JOBS_TABLE, ensure_tables
from .triggers import cron_trigger

log = logging.getLogger("sophia_crew.scheduler")

DEFAULT_GRACE_S = 300  # a fire up to 5 minutes late still runs (once, coalesced); later ones are recorded as missed


class ScheduleInfo(BaseModel):
    """A schedule as ``sophia schedule list`` shows it."""

    id: str
    crew: str
    cron: str
    timezone: str
    inputs: dict[str, Any]
    source: str  # yaml | user
    paused: bool
    next_run_time: datetime | None
    workspace: str | None = None
    misfire_grace_s: int | None = None


@dataclass
class SyncResult:
    """What :func:`sync_yaml_schedules` changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class _FireJob:
    """A job seen through one fire: same job, plus ``fire_time`` in its kwargs (APScheduler 3 does not pass it)."""

    def __init__(self, job: Any, fire_time: datetime):
        self._job = job
        self.kwargs = {**job.kwargs, "fire_time": fire_time.isoformat()}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._job, name)

    def __str__(self) -> str:
        return str(self._job)


def _run_fires(job: Any, jobstore_alias: str, run_times: list[datetime], logger_name: str) -> list:
    events = []
    for run_time in run_times:  # APScheduler's own run_job keeps its misfire check and events
        events.extend(run_job(_FireJob(job, run_time), jobstore_alias, [run_time], logger_name))
    return events


class FireExecutor(ThreadPoolExecutor):
    """Thread-pool executor that hands each fire's scheduled time to the job as ``fire_time``."""

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        def callback(f):
            exc = f.exception()
            if exc:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, f.result())

        f = self._pool.submit(_run_fires, job, job._jobstore_alias, run_times, self._logger.name)
        f.add_done_callback(callback)


class SharedEngineJobStore(SQLAlchemyJobStore):
    """The job store on the run store's engine, which it must not dispose of when a scheduler shuts down."""

    def shutdown(self) -> None:
        pass


class SophiaScheduler(BackgroundScheduler):
    """BackgroundScheduler that never processes jobs once stopped, or at all when ``store_only``.

    APScheduler 3's loop can run one more ``_process_jobs`` after ``shutdown`` has closed the executors:
    that pass advances due jobs in the store without being able to run them, silently losing fires.
    """

    store_only = False

    def _process_jobs(self):
        if self.store_only or self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def build_scheduler(url: str | None = None, *, max_workers: int = 4,
                    grace_s: int = DEFAULT_GRACE_S) -> SophiaScheduler:
    """A (not started) scheduler on the run store's database with the missed-run policy as job defaults."""
    engine = get_engine(url)
    ensure_tables(engine)
    sched = SophiaScheduler(
        jobstores={"default": SharedEngineJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": FireExecutor(max_workers=max_workers)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace_s},
        timezone="UTC",
    )
    store_url = url

    def on_missed(event: Any) -> None:
        job = sched.get_job(event.job_id)
        crew = job.kwargs.get("crew", "?") if job else "?"
        fires.record_missed(event.job_id, crew, event.scheduled_run_time, store_url)

    sched.add_listener(on_missed, EVENT_JOB_MISSED)
    return sched


@contextmanager
def open_store(url: str | None = None) -> Iterator[BackgroundScheduler]:
    """A scheduler that reads and writes the job store and never runs anything (for management commands)."""
    sched = build_scheduler(url, max_workers=1)
    sched.store_only = True
    sched.start(paused=True)
    try:
        yield sched
    finally:
        sched.shutdown(wait=False)


def _info(job: Any) -> ScheduleInfo:
    kw = job.kwargs
    return ScheduleInfo(id=job.id, crew=kw.get("crew", ""), cron=kw.get("cron", str(job.trigger)),
                        timezone=kw.get("timezone", "UTC"), inputs=kw.get("inputs") or {},
                        source=kw.get("source", "user"), paused=job.next_run_time is None,
                        next_run_time=job.next_run_time, workspace=kw.get("workspace"),
                        misfire_grace_s=job.misfire_grace_time)


def _job_kwargs(crew: str, cron: str, tz: str, inputs: dict, workspace: str | Path | None, source: str,
                schedule_id: str, url: str | None) -> dict[str, Any]:
    return {"schedule_id": schedule_id, "crew": crew, "inputs": dict(inputs), "cron": cron, "timezone": tz,
            "workspace": str(workspace) if workspace else None, "source": source, "url": url}


def _check_crew(crew: str, inputs: dict, workspace: str | Path | None) -> None:
    from ..inputs import prepare_inputs
    from ..runner import cached_workspace

    spec = cached_workspace(workspace).crew(crew)
    prepare_inputs(crew, spec, dict(inputs))  # bad inputs fail now, not at 7 am


def sync_yaml_schedules(sched: BackgroundScheduler, workspace: str | Path | None = None,
                        url: str | None = None) -> SyncResult:
    """Make the job store hold exactly the schedules declared in crew YAML (hand-added ones are left alone).

    A schedule whose cron, time zone and inputs are unchanged keeps its job (and so its pending and missed
    fires); a changed one is replaced; one no longer declared is removed.
    """
    from ..runner import cached_workspace

    ws = cached_workspace(workspace)
    result = SyncResult()
    declared = {name: spec.schedule for name, spec in ws.crews.items() if spec.schedule is not None}
    existing = {job.id: job for job in sched.get_jobs() if job.kwargs.get("source") == "yaml"}
    for crew, spec in sorted(declared.items()):
        trigger = cron_trigger(spec.cron, spec.timezone, where=f"crews/{crew}.yaml: schedule")
        kwargs = _job_kwargs(crew, spec.cron, spec.timezone, spec.inputs, workspace, "yaml", crew, url)
        job = existing.pop(crew, None)
        if job is not None and job.kwargs == kwargs:
            result.unchanged.append(crew)
            continue
        if sched.get_job(crew) is not None and job is None:
            raise InputError(f"crews/{crew}.yaml: schedule: id {crew!r} is taken by a hand-added schedule; "
                             f"remove it with `sophia schedule remove {crew}`")
        sched.add_job(fires.JOB_FUNC, trigger, id=crew, name=crew, kwargs=kwargs, replace_existing=True)
        (result.updated if job is not None else result.added).append(crew)
    for job_id in existing:
        sched.remove_job(job_id)
        result.removed.append(job_id)
    return result


def add_schedule(crew: str, cron: str, timezone: str = "UTC", inputs: dict[str, Any] | None = None, *,
                 schedule_id: str | None = None, workspace: str | Path | None = None, url: str | None = None,
                 grace_s: int | None = None) -> ScheduleInfo:
    """Add a hand-made schedule for ``crew``; InputError for a bad crew, inputs, cron or an id in use."""
    inputs = dict(inputs or {})
    _check_crew(crew, inputs, workspace)
    trigger = cron_trigger(cron, timezone, where="--cron/--timezone")
    sid = schedule_id or f"{crew}-{secrets.token_hex(3)}"
    with open_store(url) as sched:
        if sched.get_job(sid) is not None:
            raise InputError(f"--id: a schedule {sid!r} already exists")
        extra = {"misfire_grace_time": grace_s} if grace_s is not None else {}
        job = sched.add_job(fires.JOB_FUNC, trigger, id=sid, name=crew,
                            kwargs=_job_kwargs(crew, cron, timezone, inputs, workspace, "user", sid, url), **extra)
        return _info(sched.get_job(job.id))


def list_schedules(url: str | None = None) -> list[ScheduleInfo]:
    """Every schedule in the job store, by id."""
    with open_store(url) as sched:
        return sorted((_info(j) for j in sched.get_jobs()), key=lambda i: i.id)


def get_schedule(schedule_id: str, url: str | None = None) -> ScheduleInfo:
    """One schedule; InputError naming the known ids when absent."""
    with open_store(url) as sched:
        return _info(_job(sched, schedule_id))


def _job(sched: BackgroundScheduler, schedule_id: str) -> Any:
    job = sched.get_job(schedule_id)
    if job is None:
        known = ", ".join(sorted(j.id for j in sched.get_jobs())) or "none"
        raise InputError(f"SCHEDULE_ID: no schedule {schedule_id!r} (known: {known})")
    return job


def remove_schedule(schedule_id: str, url: str | None = None) -> None:
    """Delete a schedule (a YAML one comes back at the next sync unless removed from its crew file)."""
    with open_store(url) as sched:
        _job(sched, schedule_id)
        try:
            sched.remove_job(schedule_id)
        except JobLookupError:
            raise InputError(f"SCHEDULE_ID: no schedule {schedule_id!r}") from None


def pause_schedule(schedule_id: str, url: str | None = None) -> ScheduleInfo:
    """Stop a schedule from firing until resumed."""
    with open_store(url) as sched:
        _job(sched, schedule_id)
        return _info(sched.pause_job(schedule_id))


def resume_schedule(schedule_id: str, url: str | None = None) -> ScheduleInfo:
    """Resume a paused schedule from its next fire time after now (paused fires are not caught up)."""
    with open_store(url) as sched:
        _job(sched, schedule_id)
        return _info(sched.resume_job(schedule_id))


def run_now(schedule_id: str, url: str | None = None) -> fires.FireOutcome:
    """Fire a schedule once, now, in this process (recorded like any fire, under the current time)."""
    with open_store(url) as sched:
        kwargs = dict(_job(sched, schedule_id).kwargs)
    kwargs["url"] = url
    return fires.run_scheduled(**kwargs)


def run_daemon(workspace: str | Path | None = None, url: str | None = None, *,
               stop: threading.Event | None = None, poll_s: float = 5.0, max_workers: int = 4,
               grace_s: int = DEFAULT_GRACE_S) -> None:
    """Run scheduled crews until ``stop`` is set (``sophia scheduler start`` sets it on SIGTERM/SIGINT).

    Syncs YAML schedules, marks fires left running by dead processes as interrupted, then fires due jobs;
    every ``poll_s`` seconds it re-reads the job store so schedules added, paused or removed from the CLI
    in another process take effect. On stop it waits for running fires to finish.
    """
    stop = stop or threading.Event()
    sched = build_scheduler(url, max_workers=max_workers, grace_s=grace_s)
    sched.start(paused=True)
    try:
        synced = sync_yaml_schedules(sched, workspace, url)
        log.info("yaml schedules: %d added, %d updated, %d removed, %d unchanged", len(synced.added),
                 len(synced.updated), len(synced.removed), len(synced.unchanged))
        interrupted = fires.mark_interrupted(url)
        if interrupted:
            log.warning("%d fire(s) left running by a dead process marked interrupted", interrupted)
        log.info("scheduler started: %d schedule(s)", len(sched.get_jobs()))
        sched.resume()
        while not stop.wait(poll_s):
            sched.wakeup()  # pick up jobs other processes added to the shared store
    finally:
        log.info("scheduler stopping: waiting for running fires")
        sched.shutdown(wait=True)
        log.info("scheduler stopped")
