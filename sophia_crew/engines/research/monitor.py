"""Change monitoring over saved-site directories (``site/`` vs dated siblings ``site_2026-10/``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sophia_crew.errors import InputError

from .diff import diff_snapshots
from .fetcher import Fetcher, FetchPolicy
from .models import ChangeSet
from .serve import serve_directory
from .snapshots import take_snapshot

_DATED = re.compile(r"^(?P<name>.+)_(?P<date>\d{4}-\d{2}(?:-\d{2})?)$")


def parse_day(value: str | None, option: str = "date") -> dt.date | None:
    """``YYYY-MM-DD`` or ``YYYY-MM`` (first of month) → date; InputError naming the option otherwise."""
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date.fromisoformat(value + "-01")
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a date (YYYY-MM-DD or YYYY-MM)") from None


def site_versions(site_dir: str | Path, current_date: dt.date | None = None) -> list[tuple[dt.date, Path]]:
    """All saved versions of a site: dated siblings ``<name>_<date>`` plus ``site_dir`` itself, oldest first.

    ``site_dir`` may itself be dated; an undated directory counts as ``current_date`` (default today).
    """
    root = Path(site_dir).resolve()
    if not root.is_dir():
        raise InputError(f"{site_dir}: not a directory")
    m = _DATED.match(root.name)
    name = m.group("name") if m else root.name
    versions: dict[Path, dt.date] = {}
    for sibling in root.parent.iterdir():
        sm = _DATED.match(sibling.name)
        if sibling.is_dir() and sm and sm.group("name") == name:
            versions[sibling] = parse_day(sm.group("date"), str(sibling))  # type: ignore[assignment]
    undated = root.parent / name
    if undated.is_dir():
        versions[undated] = current_date or dt.datetime.now(dt.UTC).date()
    return sorted(((d, p) for p, d in versions.items()), key=lambda t: t[0])


def _choose(
    versions: list[tuple[dt.date, Path]], from_date: dt.date | None, to_date: dt.date | None
) -> tuple[tuple[dt.date, Path], tuple[dt.date, Path]]:
    new_pool = [v for v in versions if to_date is None or v[0] <= to_date]
    if not new_pool:
        raise InputError(f"no saved version on or before --to {to_date}")
    new = new_pool[-1]
    old_pool = [v for v in versions if v[0] < new[0] and (from_date is None or v[0] <= from_date)]
    if not old_pool:
        raise InputError(
            f"no saved version older than {new[0]} (versions: {', '.join(str(d) for d, _ in versions)})"
        )
    return old_pool[-1], new


def diff_saved_site(
    site_dir: str | Path,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    *,
    cache_dir: str | Path | None = None,
    current_date: dt.date | None = None,
) -> list[ChangeSet]:
    """Diff two saved versions of a site, page by page, through the normal fetch path.

    Both versions are served on 127.0.0.1 and fetched with :class:`Fetcher` (robots.txt included);
    pages present in both versions are snapshotted and compared.

    Args:
        site_dir: a saved-site directory (e.g. ``web/swiftpay``); dated siblings are its history.
        from_date: compare from the latest version on/before this date (default: the one before ``to``).
        to_date: compare to the latest version on/before this date (default: the newest).
        cache_dir: fetch cache (default: a ``cache`` folder next to the snapshots in ``$SOPHIA_HOME``).
        current_date: date of the undated directory (default: today).
    """
    versions = site_versions(site_dir, current_date)
    (old_day, old_dir), (new_day, new_dir) = _choose(versions, from_date, to_date)
    pages = sorted(
        p.relative_to(new_dir).as_posix()
        for p in new_dir.rglob("*.html")
        if (old_dir / p.relative_to(new_dir)).is_file()
    )
    if not pages:
        raise InputError(f"{old_dir} and {new_dir}: no page present in both versions")
    snaps: dict[str, list] = {p: [] for p in pages}
    policy = FetchPolicy(min_interval=0.0, max_attempts=2)
    for day, folder in ((old_day, old_dir), (new_day, new_dir)):
        taken = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        with serve_directory(folder) as base, Fetcher(cache_dir, policy) as fetcher:
            for rel in pages:
                snap = take_snapshot(fetcher.fetch(f"{base}/{rel}"), taken_at=taken)
                snaps[rel].append(snap.model_copy(update={"url": f"{new_dir.name}/{rel}"}))
    return [diff_snapshots(old, new) for old, new in snaps.values()]
