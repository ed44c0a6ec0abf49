"""``sophia research ...`` commands (mounted by the main CLI as a sub-app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sophia_crew.errors import InputError, SophiaError

from .common import fail

app = typer.Typer(
    help="Competitive research: change monitoring between page snapshots.", no_args_is_help=True
)


@app.callback()
def _root() -> None:
    """Competitive research commands."""


@app.command("diff")
def diff(
    target: Annotated[
        str,
        typer.Argument(
            metavar="URL_OR_DIR",
            help="A URL with stored snapshots, a saved-site "
            "directory (dated siblings like site_2026-10/ are its history) or a "
            "snapshot store directory.",
        ),
    ],
    from_: Annotated[
        str | None, typer.Option("--from", help="Compare from the snapshot on/before this date (YYYY-MM-DD).")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Compare to the snapshot on/before this date (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured ChangeSets as JSON.")] = False,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Snapshot store directory (default $SOPHIA_HOME/research/snapshots)."),
    ] = None,
) -> None:
    """Show structured changes (prices, tiers, features, jobs, news) between two snapshots."""
    # imported here: the extraction stack (trafilatura, lxml) is not needed by every other sophia command
    from sophia_crew.engines.research.diff import diff_snapshots, render_changes
    from sophia_crew.engines.research.monitor import diff_saved_site, parse_day
    from sophia_crew.engines.research.snapshots import SnapshotStore

    try:
        start, end = parse_day(from_, "--from"), parse_day(to, "--to")
        if target.startswith(("http://", "https://")):
            old, new = SnapshotStore(store).pick(target, start, end)
            changesets = [diff_snapshots(old, new)]
        else:
            path = Path(target)
            if not path.is_dir():
                raise InputError(f"{target}: neither an http(s) URL nor a directory")
            if any(path.rglob("*.html")):
                changesets = diff_saved_site(path, start, end)
            else:
                snap_store = SnapshotStore(path)
                urls = snap_store.urls()
                if not urls:
                    raise InputError(f"{target}: no saved pages (*.html) and no snapshots found")
                changesets = []
                for url in urls:
                    if len(snap_store.history(url)) >= 2:
                        old, new = snap_store.pick(url, start, end)
                        changesets.append(diff_snapshots(old, new))
    except SophiaError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in changesets], indent=1, ensure_ascii=False))
    else:
        typer.echo("\n".join(render_changes(c) for c in changesets))
