"""Human approvals (HITL): pending decisions persisted in the run store, decided from CLI, Python or Slack.

An approval has a ``kind`` (``write``, ``consensus``, ``plan``), a payload, and a *resume* action: the name of
a registered handler plus its arguments, run once when the approval is granted (or rejected). Deciding is
atomic (``pending`` → ``approved``/``rejected`` in one UPDATE), so two deciders, a retried Slack click or a
restarted process can never run the handler twice; a handler that died half way (status ``approved``, not
``done``) is re-run by :func:`resume_pending`, and handlers are idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..errors import InputError
from ..redact import redact
from ..runtime import utcnow
from ..store.base import Base, session_factory


class ApprovalRow(Base):
    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    run_id: Mapped[str | None] = mapped_column(String(32), index=True, nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    payload: Mapped[Any] = mapped_column(JSON)
    handler: Mapped[str] = mapped_column(String(100))
    handler_args: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending|approved|rejected|done|failed
    decision: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[Any] = mapped_column(JSON, nullable=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# handler name -> callable(approval: dict, approved: bool) -> JSON result
HANDLERS: dict[str, Callable[[dict[str, Any], bool], Any]] = {}


def handler(name: str) -> Callable[[Callable], Callable]:
    """Register a resume handler under ``name``."""

    def deco(fn: Callable) -> Callable:
        HANDLERS[name] = fn
        return fn

    return deco


def _as_dict(row: ApprovalRow) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in ApprovalRow.__table__.columns}


class Approvals:
    """The approval queue in the run store at ``url``."""

    def __init__(self, url: str | None = None):
        self.Session = session_factory(url)

    def request(self, kind: str, title: str, payload: Any, handler_name: str, handler_args: Any,
                run_id: str | None = None) -> str:
        approval_id = uuid.uuid4().hex[:12]
        with self.Session.begin() as s:
            s.add(ApprovalRow(id=approval_id, kind=kind, run_id=run_id, title=title[:300], payload=redact(payload),
                              handler=handler_name, handler_args=handler_args, status="pending",
                              requested_at=utcnow()))
        return approval_id

    def get(self, approval_id: str) -> dict[str, Any]:
        with self.Session() as s:
            rows = s.scalars(select(ApprovalRow).where(ApprovalRow.id.startswith(approval_id))).all()
            if len(rows) != 1:
                raise InputError(f"APPROVAL_ID: {'no' if not rows else 'ambiguous'} approval {approval_id!r}")
            return _as_dict(rows[0])

    def list(self, status: str | None = "pending") -> list[dict[str, Any]]:
        with self.Session() as s:
            q = select(ApprovalRow).order_by(ApprovalRow.requested_at)
            if status:
                q = q.where(ApprovalRow.status == status)
            return [_as_dict(r) for r in s.scalars(q)]

    def decide(self, approval_id: str, *, approve: bool, by: str, decision: str | None = None,
               note: str | None = None) -> dict[str, Any]:
        """Approve or reject once, then run the resume handler; InputError if already decided."""
        row = self.get(approval_id)
        full_id = row["id"]
        options = (row["payload"] or {}).get("options") if isinstance(row["payload"], dict) else None
        if approve and options:
            if not decision or decision.casefold() not in {o.casefold() for o in options}:
                raise InputError(f"--decision: approval {full_id} needs one of {', '.join(options)}")
        with self.Session.begin() as s:
            claimed = s.execute(
                update(ApprovalRow).where(ApprovalRow.id == full_id, ApprovalRow.status == "pending").values(
                    status="approved" if approve else "rejected", decided_by=by, decision=decision, note=note,
                    decided_at=utcnow())).rowcount
        if claimed != 1:
            raise InputError(f"approval {full_id}: already decided ({self.get(full_id)['status']})")
        return self._run_handler(full_id)

    def _run_handler(self, approval_id: str) -> dict[str, Any]:
        row = self.get(approval_id)
        fn = HANDLERS.get(row["handler"])
        if fn is None:
            _load_handlers()
            fn = HANDLERS.get(row["handler"])
        approved = row["status"] == "approved"
        try:
            result = fn(row, approved) if fn else {"error": f"no handler {row['handler']!r}"}
            status = "done" if fn else "failed"
        except Exception as exc:  # recorded on the approval; the decision itself stands
            result, status = {"error": f"{type(exc).__name__}: {exc}"}, "failed"
        with self.Session.begin() as s:
            row_obj = s.get(ApprovalRow, approval_id)
            row_obj.result = redact(result)
            if row_obj.status == "approved" or status == "failed":
                row_obj.status = status
        return self.get(approval_id)

    def resume_pending(self) -> list[str]:
        """Re-run handlers of approvals decided but not finished (the deciding process died)."""
        ids = [r["id"] for r in self.list(status="approved")]
        for approval_id in ids:
            self._run_handler(approval_id)
        return ids


def pending_writes(url: str | None = None) -> list[dict[str, Any]]:
    """Planned outbound writes waiting for approval, shaped like approvals (kind ``write``)."""
    from ..integrations.writes import list_writes

    return [{"id": w.id, "kind": "write", "status": "pending", "requested_at": w.created_at, "run_id": None,
             "title": w.diff_text().splitlines()[0]} for w in list_writes("planned", url)]


def decide_any(approval_id: str, *, approve: bool, by: str, decision: str | None = None,
               note: str | None = None, url: str | None = None) -> dict[str, Any]:
    """Decide an approval, or a planned write (apply it once / reject it) when the id is a write's."""
    try:
        return Approvals(url).decide(approval_id, approve=approve, by=by, decision=decision, note=note)
    except InputError as exc:
        if "no approval" not in str(exc):
            raise
    from ..integrations.writes import apply_write, get_write, reject_write

    get_write(approval_id, url)  # InputError naming the id when it is neither
    done = apply_write(approval_id, by, url) if approve else reject_write(approval_id, by, url)
    return {"id": done.id, "status": done.status, "result": done.result or {"error": done.error}}


def _load_handlers() -> None:
    # modules that register resume handlers
    import importlib

    for module in ("sophia_crew.orchestration.resume",):
        importlib.import_module(module)
