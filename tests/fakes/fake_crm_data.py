"""The canonical test tenant (tests/fixtures/integrations/crm) as plain rows, shared by the CRM fakes."""

from __future__ import annotations

import csv
from pathlib import Path

CRM_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "integrations" / "crm"


def rows(name: str) -> list[dict[str, str]]:
    with (CRM_FIXTURE / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def stage_history() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows("deal_stage_history"):
        out.setdefault(r["deal_id"], []).append(r)
    return out


MODIFIED = "2026-11-01T09:00:00.000Z"
