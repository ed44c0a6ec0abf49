"""Scheduler: YAML schedules fire real runs; fires are idempotent, never overlap; misfires follow the policy."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from interfaces_support import mini_workspace
from sqlalchemy import update
from typer.testing import CliRunner

from sophia_crew.errors import InputError, RunFailed
from sophia_crew.scheduler import (
    add_schedule,
    fire_history,
    fires,
    list_schedules,
    open_store,
    register_notifier,
    run_daemon,
    run_scheduled,
    sync_yaml_schedules,
    unregister_notifier,
)
from sophia_crew.scheduler.models import SchedFireRow, SchedLockRow
from sophia_crew.scheduler.triggers import cron_trigger
from sophia_crew.store.base import session_factory
from sophia_crew.store.repo import RunStore

pytestmark = pytest.mark.usefixtures("sophia_home")


@pytest.fixture
def ws(tmp_path):
    return mini_workspace(tmp_path / "ws")


class FakeKickoff:
    """Stands in for runner.kickoff: counts calls, tracks concurrency, can block or fail."""

    def __init__(self, block: threading.Event | None = None, error: Exception | None = None):
        self.calls: list[dict] = []
        self.block, self.error = block, error
        self.active = self.max_active = 0
        self.lock = threading.Lock()
        self.started = threading.Event()

    def __call__(self, crew, inputs, **kwargs):
        with self.lock:
            self.calls.append({"crew": crew, "inputs": inputs, **kwargs})
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        self.started.set()
        try:
            if self.block is not None:
                self.block.wait(10)
            if self.error is not None:
                raise self.error
            return type("Result", (), {"run_id": f"run{len(self.calls)}"})()
        finally:
            with self.lock:
                self.active -= 1


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def daemon(ws, **kwargs):
    from sophia_crew.store.base import get_engine

    get_engine()  # store.base creates the engine lazily and not thread-safely: create it before the thread
    stop = threading.Event()
    thread = threading.Thread(target=run_daemon, kwargs={"workspace": ws, "stop": stop, "poll_s": 0.1, **kwargs})
    thread.start()
    return stop, thread


def dead_owner() -> str:
    """A ``host:pid`` whose process has exited (a daemon that died)."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return f"{socket.gethostname()}:{proc.stdout.strip()}"


def set_next_run(schedule_id, when):
    with open_store() as sched:
        sched.modify_job(schedule_id, next_run_time=when)


def test_cron_fields_follow_crontab_and_bad_ones_are_input_errors():
    berlin = ZoneInfo("Europe/Berlin")
    saturday_noon = datetime(2026, 11, 14, 12, 0, tzinfo=berlin)
    weekdays = cron_trigger("0 7 * * MON-FRI", "Europe/Berlin")
    assert weekdays.get_next_fire_time(None, saturday_noon) == datetime(2026, 11, 16, 7, 0, tzinfo=berlin)
    # crontab numbers: 0 is Sunday (APScheduler alone would read 0 as Monday)
    assert cron_trigger("30 6 * * 0", "Europe/Berlin").get_next_fire_time(None, saturday_noon) == \
        datetime(2026, 11, 15, 6, 30, tzinfo=berlin)
    assert cron_trigger("*/15 * * * * *").get_next_fire_time(None, datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)) == \
        datetime(2026, 1, 1, 0, 0, 15, tzinfo=UTC)
    with pytest.raises(InputError, match="expected 5 fields"):
        cron_trigger("0 7 * *")
    with pytest.raises(InputError, match="unknown time zone 'Mars/Base'"):
        cron_trigger("0 7 * * *", "Mars/Base")
    with pytest.raises(InputError, match="cron '0 25 \\* \\* \\*'"):
        cron_trigger("0 25 * * *")


def test_yaml_schedule_is_synced_and_a_cron_fire_runs_the_crew(tmp_path):
    ws = mini_workspace(tmp_path / "ws", schedule={
        "cron": "* * * * * *", "timezone": "Europe/Berlin",
        "inputs": {"numbers_file": str(tmp_path / "ws" / "numbers.txt"), "threshold": 20}})
    stop, thread = daemon(ws)
    try:
        fire = wait_for(lambda: next((f for f in fire_history("mini") if f["status"] == "succeeded"), None))
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    run = RunStore().get_run(fire["run_id"])
    assert (run["crew"], run["trigger"], run["status"]) == ("mini", "schedule", "succeeded")
    assert run["steps"][1]["output"]["above_threshold"] == 1  # only 30 exceeds 20
    [info] = list_schedules()
    assert (info.id, info.source, info.timezone, info.paused) == ("mini", "yaml", "Europe/Berlin", False)
    with open_store() as sched:  # a second sync with the YAML unchanged keeps the job (and its pending fires)
        assert sync_yaml_schedules(sched, ws).unchanged == ["mini"]
    (ws / "crews" / "mini.yaml").write_text((ws / "crews" / "mini.yaml").read_text().replace(
        "schedule:", "old_schedule:").split("old_schedule:")[0])
    with open_store() as sched:
        assert sync_yaml_schedules(sched, ws).removed == ["mini"]
    assert list_schedules() == []


