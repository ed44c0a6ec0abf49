"""CLI sub-apps for the integrations, mounted by the main CLI as ``sophia sync``, ``sophia integrations`` and
``sophia writes``.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

import typer
from rich.table import Table

from ..errors import SophiaError
from .common import _console, fail

sync_app = typer.Typer(help="Sync external systems into the local store.", no_args_is_help=True)
integrations_app = typer.Typer(help="Inspect integration connections.", no_args_is_help=True)
writes_app = typer.Typer(help="Review, apply or reject planned outbound writes.", no_args_is_help=True)


@sync_app.callback()
def _sync_group() -> None:
    """Sync external systems into the local store."""


@integrations_app.callback()
def _integrations_group() -> None:
    """Inspect integration connections."""


@writes_app.callback()
def _writes_group() -> None:
    """Review, apply or reject planned outbound writes."""


console = _console()


def _run(func: Callable[[], None]) -> None:
    try:
        func()
    except SophiaError as exc:
        fail(exc)


@sync_app.command("crm")
def sync_crm_cmd(
    source: str = typer.Option("demo", "--source", help="hubspot | salesforce | demo"),
    db: str | None = typer.Option(
        None, "--db", help="SQLAlchemy URL of the store (default SOPHIA_DATABASE_URL)"
    ),
) -> None:
    """Incrementally sync accounts, contacts, deals, activities and owners into the unified CRM model."""

    def go() -> None:
        from ..integrations.sync import sync_crm

        result = sync_crm(source, db)
        table = Table(
            "object", "fetched", "inserted", "updated", "unchanged", "watermark", title=f"sync {source}"
        )
        for name, o in result.objects.items():
            table.add_row(
                name, str(o.fetched), str(o.inserted), str(o.updated), str(o.unchanged), o.watermark or "-"
            )
        console.print(table)
        console.print(f"{result.writes} row(s) written")

    _run(go)


@integrations_app.command("check")
def check_cmd() -> None:
    """Per system: configured / reachable / auth OK (secrets are never printed)."""

    def go() -> None:
        from ..integrations.check import check_integrations

        table = Table("system", "configured", "reachable", "auth OK", "detail")
        mark = {True: "yes", False: "NO", None: "-"}
        for st in check_integrations():
            table.add_row(st.system, mark[st.configured], mark[st.reachable], mark[st.auth_ok], st.detail)
        console.print(table)

    _run(go)


@writes_app.command("list")
def list_cmd(status: str | None = typer.Option(None, help="planned | applied | failed | rejected")) -> None:
    """List planned writes, newest first."""

    def go() -> None:
        from ..integrations.writes import list_writes

        table = Table("id", "status", "system", "kind", "target", "created")
        for w in list_writes(status):
            table.add_row(
                w.id,
                w.status,
                w.system,
                w.kind,
                "/".join(str(v) for v in w.target.values() if v),
                w.created_at.strftime("%Y-%m-%d %H:%M"),
            )
        console.print(table)

    _run(go)


@writes_app.command("show")
def show_cmd(write_id: str) -> None:
    """Show a write's diff (what would be sent) and its audit log."""

    def go() -> None:
        from ..integrations.writes import audit_log, get_write

        w = get_write(write_id)
        console.print(w.diff_text(), highlight=False)
        for row in audit_log(write_id):
            console.print(
                f"  {row['at']:%Y-%m-%d %H:%M:%S} {row['actor']}: {row['action']} {row['detail']}",
                highlight=False,
            )

    _run(go)


@writes_app.command("apply")
def apply_cmd(
    write_id: str, yes: bool = typer.Option(False, "--yes", help="approve without prompting")
) -> None:
    """Approve and send a planned write (once; repeating it never sends twice)."""

    def go() -> None:
        from ..integrations.writes import apply_write, get_write

        w = get_write(write_id)
        console.print(w.diff_text(), highlight=False)
        if not yes and not typer.confirm("Send this write?", default=False):
            console.print("not sent (dry-run)")
            return
        done = apply_write(write_id, f"cli:{getpass.getuser()}")
        console.print(f"{done.id}: {done.status}")

    _run(go)


@writes_app.command("reject")
def reject_cmd(write_id: str) -> None:
    """Reject a planned write so it can never be sent."""

    def go() -> None:
        from ..integrations.writes import reject_write

        console.print(f"{write_id}: {reject_write(write_id, f'cli:{getpass.getuser()}').status}")

    _run(go)
