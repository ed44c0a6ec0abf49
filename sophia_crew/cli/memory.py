"""`sophia memory list|search|forget|reindex` — the shared long-term memory."""

from __future__ import annotations

import json
import sys

import typer

from .common import _console, fail

app = typer.Typer(help="Long-term memory scoped by account/<id>, rep/<id>, candidate/<id>, run/<id>.",
                  no_args_is_help=True)


def _layer(reindex: bool = False):
    from ..memory.store import MemoryLayer, shared_layer

    return MemoryLayer(reindex=True) if reindex else shared_layer()


def _print(items, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps([i.model_dump() for i in items], indent=2) + "\n")
        return
    from rich.table import Table


    table = Table("id", "score", "text", "source run", "source", "created")
    for i in items:
        table.add_row(i.id[:8], "" if i.score is None else f"{i.score:.3f}", i.text, i.source_run or "",
                      i.source or "", (i.created_at or "")[:19])
    _console().print(table)


@app.command("list")
def list_cmd(scope: str, limit: int = 100, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every memory of a scope."""
    from ..errors import SophiaError

    try:
        _print(_layer().list(scope, limit), as_json)
    except SophiaError as exc:
        fail(exc)


@app.command("search")
def search_cmd(scope: str, query: str, k: int = 5, as_json: bool = typer.Option(False, "--json")) -> None:
    """The memories of a scope closest to a query."""
    from ..errors import SophiaError

    try:
        _print(_layer().recall(scope, query, k), as_json)
    except SophiaError as exc:
        fail(exc)


@app.command("forget")
def forget_cmd(scope: str, memory_id: str | None = typer.Option(None, "--id", help="One memory only.")) -> None:
    """Delete one memory or a whole scope."""
    from ..errors import SophiaError

    try:
        n = _layer().forget(scope, memory_id)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"forgot {n} memor{'y' if n == 1 else 'ies'} in {scope}")


@app.command("reindex")
def reindex_cmd() -> None:
    """Re-embed every memory with the current embedder (after changing SOPHIA_EMBEDDER)."""

    layer = _layer(reindex=True)
    _console().print(f"re-indexed {len(layer.scopes())} scopes with {layer.embedder.name}")