def test_a_fire_runs_once_even_when_seen_again_after_a_restart(ws, monkeypatch):
    fake = FakeKickoff()
    monkeypatch.setattr(fires, "kickoff", fake)
    when = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    first = run_scheduled("s1", "mini", {}, fire_time=when)
    again = run_scheduled("s1", "mini", {}, fire_time=when.isoformat())
    assert (first.status, again.status, len(fake.calls)) == ("succeeded", "duplicate", 1)
    assert fake.calls[0]["trigger"] == "schedule"

    # A daemon died in the middle of fire F (its claim says "running", its pid is gone) and the job store
    # still points at F: the restarted daemon must not run F again and marks it interrupted.
    add_schedule("mini", "0 7 * * *", inputs={"numbers_file": str(ws / "numbers.txt")}, workspace=ws,
                 schedule_id="daily")
    fire_f = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    assert fires.claim_fire("daily", "mini", fire_f) is not None
    with session_factory().begin() as s:  # the claim belongs to the dead process
        s.execute(update(SchedFireRow).where(SchedFireRow.schedule_id == "daily").values(owner=dead_owner()))
    set_next_run("daily", fire_f)
    stop, thread = daemon(ws)
    try:
        wait_for(lambda: list_schedules()[0].next_run_time > datetime.now(UTC))
    finally:
        stop.set()
        thread.join(30)
    history = fire_history("daily")
    assert [(h["fire_time"], h["status"]) for h in history] == [(fire_f, "interrupted")]
    assert len(fake.calls) == 1  # still only the s1 fire


def test_missed_fires_within_grace_run_once_coalesced(ws, monkeypatch):
    fake = FakeKickoff()
    monkeypatch.setattr(fires, "kickoff", fake)
    add_schedule("mini", "0 * * * *", inputs={"numbers_file": str(ws / "numbers.txt")}, workspace=ws,
                 schedule_id="hourly", grace_s=4 * 3600)
    this_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    set_next_run("hourly", this_hour - timedelta(hours=3))  # the daemon was down for 3 hours: 4 fires due
    stop, thread = daemon(ws)
    try:
        wait_for(lambda: any(f["status"] == "succeeded" for f in fire_history("hourly")))
    finally:
        stop.set()
        thread.join(30)
    history = fire_history("hourly")
    assert [(h["fire_time"], h["status"]) for h in history] == [(this_hour, "succeeded")]
    assert len(fake.calls) == 1


def test_missed_fire_outside_grace_is_recorded_and_not_run(ws, monkeypatch):
    fake = FakeKickoff()
    monkeypatch.setattr(fires, "kickoff", fake)
    add_schedule("mini", "0 0 1 1 *", inputs={"numbers_file": str(ws / "numbers.txt")}, workspace=ws,
                 schedule_id="yearly", grace_s=60)
    late = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    set_next_run("yearly", late)
    stop, thread = daemon(ws)
    try:
        wait_for(lambda: fire_history("yearly"))
    finally:
        stop.set()
        thread.join(30)
    [fire] = fire_history("yearly")
    assert (fire["fire_time"], fire["status"], fire["run_id"]) == (late, "missed", None)
    assert fake.calls == []


def test_overlapping_fires_of_one_schedule_never_run_concurrently(monkeypatch):
    release = threading.Event()
    fake = FakeKickoff(block=release)
    monkeypatch.setattr(fires, "kickoff", fake)
    t1, t2, t3 = (datetime(2026, 11, 16, 7, m, tzinfo=UTC) for m in (0, 1, 2))
    outcomes = {}
    first = threading.Thread(target=lambda: outcomes.setdefault("t1", run_scheduled("s", "mini", {}, fire_time=t1)))
    first.start()
    assert fake.started.wait(10)
    # a second daemon (or a delayed fire) reaches the next fire while the first still runs
    outcomes["t2"] = run_scheduled("s", "mini", {}, fire_time=t2)
    release.set()
    first.join(10)
    outcomes["t3"] = run_scheduled("s", "mini", {}, fire_time=t3)
    assert {k: v.status for k, v in outcomes.items()} == {"t1": "succeeded", "t2": "skipped_overlap",
                                                          "t3": "succeeded"}
    assert fake.max_active == 1 and len(fake.calls) == 2
    assert [h["status"] for h in fire_history("s")] == ["succeeded", "skipped_overlap", "succeeded"]


