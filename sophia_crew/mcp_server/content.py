"""Resources (runs, reports, knowledge files) and prompts (common asks) of the MCP server."""

from __future__ import annotations

import json
import mimetypes
from typing import TYPE_CHECKING

from mcp.server.fastmcp.resources import FileResource

from ..redact import redact

if TYPE_CHECKING:
    from .server import SophiaMCP

MIME = {".yaml": "application/yaml", ".yml": "application/yaml", ".md": "text/markdown",
        ".json": "application/json", ".csv": "text/csv", ".txt": "text/plain"}


def _json(value) -> str:
    return json.dumps(redact(value), indent=2, default=str)


def register_content(server: SophiaMCP) -> None:
    """Register resources and prompts on ``server``."""
    _register_runs(server)
    _register_knowledge(server)
    _register_prompts(server)


def _register_runs(server: SophiaMCP) -> None:
    # the run store (SQLAlchemy) loads when a run resource is read, not when the server is built
    @server.resource("sophia://runs", name="runs", mime_type="application/json",
                     description="The 50 most recent runs: id, crew, status, start time, tool calls.")
    def recent_runs() -> str:
        from ..store.repo import RunStore

        return _json([vars(r) for r in RunStore().list_runs(limit=50)])

    @server.resource("sophia://runs/{run_id}", name="run", mime_type="application/json",
                     description="One run from the run store: inputs, steps, every tool receipt, usage.")
    def run(run_id: str) -> str:
        from ..store.repo import RunStore

        return _json(RunStore().get_run(run_id))

    @server.resource("sophia://reports/{run_id}", name="report", mime_type="application/json",
                     description="The structured report of one run (its report task's output).")
    def report(run_id: str) -> str:
        from ..store.repo import RunStore

        data = RunStore().get_run(run_id)
        steps = data["steps"]
        return _json({"run_id": data["id"], "crew": data["crew"], "status": data["status"],
                      "written_by": data["written_by"], "report": steps[-1]["output"] if steps else None})


def _register_knowledge(server: SophiaMCP) -> None:
    from ..resources import knowledge_path

    root = knowledge_path()
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(root).as_posix()
        mime = MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "text/plain"
        server.add_resource(FileResource(uri=f"sophia://knowledge/{rel}", path=path, name=f"knowledge/{rel}",
                                         description=f"Knowledge file {rel} (with its sources)",
                                         mime_type=mime, is_binary=not mime.startswith(("text/", "application/"))))


def _register_prompts(server: SophiaMCP) -> None:
    tools = {e.tool.name for e in server._entries.values()}

    @server.prompt(name="run_crew", description="Run one crew and summarise its report.")
    def run_crew(crew: str, focus: str = "") -> str:
        return (f"Call the tool kickoff_{crew} with the inputs it needs, then summarise the structured report "
                f"it returns{' with a focus on ' + focus if focus else ''}. Quote figures exactly as the report "
                "gives them; do not compute new ones.")

    @server.prompt(name="explain_run", description="Explain a past run: what ran, which tools, what it found.")
    def explain_run(run_id: str) -> str:
        return (f"Read the resource sophia://runs/{run_id}. Explain which tasks ran, which tools were called "
                "with which arguments, and what the report concluded. Cite the tool receipts for every figure.")

    if {"account_health_scores", "churn_risk"} <= tools:
        @server.prompt(name="accounts_at_risk", description="Which accounts are at risk, and what to do.")
        def accounts_at_risk(segment: str = "") -> str:
            return ("Call account_health_scores" + (f" for segment {segment}" if segment else "")
                    + " and churn_risk, then list the at-risk accounts with their score drivers and the play "
                    "health_plays recommends. Every number must come from a tool result.")

    if {"call_metrics", "methodology_scorecard"} <= tools:
        @server.prompt(name="coach_call", description="Coach a rep on one recorded call.")
        def coach_call(transcript: str, rep: str = "") -> str:
            return (f"Call call_metrics and methodology_scorecard on {transcript}"
                    + (f" for rep {rep}" if rep else "")
                    + ". Give three concrete coaching points, each tied to a metric or a quoted moment.")

    if "pipeline_forecast" in tools:
        @server.prompt(name="pipeline_review", description="Review the pipeline forecast against a target.")
        def pipeline_review(target_usd: str = "") -> str:
            return ("Call pipeline_forecast" + (f" with target_usd={target_usd}" if target_usd else "")
                    + " and summarise commit, best case and the gap, naming the deals that move the number.")
