"""Consensus policies, dissent, ties to the approval queue, and a run that survives kill -9 while waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spine_support
from typer.testing import CliRunner

from sophia_crew.config.models import ConsensusSpec
from sophia_crew.errors import InputError
from sophia_crew.orchestration.approvals import Approvals
from sophia_crew.orchestration.consensus import Verdict, aggregate
from sophia_crew.runner import kickoff
from sophia_crew.store.repo import RunStore

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
NUMBERS = str(MINI / "numbers.txt")  # mean 13.375



def spec(policy: str, weights=(1, 1, 1), quorum=None, min_confidence=0.0) -> ConsensusSpec:
    return ConsensusSpec(question="At risk?", options=["yes", "no"], tool="t", policy=policy, quorum=quorum,
                         min_confidence=min_confidence,
                         voters=[{"agent": f"a{i}", "weight": w} for i, w in enumerate(weights)])


def v(decision: str, confidence: float = 0.9) -> Verdict:
    return Verdict(decision=decision, confidence=confidence, evidence=[f"{decision} evidence"])


def test_majority_records_the_dissenting_vote():
    res = aggregate(spec("majority"), [v("yes"), v("no"), v("YES")])
    assert (res.decision, res.needs_human, res.tally) == ("yes", False, {"yes": 2.0, "no": 1.0})
    assert [d.agent for d in res.dissent] == ["a1"]


def test_weighted_uses_weight_times_confidence():
    # yes: 1*0.9 + 1*0.9 = 1.8 ; no: 3*0.7 = 2.1 -> no wins despite fewer votes
    res = aggregate(spec("weighted", weights=(1, 1, 3)), [v("yes"), v("yes"), v("no", 0.7)])
    assert res.decision == "no" and res.tally == {"no": 2.1, "yes": 1.8}
    assert {d.agent for d in res.dissent} == {"a0", "a1"}


def test_unanimous_needs_every_vote():
    assert aggregate(spec("unanimous"), [v("no"), v("no"), v("no")]).decision == "no"
    res = aggregate(spec("unanimous"), [v("no"), v("no"), v("yes")])
    assert res.decision is None and res.needs_human and res.reason.startswith("not unanimous")


def test_tie_and_failed_quorum_go_to_a_human():
    tie = aggregate(spec("majority", weights=(1, 1)), [v("yes"), v("no")])
    assert tie.needs_human and tie.reason == "tie: yes 1, no 1"
    low = aggregate(spec("majority", quorum=3, min_confidence=0.5), [v("yes"), v("yes", 0.2), v("maybe")])
    assert low.needs_human and low.reason == "quorum not met: 1 valid votes of 3 needed"
    assert [x.note for x in low.votes] == ["", "confidence 0.20 < 0.50", "'maybe' is not an option"]


def test_crew_consensus_offline_each_voter_uses_its_own_evidence_view():
    result = kickoff("mini_vote", {"numbers_file": NUMBERS}, workspace=MINI)
    c = result.consensus
    # thresholds 10 / 20 / 12 against mean 13.375 -> high, low, high
    assert [(x.agent, x.decision) for x in c.votes] == [("mini_counter", "high"), ("mini_checker", "low"),
                                                        ("mini_counter", "high")]
    assert c.decision == "high" and [d.agent for d in c.dissent] == ["mini_checker"]
    assert [r.tool for r in result.receipts].count("spine_verdict") == 3
    assert result.status == "succeeded"


def test_tie_files_an_approval_and_the_human_decides(tmp_path):
    result = kickoff("mini_tie", {"numbers_file": NUMBERS}, workspace=MINI, out_dir=tmp_path / "o")
    assert result.status == "waiting_approval"
    assert RunStore().get_run(result.run_id)["status"] == "waiting_approval"
    [pending] = Approvals().list()
    assert pending["id"] == result.approval_id and pending["kind"] == "consensus"
    with pytest.raises(InputError, match="needs one of high, low"):
        Approvals().decide(result.approval_id, approve=True, by="ana", decision="maybe")
    done = Approvals().decide(result.approval_id, approve=True, by="ana", decision="low")
    assert done["status"] == "done" and done["result"]["decision"] == "low"
    run = RunStore().get_run(result.run_id)
    assert run["status"] == "succeeded" and run["result"]["consensus"]["human_decision"] == "low"
    md = Path(run["report_files"][0]).read_text()
    assert "**Human decision:** low (by ana)" in md
    with pytest.raises(InputError, match="already decided"):
        Approvals().decide(result.approval_id, approve=False, by="bob")


def test_cli_approvals_reject():
    from sophia_crew.cli import app

    result = kickoff("mini_tie", {"numbers_file": NUMBERS}, workspace=MINI)
    runner = CliRunner()
    listed = runner.invoke(app, ["approvals", "list"])
    assert result.approval_id in listed.output
    out = runner.invoke(app, ["approvals", "reject", result.approval_id, "--by", "cli-user"])
    assert out.exit_code == 0, out.output
    assert RunStore().get_run(result.run_id)["status"] == "rejected"


WAITER = """
import sys
sys.path[:0] = {paths!r}
import spine_support
from sophia_crew.runner import kickoff

r = kickoff("mini_tie", {{"numbers_file": {numbers!r}}}, workspace=spine_support.MINI_WS, out_dir={out!r},
            wait_for_approval=True)
print("FINISHED", r.status)
"""


def test_kill_9_while_waiting_then_approve_completes_the_run_once(tmp_path, sophia_home):
    here = Path(__file__).resolve().parent
    script = tmp_path / "waiter.py"
    out = tmp_path / "reports"
    script.write_text(WAITER.format(paths=[str(here), str(here.parent)], numbers=NUMBERS, out=str(out)))
    proc = subprocess.Popen([sys.executable, str(script)], env={**os.environ, "SOPHIA_HOME": str(sophia_home)},
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not Approvals().list():
            time.sleep(0.2)
        [pending] = Approvals().list()
        assert proc.poll() is None  # still waiting for the human
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    run_id = pending["run_id"]
    assert RunStore().get_run(run_id)["status"] == "waiting_approval"  # not lost, not "incomplete"
    # "restart": a new process (this one) approves; the resume handler completes the run exactly once
    Approvals().decide(pending["id"], approve=True, by="ops", decision="high")
    assert Approvals().resume_pending() == []
    run = RunStore().get_run(run_id)
    assert run["status"] == "succeeded" and run["result"]["consensus"]["human_decision"] == "high"
    assert len(list(out.glob("*.md"))) == 1
