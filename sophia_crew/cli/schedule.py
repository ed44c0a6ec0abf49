"""``sophia schedule ...`` (manage schedules) and ``sophia scheduler start`` (the daemon).

Mounted by the main CLI: ``schedule_app`` as ``schedule`` and ``scheduler_app`` as ``scheduler``.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from pathlib import Path

import typer

from ..errors import SophiaError
from .common import _console, fail

schedule_app = typer.Typer(help="Manage scheduled crew runs (stored in the run store's database).",
                           no_args_is_help=True)
scheduler_app = typer.Typer(help="Run the scheduler daemon.", no_args_is_help=True)

WorkspaceOpt = typer.Option(None, "--workspace", "-w", envvar="SOPHIA_WORKSPACE",
                            help="Workspace directory with the crews (default: bundled).")


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S %Z}" if value else "paused"


@schedule_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List schedules with their next fire time and last fire."""
    from rich.table import Table

    from ..scheduler import fire_history, list_schedules

    items = list_schedules()
    last = {}
    for fire in reversed(fire_history(limit=500)):
        last[fire["schedule_id"]] = fire
    if as_json:
        sys.stdout.write(json.dumps([{**i.model_dump(mode="json"),
                                      "last_fire": last.get(i.id)} for i in items], indent=2, default=str) + "\n")
        return
    table = Table("id", "crew", "cron", "timezone", "source", "next run", "last fire")
    for i in items:
        fire = last.get(i.id)
        table.add_row(i.id, i.crew, i.cron, i.timezone, i.source, _when(i.next_run_time),
                      f"{fire['fire_time']:%Y-%m-%d %H:%M} {fire['status']}" if fire else "")
    _console().print(table)


@schedule_app.command("add")
def add_cmd(
    crew: str = typer.Argument(..., help="Crew to run."),
    cron: str = typer.Option(..., "--cron", help="Cron: 5 fields (or 6 with seconds first), e.g. '0 7 * * MON-FRI'."),
    timezone: str = typer.Option("UTC", "--timezone", "--tz", help="IANA time zone of the cron, e.g. Europe/Berlin."),
    input: list[str] = typer.Option([], "--input", "-i", help="A kickoff input as key=value (repeatable)."),
    schedule_id: str | None = typer.Option(None, "--id", help="Schedule id (default: <crew>-<random>)."),
    grace: int | None = typer.Option(None, "--grace", help="Seconds a late fire may still run (default 300)."),
    workspace: Path | None = WorkspaceOpt,
) -> None:
    """Add a schedule for a crew."""
    from ..inputs import parse_pairs
    from ..scheduler import add_schedule

    try:
        info = add_schedule(crew, cron, timezone, parse_pairs(input), schedule_id=schedule_id,
                            workspace=workspace.resolve() if workspace else None, grace_s=grace)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"added schedule {info.id}: {info.crew} at '{info.cron}' ({info.timezone}); "
                     f"next run {_when(info.next_run_time)}")


@schedule_app.command("remove")
def remove_cmd(schedule_id: str = typer.Argument(..., help="Schedule id.")) -> None:
    """Delete a schedule (a crew-YAML schedule returns at the next daemon start unless removed from YAML)."""
    from ..scheduler import remove_schedule

    try:
        remove_schedule(schedule_id)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"removed schedule {schedule_id}")


@schedule_app.command("pause")
def pause_cmd(schedule_id: str = typer.Argument(..., help="Schedule id.")) -> None:
    """Pause a schedule."""
    from ..scheduler import pause_schedule

    try:
        pause_schedule(schedule_id)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"paused schedule {schedule_id}")


@schedule_app.command("resume")
def resume_cmd(schedule_id: str = typer.Argument(..., help="Schedule id.")) -> None:
    """Resume a paused schedule (fires missed while paused are not caught up)."""
    from ..scheduler import resume_schedule

    try:
        info = resume_schedule(schedule_id)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"resumed schedule {schedule_id}; next run {_when(info.next_run_time)}")


@schedule_app.command("run-now")
def run_now_cmd(schedule_id: str = typer.Argument(..., help="Schedule id.")) -> None:
    """Fire a schedule once now, in this process (recorded in its history like any fire)."""
    from ..scheduler import run_now

    try:
        outcome = run_now(schedule_id)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"schedule {schedule_id}: {outcome.status}"
                     + (f", run {outcome.run_id}" if outcome.run_id else "")
                     + (f": {outcome.error}" if outcome.error else ""))
    if outcome.status == "failed":
        raise typer.Exit(1)


@schedule_app.command("history")
def history_cmd(schedule_id: str | None = typer.Argument(None, help="Schedule id (default: all)."),
                limit: int = typer.Option(20, "--limit", help="How many fires.")) -> None:
    """Recent fires: time, status and the run each one started."""
    from rich.table import Table

    from ..scheduler import fire_history

    table = Table("schedule", "fire time", "status", "run id", "error")
    for f in fire_history(schedule_id, limit=limit):
        table.add_row(f["schedule_id"], f"{f['fire_time']:%Y-%m-%d %H:%M:%S}", f["status"], f["run_id"] or "",
                      (f["error"] or "")[:80])
    _console().print(table)


@scheduler_app.callback()
def _scheduler_root() -> None:
    """The scheduler daemon."""


@scheduler_app.command("start")
def start_cmd(
    workspace: Path | None = WorkspaceOpt,
    poll: float = typer.Option(5.0, "--poll", help="Seconds between re-reads of the schedule store."),
    workers: int = typer.Option(4, "--workers", help="Fires that may run at the same time (different schedules)."),
    log_level: str = typer.Option("INFO", "--log-level", help="DEBUG, INFO, WARNING or ERROR."),
) -> None:
    """Run scheduled crews in the foreground until SIGTERM or Ctrl-C (running fires are allowed to finish)."""
    from ..scheduler import run_daemon

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum, _frame) -> None:
        logging.getLogger("sophia_crew.scheduler").info("received %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        run_daemon(workspace.resolve() if workspace else None, stop=stop, poll_s=poll, max_workers=workers)
    except SophiaError as exc:
        fail(exc)
