"""`sophia approvals list|show|approve|reject|resume` — the human-in-the-loop queue."""

from __future__ import annotations

import getpass
import json

import typer

from .common import _console, fail

app = typer.Typer(help="Pending approvals: consensus ties and planned outbound writes (CRM updates, Slack posts).",
                  no_args_is_help=True)


def _who(by: str | None) -> str:
    return by or f"cli:{getpass.getuser()}"


@app.command("list")
def list_cmd(status: str = typer.Option("pending", help="pending, approved, rejected, done, failed or all.")) -> None:
    """List approvals."""
    from rich.table import Table

    from ..orchestration.approvals import Approvals, pending_writes

    table = Table("id", "kind", "status", "requested", "run", "title")
    rows = Approvals().list(None if status == "all" else status)
    if status in ("pending", "all"):
        rows += pending_writes()
    for a in rows:
        table.add_row(a["id"], a["kind"], a["status"], f"{a['requested_at']:%Y-%m-%d %H:%M}", a["run_id"] or "",
                      a["title"])
    _console().print(table)


@app.command("show")
def show_cmd(approval_id: str) -> None:
    """Show one approval with its payload."""
    from ..errors import SophiaError
    from ..orchestration.approvals import Approvals

    try:
        a = Approvals().get(approval_id)
    except SophiaError as exc:
        fail(exc)
    _console().print_json(json.dumps(a, default=str))


def _decide(approval_id: str, approve: bool, by: str | None, decision: str | None, note: str | None) -> None:
    from ..errors import SophiaError
    from ..orchestration.approvals import decide_any

    try:
        a = decide_any(approval_id, approve=approve, by=_who(by), decision=decision, note=note)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"{a['id']}: {a['status']} — {json.dumps(a['result'], default=str)}")
    if a["status"] == "failed":
        raise typer.Exit(1)


@app.command("approve")
def approve_cmd(approval_id: str, decision: str | None = typer.Option(None, help="For a consensus: the option."),
                by: str | None = typer.Option(None, help="Who decides (default: cli:<user>)."),
                note: str | None = None) -> None:
    """Approve (and resume whatever waited for it)."""
    _decide(approval_id, True, by, decision, note)


@app.command("reject")
def reject_cmd(approval_id: str, by: str | None = typer.Option(None), note: str | None = None) -> None:
    """Reject."""
    _decide(approval_id, False, by, None, note)


@app.command("resume")
def resume_cmd() -> None:
    """Finish approvals that were decided but whose follow-up did not complete (e.g. the process died)."""
    from ..orchestration.approvals import Approvals

    ids = Approvals().resume_pending()
    _console().print(f"resumed {len(ids)} approval(s) {' '.join(ids)}")
