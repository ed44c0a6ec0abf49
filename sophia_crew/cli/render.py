"""Rich rendering of run results and stored runs for the CLI."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table


def print_result(console: Console, result: Any) -> None:
    """Summary of a finished kickoff: the report's own table, tool calls, files."""
    console.rule(f"{result.crew} — run {result.run_id}")
    rows = getattr(result.report, "summary_rows", None)
    if callable(rows):
        table = Table("figure", "value", title="report summary")
        for label, value in rows():
            table.add_row(str(label), str(value))
        console.print(table)
    counts = Counter(r.tool for r in result.receipts)
    tools = Table("tool", "calls", "ms", title="tool receipts")
    for tool, n in counts.items():
        ms = sum(r.duration_ms for r in result.receipts if r.tool == tool)
        tools.add_row(tool, str(n), f"{ms:.0f}")
    console.print(tools)
    console.print(f"prose written by: {result.written_by}")
    for path in result.files:
        console.print(f"wrote {path}")


def _short(value: Any, width: int = 90) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 1] + "…"


def print_run(console: Console, run: dict[str, Any]) -> None:
    """Everything stored about one run."""
    console.rule(f"run {run['id']} — {run['crew']} — {run['status']}")
    console.print(f"started {run['started_at']}  finished {run['finished_at']}  trigger {run['trigger']}")
    console.print(f"inputs: {_short(run['inputs'], 200)}")
    console.print(f"prose written by: {run['written_by'] or 'n/a'}")
    if run["error"]:
        console.print(f"[red]error:[/] {run['error']}")
    steps = Table("#", "task", "agent")
    for i, st in enumerate(run["steps"], 1):
        steps.add_row(str(i), st["task"], st["agent"])
    console.print(steps)
    receipts = Table("#", "receipt", "task", "tool", "arguments", "ok", "ms", "output", title="tool receipts")
    for i, rc in enumerate(run["receipts"], 1):
        receipts.add_row(str(i), rc["id"], rc["task"] or "", rc["tool"], _short(rc["arguments"], 50),
                         "yes" if rc["ok"] else f"[red]{_short(rc['error'], 40)}[/]", f"{rc['duration_ms']:.1f}",
                         _short(rc["output"], 60))
    console.print(receipts)
    if run["usage"]:
        usage = Table("agent", "model", "prompt tok", "completion tok", "requests", "cost USD", title="usage")
        for u in run["usage"]:
            usage.add_row(u["agent"], u["model"], str(u["prompt_tokens"]), str(u["completion_tokens"]),
                          str(u["requests"]), f"{u['cost_usd']:.4f}")
        console.print(usage)
    for f in run["report_files"]:
        console.print(f"report: {f}")
