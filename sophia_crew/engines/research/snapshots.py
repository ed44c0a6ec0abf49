"""Per-URL snapshot store (JSON files) and snapshot building from fetched pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import ValidationError

from sophia_crew.errors import InputError

from .cache import url_key
from .extract import extract_profile
from .jobs_news import extract_jobs_news
from .models import FetchResult, Snapshot
from .pricing import extract_pricing


def take_snapshot(page: FetchResult, taken_at: dt.datetime | None = None) -> Snapshot:
    """Structured state of a page: pricing tiers, jobs, news and company profile.

    Args:
        page: fetched page.
        taken_at: snapshot time (default: the page's fetch time).
    """
    pricing = extract_pricing(page)
    jobs_news = extract_jobs_news(page)
    return Snapshot(
        url=page.url,
        taken_at=taken_at or page.fetched_at,
        content_hash=page.content_hash,
        tiers=pricing.tiers,
        jobs=jobs_news.jobs,
        news=jobs_news.news,
        profile=extract_profile(page),
    )


class SnapshotStore:
    """JSON snapshots under ``<root>/<url key>/<UTC timestamp>.json`` (default ``$SOPHIA_HOME/research/snapshots``)."""

    def __init__(self, root: str | Path | None = None):
        if root is None:
            from sophia_crew.resources import data_dir

            root = data_dir() / "research" / "snapshots"
        self.root = Path(root)

    def save(self, snap: Snapshot) -> Path:
        """Write ``snap``; a second snapshot with the same timestamp replaces the first."""
        folder = self.root / url_key(snap.url)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = snap.taken_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = folder / f"{stamp}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(snap.model_dump_json(indent=1), encoding="utf-8")
        tmp.replace(path)
        return path

    def history(self, url: str) -> list[Snapshot]:
        """Every snapshot of ``url``, oldest first."""
        folder = self.root / url_key(url)
        return [self._load(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []

    def urls(self) -> list[str]:
        """URLs with at least one snapshot."""
        out = []
        for folder in sorted(p for p in self.root.glob("*") if p.is_dir()):
            first = next(iter(sorted(folder.glob("*.json"))), None)
            if first:
                out.append(self._load(first).url)
        return out

    @staticmethod
    def _load(path: Path) -> Snapshot:
        try:
            return Snapshot.model_validate_json(path.read_text(encoding="utf-8"))
        except (ValidationError, ValueError) as exc:
            raise InputError(f"{path}: not a valid snapshot ({str(exc).splitlines()[0]})") from None

    def pick(
        self, url: str, from_date: dt.date | None = None, to_date: dt.date | None = None
    ) -> tuple[Snapshot, Snapshot]:
        """The two snapshots to compare: latest on/before ``from_date`` and latest on/before ``to_date``.

        Without dates: the previous and the latest snapshot.

        Raises:
            InputError: fewer than two snapshots, or none in the requested range.
        """
        snaps = self.history(url)
        if len(snaps) < 2:
            raise InputError(
                f"{url}: {len(snaps)} snapshot(s) stored, need 2 to diff (run competitor_changes first)"
            )
        new_pool = [s for s in snaps if to_date is None or s.taken_at.date() <= to_date]
        if not new_pool:
            raise InputError(f"{url}: no snapshot on or before --to {to_date}")
        new = new_pool[-1]
        old_pool = [
            s
            for s in snaps
            if s.taken_at < new.taken_at and (from_date is None or s.taken_at.date() <= from_date)
        ]
        if not old_pool:
            raise InputError(
                f"{url}: no snapshot before {new.taken_at.date()} (and on/before --from {from_date})"
            )
        return old_pool[-1], new
