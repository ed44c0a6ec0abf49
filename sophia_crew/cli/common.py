"""What every ``sophia`` sub-command shares: the console and the one-line error exit."""

from __future__ import annotations

import typer

from ..errors import SophiaError


def _console(stderr: bool = False):
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal:  # pipes and CliRunner: wide enough that ids and tool names never fold
        console = Console(stderr=stderr, highlight=False, width=200)
    return console


def fail(exc: SophiaError) -> None:
    """Print a sophia error (one line per problem, secrets masked) on stderr and exit with its code."""
    from ..redact import redact

    err = _console(stderr=True)
    for line in redact(str(exc)).splitlines() or [type(exc).__name__]:
        err.print(f"[bold red]error:[/] {line}", markup=True, soft_wrap=True)
    raise typer.Exit(exc.exit_code)
