"""Test helpers that ship with sophia_crew: a scripted LLM that drives the real crewAI loop.

    from sophia_crew.testing import ScriptedLLM
    llm = ScriptedLLM.from_file("tests/scripts/delegation.yaml")
    result = kickoff("my_crew", inputs, llm_factory=llm.factory)
    assert llm.calls[0].agent == "Crew Manager"

A script is a list of steps. Each step has ``respond`` (the text crewAI receives: ReAct ``Thought /
Action / Action Input`` or ``Final Answer``) and optionally ``expect`` with ``agent`` (role), ``task``
(task name or a substring of the current task text) and ``contains`` (a substring of the last message),
checked at that call. Steps are consumed in order; running out of steps is an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from crewai import BaseLLM
from pydantic import PrivateAttr


class ScriptError(AssertionError):
    """The conversation left the script: an unexpected call, or no steps left."""


@dataclass
class Call:
    """One call crewAI made to the scripted LLM."""

    agent: str | None
    task: str | None
    messages: list[dict[str, Any]]
    response: str

    @property
    def last_message(self) -> str:
        return str(self.messages[-1].get("content", "")) if self.messages else ""

    @property
    def transcript(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages)


class ScriptedLLM(BaseLLM):
    """A ``crewai.BaseLLM`` replaying recorded responses; never touches a network."""

    _steps: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _calls: list[Call] = PrivateAttr(default_factory=list)
    _error: ScriptError | None = PrivateAttr(default=None)

    @classmethod
    def from_steps(cls, steps: list[dict[str, Any] | str]) -> ScriptedLLM:
        llm = cls(model="scripted")
        llm._steps = [s if isinstance(s, dict) else {"respond": s} for s in steps]
        return llm

    @classmethod
    def from_file(cls, path: str | Path) -> ScriptedLLM:
        """Load a YAML or JSON script (a list of steps, or ``{steps: [...]}``)."""
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        return cls.from_steps(data["steps"] if isinstance(data, dict) else data)

    @property
    def calls(self) -> list[Call]:
        return list(self._calls)

    @property
    def remaining(self) -> int:
        return len(self._steps)

    def factory(self, profile: Any = None, agent_key: str | None = None) -> ScriptedLLM:
        """Use as ``kickoff(..., llm_factory=llm.factory)``: every agent shares this script."""
        return self

    def supports_function_calling(self) -> bool:
        return False

    def get_input_tokens_count(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def call(self, messages: Any, tools: Any = None, callbacks: Any = None, available_functions: Any = None,
             from_task: Any = None, from_agent: Any = None, response_model: Any = None) -> str:
        if self._error is not None:  # crewAI retries after an error: keep reporting the first mismatch
            raise self._error
        try:
            return self._next(messages, from_task, from_agent)
        except ScriptError as exc:
            self._error = exc
            raise

    def _next(self, messages: Any, from_task: Any, from_agent: Any) -> str:
        msgs = [{"role": "user", "content": messages}] if isinstance(messages, str) else list(messages)
        agent = getattr(from_agent, "role", None)
        task = getattr(from_task, "name", None)
        if not self._steps:
            raise ScriptError(f"script exhausted: unexpected call #{len(self._calls) + 1} from agent {agent!r}")
        step = self._steps.pop(0)
        expect = step.get("expect") or {}
        text = "\n".join(str(m.get("content", "")) for m in msgs)
        if "agent" in expect and expect["agent"] != agent:
            raise ScriptError(f"call #{len(self._calls) + 1}: expected agent {expect['agent']!r}, got {agent!r}")
        if "task" in expect and expect["task"] != task and expect["task"] not in text:
            raise ScriptError(f"call #{len(self._calls) + 1}: expected task {expect['task']!r}, got {task!r}")
        if "contains" in expect and expect["contains"] not in str(msgs[-1].get("content", "")):
            raise ScriptError(f"call #{len(self._calls) + 1}: last message lacks {expect['contains']!r}")
        response = step["respond"]
        if not isinstance(response, str):
            response = json.dumps(response)
        self._calls.append(Call(agent=agent, task=task, messages=msgs, response=response))
        prompt_tokens = max(1, len(text) // 4)
        self._track_token_usage_internal({"prompt_tokens": prompt_tokens,
                                          "completion_tokens": max(1, len(response) // 4),
                                          "total_tokens": prompt_tokens + max(1, len(response) // 4)})
        return response
