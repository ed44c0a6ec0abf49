"""Incremental, idempotent CRM sync into the local store (``sophia sync crm``).

Per (source, object) a watermark keeps the highest source modification stamp seen; each run fetches records
modified at or after it and upserts only rows whose content hash changed, so a second run writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol

from pydantic import BaseModel, Field
from sqlalchemy import select

from ..errors import InputError
from .crm_models import CRM_OBJECTS, CrmSnapshot
from .settings import IntegrationSettings, load_settings
from .tables import CrmRecord, SyncWatermark, sessions, utcnow

SOURCES = ("hubspot", "salesforce", "demo")


class CrmSource(Protocol):
    """Anything that yields unified records with their modification stamp."""

    def fetch(self, obj: str, since: str | None) -> list[tuple[Any, str | None]]: ...


class ObjectSync(BaseModel):
    """What one object's sync did."""

    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    watermark: str | None = None


class SyncResult(BaseModel):
    """Outcome of :func:`sync_crm` per object; ``writes`` is 0 when nothing changed."""

    source: str
    objects: dict[str, ObjectSync] = Field(default_factory=dict)

    @property
    def writes(self) -> int:
        """Rows inserted or updated across every object."""
        return sum(o.inserted + o.updated for o in self.objects.values())


def make_source(
    source: str, settings: IntegrationSettings | None = None, demo_root: str | None = None
) -> CrmSource:
    """Client for ``source`` (hubspot | salesforce | demo) built from ``settings``."""
    if source == "hubspot":
        from .hubspot import HubSpotClient

        return HubSpotClient(settings)
    if source == "salesforce":
        from .salesforce import SalesforceClient

        return SalesforceClient(settings)
    if source == "demo":
        from .demo import DemoSource

        return DemoSource(demo_root)
    raise InputError(f"--source: unknown CRM source {source!r} (choose from {', '.join(SOURCES)})")


def content_hash(model: BaseModel) -> str:
    """Stable hash of a record's content."""
    blob = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def sync_crm(
    source: str,
    url: str | None = None,
    *,
    settings: IntegrationSettings | None = None,
    client: CrmSource | None = None,
    demo_root: str | None = None,
) -> SyncResult:
    """Sync every CRM object of ``source`` into the run store at ``url`` (default store).

    Args:
        source: ``hubspot``, ``salesforce`` or ``demo``.
        url: SQLAlchemy URL of the store (default ``SOPHIA_DATABASE_URL`` / SQLite under ``SOPHIA_HOME``).
        settings: integration settings (default: env / .env / profile).
        client: an already-built source (tests); default built by :func:`make_source`.
        demo_root: folder of the demo CSVs for ``source="demo"`` (default the embedded tenant).

    Returns:
        Per-object counts; ``result.writes == 0`` on a re-run with no source changes.
    """
    settings = settings or load_settings()
    client = client or make_source(source, settings, demo_root)
    Session = sessions(url)
    result = SyncResult(source=source)
    for obj in CRM_OBJECTS:
        with Session() as db:
            wm_row = db.get(SyncWatermark, (source, obj))
            since = wm_row.watermark if wm_row else None
        rows = client.fetch(obj, since)  # fetch before opening a write transaction
        stats = ObjectSync(fetched=len(rows), watermark=since)
        with Session.begin() as db:
            existing = {
                r.record_id: r
                for r in db.scalars(
                    select(CrmRecord).where(
                        CrmRecord.source == source,
                        CrmRecord.object == obj,
                        CrmRecord.record_id.in_([m.id for m, _ in rows]),
                    )
                )
            }
            for model, modified in rows:
                digest = content_hash(model)
                row = existing.get(model.id)
                if row is None:
                    db.add(
                        CrmRecord(
                            source=source,
                            object=obj,
                            record_id=model.id,
                            data=model.model_dump(mode="json"),
                            content_hash=digest,
                            modified_at=modified,
                        )
                    )
                    stats.inserted += 1
                elif row.content_hash != digest:
                    row.data, row.content_hash, row.modified_at, row.synced_at = (
                        model.model_dump(mode="json"),
                        digest,
                        modified,
                        utcnow(),
                    )
                    stats.updated += 1
                else:
                    stats.unchanged += 1
                if modified and (stats.watermark is None or modified > stats.watermark):
                    stats.watermark = modified
            if stats.watermark and stats.watermark != since:
                if wm_row:
                    db.merge(
                        SyncWatermark(
                            source=source, object=obj, watermark=stats.watermark, updated_at=utcnow()
                        )
                    )
                else:
                    db.add(SyncWatermark(source=source, object=obj, watermark=stats.watermark))
        result.objects[obj] = stats
    return result


def load_crm(source: str, url: str | None = None) -> CrmSnapshot:
    """The unified model of ``source`` as stored by :func:`sync_crm`."""
    Session = sessions(url)
    snap = CrmSnapshot()
    with Session() as db:
        for obj, model in CRM_OBJECTS.items():
            rows = db.scalars(
                select(CrmRecord)
                .where(CrmRecord.source == source, CrmRecord.object == obj)
                .order_by(CrmRecord.record_id)
            )
            getattr(snap, obj).extend(model.model_validate(r.data) for r in rows)
    return snap
