"""The offline policy: a deterministic stand-in for a language model that drives the real crewAI loop.

It is *not* a language model. For the task at hand it answers crewAI's ReAct prompt with
``Action: <tool>`` for each tool the task declares (arguments bound from ``tool_inputs`` in tasks.yaml and
from kickoff inputs named like the tool's parameters), and once every tool has answered it emits
``Final Answer:`` rendered from the task's Jinja2 template over the tool outputs. As a hierarchical
manager it routes each task to the agent tasks.yaml names, through crewAI's delegation tool.
"""

from __future__ import annotations

import json
import re
from typing import Any

from crewai import BaseLLM
from pydantic import PrivateAttr

from ..inputs import bind_value
from ..registry import get_tool
from ..runtime import RunContext
from ..templates import render

TASK_MARKER = "sophia-task: "
_MARKER_RE = re.compile(r"sophia-task: ([A-Za-z0-9_\-]+)")


class OfflineAbort(Exception):
    """Raised from the policy to stop the crew when a tool failed on bad input."""


class OfflinePolicyLLM(BaseLLM):
    """Deterministic policy (see module docstring). One instance per run."""

    _ctx: RunContext = PrivateAttr()

    @classmethod
    def for_run(cls, ctx: RunContext) -> OfflinePolicyLLM:
        llm = cls(model="sophia-offline-policy")
        llm._ctx = ctx
        return llm

    def supports_function_calling(self) -> bool:
        return False

    def get_input_tokens_count(self, *args: Any, **kwargs: Any) -> int:  # no tokens: not a model
        return 0

    # -- crewAI entry point -------------------------------------------------------------------
    def call(self, messages: Any, tools: Any = None, callbacks: Any = None, available_functions: Any = None,
             from_task: Any = None, from_agent: Any = None, response_model: Any = None) -> str:
        ctx = self._ctx
        if ctx.fatal is not None:
            raise OfflineAbort(str(ctx.fatal))
        task_key = self._task_key(messages, from_task)
        if task_key is None:
            raise OfflineAbort("offline policy: could not tell which task this call is for")
        if from_agent is not None and self._is_manager(from_agent):
            return self._manage(task_key, messages)
        return self._work(task_key)

    # -- worker -----------------------------------------------------------------------------
    def _work(self, task_key: str) -> str:
        ctx = self._ctx
        failed = ctx.failed_receipt(task_key)
        if failed is not None:
            raise OfflineAbort(f"tool {failed.tool} failed: {failed.error}")
        done = ctx.latest_outputs(task_key)
        for tool_name in self.tool_plan(task_key):
            if tool_name not in done:
                args = self.tool_arguments(task_key, tool_name)
                required = [n for n, f in get_tool(tool_name).args_model.model_fields.items() if f.is_required()]
                if any(n not in args for n in required):
                    continue  # this tool does not apply to the inputs given (e.g. folder mode vs one file)
                return (f"Thought: I need the figures from {tool_name}.\n"
                        f"Action: {tool_name}\nAction Input: {json.dumps(args, default=str)}")
        answer = self.final_answer(task_key, done)
        ctx.answers[task_key] = answer
        return f"Thought: I now know the final answer\nFinal Answer: {answer}"

    def tool_plan(self, task_key: str) -> list[str]:
        """Tools the task declares, in order: ``tool_inputs`` keys, then ``tools``; else the agent's tools."""
        ws = self._ctx.workspace
        spec = self._ctx.tasks[task_key]
        order = list(spec.tool_inputs) + [t for t in spec.tools if t not in spec.tool_inputs]
        return order or list(ws.agents[spec.agent].tools)

    def tool_arguments(self, task_key: str, tool_name: str) -> dict[str, Any]:
        """Arguments for ``tool_name``: ``tool_inputs`` bindings, then inputs named like a parameter."""
        ctx = self._ctx
        spec = ctx.tasks[task_key]
        fields = get_tool(tool_name).args_model.model_fields
        args = bind_value(dict(spec.tool_inputs.get(tool_name, {})), ctx.inputs)
        for name in fields:
            if name not in args and ctx.inputs.get(name) is not None:
                args[name] = ctx.inputs[name]
        return {k: v for k, v in args.items() if v is not None}

    def final_answer(self, task_key: str, tool_outputs: dict[str, Any]) -> str:
        ctx = self._ctx
        spec = ctx.tasks[task_key]
        context = {}
        for name in spec.context:
            raw = ctx.answers.get(name)
            try:
                context[name] = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                context[name] = raw
        if spec.offline_answer:
            text = render(f"offline/{spec.offline_answer}", tuple(ctx.workspace.roots), tools=tool_outputs,
                          inputs=ctx.inputs, context=context, task=task_key)
            return text.strip()
        if len(tool_outputs) == 1:
            return json.dumps(next(iter(tool_outputs.values())), default=str)
        return json.dumps({"tools": tool_outputs, "context": context}, default=str)

    # -- manager ----------------------------------------------------------------------------
    def _is_manager(self, agent: Any) -> bool:
        crew = self._ctx.crew
        if crew.process != "hierarchical" or crew.manager is None:
            return False
        manager = self._ctx.workspace.agents[crew.manager.agent]
        return getattr(agent, "role", None) == bind_value(manager.role, self._ctx.inputs)

    def _manage(self, task_key: str, messages: Any) -> str:
        ctx = self._ctx
        if task_key in ctx.answers:
            return f"Thought: my coworker delivered it\nFinal Answer: {ctx.answers[task_key]}"
        spec = ctx.tasks[task_key]
        coworker = bind_value(ctx.workspace.agents[spec.agent].role, ctx.inputs)
        context_lines = [f"{TASK_MARKER}{task_key}"]
        for name in spec.context:
            if name in ctx.answers:
                context_lines.append(f"Output of {name}: {ctx.answers[name]}")
        payload = {
            "task": bind_value(spec.description, ctx.inputs).strip(),
            "context": "\n".join(context_lines),
            "coworker": coworker,
        }
        return (f"Thought: {coworker} owns this task; delegating by rule (tasks.yaml agent).\n"
                f"Action: Delegate work to coworker\nAction Input: {json.dumps(payload)}")

    # -- helpers ----------------------------------------------------------------------------
    def _task_key(self, messages: Any, from_task: Any) -> str | None:
        tasks = self._ctx.tasks
        name = getattr(from_task, "name", None)
        if name in tasks:
            return name
        text = messages if isinstance(messages, str) else "\n".join(
            str(m.get("content", "")) for m in messages if m.get("role") == "user")
        found = _MARKER_RE.findall(text)
        return found[-1] if found and found[-1] in tasks else None
