"""On-disk page cache: raw body bytes + JSON metadata (timestamps, validators) per URL."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from sophia_crew.errors import InputError


class CacheEntry(BaseModel):
    """Metadata of one cached response (the body lives next to it)."""

    url: str
    final_url: str
    status: int
    fetched_at: datetime
    validated_at: datetime
    content_hash: str
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = Field(default_factory=list)


def url_key(url: str) -> str:
    """Stable file-name key for a URL."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


class PageCache:
    """Directory-backed cache. ``<root>/<key>.json`` holds metadata, ``<root>/<key>.body`` the raw bytes."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = url_key(url)
        return self.root / f"{key}.json", self.root / f"{key}.body"

    def get(self, url: str) -> tuple[CacheEntry, bytes] | None:
        """Cached (metadata, body) for ``url``, or None. A corrupt entry counts as a miss."""
        meta_path, body_path = self._paths(url)
        if not (meta_path.is_file() and body_path.is_file()):
            return None
        try:
            entry = CacheEntry.model_validate_json(meta_path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        body = body_path.read_bytes()
        if hashlib.sha256(body).hexdigest() != entry.content_hash:
            return None
        return entry, body

    def put(self, entry: CacheEntry, body: bytes) -> None:
        """Store ``body`` and its metadata under ``entry.url`` (atomic rename, so readers never see halves)."""
        if hashlib.sha256(body).hexdigest() != entry.content_hash:
            raise InputError(f"page cache: content hash does not match body for {entry.url}")
        meta_path, body_path = self._paths(entry.url)
        for path, data in ((body_path, body), (meta_path, entry.model_dump_json(indent=1).encode("utf-8"))):
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)

    def touch(self, url: str, validated_at: datetime) -> None:
        """Record a successful revalidation (HTTP 304) of the cached entry."""
        hit = self.get(url)
        if hit is None:
            return
        entry, body = hit
        self.put(entry.model_copy(update={"validated_at": validated_at}), body)

    def entries(self) -> list[CacheEntry]:
        """Metadata of every cached page."""
        out = []
        for meta in sorted(self.root.glob("*.json")):
            try:
                out.append(CacheEntry.model_validate_json(json.dumps(json.loads(meta.read_text("utf-8")))))
            except ValueError:
                continue
        return out
