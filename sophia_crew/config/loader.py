"""Load and cross-check a workspace: the bundled YAML, overlaid by a user's workspace directory.

Every problem is collected (not just the first) and reported as ``file:line: field: message`` before any
run starts: bad YAML, unknown fields, unknown tool / agent / task / report model / LLM profile, a
``{placeholder}`` that is not a crew input, a cycle or a forward reference in task context.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ConfigError
from ..resources import bundled_root
from .models import AgentSpec, CrewSpec, TaskSpec, placeholders
from .yamlio import LinedYaml, Loc, load_yaml


@dataclass
class Workspace:
    """Agents, tasks and crews after overlaying the user's workspace on the bundled one."""

    roots: list[Path]
    agents: dict[str, AgentSpec] = field(default_factory=dict)
    tasks: dict[str, TaskSpec] = field(default_factory=dict)
    crews: dict[str, CrewSpec] = field(default_factory=dict)
    # (kind, name) -> (parsed file, key path of the entry inside it), for error locations
    origin: dict[tuple[str, str], tuple[LinedYaml, Loc]] = field(default_factory=dict)

    def where(self, kind: str, name: str, *sub: str | int) -> tuple[LinedYaml, Loc]:
        doc, loc = self.origin[(kind, name)]
        return doc, (*loc, *sub)

    def crew(self, name: str) -> CrewSpec:
        """The crew called ``name``; ConfigError listing the known crews if absent."""
        try:
            return self.crews[name]
        except KeyError:
            known = ", ".join(sorted(self.crews)) or "none"
            raise ConfigError(f"unknown crew {name!r} (known: {known})") from None


def workspace_dir(explicit: str | Path | None = None) -> Path | None:
    """The user's workspace directory: ``explicit``, else ``SOPHIA_WORKSPACE``, else None."""
    value = explicit or os.environ.get("SOPHIA_WORKSPACE")
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        raise ConfigError(f"{path}:1: workspace: not a directory")
    return path


def _pydantic_problems(doc: LinedYaml, loc: Loc, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        where = (*loc, *err["loc"])
        problems.append(doc.error(where, err["msg"]))
    return problems


def _load_entries(
    ws: Workspace, kind: str, doc: LinedYaml, model: type[BaseModel], target: dict, problems: list[str]
) -> None:
    if doc.data in (None, {}):
        return
    if not isinstance(doc.data, dict):
        problems.append(doc.error((), f"expected a mapping of {kind} names to definitions"))
        return
    for name, body in doc.data.items():
        if not isinstance(body, dict):
            problems.append(doc.error((name,), "expected a mapping"))
            continue
        try:
            target[name] = model.model_validate(body)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(doc, (name,), exc))
            continue
        ws.origin[(kind, name)] = (doc, (name,))


def workspace_files(root: Path) -> list[Path]:
    """The files a workspace root contributes: agents.yaml, tasks.yaml, crews/*.yaml, offline templates."""
    files = [root / "agents.yaml", root / "tasks.yaml"]
    files += sorted((root / "crews").glob("*.y*ml")) + sorted((root / "templates" / "offline").glob("*.j2"))
    return [p for p in files if p.is_file()]


def _load_root(ws: Workspace, root: Path, problems: list[str]) -> None:
    for kind, filename, model, target in (
        ("agent", "agents.yaml", AgentSpec, ws.agents),
        ("task", "tasks.yaml", TaskSpec, ws.tasks),
    ):
        path = root / filename
        if path.is_file():
            try:
                _load_entries(ws, kind, load_yaml(path), model, target, problems)
            except ConfigError as exc:
                problems.extend(exc.problems)
    crews_dir = root / "crews"
    if crews_dir.is_dir():
        for path in sorted(crews_dir.glob("*.y*ml")):
            try:
                doc = load_yaml(path)
            except ConfigError as exc:
                problems.extend(exc.problems)
                continue
            if not isinstance(doc.data, dict):
                problems.append(doc.error((), "expected a mapping"))
                continue
            try:
                ws.crews[path.stem] = CrewSpec.model_validate(doc.data)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(doc, (), exc))
                continue
            ws.origin[("crew", path.stem)] = (doc, ())


