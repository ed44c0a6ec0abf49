"""Guard rails on crewAI's hierarchical delegation, enforced through crewAI's global tool/LLM hooks.

crewAI's manager delegates with the ``Delegate work to coworker`` / ``Ask question to coworker`` tools and
nothing stops it from delegating to anyone, forever, or from answering a task itself. For every sophia
run we check each delegation before crewAI executes it:

- the coworker must be on the delegating agent's allow-list (``delegates_to`` in agents.yaml; default:
  the crew's agents);
- at most ``max_delegations`` per run and ``max_depth`` levels (only the manager delegates by default);
- the same task text to the same coworker twice is a loop;
- a task held by the manager must have been delegated at least once before it finishes.

A violation blocks the tool, records a :class:`GuardRailError` on the run, and every later LLM call of that
run is refused, so the crew stops at once and ``kickoff`` raises the error with its clear message.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from ..errors import RunFailed

DELEGATION_TOOLS = {"delegate_work_to_coworker", "ask_question_to_coworker"}


class GuardRailError(RunFailed):
    """A hierarchical run broke a delegation guard rail."""


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip().casefold()


def _tool_key(name: str) -> str:
    return _norm(name).replace(" ", "_")


@dataclass
class DelegationGuard:
    """Limits for one hierarchical run, and what it has seen so far."""

    manager_role: str
    allowed: dict[str, set[str]]  # delegating role (normalised) -> coworker roles (normalised)
    max_delegations: int
    max_depth: int = 1
    delegations: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, task)
    delegated_tasks: set[str] = field(default_factory=set)
    error: GuardRailError | None = None

    def check(self, from_role: str, tool_input: dict[str, Any], task_name: str | None) -> str | None:
        """None when the delegation may go ahead, else the reason it is refused."""
        src = _norm(from_role)
        dst = _norm(str(tool_input.get("coworker", "")))
        text = _norm(str(tool_input.get("task") or tool_input.get("question") or ""))
        if src != _norm(self.manager_role) and self.max_depth < 2:
            return f"{from_role!r} may not delegate (max delegation depth {self.max_depth}: only the manager delegates)"
        allowed = self.allowed.get(src, set())
        if dst not in allowed:
            return (f"{from_role!r} may not delegate to {tool_input.get('coworker')!r} "
                    f"(allowed: {', '.join(sorted(allowed)) or 'nobody'})")
        if (src, dst, text) in self.delegations:
            return f"delegation loop: {from_role!r} sent the same task to {tool_input.get('coworker')!r} twice"
        if len(self.delegations) >= self.max_delegations:
            return f"too many delegations: limit {self.max_delegations} per run reached"
        self.delegations.append((src, dst, text))
        if task_name:
            self.delegated_tasks.add(task_name)
        return None


_lock = threading.Lock()
_active: dict[int, Any] = {}  # id(crew) and id(agent) -> RunContext
_installed = False


def activate(ctx: Any, crew: Any) -> None:
    """Route crewAI hook calls for ``crew`` (and its agents) to the run ``ctx``."""
    install_hooks()
    ctx.agents = [*crew.agents, *([crew.manager_agent] if crew.manager_agent else [])]
    with _lock:
        _active[id(crew)] = ctx
        for agent in [*crew.agents, *([crew.manager_agent] if crew.manager_agent else [])]:
            _active[id(agent)] = ctx


def deactivate(ctx: Any) -> None:
    with _lock:
        for key in [k for k, v in _active.items() if v is ctx]:
            del _active[key]


def _ctx_for(hook_ctx: Any) -> Any:
    with _lock:
        for obj in (getattr(hook_ctx, "crew", None), getattr(hook_ctx, "agent", None)):
            if obj is not None and id(obj) in _active:
                return _active[id(obj)]
        runs = {id(v): v for v in _active.values()}
        return next(iter(runs.values())) if len(runs) == 1 else None


def _before_tool(hook_ctx: Any) -> bool | None:
    ctx = _ctx_for(hook_ctx)
    guard = getattr(ctx, "guard", None) if ctx is not None else None
    if guard is None or _tool_key(hook_ctx.tool_name) not in DELEGATION_TOOLS:
        return None
    reason = guard.check(getattr(hook_ctx.agent, "role", "?"), hook_ctx.tool_input, ctx.current_task)
    if reason is None:
        return None
    if ctx.fatal is None:
        ctx.fatal = GuardRailError(f"guard rail: {reason}")
    return False


def _before_llm(hook_ctx: Any) -> bool | None:
    ctx = _ctx_for(hook_ctx)
    if ctx is None:
        return None
    if ctx.fatal is not None:
        return False  # stop the crew: the run already broke a guard rail or its budget
    if ctx.budget is not None:
        from .budget import BudgetExceeded, usage_of

        tokens, cost = usage_of(ctx.agents)
        reason = ctx.budget.check(tokens, cost)
        if reason is not None:
            ctx.fatal = BudgetExceeded(f"budget: {reason}")
            return False
    if ctx.limiter is not None:
        ctx.limiter.acquire()
    return None


def install_hooks() -> None:
    """Register the global crewAI hooks once per process."""
    global _installed
    if _installed:
        return
    from crewai.hooks.llm_hooks import register_before_llm_call_hook
    from crewai.hooks.tool_hooks import register_before_tool_call_hook

    register_before_tool_call_hook(_before_tool)
    register_before_llm_call_hook(_before_llm)
    _installed = True
