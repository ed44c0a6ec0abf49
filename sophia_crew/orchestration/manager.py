"""The request manager: plain language → a typed, persisted delegation plan → crews run in order.

Planning is deterministic first (:mod:`.routing` rules: keywords, file types, URLs, account names), and an
LLM planner second, only when a language-model profile is configured and the rules find nothing. The plan
is an explicit object (which crew, which inputs, why) shown before execution (``--plan-only``), editable
as YAML, and executed crew by crew through :func:`sophia_crew.runner.kickoff` — each a real crewAI crew.
A request no crew fits is refused with a clear reason, never guessed.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import JSON, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..errors import InputError
from ..runtime import utcnow
from ..store.base import Base, session_factory
from .routing import entities, load_rules, route

INPUT_ALIASES = {
    "transcript": ["transcript"], "folder": ["folder", "resumes"], "url": ["url"], "resume": ["resume", "resumes"],
    "target_usd": ["target_usd"], "account": ["account", "account_id", "account_ids", "accounts"],
}


class PlanStep(BaseModel):
    """One delegation: which crew runs, with which inputs, and why."""

    crew: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    reason: str
    confidence: float = Field(ge=0)


class DelegationPlan(BaseModel):
    """What the manager will do for a request."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    request: str
    planner: str = "rules"
    steps: list[PlanStep] = Field(default_factory=list)
    refused: str | None = Field(default=None, description="Why no crew fits (then steps is empty).")

    def to_markdown(self) -> str:
        if self.refused:
            return f"**No crew fits:** {self.refused}\n"
        lines = [f"Plan `{self.id}` ({self.planner}) for: {self.request}", ""]
        for i, s in enumerate(self.steps, 1):
            lines.append(f"{i}. **{s.crew}** {json.dumps(s.inputs) if s.inputs else '(default inputs)'} — {s.reason}")
        return "\n".join(lines) + "\n"


class PlanRow(Base):
    __tablename__ = "delegation_plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    request: Mapped[str] = mapped_column(Text)
    plan: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # planned|executed|failed|refused
    run_ids: Mapped[Any] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _account_names() -> list[str]:
    import csv

    from ..resources import demo_path

    path = demo_path("accounts.csv")
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    # also the first word ("Northwind" for "Northwind Traders"), when it is distinctive
    return names + [n.split()[0] for n in names if len(n.split()[0]) > 4]


def plan_request(text: str, *, workspace: Any = None, llm: Any = None) -> DelegationPlan:
    """Plan ``text``: rules first; ``llm`` (a crewAI LLM) only when the rules find no crew."""
    from ..runner import cached_workspace

    text = (text or "").strip()
    if not text:
        raise InputError("REQUEST: empty request")
    ws = cached_workspace(workspace)
    rules = load_rules()
    found = entities(text, rules, _account_names())
    steps = []
    for crew, value, hits, clause in route(text, rules):
        if crew not in ws.crews:
            continue
        declared = ws.crews[crew].inputs
        inputs = {}
        for kind, value_found in found.items():
            name = next((n for n in INPUT_ALIASES.get(kind, []) if n in declared), None)
            if name is not None:
                inputs[name] = value_found
        steps.append(PlanStep(crew=crew, inputs=inputs, confidence=round(value, 2),
                              reason=f"'{clause}' matches {', '.join(hits)}"))
    plan = DelegationPlan(request=text, steps=steps)
    if not steps and llm is not None:
        plan = _llm_plan(text, ws, llm)
    if not plan.steps:
        plan.refused = plan.refused or (
            "no crew fits this request (crews: " + ", ".join(sorted(ws.crews)) + "); rephrase or name a crew")
    return plan


def _llm_plan(text: str, ws: Any, llm: Any) -> DelegationPlan:
    catalogue = {name: {"description": c.description.strip(), "inputs": list(c.inputs)} for name, c in ws.crews.items()}
    prompt = ("You route revenue-operations requests to crews. Crews: " + json.dumps(catalogue) +
              '\nAnswer only JSON: {"steps": [{"crew": name, "inputs": {}, "reason": why, "confidence": 0-1}]} '
              'or {"steps": [], "refused": why}.\nRequest: ' + text)
    raw = llm.call([{"role": "user", "content": prompt}])
    try:
        data = json.loads(str(raw).strip().removeprefix("```json").removesuffix("```"))
        plan = DelegationPlan(request=text, planner="llm", steps=data.get("steps", []), refused=data.get("refused"))
    except (json.JSONDecodeError, ValidationError, AttributeError) as exc:
        return DelegationPlan(request=text, planner="llm", refused=f"the LLM planner gave no valid plan ({exc})")
    unknown = [s.crew for s in plan.steps if s.crew not in ws.crews]
    if unknown:
        return DelegationPlan(request=text, planner="llm", refused=f"the LLM planner named unknown crews {unknown}")
    return plan


class Manager:
    """``crews.manager``: plan and run plain-language requests."""

    def __init__(self, workspace: Any = None, store_url: str | None = None):
        self.workspace = workspace
        self.Session = session_factory(store_url)

    def plan(self, text: str, *, llm_profile: str | None = None) -> DelegationPlan:
        llm = None
        if llm_profile and llm_profile != "offline":
            from ..llm.profiles import build_chat_llm, resolve_profile

            llm = build_chat_llm(resolve_profile(llm_profile))
        plan = plan_request(text, workspace=self.workspace, llm=llm)
        self._save(plan, "refused" if plan.refused else "planned")
        return plan

    def run(self, plan: DelegationPlan, *, llm: str | None = None, out_dir: Any = None) -> list[Any]:
        """Execute every step in order (each a crew kickoff); returns their RunResults."""
        from ..runner import kickoff

        if plan.refused:
            raise InputError(f"request refused: {plan.refused}")
        results = []
        try:
            for step in plan.steps:
                results.append(kickoff(step.crew, step.inputs, llm=llm, workspace=self.workspace, out_dir=out_dir,
                                       trigger=f"manager:{plan.id}"))
        finally:
            self._save(plan, "executed" if len(results) == len(plan.steps) else "failed",
                       [r.run_id for r in results])
        return results

    def ask(self, text: str, *, plan_only: bool = False, llm: str | None = None, out_dir: Any = None):
        """Plan ``text`` and (unless ``plan_only``) run it; returns the plan, or (plan, results)."""
        plan = self.plan(text, llm_profile=llm)
        return plan if plan_only else (plan, self.run(plan, llm=llm, out_dir=out_dir))

    def _save(self, plan: DelegationPlan, status: str, run_ids: list[str] | None = None) -> None:
        with self.Session.begin() as s:
            row = s.get(PlanRow, plan.id)
            if row is None:
                s.add(PlanRow(id=plan.id, request=plan.request, plan=plan.model_dump(mode="json"), status=status,
                              run_ids=run_ids or [], created_at=utcnow()))
            else:
                row.plan, row.status, row.run_ids = plan.model_dump(mode="json"), status, run_ids or row.run_ids


def load_plan_file(path: str | Path) -> DelegationPlan:
    """An edited plan (YAML or JSON, as written by ``sophia ask --plan-only --save``)."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        return DelegationPlan.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{p}: {str(exc).splitlines()[0]}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"{p}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