def _check_tools(ws: Workspace, known_tools: set[str], problems: list[str]) -> None:
    for name, agent in ws.agents.items():
        for i, tool in enumerate(agent.tools):
            if tool not in known_tools:
                doc, loc = ws.where("agent", name, "tools", i)
                problems.append(doc.error(loc, f"unknown tool {tool!r}"))
    for name, task in ws.tasks.items():
        for i, tool in enumerate(task.tools):
            if tool not in known_tools:
                doc, loc = ws.where("task", name, "tools", i)
                problems.append(doc.error(loc, f"unknown tool {tool!r}"))
        for tool in task.tool_inputs:
            if tool not in known_tools:
                doc, loc = ws.where("task", name, "tool_inputs", tool)
                problems.append(doc.error(loc, f"unknown tool {tool!r}"))


def _check_tasks(ws: Workspace, known_models: set[str], templates: set[str], problems: list[str]) -> None:
    for name, task in ws.tasks.items():
        if task.agent not in ws.agents:
            doc, loc = ws.where("task", name, "agent")
            problems.append(doc.error(loc, f"unknown agent {task.agent!r}"))
        for i, ctx in enumerate(task.context):
            if ctx not in ws.tasks:
                doc, loc = ws.where("task", name, "context", i)
                problems.append(doc.error(loc, f"unknown task {ctx!r}"))
        if task.output_model and task.output_model not in known_models:
            doc, loc = ws.where("task", name, "output_model")
            problems.append(doc.error(loc, f"unknown report model {task.output_model!r}"))
        if task.offline_answer and task.offline_answer not in templates:
            doc, loc = ws.where("task", name, "offline_answer")
            problems.append(doc.error(loc, f"no offline template {task.offline_answer!r}"))
    # context cycles (over the whole task library)
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for ctx in ws.tasks[node].context:
            if ctx not in ws.tasks:
                continue
            if state.get(ctx) == 1:
                cycle = " -> ".join([*stack[stack.index(ctx):], ctx]) if ctx in stack else ctx
                doc, loc = ws.where("task", node, "context")
                problems.append(doc.error(loc, f"context cycle: {cycle}"))
            elif state.get(ctx) is None:
                visit(ctx, [*stack, ctx])
        state[node] = 2

    for name in ws.tasks:
        if name not in state:
            visit(name, [name])


