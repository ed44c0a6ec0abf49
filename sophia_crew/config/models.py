"""Pydantic models of the workspace YAML: agents.yaml, tasks.yaml and crews/<name>.yaml.

Keys follow crewAI's own agents.yaml / tasks.yaml convention (role, goal, backstory, description,
expected_output, agent, context) plus sophia_crew's additions (tools by registry name, llm profile,
output_model, offline_answer, inputs with types, process, manager, memory, schedule).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def placeholders(*texts: str) -> set[str]:
    """Names used as ``{placeholder}`` in the given texts (``{{`` escapes are ignored)."""
    found: set[str] = set()
    for text in texts:
        found.update(PLACEHOLDER.findall(text or ""))
    return found


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgentSpec(_Strict):
    """One agent of agents.yaml."""

    role: str = Field(description="Role, as crewAI shows it to coworkers; may hold {placeholders}.")
    goal: str = Field(description="Personal goal; may hold {placeholders}.")
    backstory: str = Field(description="Backstory; may hold {placeholders}.")
    tools: list[str] = Field(default_factory=list, description="Tool registry names.")
    llm: str | None = Field(default=None, description="LLM profile name; default: the run's profile.")
    allow_delegation: bool = False
    delegates_to: list[str] | None = Field(
        default=None, description="Agent keys this agent may delegate to (default: the crew's other agents).")
    max_iter: int = Field(default=15, ge=1, le=100)
    verbose: bool = False


class TaskSpec(_Strict):
    """One task of tasks.yaml."""

    description: str
    expected_output: str
    agent: str = Field(description="Key of the agent in agents.yaml doing the task.")
    context: list[str] = Field(default_factory=list, description="Keys of tasks whose output this one reads.")
    tools: list[str] = Field(default_factory=list, description="Extra tools for this task (registry names).")
    tool_inputs: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per tool, arguments bound to kickoff inputs ('{name}') or literals; "
        "the offline policy uses them, an LLM sees them as hints.",
    )
    output_model: str | None = Field(default=None, description="Report class name (sophia_crew.reports).")
    offline_answer: str | None = Field(
        default=None, description="Jinja2 template (under templates/offline/) of the offline final answer."
    )


class InputSpec(_Strict):
    """A kickoff input a crew requires."""

    type: Literal["str", "int", "float", "bool", "path", "list", "date"] = "str"
    description: str = ""
    required: bool = True
    default: Any = None
    must_exist: bool = Field(default=True, description="For type path: the file/folder must exist.")


class MemorySpec(_Strict):
    """Which memory scope a crew reads and writes (e.g. 'account/{account_id}')."""

    scope: str | None = None
    enabled: bool = False


class ScheduleSpec(_Strict):
    """A cron schedule for a crew (used by the scheduler)."""

    cron: str
    timezone: str = "UTC"
    inputs: dict[str, Any] = Field(default_factory=dict)


class BudgetSpec(_Strict):
    """Per-run limits: tokens, estimated cost, wall time; and a shared LLM requests-per-minute limit."""

    max_tokens: int | None = Field(default=None, ge=1)
    max_cost_usd: float | None = Field(default=None, gt=0)
    max_seconds: float | None = Field(default=None, gt=0)
    rpm: int | None = Field(default=None, ge=1, description="LLM requests per minute across all agents.")


class ManagerSpec(_Strict):
    """The manager of a hierarchical crew: an agent key from agents.yaml (no tools allowed)."""

    agent: str
    llm: str | None = None
    max_delegations: int | None = Field(default=None, ge=1, description="Default: 2 per task + 2.")
    max_depth: int = Field(default=1, ge=1, le=3, description="1: only the manager delegates.")


class VoterSpec(_Strict):
    """One voter of a consensus block."""

    agent: str
    weight: float = Field(default=1.0, gt=0)
    persona: str = Field(default="", description="Extra instruction for this voter (its evidence view).")
    tool: str | None = Field(default=None, description="Tool this voter uses (default: the block's tool).")
    tool_inputs: dict[str, Any] = Field(default_factory=dict, description="Arguments for that tool.")


class ConsensusSpec(_Strict):
    """The ``consensus`` block of a crew YAML (see sophia_crew.orchestration.consensus)."""

    question: str
    options: list[str] = Field(min_length=2)
    voters: list[VoterSpec] = Field(min_length=2)
    tool: str | None = None
    policy: Literal["majority", "weighted", "unanimous"] = "majority"
    quorum: int | None = Field(default=None, ge=1, description="Valid votes needed (default: all voters).")
    min_confidence: float = Field(default=0.0, ge=0, le=1)

    @field_validator("options")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len({o.casefold() for o in v}) != len(v):
            raise ValueError("options must be distinct")
        return v



class CrewSpec(_Strict):
    """A crew: crews/<name>.yaml."""

    description: str
    agents: list[str] = Field(min_length=1)
    tasks: list[str] = Field(min_length=1)
    process: Literal["sequential", "hierarchical"] = "sequential"
    manager: ManagerSpec | None = None
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    report_task: str | None = Field(default=None, description="Task whose output is the crew's report.")
    memory: MemorySpec = Field(default_factory=MemorySpec)
    schedule: ScheduleSpec | None = None
    consensus: ConsensusSpec | None = None
    budget: BudgetSpec = Field(default_factory=BudgetSpec)
    tags: list[str] = Field(default_factory=list)

    @field_validator("agents", "tasks")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            raise ValueError(f"listed twice: {', '.join(dupes)}")
        return value


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the three YAML kinds, for editors and for ``sophia schema``."""
    return {
        "agents.schema.json": {
            "type": "object",
            "additionalProperties": AgentSpec.model_json_schema(),
        },
        "tasks.schema.json": {
            "type": "object",
            "additionalProperties": TaskSpec.model_json_schema(),
        },
        "crew.schema.json": CrewSpec.model_json_schema(),
    }
