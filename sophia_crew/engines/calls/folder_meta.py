"""Call metadata from the folder a transcript sits in: ``index.csv`` and ``../owners.csv`` (demo-tenant layout)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ...errors import InputError
from .importers import apply_reps, load_transcript
from .models import CallTranscript


def read_index(folder: Path) -> dict[str, dict[str, str]]:
    """``index.csv`` rows keyed by file name (demo-tenant layout), if present."""
    path = folder / "index.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "file" not in rows[0]:
        raise InputError(f"{path}: column 'file' missing")
    return {Path(r["file"]).name: r for r in rows}


def read_owners(folder: Path) -> dict[str, str]:
    path = folder.parent / "owners.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r.get("owner_id", ""): r.get("name", "") for r in csv.DictReader(fh)}


def load_call(
    path: str | Path,
    format: str | None = None,
    reps: Iterable[str] | None = None,
    *,
    index: dict[str, dict[str, str]] | None = None,
    owners: dict[str, str] | None = None,
) -> tuple[CallTranscript, str | None, str | None]:
    """Load one transcript with the metadata of the folder it sits in (demo-tenant layout).

    An ``index.csv`` row for the file (columns file, format, date, call_id, rep_owner_id, call_type) supplies
    the format (unless ``format`` is given), the date when the file has none, the call id, the call type and
    the rep (named through ``../owners.csv``). Without ``reps``, a call whose file carries no affiliation gets
    its sides from ``../owners.csv`` (every owner works for the selling company). A file alone in a folder
    without these files is loaded as is, so one call gives the same figures alone and in its folder.

    Args:
        path: transcript file.
        format: force the importer.
        reps: the selling side (overrides affiliation and owners.csv).
        index, owners: already-read ``index.csv`` rows by file name and owner id → name (batch mode).

    Returns:
        (transcript, call type or None, rep name or None).

    Raises:
        InputError: the transcript cannot be read (see :func:`load_transcript`).
    """
    f = Path(path)
    if index is None:
        try:
            index = read_index(f.parent)
        except InputError:  # an unrelated index.csv next to a single file is not ours to judge
            index = {}
    if owners is None:
        owners = read_owners(f.parent)
    meta = index.get(f.name, {})
    reps = list(reps) if reps else None
    t = load_transcript(f, format=format or meta.get("format") or None, reps=reps)
    if not reps and owners and all(p.role == "unknown" for p in t.participants):
        t = apply_reps(t, owners.values())  # everyone in owners.csv works for the selling company
    if meta.get("date") and t.date is None:
        try:
            day = date.fromisoformat(meta["date"])
        except ValueError:
            raise InputError(
                f"{f.parent / 'index.csv'}: {f.name}: date {meta['date']!r} is not YYYY-MM-DD"
            ) from None
        t = t.model_copy(update={"date": day})
    if meta.get("call_id"):
        t = t.model_copy(update={"call_id": meta["call_id"]})
    rep = owners.get(meta.get("rep_owner_id", "")) or meta.get("rep_owner_id") or None
    return t, meta.get("call_type") or None, rep
