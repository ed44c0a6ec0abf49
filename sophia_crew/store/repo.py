"""Reading and writing runs. Every write commits at once, so a run killed half way stays visible."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import InputError
from ..redact import redact
from ..runtime import Receipt, utcnow
from .base import session_factory
from .models import ReceiptRow, RunRow, StepRow, UsageRow


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class RunSummary:
    id: str
    crew: str
    status: str
    started_at: Any
    finished_at: Any
    written_by: str
    error: str | None
    receipts: int


class RunStore:
    """The run store on ``url`` (default: ``SOPHIA_DATABASE_URL`` or local SQLite)."""

    def __init__(self, url: str | None = None):
        self.Session = session_factory(url)
        self._seq: dict[tuple[str, str], int] = {}

    def _next_seq(self, kind: str, run_id: str) -> int:
        key = (kind, run_id)
        self._seq[key] = self._seq.get(key, -1) + 1
        return self._seq[key]

    # -- writes ------------------------------------------------------------------------------
    def start_run(self, run_id: str, crew: str, inputs: dict[str, Any], trigger: str = "api") -> None:
        with self.Session.begin() as s:
            s.add(RunRow(id=run_id, crew=crew, status="running", inputs=redact(inputs), started_at=utcnow(),
                         host=socket.gethostname(), pid=os.getpid(), trigger=trigger))

    def add_receipt(self, r: Receipt) -> None:
        with self.Session.begin() as s:
            seq = self._next_seq("receipt", r.run_id)
            s.add(ReceiptRow(id=r.id, run_id=r.run_id, seq=seq, task=r.task, agent=r.agent, tool=r.tool,
                             arguments=redact(r.arguments), output=redact(r.output), ok=r.ok,
                             error=redact(r.error), started_at=r.started_at, duration_ms=r.duration_ms))

    def add_step(self, run_id: str, task: str, agent: str, output: Any, raw: str) -> None:
        with self.Session.begin() as s:
            seq = self._next_seq("step", run_id)
            s.add(StepRow(run_id=run_id, seq=seq, task=task, agent=agent, output=redact(output),
                          raw=redact(raw), finished_at=utcnow()))

    def add_usage(self, run_id: str, rows: list[dict[str, Any]]) -> None:
        with self.Session.begin() as s:
            for row in rows:
                s.add(UsageRow(run_id=run_id, **row))

    def finish_run(self, run_id: str, *, status: str, written_by: str = "", llm_profiles: dict | None = None,
                   error: str | None = None, report_files: list[str] | None = None,
                   result: Any = None) -> None:
        with self.Session.begin() as s:
            run = s.get(RunRow, run_id)
            run.status = status
            run.finished_at = utcnow()
            run.written_by = written_by
            run.llm_profiles = llm_profiles or {}
            run.error = redact(error)
            run.report_files = report_files or []
            if result is not None:
                run.result = redact(result)

    # -- reads -------------------------------------------------------------------------------
    def _status(self, run: RunRow) -> str:
        if run.status == "running" and run.host == socket.gethostname() and not _pid_alive(run.pid):
            return "incomplete"  # its process died without finishing it
        return run.status

    def list_runs(self, limit: int = 20, crew: str | None = None) -> list[RunSummary]:
        with self.Session() as s:
            q = select(RunRow).options(selectinload(RunRow.receipts)).order_by(RunRow.started_at.desc())
            if crew:
                q = q.where(RunRow.crew == crew)
            rows = s.scalars(q.limit(limit)).all()
            return [RunSummary(r.id, r.crew, self._status(r), r.started_at, r.finished_at, r.written_by,
                               r.error, len(r.receipts)) for r in rows]

    def get_run(self, run_id: str) -> dict[str, Any]:
        """The run with its steps, receipts and usage as plain data; InputError if unknown."""
        with self.Session() as s:
            q = select(RunRow).where(RunRow.id.startswith(run_id)).options(
                selectinload(RunRow.steps), selectinload(RunRow.receipts), selectinload(RunRow.usage))
            rows = s.scalars(q).all()
            if not rows:
                raise InputError(f"RUN_ID: no run {run_id!r} in the run store")
            if len(rows) > 1:
                raise InputError(f"RUN_ID: {run_id!r} matches {len(rows)} runs; give more characters")
            r = rows[0]
            return {
                "id": r.id, "crew": r.crew, "status": self._status(r), "inputs": r.inputs,
                "written_by": r.written_by, "llm_profiles": r.llm_profiles, "trigger": r.trigger,
                "started_at": r.started_at, "finished_at": r.finished_at, "error": r.error,
                "report_files": r.report_files, "result": r.result,
                "steps": [{"task": st.task, "agent": st.agent, "output": st.output} for st in r.steps],
                "receipts": [{"id": rc.id, "task": rc.task, "agent": rc.agent, "tool": rc.tool,
                              "arguments": rc.arguments, "output": rc.output, "ok": rc.ok, "error": rc.error,
                              "duration_ms": rc.duration_ms} for rc in r.receipts],
                "usage": [{"agent": u.agent, "task": u.task, "model": u.model, "prompt_tokens": u.prompt_tokens,
                           "completion_tokens": u.completion_tokens, "requests": u.requests,
                           "cost_usd": u.cost_usd} for u in r.usage],
            }
