"""State of one crew run shared by the tool adapter, the offline policy and the runner.

It knows which task is running (tasks run in crew order; the task callback advances it), collects
every tool receipt, and keeps each task's answer for the offline manager and for reports.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .config import CrewSpec, TaskSpec, Workspace


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Receipt:
    """What one tool call received and returned."""

    id: str
    run_id: str
    task: str | None
    agent: str | None
    tool: str
    arguments: dict[str, Any]
    output: Any  # JSON-compatible data
    ok: bool
    error: str | None
    started_at: datetime
    duration_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "task": self.task, "agent": self.agent, "tool": self.tool,
            "arguments": self.arguments, "output": self.output, "ok": self.ok, "error": self.error,
            "started_at": self.started_at.isoformat() if isinstance(self.started_at, datetime) else self.started_at, "duration_ms": round(self.duration_ms, 3),
        }


@dataclass
class RunContext:
    """Everything one kickoff shares between its parts."""

    crew_name: str
    crew: CrewSpec
    workspace: Workspace
    inputs: dict[str, Any]
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    tasks: dict[str, TaskSpec] = field(default_factory=dict)  # the workspace's tasks + this run's voter tasks
    task_order: list[str] = field(default_factory=list)  # the order crewAI runs them in
    receipts: list[Receipt] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    fatal: Exception | None = None
    guard: Any = None  # orchestration.guards.DelegationGuard for hierarchical runs
    budget: Any = None  # orchestration.budget.Budget
    limiter: Any = None  # orchestration.budget.RateLimiter shared across agents and runs
    agents: list[Any] = field(default_factory=list)  # the crewAI agents (for usage accounting)
    on_receipt: Callable[[Receipt], None] | None = None
    on_task_done: Callable[[str, Any], None] | None = None
    _done: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.tasks:
            self.tasks = dict(self.workspace.tasks)
        if not self.task_order:
            self.task_order = list(self.crew.tasks)

    @property
    def current_task(self) -> str | None:
        """The task now running (crewAI runs a crew's tasks in their listed order)."""
        done = len(self._done)
        return self.task_order[done] if done < len(self.task_order) else None

    def task_finished(self, output: Any) -> None:
        """Task callback: record the finished task's output and move on to the next."""
        task = self.current_task
        if self.guard is not None and task and task not in self.guard.delegated_tasks and self.fatal is None:
            from .orchestration.guards import GuardRailError

            self.fatal = GuardRailError(f"guard rail: the manager answered task {task!r} itself instead of "
                                        "delegating it to a coworker")
        with self._lock:
            self._done.append(task or "?")
        if self.on_task_done and task:
            self.on_task_done(task, output)

    def add_receipt(self, receipt: Receipt) -> None:
        with self._lock:
            self.receipts.append(receipt)
        if self.on_receipt:
            self.on_receipt(receipt)

    def latest_outputs(self, task: str) -> dict[str, Any]:
        """Per tool, the output of its latest successful call during ``task``."""
        out: dict[str, Any] = {}
        for r in self.receipts:
            if r.task == task and r.ok:
                out[r.tool] = r.output
        return out

    def failed_receipt(self, task: str) -> Receipt | None:
        """The first failed tool call during ``task``, if any."""
        return next((r for r in self.receipts if r.task == task and not r.ok), None)
