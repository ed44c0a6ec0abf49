"""The request manager: deterministic routing, entities → inputs, refusals, LLM planner, persisted plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spine_support
import yaml
from typer.testing import CliRunner

from sophia_crew.cli import app
from sophia_crew.errors import InputError
from sophia_crew.orchestration.manager import DelegationPlan, Manager, PlanRow, load_plan_file, plan_request
from sophia_crew.orchestration.routing import entities, load_rules, route
from sophia_crew.testing import ScriptedLLM

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
REQUESTS = Path(__file__).resolve().parents[1] / "fixtures" / "routing" / "requests.yaml"



def test_routing_accuracy_on_the_labelled_set_is_at_least_95_percent():
    data = yaml.safe_load(REQUESTS.read_text())
    assert len(data) >= 60
    assert {c for d in data for c in d["crews"]} == {"sales_coach", "client_health", "research", "recruiting",
                                                      "strategy"}
    assert sum(len(d["crews"]) > 1 for d in data) >= 5 and sum(not d["crews"] for d in data) >= 5
    correct = sum([s[0] for s in route(d["text"])] == d["crews"] for d in data)
    assert correct / len(data) >= 0.95


def test_two_crews_in_order_with_reasons():
    steps = route("Build a SwiftPay battlecard, then forecast next quarter's revenue")
    assert [s[0] for s in steps] == ["research", "strategy"]
    assert "battlecard*" in steps[0][2] and "forecast*" in steps[1][2]


def test_destructive_requests_are_refused_whatever_else_they_say():
    assert route("Delete all accounts at risk of churn") == []


def test_entities_fill_inputs():
    rules = load_rules()
    found = entities("Coach me on calls/northwind-discovery.vtt, then check https://swiftpay.example/pricing "
                     "against a $3M target for Northwind", rules, ["Northwind Traders", "Northwind"])
    assert found == {"transcript": "calls/northwind-discovery.vtt", "url": "https://swiftpay.example/pricing",
                     "target_usd": 3_000_000.0, "account": "Northwind"}


def test_unanswerable_request_is_refused_with_a_reason():
    plan = plan_request("What's the weather in Berlin tomorrow?", workspace=MINI)
    assert plan.steps == [] and plan.refused.startswith("no crew fits this request")
    with pytest.raises(InputError, match="request refused"):
        Manager(MINI).run(plan)
    res = CliRunner().invoke(app, ["ask", "Book me a flight to New York", "-w", str(MINI)])
    assert res.exit_code == 2 and "no crew fits" in res.output


def test_llm_planner_is_used_only_when_rules_find_nothing_and_its_plan_runs():
    numbers = str(MINI / "numbers.txt")
    answer = {"steps": [{"crew": "mini", "inputs": {"numbers_file": numbers}, "reason": "stats asked",
                         "confidence": 0.8}]}
    llm = ScriptedLLM.from_steps([json.dumps(answer)])
    plan = plan_request("crunch the figures in my numbers file", workspace=MINI, llm=llm)
    assert plan.planner == "llm" and [s.crew for s in plan.steps] == ["mini"]
    [result] = Manager(MINI).run(plan)
    assert result.report.count == 4 and result.run_id


def test_llm_planner_naming_an_unknown_crew_is_refused():
    llm = ScriptedLLM.from_steps([json.dumps({"steps": [{"crew": "hr_magic", "reason": "x", "confidence": 1}]})])
    plan = plan_request("do something unusual", workspace=MINI, llm=llm)
    assert plan.steps == [] and "unknown crews ['hr_magic']" in plan.refused


def test_plans_are_persisted_and_an_edited_plan_file_runs(tmp_path):
    numbers = str(MINI / "numbers.txt")
    plan = DelegationPlan(request="stats please", steps=[{"crew": "mini", "inputs": {"numbers_file": numbers},
                                                          "reason": "edited by hand", "confidence": 1}])
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan.model_dump(mode="json")))
    manager = Manager(MINI)
    [result] = manager.run(load_plan_file(path))
    with manager.Session() as s:
        row = s.get(PlanRow, plan.id)
        assert row.status == "executed" and row.run_ids == [result.run_id]
    path.write_text("steps: [{crew: mini}]\n")
    with pytest.raises(InputError, match="plan.yaml: request: Field required"):
        load_plan_file(path)