def test_two_daemons_on_one_database_run_a_due_fire_once(ws, monkeypatch):
    fake = FakeKickoff()
    monkeypatch.setattr(fires, "kickoff", fake)
    add_schedule("mini", "0 7 * * *", inputs={"numbers_file": str(ws / "numbers.txt")}, workspace=ws,
                 schedule_id="shared")
    due = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2)
    set_next_run("shared", due)
    daemons = [daemon(ws), daemon(ws)]
    try:
        wait_for(lambda: fire_history("shared") and fire_history("shared")[0]["status"] == "succeeded")
        time.sleep(0.5)  # give the slower daemon its chance to (wrongly) run the fire too
    finally:
        for stop, _ in daemons:
            stop.set()
        for _, thread in daemons:
            thread.join(30)
    assert [(f["fire_time"], f["status"]) for f in fire_history("shared")] == [(due, "succeeded")]
    assert len(fake.calls) == 1


def test_a_lock_left_by_a_dead_process_is_taken_over(monkeypatch):
    fake = FakeKickoff()
    monkeypatch.setattr(fires, "kickoff", fake)
    fires.claim_fire("s", "mini", datetime(2026, 1, 1, tzinfo=UTC))
    with session_factory().begin() as s:
        s.add(SchedLockRow(schedule_id="s", owner=dead_owner(), fire_id=1, acquired_at=datetime.now(UTC)))
    assert run_scheduled("s", "mini", {}, fire_time=datetime(2026, 1, 2, tzinfo=UTC)).status == "succeeded"


def test_failed_fire_is_recorded_and_notified_and_a_broken_notifier_is_harmless(monkeypatch):
    monkeypatch.setattr(fires, "kickoff", FakeKickoff(error=RunFailed("crew 'mini' failed: boom")))
    seen = []

    def broken(schedule_id, error):
        raise RuntimeError("notifier down")

    def record(schedule_id, error):
        seen.append((schedule_id, error))

    register_notifier(broken)
    register_notifier(record)
    try:
        outcome = run_scheduled("nightly", "mini", {}, fire_time=datetime(2026, 11, 16, tzinfo=UTC))
    finally:
        unregister_notifier(broken)
        unregister_notifier(record)
    assert outcome.status == "failed"
    assert seen == [("nightly", "crew 'mini' failed: boom")]
    assert fire_history("nightly")[0]["error"] == "crew 'mini' failed: boom"


def test_cli_manages_schedules(ws, monkeypatch):
    from sophia_crew.cli.schedule import schedule_app

    fake = FakeKickoff()
    monkeypatch.setattr(fires, "kickoff", fake)
    runner = CliRunner()
    out = runner.invoke(schedule_app, ["add", "mini", "--cron", "0 7 * * MON-FRI", "--tz", "Europe/Berlin",
                                       "-i", f"numbers_file={ws / 'numbers.txt'}", "--id", "weekday",
                                       "-w", str(ws)])
    assert out.exit_code == 0, out.output
    assert "added schedule weekday" in out.output
    bad = runner.invoke(schedule_app, ["add", "mini", "--cron", "0 7 * * MON-FRI", "-w", str(ws)])
    assert bad.exit_code == 2 and "numbers_file" in bad.output
    assert runner.invoke(schedule_app, ["pause", "weekday"]).exit_code == 0
    assert list_schedules()[0].paused
    listed = runner.invoke(schedule_app, ["list"])
    assert "weekday" in listed.output and "paused" in listed.output
    assert runner.invoke(schedule_app, ["resume", "weekday"]).exit_code == 0
    nxt = list_schedules()[0].next_run_time
    assert nxt.astimezone(ZoneInfo("Europe/Berlin")).hour == 7 and nxt.weekday() < 5
    now = runner.invoke(schedule_app, ["run-now", "weekday"])
    assert now.exit_code == 0 and "succeeded, run run1" in now.output
    assert fake.calls[0]["inputs"] == {"numbers_file": str(ws / "numbers.txt")}
    assert str(fake.calls[0]["workspace"]) == str(ws)
    assert "weekday" in runner.invoke(schedule_app, ["history"]).output
    unknown = runner.invoke(schedule_app, ["pause", "nope"])
    assert unknown.exit_code == 2 and "no schedule 'nope' (known: weekday)" in unknown.output
    assert runner.invoke(schedule_app, ["remove", "weekday"]).exit_code == 0
    assert list_schedules() == []


def test_scheduler_start_shuts_down_gracefully_on_sigterm(ws, caplog):
    from sophia_crew.cli.schedule import scheduler_app

    caplog.set_level(logging.INFO, logger="sophia_crew.scheduler")
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    def terminate_once_started():
        deadline = time.monotonic() + 60
        while "scheduler started" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)  # what `kill PID` or systemd stop sends

    sender = threading.Thread(target=terminate_once_started)
    sender.start()
    try:  # in the main thread, like the real command, so it can install its signal handlers
        result = CliRunner().invoke(scheduler_app, ["start", "-w", str(ws), "--poll", "0.2"])
    finally:
        sender.join()
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
    assert result.exit_code == 0, result.output
    log = caplog.text
    assert log.index("scheduler started") < log.index("received SIGTERM") < log.index("scheduler stopped")
