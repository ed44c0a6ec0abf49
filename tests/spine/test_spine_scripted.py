"""The real crewAI loop driven by a scripted LLM: tool calls, delegation, bad JSON, unknown tools."""

from __future__ import annotations

import json

import pytest
import spine_support

from sophia_crew.errors import RunFailed
from sophia_crew.runner import kickoff
from sophia_crew.testing import ScriptedLLM, ScriptError

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
NUMBERS = str(MINI / "numbers.txt")  # 4, 12, 7.5, 30
GOOD_REPORT = {"count": 4, "mean": 13.375, "above_threshold": 2, "summary": "4 numbers; mean 13.375; 2 above 10."}



def action(tool: str, args: dict) -> str:
    return f"Thought: I need {tool}\nAction: {tool}\nAction Input: {json.dumps(args)}"


def final(answer) -> str:
    return "Thought: I now know the final answer\nFinal Answer: " + (
        answer if isinstance(answer, str) else json.dumps(answer))


def test_sequential_crew_calls_tools_through_crewai():
    llm = ScriptedLLM.from_steps([
        {"expect": {"agent": "Number Counter", "task": "mini_count"},
         "respond": action("spine_stats", {"numbers_file": NUMBERS})},
        {"expect": {"agent": "Number Counter", "contains": "Analyze the tool result"},
         "respond": final("count 4, total 53.5, mean 13.375, max 30")},
        {"expect": {"agent": "Threshold Checker", "task": "mini_report"},
         "respond": action("spine_threshold", {"numbers_file": NUMBERS, "threshold": 10})},
        {"expect": {"agent": "Threshold Checker"}, "respond": final(GOOD_REPORT)},
    ])
    result = kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    assert llm.remaining == 0
    # crewAI ran our tool and fed its real output back as the Observation
    assert '"total":53.5' in llm.calls[1].transcript
    assert [r.tool for r in result.receipts] == ["spine_stats", "spine_threshold"]
    assert result.report.above_threshold == 2
    # the first task's answer reached the second task as context
    assert "count 4, total 53.5" in llm.calls[2].transcript


def test_hierarchical_manager_delegates_to_the_right_coworker():
    delegate = {"task": "Compute the statistics of the numbers file", "context": f"file {NUMBERS}",
                "coworker": "Number Counter"}
    delegate2 = {"task": "Count numbers above 10 and report", "context": f"file {NUMBERS}",
                 "coworker": "threshold checker "}  # crewAI matches roles ignoring case and spaces
    llm = ScriptedLLM.from_steps([
        {"expect": {"agent": "Numbers Lead", "task": "mini_count"},
         "respond": action("Delegate work to coworker", delegate)},
        {"expect": {"agent": "Number Counter", "contains": "Compute the statistics"},
         "respond": action("spine_stats", {"numbers_file": NUMBERS})},
        {"expect": {"agent": "Number Counter"}, "respond": final("count 4, mean 13.375")},
        {"expect": {"agent": "Numbers Lead", "contains": "Analyze the tool result"},
         "respond": final("count 4, mean 13.375")},
        {"expect": {"agent": "Numbers Lead", "task": "mini_report"},
         "respond": action("Delegate work to coworker", delegate2)},
        {"expect": {"agent": "Threshold Checker"},
         "respond": action("spine_threshold", {"numbers_file": NUMBERS, "threshold": 10})},
        {"expect": {"agent": "Threshold Checker"}, "respond": final(GOOD_REPORT)},
        {"expect": {"agent": "Numbers Lead"}, "respond": final(GOOD_REPORT)},
    ])
    result = kickoff("mini_team", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    assert llm.remaining == 0
    assert [(r.tool, r.agent) for r in result.receipts] == [("spine_stats", "mini_counter"),
                                                          ("spine_threshold", "mini_checker")]
    assert "count 4, mean 13.375" in llm.calls[3].transcript  # coworker's answer came back as Observation
    assert result.report.count == 4


def test_invalid_final_json_is_retried_by_the_converter_then_accepted():
    llm = ScriptedLLM.from_steps([
        action("spine_stats", {"numbers_file": NUMBERS}),
        final("count 4"),
        action("spine_threshold", {"numbers_file": NUMBERS, "threshold": 10}),
        final('{"count": 4, "mean": 13.375, "above_thr'),  # truncated JSON
        {"expect": {"agent": None}, "respond": json.dumps(GOOD_REPORT)},  # crewAI's converter re-asks
    ])
    result = kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    assert result.report.mean == 13.375
    assert llm.calls[4].agent is None and "OpenAPI schema" in llm.calls[4].transcript


def test_invalid_final_json_rejected_after_retries_fails_the_run():
    llm = ScriptedLLM.from_steps([final("count 4")] + [final("no json here")] + ["still not json"] * 3)
    with pytest.raises(RunFailed, match="crew 'mini' failed"):
        kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)


def test_unknown_tool_call_is_reported_to_the_agent_and_the_loop_continues():
    llm = ScriptedLLM.from_steps([
        action("delete_everything", {"numbers_file": NUMBERS}),
        {"contains": "", "respond": action("spine_stats", {"numbers_file": NUMBERS})},
        final("count 4"),
        final(GOOD_REPORT),
    ])
    result = kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
    second = llm.calls[1].transcript
    assert "delete_everything" in second and "spine_stats" in second
    assert [r.tool for r in result.receipts] == ["spine_stats"]  # the unknown tool never ran


def test_number_no_tool_returned_fails_an_llm_written_report():
    made_up = dict(GOOD_REPORT, summary="4 numbers; 97.2% of revenue is above 10.")
    llm = ScriptedLLM.from_steps([
        action("spine_stats", {"numbers_file": NUMBERS}), final("count 4"),
        action("spine_threshold", {"numbers_file": NUMBERS, "threshold": 10}), final(made_up),
    ])
    with pytest.raises(RunFailed, match=r"numbers that no tool returned: summary: 97.2"):
        kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)


def test_script_mismatch_is_a_clear_error():
    llm = ScriptedLLM.from_steps([{"expect": {"agent": "Somebody Else"}, "respond": final("x")}])
    with pytest.raises((ScriptError, RunFailed), match="expected agent 'Somebody Else'"):
        kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory)
