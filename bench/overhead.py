"""Overhead of sophia's kickoff over a bare crewAI Crew doing the same two tasks.

Both sides run the same two-agent, two-task sequential crew (a tool call per task, a Pydantic report at
the end) with the same zero-latency scripted LLM, in the same process, interleaved, for N runs each; we
print the medians and their ratio. sophia's side includes YAML loading (cached), input checks, building
the crew from config, receipts and the run store (SQLite) — everything a real kickoff does.

    python bench/overhead.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "spine"), str(ROOT / "tests")]
for k, v in {"CREWAI_DISABLE_TELEMETRY": "true", "OTEL_SDK_DISABLED": "true", "CREWAI_TRACING_ENABLED": "false",
             "CREWAI_DISABLE_VERSION_CHECK": "true"}.items():
    os.environ.setdefault(k, v)
TMP = tempfile.mkdtemp(prefix="sophia-bench-")
os.environ["SOPHIA_HOME"] = TMP
os.environ["XDG_DATA_HOME"] = TMP

import spine_support
from crewai import Agent, Crew, Task
from crewai.tools import BaseTool

from sophia_crew.registry import get_tool, render_output
from sophia_crew.runner import kickoff
from sophia_crew.testing import ScriptedLLM

NUMBERS = str(spine_support.MINI_WS / "numbers.txt")
REPORT = {"count": 4, "mean": 13.375, "above_threshold": 2, "summary": "4 numbers, mean 13.375, 2 above 10."}


def script() -> ScriptedLLM:
    def act(tool, args):
        return f"Thought: t\nAction: {tool}\nAction Input: {json.dumps(args)}"
    return ScriptedLLM.from_steps([
        act("spine_stats", {"numbers_file": NUMBERS}), "Thought: ok\nFinal Answer: count 4, mean 13.375",
        act("spine_threshold", {"numbers_file": NUMBERS, "threshold": 10}),
        "Thought: ok\nFinal Answer: " + json.dumps(REPORT),
    ])


class PlainTool(BaseTool):
    """The same registered function as a plain crewAI tool (no receipts)."""

    def _run(self, **kwargs):
        return render_output(get_tool(self.name).run(**kwargs))


def bare_crew() -> float:
    llm = script()
    specs = [get_tool("spine_stats"), get_tool("spine_threshold")]
    tools = [PlainTool(name=s.name, description=s.description, args_schema=s.args_model) for s in specs]
    t0 = time.perf_counter()
    a1 = Agent(role="Number Counter", goal=f"Count the numbers in {NUMBERS}", backstory="exact", tools=[tools[0]],
               llm=llm, cache=False)
    a2 = Agent(role="Threshold Checker", goal="Check numbers above 10", backstory="exact", tools=[tools[1]],
               llm=llm, cache=False)
    t1 = Task(description=f"Compute the statistics of the numbers in {NUMBERS}.", expected_output="stats", agent=a1)
    t2 = Task(description=f"Count numbers in {NUMBERS} above 10 and write the report.", expected_output="report",
              agent=a2, context=[t1], output_pydantic=spine_support.MiniReport)
    out = Crew(agents=[a1, a2], tasks=[t1, t2], cache=False).kickoff()
    assert out.pydantic.above_threshold == 2
    return time.perf_counter() - t0


def sophia(store: bool) -> float:
    llm = script()
    t0 = time.perf_counter()
    result = kickoff("mini", {"numbers_file": NUMBERS}, workspace=spine_support.MINI_WS, llm_factory=llm.factory,
                     store=store)
    assert result.report.above_threshold == 2
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for _ in range(3):  # warm-up: imports, first-kickoff costs, YAML cache, SQLite file
        bare_crew(), sophia(True), sophia(False)
    bare, full, nostore = [], [], []
    for _ in range(args.runs):  # interleaved so machine noise hits all sides alike
        bare.append(bare_crew())
        full.append(sophia(True))
        nostore.append(sophia(False))
    mb, mf, mn = (statistics.median(x) * 1000 for x in (bare, full, nostore))
    print(f"runs per side: {args.runs} (median, ms)")
    print(f"bare crewAI Crew            {mb:8.1f}")
    print(f"sophia kickoff + run store  {mf:8.1f}   ratio {mf / mb:.2f}x   (goal <= 1.2x)")
    print(f"sophia kickoff, no store    {mn:8.1f}   ratio {mn / mb:.2f}x")


if __name__ == "__main__":
    main()