def _check_crew(ws: Workspace, name: str, crew: CrewSpec, profiles: set[str], problems: list[str]) -> None:
    from ..registry import tool_names

    doc, _ = ws.where("crew", name)
    for i, agent in enumerate(crew.agents):
        if agent not in ws.agents:
            problems.append(doc.error(("agents", i), f"unknown agent {agent!r}"))
    texts: list[str] = []
    for i, task_name in enumerate(crew.tasks):
        task = ws.tasks.get(task_name)
        if task is None:
            problems.append(doc.error(("tasks", i), f"unknown task {task_name!r}"))
            continue
        if task.agent in ws.agents and task.agent not in crew.agents:
            problems.append(doc.error(("tasks", i), f"task {task_name!r} needs agent {task.agent!r}, not in agents"))
        for ctx in task.context:
            if ctx in ws.tasks and (ctx not in crew.tasks or crew.tasks.index(ctx) > i):
                problems.append(
                    doc.error(("tasks", i), f"task {task_name!r} reads context {ctx!r}, which must run before it")
                )
        texts += [task.description, task.expected_output]
        for args in task.tool_inputs.values():
            texts += [v for v in args.values() if isinstance(v, str)]
    for agent_name in [*crew.agents, *([crew.manager.agent] if crew.manager else [])]:
        agent = ws.agents.get(agent_name)
        for i, target in enumerate((agent.delegates_to or []) if agent else []):
            if target not in crew.agents:
                adoc, loc = ws.where("agent", agent_name, "delegates_to", i)
                problems.append(adoc.error(loc, f"{target!r} is not an agent of crew {name!r}"))
        if agent and agent_name in crew.agents:
            texts += [agent.role, agent.goal, agent.backstory]
            if agent.llm and agent.llm not in profiles:
                adoc, loc = ws.where("agent", agent_name, "llm")
                problems.append(adoc.error(loc, f"unknown LLM profile {agent.llm!r}"))
    if crew.memory.scope:
        texts.append(crew.memory.scope)
    for missing in sorted(placeholders(*texts) - set(crew.inputs)):
        problems.append(doc.error(("inputs",), f"placeholder {{{missing}}} is used but is not a declared input"))
    if crew.process == "hierarchical":
        if crew.manager is None:
            problems.append(doc.error(("process",), "a hierarchical crew needs a manager"))
        elif crew.manager.agent not in ws.agents:
            problems.append(doc.error(("manager", "agent"), f"unknown agent {crew.manager.agent!r}"))
        elif ws.agents[crew.manager.agent].tools:
            problems.append(doc.error(("manager", "agent"), "a manager agent must have no tools"))
    elif crew.manager is not None:
        problems.append(doc.error(("manager",), "only a hierarchical crew has a manager"))
    if crew.consensus is not None:
        texts = []
        for i, voter in enumerate(crew.consensus.voters):
            if voter.agent not in crew.agents:
                problems.append(doc.error(("consensus", "voters", i, "agent"),
                                          f"{voter.agent!r} is not an agent of this crew"))
            tool = voter.tool or crew.consensus.tool
            if tool is None:
                problems.append(doc.error(("consensus", "voters", i), "no tool: set consensus.tool or voter tool"))
            elif tool not in tool_names():
                problems.append(doc.error(("consensus", "voters", i), f"unknown tool {tool!r}"))
            texts += [v for v in voter.tool_inputs.values() if isinstance(v, str)] + [voter.persona]
        texts.append(crew.consensus.question)
        for missing in sorted(placeholders(*texts) - set(crew.inputs)):
            problems.append(doc.error(("consensus",), f"placeholder {{{missing}}} is used but is not a declared input"))
    if crew.report_task and crew.report_task not in crew.tasks:
        problems.append(doc.error(("report_task",), f"{crew.report_task!r} is not one of the crew's tasks"))


def load_workspace(workspace: str | Path | None = None, *, check: bool = True) -> Workspace:
    """Load the bundled workspace overlaid with ``workspace`` (or ``SOPHIA_WORKSPACE``) and check it.

    Raises:
        ConfigError: with one ``file:line: field: message`` line per problem found.
    """
    from ..llm.profiles import profile_names
    from ..registry import tool_names
    from ..reports import report_model_names
    from ..templates import offline_template_names

    user = workspace_dir(workspace)
    roots = [bundled_root()] + ([user] if user and user != bundled_root() else [])
    ws = Workspace(roots=roots)
    problems: list[str] = []
    for root in roots:
        _load_root(ws, root, problems)
    if check and not problems:
        _check_tools(ws, set(tool_names()), problems)
        _check_tasks(ws, set(report_model_names()), set(offline_template_names(roots)), problems)
        profiles = set(profile_names())
        for name, crew in ws.crews.items():
            _check_crew(ws, name, crew, profiles, problems)
    if problems:
        raise ConfigError(problems)
    return ws


def crew_inputs_summary(crew: CrewSpec) -> list[dict[str, Any]]:
    """Required/optional inputs of a crew as plain dicts (for ``sophia crews``)."""
    return [
        {"name": k, "type": v.type, "required": v.required and v.default is None, "default": v.default,
         "description": v.description}
        for k, v in crew.inputs.items()
    ]
