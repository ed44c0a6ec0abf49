"""Crew config → real ``crewai.Agent`` / ``crewai.Task`` / ``crewai.Crew`` objects bound to a run."""

from __future__ import annotations

from typing import Any

from crewai import Agent, Crew, Process, Task

from .crewai_adapter import make_tool
from .inputs import bind_value
from .llm.offline import OfflinePolicyLLM
from .llm.profiles import LLMProfile, build_chat_llm, resolve_profile
from .orchestration.consensus import Verdict
from .orchestration.guards import DelegationGuard
from .registry import get_tool
from .reports import get_report_model
from .runtime import RunContext


class LLMChooser:
    """Decides each agent's LLM: the run override, else the agent's YAML profile, else offline."""

    def __init__(self, ctx: RunContext, override: str | None, llm_factory: Any = None):
        self.ctx = ctx
        self.override = override
        self.llm_factory = llm_factory  # tests: a callable(profile, agent_key) -> BaseLLM (e.g. ScriptedLLM)
        self.used: dict[str, LLMProfile] = {}
        self.labels: dict[str, str] = {}  # agent key -> who writes its text, as reports state it
        self._offline: OfflinePolicyLLM | None = None

    def for_agent(self, agent_key: str, yaml_profile: str | None) -> Any:
        profile = resolve_profile(self.override or yaml_profile or "offline")
        self.used[agent_key] = profile
        self.labels[agent_key] = profile.label
        if self.llm_factory is not None:
            llm = self.llm_factory(profile, agent_key)
            self.labels[agent_key] = f"{type(llm).__name__} {getattr(llm, 'model', '')} (test double)"
            return llm
        if profile.is_offline:
            if self._offline is None:
                self._offline = OfflinePolicyLLM.for_run(self.ctx)
            return self._offline
        # one client per agent, so token usage and cost are attributed per agent
        return build_chat_llm(profile)


def _agent(ctx: RunContext, key: str, chooser: LLMChooser, *, manager: bool = False) -> Agent:
    spec = ctx.workspace.agents[key]
    tools = [] if manager else [make_tool(get_tool(t), ctx, key) for t in spec.tools]
    yaml_llm = (ctx.crew.manager.llm if manager and ctx.crew.manager else None) or spec.llm
    llm = chooser.for_agent(key, yaml_llm)
    return Agent(
        role=bind_value(spec.role, ctx.inputs),
        goal=bind_value(spec.goal, ctx.inputs),
        backstory=bind_value(spec.backstory, ctx.inputs),
        tools=tools,
        llm=llm,
        allow_delegation=True if manager else spec.allow_delegation,
        max_iter=spec.max_iter,
        max_retry_limit=0 if isinstance(llm, OfflinePolicyLLM) else 2,
        cache=False,  # every tool call must run and leave a receipt
        verbose=spec.verbose,
    )


def build_crew(ctx: RunContext, *, llm_override: str | None = None, llm_factory: Any = None) -> tuple[Crew, LLMChooser]:
    """Build the crewAI crew for ``ctx`` (agents, tasks with their tools and output models)."""
    crew_spec = ctx.crew
    chooser = LLMChooser(ctx, llm_override, llm_factory)
    agents = {key: _agent(ctx, key, chooser) for key in crew_spec.agents}
    hierarchical = crew_spec.process == "hierarchical"
    tasks: dict[str, Task] = {}
    for key in ctx.task_order:
        spec = ctx.tasks[key]
        extra = [make_tool(get_tool(t), ctx, spec.agent) for t in spec.tools
                 if t not in ctx.workspace.agents[spec.agent].tools]
        task_kwargs: dict[str, Any] = dict(
            name=key,
            description=spec.description + _tool_hint(spec.tool_inputs, ctx.inputs),
            expected_output=spec.expected_output,
            context=[tasks[c] for c in spec.context],
            callback=ctx.task_finished,
        )
        if spec.output_model:
            task_kwargs["output_pydantic"] = get_report_model(spec.output_model)
        elif key.startswith("consensus_") and crew_spec.consensus is not None:
            task_kwargs["output_pydantic"] = Verdict
        if hierarchical:
            # the manager holds every task and delegates it; the worker's tools go with the worker agent
            if extra:
                agents[spec.agent].tools = [*agents[spec.agent].tools, *extra]
        else:
            task_kwargs["agent"] = agents[spec.agent]
            if extra:
                task_kwargs["tools"] = [*agents[spec.agent].tools, *extra]
        tasks[key] = Task(**task_kwargs)
    crew_kwargs: dict[str, Any] = dict(
        agents=list(agents.values()),
        tasks=list(tasks.values()),
        process=Process.hierarchical if hierarchical else Process.sequential,
        verbose=False,
        cache=False,
        memory=False,
    )
    if hierarchical and crew_spec.manager is not None:
        crew_kwargs["manager_agent"] = _agent(ctx, crew_spec.manager.agent, chooser, manager=True)
        ctx.guard = _guard(ctx, crew_kwargs["manager_agent"].role)
    return Crew(**crew_kwargs), chooser


def _tool_hint(tool_inputs: dict[str, dict[str, Any]], inputs: dict[str, Any]) -> str:
    """The bound ``tool_inputs`` as a line an LLM agent can follow (no braces: crewAI interpolates those)."""
    calls = []
    for tool, args in tool_inputs.items():
        bound = {k: v for k, v in bind_value(args, inputs).items() if v not in (None, "", [])}
        calls.append(f"{tool}(" + ", ".join(f"{k}={v!r}" for k, v in bound.items()) + ")")
    return ("\n\nUse these tool calls: " + "; ".join(calls) + ".") if calls else ""


def _guard(ctx: RunContext, manager_role: str) -> DelegationGuard:
    ws, crew = ctx.workspace, ctx.crew
    role = {key: bind_value(ws.agents[key].role, ctx.inputs) for key in [*crew.agents, crew.manager.agent]}
    allowed = {}
    for key in [crew.manager.agent, *crew.agents]:
        spec = ws.agents[key]
        if key != crew.manager.agent and not spec.allow_delegation:
            continue
        targets = spec.delegates_to if spec.delegates_to is not None else [a for a in crew.agents if a != key]
        allowed[role[key].strip().casefold()] = {role[t].strip().casefold() for t in targets}
    limit = crew.manager.max_delegations or 2 * len(ctx.task_order) + 2
    return DelegationGuard(manager_role=manager_role, allowed=allowed, max_delegations=limit,
                           max_depth=crew.manager.max_depth)
