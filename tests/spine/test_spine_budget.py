"""Budgets stop a run with a readable partial report; the shared RPM limiter paces LLM calls."""

from __future__ import annotations

import json

import pytest
import spine_support
from typer.testing import CliRunner

from sophia_crew.cli import app
from sophia_crew.errors import RunFailed
from sophia_crew.orchestration.budget import Budget, BudgetExceeded, RateLimiter
from sophia_crew.runner import kickoff
from sophia_crew.store.repo import RunStore
from sophia_crew.testing import ScriptedLLM

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
NUMBERS = str(MINI / "numbers.txt")



def act(tool, args):
    return f"Thought: t\nAction: {tool}\nAction Input: {json.dumps(args)}"


def test_token_budget_stops_the_run_after_the_first_task_and_keeps_it(tmp_path):
    llm = ScriptedLLM.from_steps([act("spine_stats", {"numbers_file": NUMBERS}),
                                  "Thought: ok\nFinal Answer: count 4, mean 13.375"] + ["x"] * 5)
    # each scripted call uses >= 1 token per 4 characters of prompt; the first task needs 2 calls
    with pytest.raises(BudgetExceeded, match=r"budget: token budget exceeded: \d+ > 1 tokens") as info:
        kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory,
                out_dir=tmp_path / "o", budget={"max_tokens": 1})
    md, js = info.value.partial_files
    text = open(md).read()
    assert "PARTIAL REPORT" in text and "token budget exceeded" in text
    assert len(llm.calls) == 1  # the second call was refused before reaching the model
    data = json.load(open(js))
    assert data["status"] == "stopped" and [r["tool"] for r in data["receipts"]] == ["spine_stats"]
    [run] = RunStore().list_runs()
    assert run.status == "stopped"


def test_budget_lets_a_finished_task_into_the_partial_report(tmp_path):
    script = [act("spine_stats", {"numbers_file": NUMBERS}), "Thought: ok\nFinal Answer: count 4, mean 13.375"]
    probe = ScriptedLLM.from_steps(list(script) + [act("spine_threshold", {"numbers_file": NUMBERS})] + ["x"] * 3)
    with pytest.raises(RunFailed, match="script exhausted"):  # the probe only measures the first task's tokens
        kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=probe.factory, store=False,
                budget={"max_tokens": 10**9})
    used_by_task1 = sum(len(c.transcript) // 4 + max(1, len(c.response) // 4) for c in probe.calls[:2])
    llm = ScriptedLLM.from_steps(list(script) + ["x"] * 5)
    with pytest.raises(BudgetExceeded) as info:
        kickoff("mini", {"numbers_file": NUMBERS}, workspace=MINI, llm_factory=llm.factory, out_dir=tmp_path,
                budget={"max_tokens": used_by_task1 - 1})
    text = open(info.value.partial_files[0]).read()
    assert "Finished tasks: mini_count; not run: mini_report." in text and "count 4, mean 13.375" in text


def test_time_budget_via_cli_exits_1_and_names_the_partial_report(tmp_path):
    res = CliRunner().invoke(app, ["kickoff", "mini", "-w", str(MINI), "-i", f"numbers_file={NUMBERS}",
                                   "--max-seconds", "0.000001", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "time budget exceeded" in res.output and "partial report:" in res.output


def test_budget_check_reasons():
    b = Budget(max_tokens=100, max_cost_usd=0.5, max_seconds=10, started=0.0)
    assert b.check(50, 0.1, now=5) is None
    assert b.check(50, 0.1, now=11) == "time budget exceeded: 11.0 s > 10 s"
    assert b.check(101, 0.1, now=1) == "token budget exceeded: 101 > 100 tokens"
    assert b.check(1, 0.75, now=1) == "cost budget exceeded: $0.7500 > $0.5"


def test_rate_limiter_is_a_sliding_window_shared_by_callers():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(2, clock=lambda: now[0], sleep=sleep)
    assert limiter.acquire() == 0 and limiter.acquire() == 0
    now[0] = 10.0
    assert limiter.acquire() == 50.0  # the third call in a minute waits until the first leaves the window
    assert slept == [50.0]
