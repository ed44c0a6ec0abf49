"""Shared pieces of the demo-tenant build: repository paths, the fixed "today" and seed, per-file random
streams, date helpers and the CSV writer."""

from __future__ import annotations

import csv
import io
import zlib
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "sophia_crew" / "demo_data" / "payready"
SOURCES = REPO / "sophia_crew" / "demo_data" / "_sources"
TODAY = date(2026, 11, 15)
SEED = 20261115


def rng_for(name: str) -> np.random.Generator:
    """Independent stable stream per file, so editing one table never reshuffles another."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def d(text: str) -> date:
    return date.fromisoformat(text)


def month_range(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")
