"""Safe outbound writes: plan (with a diff) → approve → apply once, with an audit log.

Every write (CRM field update, note/task creation, Slack post) is first a persisted :class:`PlannedWrite`;
nothing leaves the machine until :func:`apply_write` is called with an approver (CLI ``--yes``/prompt, Slack
button, or Python). The idempotency key is claimed atomically, so retrying ``apply`` never sends twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select, update

from ..errors import InputError, IntegrationError
from .results import DiffLine
from .settings import IntegrationSettings, load_settings
from .tables import WriteAudit, WritePlanned, sessions, utcnow


class PlannedWrite(BaseModel):
    """A write to an external system, persisted before anything is sent."""

    id: str
    system: str
    kind: str
    target: dict[str, Any]
    payload: dict[str, Any]
    diff: list[DiffLine] = Field(default_factory=list)
    idempotency_key: str
    status: str  # planned | applying | applied | failed | rejected
    created_at: datetime
    approver: str | None = None
    applied_at: datetime | None = None
    attempts: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None

    def diff_text(self) -> str:
        """Human-readable diff (what dry-run prints)."""
        where = "/".join(str(v) for v in self.target.values() if v)
        lines = [f"[{self.id}] {self.system} {self.kind} {where} ({self.status})"]
        lines += [
            f"  {d.field}: {json.dumps(d.before, default=str)} -> {json.dumps(d.after, default=str)}"
            for d in self.diff
        ]
        return "\n".join(lines)


Executor = Callable[[IntegrationSettings, dict, dict, str], dict]


def _hubspot_update(s: IntegrationSettings, target: dict, payload: dict, key: str) -> dict:
    from .hubspot import HubSpotClient

    res = HubSpotClient(s, for_writes=True).update(
        target["object_type"], target["object_id"], payload["properties"]
    )
    return {"id": res.get("id")}


def _hubspot_note(s: IntegrationSettings, target: dict, payload: dict, key: str) -> dict:
    from .hubspot import HubSpotClient

    res = HubSpotClient(s, for_writes=True).create_note(
        payload["body"], payload["timestamp"], target.get("company_id")
    )
    return {"id": res.get("id")}


def _salesforce_update(s: IntegrationSettings, target: dict, payload: dict, key: str) -> dict:
    from .salesforce import SalesforceClient

    status = SalesforceClient(s, for_writes=True).update(
        target["sobject"], target["record_id"], payload["fields"]
    )
    return {"status": status}


def _salesforce_task(s: IntegrationSettings, target: dict, payload: dict, key: str) -> dict:
    from .salesforce import SalesforceClient

    # Upsert on the idempotency key: even a resend after a lost answer cannot create a second Task.
    fields = dict(payload["fields"], WhatId=target["what_id"])
    status = SalesforceClient(s, for_writes=True).upsert(
        "Task", s.salesforce_external_id_field, key[:32], fields
    )
    return {"status": status}


def _slack_post(s: IntegrationSettings, target: dict, payload: dict, key: str) -> dict:
    from .slack import SlackClient

    return SlackClient(s, for_writes=True).post_blocks(
        payload["text"], payload.get("blocks"), target.get("channel"), target.get("thread_ts")
    )


EXECUTORS: dict[tuple[str, str], Executor] = {
    ("hubspot", "update_field"): _hubspot_update,
    ("hubspot", "create_note"): _hubspot_note,
    ("salesforce", "update_field"): _salesforce_update,
    ("salesforce", "create_task"): _salesforce_task,
    ("slack", "post_message"): _slack_post,
}


def _model(row: WritePlanned) -> PlannedWrite:
    return PlannedWrite.model_validate(row, from_attributes=True)


def _audit(db: Any, write_id: str, actor: str, action: str, detail: str = "") -> None:
    db.add(WriteAudit(write_id=write_id, actor=actor, action=action, detail=detail))


def idempotency_key(system: str, kind: str, target: dict, payload: dict) -> str:
    """Hash of what the write does: planning the same write twice yields the same key (and the same row)."""
    blob = json.dumps([system, kind, target, payload], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def plan_write(
    system: str,
    kind: str,
    target: dict[str, Any],
    payload: dict[str, Any],
    before: dict[str, Any] | None = None,
    url: str | None = None,
) -> PlannedWrite:
    """Persist a planned write and its diff; sends nothing (dry-run is the default).

    Args:
        system: ``hubspot``, ``salesforce`` or ``slack``.
        kind: ``update_field``, ``create_note``, ``create_task`` or ``post_message`` (see ``EXECUTORS``).
        target: where the write goes (object/record ids, channel).
        payload: what is written (``properties`` / ``fields`` / ``text`` + ``blocks`` ...).
        before: current values of the changed fields, for the diff (None for creations).
        url: run-store URL (default store).
    """
    if (system, kind) not in EXECUTORS:
        known = ", ".join(f"{a}:{b}" for a, b in EXECUTORS)
        raise InputError(f"write kind {system}:{kind} is not supported (known: {known})")
    after = (
        payload.get("properties")
        or payload.get("fields")
        or {k: v for k, v in payload.items() if k != "blocks"}
    )
    diff = [DiffLine(field=k, before=(before or {}).get(k), after=v) for k, v in sorted(after.items())]
    key = idempotency_key(system, kind, target, payload)
    Session = sessions(url)
    with Session.begin() as db:
        row = db.scalars(select(WritePlanned).where(WritePlanned.idempotency_key == key)).first()
        if row is None:
            row = WritePlanned(
                id="w_" + uuid.uuid4().hex[:12],
                system=system,
                kind=kind,
                target=target,
                payload=payload,
                diff=[d.model_dump(mode="json") for d in diff],
                idempotency_key=key,
                status="planned",
                created_at=utcnow(),
                attempts=0,
            )
            db.add(row)
            _audit(db, row.id, "sophia", "planned", f"{system}:{kind}")
        return _model(row)


def get_write(write_id: str, url: str | None = None) -> PlannedWrite:
    """One planned write; InputError when the id is unknown."""
    with sessions(url)() as db:
        row = db.get(WritePlanned, write_id)
        if row is None:
            raise InputError(f"write id {write_id!r} not found (see `sophia writes list`)")
        return _model(row)


def list_writes(status: str | None = None, url: str | None = None) -> list[PlannedWrite]:
    """Planned writes, newest first, optionally only those in ``status``."""
    with sessions(url)() as db:
        q = select(WritePlanned).order_by(WritePlanned.created_at.desc())
        if status:
            q = q.where(WritePlanned.status == status)
        return [_model(r) for r in db.scalars(q)]


def audit_log(write_id: str, url: str | None = None) -> list[dict[str, Any]]:
    """Audit rows of one write, oldest first."""
    with sessions(url)() as db:
        rows = db.scalars(select(WriteAudit).where(WriteAudit.write_id == write_id).order_by(WriteAudit.id))
        return [{"at": r.at, "actor": r.actor, "action": r.action, "detail": r.detail} for r in rows]


def apply_write(
    write_id: str, approver: str, url: str | None = None, settings: IntegrationSettings | None = None
) -> PlannedWrite:
    """Execute an approved write exactly once.

    The status moves planned/failed → applying in one conditional UPDATE, so a concurrent or repeated call
    finds nothing to claim and returns the stored outcome without sending again.

    Raises:
        InputError: no approver, unknown id, or the write was rejected.
        IntegrationError: the external system failed (message redacted; status ``failed``).
    """
    if not approver or not approver.strip():
        raise InputError("apply: an approver is required (a write is never sent without approval)")
    settings = settings or load_settings()
    Session = sessions(url)
    with Session.begin() as db:
        claimed = db.execute(
            update(WritePlanned)
            .where(WritePlanned.id == write_id, WritePlanned.status.in_(("planned", "failed")))
            .values(status="applying", approver=approver, attempts=WritePlanned.attempts + 1)
        ).rowcount
        row = db.get(WritePlanned, write_id)
        if row is None:
            raise InputError(f"write id {write_id!r} not found (see `sophia writes list`)")
        if not claimed:
            _audit(db, write_id, approver, "apply_skipped", f"status is {row.status}")
            if row.status == "rejected":
                raise InputError(f"write {write_id} was rejected; plan it again to retry")
            return _model(row)
        _audit(db, write_id, approver, "approved")
        system, kind, target, payload, key = (
            row.system,
            row.kind,
            row.target,
            row.payload,
            row.idempotency_key,
        )
    try:
        result = EXECUTORS[(system, kind)](settings, target, payload, key)
    except Exception as exc:
        message = settings.redact(exc)
        with Session.begin() as db:
            db.execute(
                update(WritePlanned).where(WritePlanned.id == write_id).values(status="failed", error=message)
            )
            _audit(db, write_id, approver, "failed", message)
        raise IntegrationError(f"write {write_id} failed: {message}") from None
    with Session.begin() as db:
        db.execute(
            update(WritePlanned)
            .where(WritePlanned.id == write_id)
            .values(status="applied", applied_at=utcnow(), result=result, error=None)
        )
        _audit(db, write_id, approver, "applied", settings.redact(json.dumps(result, default=str)))
    return get_write(write_id, url)


def reject_write(write_id: str, actor: str, url: str | None = None) -> PlannedWrite:
    """Mark a planned write rejected (it can then never be applied)."""
    with sessions(url).begin() as db:
        done = db.execute(
            update(WritePlanned)
            .where(WritePlanned.id == write_id, WritePlanned.status.in_(("planned", "failed")))
            .values(status="rejected")
        ).rowcount
        if db.get(WritePlanned, write_id) is None:
            raise InputError(f"write id {write_id!r} not found (see `sophia writes list`)")
        _audit(db, write_id, actor or "unknown", "rejected" if done else "reject_skipped")
    return get_write(write_id, url)


def request_approval(
    write_id: str,
    url: str | None = None,
    settings: IntegrationSettings | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """Post the write's diff with Approve / Reject buttons to Slack (the approval gate's own message).

    This message is part of the gate, not a write of content, so it is sent directly; the buttons' clicks
    come back through :func:`handle_slack_decision`.
    """
    from .slack import SlackClient, approval_blocks

    settings = settings or load_settings()
    w = get_write(write_id, url)
    summary = f"{w.system} {w.kind}"
    sent = SlackClient(settings, for_writes=True).post_blocks(
        f"Approval needed: {summary} ({w.id})", approval_blocks(w.id, summary, w.diff_text()), channel
    )
    with sessions(url).begin() as db:
        _audit(db, write_id, "sophia", "approval_requested", f"slack {sent['channel']} {sent['ts']}")
    return sent


def handle_slack_decision(
    payload: dict[str, Any] | str, url: str | None = None, settings: IntegrationSettings | None = None
) -> PlannedWrite:
    """Apply or reject the write named by a Slack approval-button interaction payload."""
    from .slack import parse_decision

    decision, write_id, user = parse_decision(payload)
    if decision == "approve":
        return apply_write(write_id, user, url, settings)
    return reject_write(write_id, user, url)


def handle_slack_reply(
    text: str, user: str, url: str | None = None, settings: IntegrationSettings | None = None
) -> PlannedWrite | None:
    """Apply or reject on a thread reply ``approve <id>`` / ``reject <id>``; None for other text."""
    from .slack import parse_reply

    parsed = parse_reply(text, user)
    if parsed is None:
        return None
    decision, write_id, who = parsed
    return (
        apply_write(write_id, who, url, settings)
        if decision == "approve"
        else reject_write(write_id, who, url)
    )
