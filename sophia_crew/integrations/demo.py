"""The embedded demo tenant's CSVs as a CRM source (``sophia sync crm --source demo``)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..resources import demo_path
from .crm_models import Account, Activity, Contact, Deal, Owner, StageChange
from .mappers import to_date

SOURCE = "demo"


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    path = root / name
    if not path.is_file():
        raise InputError(f"{path}: demo tenant file missing")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _opt(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def _float(value: str | None, where: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(f"{where}: not a number: {value!r}") from None


class DemoSource:
    """Reads ``owners.csv``, ``accounts.csv``, ``contacts.csv``, ``deals.csv`` (+ stage history), ``activities.csv``."""

    name = SOURCE

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root else demo_path()

    def fetch(self, obj: str, since: str | None) -> list[tuple[Any, str | None]]:
        """Every record of ``obj``; CSVs carry no modification time, so idempotency rests on content hashes."""
        build = {
            "owners": self.owners,
            "accounts": self.accounts,
            "contacts": self.contacts,
            "deals": self.deals,
            "activities": self.activities,
        }.get(obj)
        if build is None:
            raise InputError(f"demo: unknown CRM object {obj!r}")
        return [(m, None) for m in build()]

    def owners(self) -> list[Owner]:
        """owners.csv → Owner."""
        return [
            Owner(
                id=r["owner_id"],
                source=SOURCE,
                name=r["name"],
                email=_opt(r.get("email")),
                role=_opt(r.get("role")),
                team=_opt(r.get("team")),
            )
            for r in _rows(self.root, "owners.csv")
        ]

    def accounts(self) -> list[Account]:
        """accounts.csv → Account."""
        out = []
        for i, r in enumerate(_rows(self.root, "accounts.csv"), start=2):
            where = f"accounts.csv: line {i}"
            out.append(
                Account(
                    id=r["account_id"],
                    source=SOURCE,
                    name=r["name"],
                    domain=_opt(r.get("domain")),
                    industry=_opt(r.get("industry")),
                    segment=_opt(r.get("segment")),
                    region=_opt(r.get("region")),
                    owner_id=_opt(r.get("owner_id")),
                    arr_usd=_float(r.get("arr_usd"), f"{where}: arr_usd"),
                    lifecycle_stage=_opt(r.get("lifecycle_stage")),
                    renewal_date=to_date(r.get("renewal_date"), f"{where}: renewal_date"),
                    created_date=to_date(r.get("created_date"), f"{where}: created_date"),
                )
            )
        return out

    def contacts(self) -> list[Contact]:
        """contacts.csv → Contact."""
        return [
            Contact(
                id=r["contact_id"],
                source=SOURCE,
                account_id=_opt(r.get("account_id")),
                first_name=_opt(r.get("first_name")),
                last_name=_opt(r.get("last_name")),
                title=_opt(r.get("title")),
                email=_opt(r.get("email")),
                phone=_opt(r.get("phone")),
            )
            for r in _rows(self.root, "contacts.csv")
        ]

    def deals(self) -> list[Deal]:
        """deals.csv + deal_stage_history.csv → Deal with stage history."""
        history: dict[str, list[StageChange]] = defaultdict(list)
        for i, h in enumerate(_rows(self.root, "deal_stage_history.csv"), start=2):
            history[h["deal_id"]].append(
                StageChange(
                    stage=h["stage"],
                    entered_date=to_date(h["entered_date"], f"deal_stage_history.csv: line {i}"),
                )
            )
        out = []
        for i, r in enumerate(_rows(self.root, "deals.csv"), start=2):
            where = f"deals.csv: line {i}"
            out.append(
                Deal(
                    id=r["deal_id"],
                    source=SOURCE,
                    account_id=_opt(r.get("account_id")),
                    name=r["name"],
                    owner_id=_opt(r.get("owner_id")),
                    amount_usd=_float(r.get("amount_usd"), f"{where}: amount_usd"),
                    stage=r["stage"],
                    close_date=to_date(r.get("close_date"), f"{where}: close_date"),
                    created_date=to_date(r.get("created_date"), f"{where}: created_date"),
                    is_closed=r.get("is_closed") == "1",
                    is_won=r.get("is_won") == "1",
                    stage_history=sorted(history.get(r["deal_id"], []), key=lambda c: c.entered_date),
                )
            )
        return out

    def activities(self) -> list[Activity]:
        """activities.csv → Activity."""
        return [
            Activity(
                id=r["activity_id"],
                source=SOURCE,
                type=r["type"],
                account_id=_opt(r.get("account_id")),
                contact_id=_opt(r.get("contact_id")),
                owner_id=_opt(r.get("owner_id")),
                date=to_date(r.get("date"), f"activities.csv: line {i}: date"),
                subject=_opt(r.get("subject")),
            )
            for i, r in enumerate(_rows(self.root, "activities.csv"), start=2)
        ]
