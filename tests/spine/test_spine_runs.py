"""Offline kickoff through the real crewAI engine; receipts in the run store; CLI and Python API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spine_support
from typer.testing import CliRunner

from sophia_crew import CrewNamespace, InputError
from sophia_crew.cli import app
from sophia_crew.llm.profiles import OFFLINE_LABEL
from sophia_crew.runner import kickoff
from sophia_crew.store.repo import RunStore

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
NUMBERS = MINI / "numbers.txt"  # 4, 12, 7.5, 30



def test_offline_sequential_run_calls_tools_and_validates_the_report(tmp_path):
    result = kickoff("mini", {"numbers_file": str(NUMBERS), "threshold": "10"}, workspace=MINI,
                     out_dir=tmp_path / "out")
    report = result.report
    assert isinstance(report, spine_support.MiniReport)
    assert (report.count, report.mean, report.above_threshold) == (4, 13.375, 2)  # (4+12+7.5+30)/4
    assert result.written_by == OFFLINE_LABEL
    assert [(r.tool, r.task, r.agent) for r in result.receipts] == [
        ("spine_stats", "mini_count", "mini_counter"), ("spine_threshold", "mini_report", "mini_checker")]
    assert result.receipts[1].arguments == {"numbers_file": str(NUMBERS), "threshold": 10.0}
    md, js = result.files[:2]
    assert "4 numbers, mean 13.38; 2 above 10.0." in md.read_text()
    assert "offline policy" in md.read_text()
    assert json.loads(js.read_text())["report"]["above_threshold"] == 2


def test_offline_hierarchical_manager_delegates_by_rule():
    result = kickoff("mini_team", {"numbers_file": str(NUMBERS), "threshold": 20}, workspace=MINI)
    assert result.report.above_threshold == 1
    assert [(r.tool, r.agent) for r in result.receipts] == [("spine_stats", "mini_counter"),
                                                          ("spine_threshold", "mini_checker")]


def test_run_store_keeps_every_receipt_and_step():
    result = kickoff("mini", {"numbers_file": str(NUMBERS)}, workspace=MINI)
    run = RunStore().get_run(result.run_id[:6])
    assert run["status"] == "succeeded"
    assert [rc["tool"] for rc in run["receipts"]] == ["spine_stats", "spine_threshold"]
    assert run["receipts"][0]["output"]["total"] == 53.5
    assert [st["task"] for st in run["steps"]] == ["mini_count", "mini_report"]
    assert run["steps"][1]["output"]["count"] == 4


def test_bad_inputs_are_input_errors_and_nothing_runs(tmp_path):
    with pytest.raises(InputError, match="--input numbers_file: required"):
        kickoff("mini", {}, workspace=MINI)
    with pytest.raises(InputError, match="--input threshold: expected a number"):
        kickoff("mini", {"numbers_file": str(NUMBERS), "threshold": "ten"}, workspace=MINI)
    with pytest.raises(InputError, match="has no such input"):
        kickoff("mini", {"numbers_file": str(NUMBERS), "colour": "red"}, workspace=MINI)
    assert RunStore().list_runs() == []


def test_tool_failing_on_bad_file_stops_the_run_as_input_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1\nfoo\n")
    with pytest.raises(InputError, match=r"bad.txt:2: not a number: 'foo'"):
        kickoff("mini", {"numbers_file": str(bad)}, workspace=MINI)
    [run] = RunStore().list_runs()
    assert run.status == "failed"


def test_python_api_namespace():
    crews = CrewNamespace(MINI)
    assert {"mini", "mini_team"} <= set(crews.list())
    report = crews.mini.kickoff(numbers_file=str(NUMBERS), threshold=5)
    assert report.above_threshold == 3
    with pytest.raises(AttributeError, match="unknown crew 'nope'"):
        crews.nope  # noqa: B018


def test_cli_kickoff_json_then_runs_show_lists_receipts(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["kickoff", "mini", "-w", str(MINI), "--input", f"numbers_file={NUMBERS}",
                              "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["report"]["count"] == 4
    shown = runner.invoke(app, ["runs", "show", data["run_id"]])
    assert shown.exit_code == 0, shown.output
    assert "spine_stats" in shown.output and "spine_threshold" in shown.output
    listed = runner.invoke(app, ["runs", "list"])
    assert data["run_id"] in listed.output and "succeeded" in listed.output


def test_cli_bad_input_exits_2_with_one_line():
    res = CliRunner().invoke(app, ["kickoff", "mini", "-w", str(MINI), "--input", "numbers_file=/nope/x.txt"])
    assert res.exit_code == 2
    assert res.output.strip().startswith("error: --input numbers_file: no such file or folder: /nope/x.txt")


KILL_SCRIPT = """
import sys, time
sys.path[:0] = {paths!r}
import spine_support
from sophia_crew.registry import tool
@tool("spine_stats")
def slow(numbers_file: str) -> dict:
    '''Never returns (the test kills the process).'''
    time.sleep(600)
from sophia_crew.runner import kickoff

kickoff("mini", {{"numbers_file": {numbers!r}}}, workspace=spine_support.MINI_WS)
"""


def test_run_killed_half_way_shows_as_incomplete(tmp_path, sophia_home):
    script = tmp_path / "kill_me.py"
    here = Path(__file__).resolve().parent
    script.write_text(KILL_SCRIPT.format(paths=[str(here), str(here.parent)], numbers=str(NUMBERS)))
    env = {**os.environ, "SOPHIA_HOME": str(sophia_home)}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not RunStore().list_runs():
            time.sleep(0.2)
        [run] = RunStore().list_runs()
        assert run.status == "running"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    [run] = RunStore().list_runs()
    assert run.status == "incomplete"


def test_bad_llm_profile_or_missing_key_is_refused_before_any_run(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    res = CliRunner().invoke(app, ["kickoff", "mini", "-w", str(MINI), "-i", f"numbers_file={NUMBERS}",
                                   "--llm", "openai"])
    assert res.exit_code == 2 and "set OPENAI_API_KEY (no key found)" in res.output
    with pytest.raises(InputError, match="unknown LLM profile 'gpt5'"):
        kickoff("mini", {"numbers_file": str(NUMBERS)}, workspace=MINI, llm="gpt5")
    assert RunStore().list_runs() == []
