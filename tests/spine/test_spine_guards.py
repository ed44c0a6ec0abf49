"""Guard rails on crewAI's hierarchical delegation, driven by a scripted manager."""

from __future__ import annotations

import json

import pytest
import spine_support

from sophia_crew.orchestration.guards import GuardRailError
from sophia_crew.runner import kickoff
from sophia_crew.testing import ScriptedLLM

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
NUMBERS = str(MINI / "numbers.txt")



def delegate(coworker: str, task: str = "Compute the statistics") -> str:
    args = {"task": task, "context": f"file {NUMBERS}", "coworker": coworker}
    return f"Thought: delegate\nAction: Delegate work to coworker\nAction Input: {json.dumps(args)}"


def final(text: str) -> str:
    return f"Thought: done\nFinal Answer: {text}"


def test_delegation_outside_the_allow_list_stops_the_run():
    llm = ScriptedLLM.from_steps([delegate("Threshold Checker")] + [final("x")] * 5)
    with pytest.raises(GuardRailError, match="'Strict Lead' may not delegate to 'Threshold Checker' "
                                             r"\(allowed: number counter\)"):
        kickoff("mini_strict", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    assert len(llm.calls) == 1  # nothing ran after the refused delegation


def test_manager_redelegating_the_same_task_is_a_loop():
    llm = ScriptedLLM.from_steps([
        delegate("Number Counter"),
        final("count 4"),            # the counter answers
        delegate("Number Counter"),  # ... and the manager sends the very same task again
    ] + [final("x")] * 5)
    with pytest.raises(GuardRailError, match="delegation loop: 'Strict Lead' sent the same task to"):
        kickoff("mini_strict", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    assert len(llm.calls) == 3


def test_manager_doing_the_work_itself_is_refused():
    llm = ScriptedLLM.from_steps([final("count 4, I did it myself")])
    with pytest.raises(GuardRailError, match="answered task 'mini_count' itself"):
        kickoff("mini_strict", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)


def test_allowed_delegation_passes_and_is_counted():
    llm = ScriptedLLM.from_steps([delegate("number counter"), final("count 4"), final("count 4")])
    result = kickoff("mini_strict", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    assert result.outputs["mini_count"] == "count 4"


def test_a_manager_reused_across_kickoffs_keeps_no_state():
    """crewAI #1851: a second kickoff must not see the first one's delegations (no false loop)."""
    for _ in range(2):
        llm = ScriptedLLM.from_steps([delegate("Number Counter"), final("count 4"), final("count 4")])
        assert kickoff("mini_strict", {"numbers_file": NUMBERS}, workspace=MINI,
                       llm_factory=llm.factory).outputs["mini_count"] == "count 4"
