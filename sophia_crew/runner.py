"""``kickoff`` — the single entry point that the CLI, the scheduler, the MCP server and notebooks call."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Workspace, load_workspace
from .config.loader import workspace_dir, workspace_files
from .errors import RunFailed, SophiaError
from .inputs import bind_value, prepare_inputs
from .llm.profiles import OFFLINE_LABEL, preflight, resolve_profile, run_profile_override
from .orchestration.budget import Budget, BudgetExceeded, shared_limiter
from .orchestration.consensus import ConsensusResult, Verdict, aggregate, voter_tasks
from .orchestration.guards import activate, deactivate
from .redact import redact
from .reports import ReportBase, get_report_model
from .runtime import Receipt, RunContext
from .verify import unsupported_numbers

OFFLINE_ENV = {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "OTEL_SDK_DISABLED": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
    "MEM0_TELEMETRY": "False",
}

Progress = Callable[[str, str], None]


def quiet_environment() -> None:
    """Telemetry, tracing and version checks off unless the user set them explicitly."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    import warnings

    # our task callback is a bound method on purpose (it closes over the run); crewAI only warns about checkpoints
    warnings.filterwarnings("ignore", message="method callbacks cannot be serialized")


@dataclass
class RunResult:
    """What a kickoff returns.

    Attributes:
        run_id: id in the run store.
        crew: crew name.
        report: the report task's output (a report model, or text for tasks without one).
        outputs: every task's output by task name.
        receipts: every tool call, in order.
        written_by: who wrote the prose (the offline policy or a language model), as reports state it.
        files: report files written (Markdown + JSON), if an output directory was given.
        duration_s: wall time of the kickoff.
    """

    run_id: str
    crew: str
    report: Any
    outputs: dict[str, Any]
    receipts: list[Receipt]
    written_by: str
    profiles: dict[str, str]
    files: list[Path] = field(default_factory=list)
    duration_s: float = 0.0
    consensus: ConsensusResult | None = None
    status: str = "succeeded"  # or waiting_approval (a consensus went to a human)
    approval_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "crew": self.crew, "status": self.status, "written_by": self.written_by,
            "profiles": self.profiles, "report": _dump(self.report),
            "consensus": _dump(self.consensus), "approval_id": self.approval_id,
            "outputs": {k: _dump(v) for k, v in self.outputs.items()},
            "receipts": [r.as_dict() for r in self.receipts],
            "duration_s": round(self.duration_s, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], ws: Workspace) -> RunResult:
        """Rebuild a stored result (report typed again through its report model)."""
        spec = ws.crew(data["crew"])
        task = ws.tasks[spec.report_task or spec.tasks[-1]]
        report = data["report"]
        if task.output_model and isinstance(report, dict):
            report = get_report_model(task.output_model).model_validate(report)
        receipts = [Receipt(run_id=data["run_id"], output=r.get("output"), ok=r["ok"], error=r.get("error"),
                            id=r["id"], task=r.get("task"), agent=r.get("agent"), tool=r["tool"],
                            arguments=r.get("arguments") or {}, started_at=r["started_at"],
                            duration_ms=r.get("duration_ms", 0.0)) for r in data.get("receipts", [])]
        consensus = ConsensusResult.model_validate(data["consensus"]) if data.get("consensus") else None
        return cls(run_id=data["run_id"], crew=data["crew"], report=report, outputs=data.get("outputs", {}),
                   receipts=receipts, written_by=data["written_by"], profiles=data.get("profiles", {}),
                   duration_s=data.get("duration_s", 0.0), consensus=consensus, status=data.get("status", "succeeded"),
                   approval_id=data.get("approval_id"))


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


_WS_CACHE: dict[tuple, Workspace] = {}


def cached_workspace(workspace: str | Path | None) -> Workspace:
    """Load (and check) the workspace once per set of file modification times."""
    from .resources import bundled_root

    user = workspace_dir(workspace)
    roots = [bundled_root()] + ([user] if user else [])
    # only the files a workspace is made of: a recursive glob of a source checkout also walks .git and any .venv
    stamp = tuple((str(p), p.stat().st_mtime_ns) for r in roots for p in workspace_files(r))
    ws = _WS_CACHE.get(stamp)
    if ws is None:
        ws = load_workspace(user)
        _WS_CACHE.clear()
        _WS_CACHE[stamp] = ws
    return ws


def _markdown(result: RunResult) -> str:
    report = result.report
    body = report.to_markdown() if isinstance(report, ReportBase) else f"# {result.crew}\n\n{report}\n"
    if result.consensus is not None:
        body = body.rstrip() + "\n\n" + result.consensus.to_markdown()
        if result.status == "waiting_approval":
            body += (f"\n**Waiting for a human decision**: `sophia approvals approve {result.approval_id} "
                     f"--decision <option>`\n")
    tools = sorted({r.tool for r in result.receipts})
    return (body.rstrip() + "\n\n---\n"
            f"*Prose written by: {result.written_by}. Figures: {len(result.receipts)} tool receipts "
            f"({', '.join(tools) or 'none'}); run `sophia runs show {result.run_id}`.*\n")


def write_reports(result: RunResult, out_dir: str | Path) -> list[Path]:
    """Write ``<crew>-<run_id>.md`` and ``.json`` (plus any chart files the report carries) to ``out_dir``."""
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{result.crew}-{result.run_id}"
    md, js = out / f"{stem}.md", out / f"{stem}.json"
    files = []
    extra = getattr(result.report, "write_assets", None)
    if callable(extra):
        files.extend(extra(out, stem))
    md.write_text(_markdown(result), encoding="utf-8")
    js.write_text(json.dumps(redact(result.to_json()), indent=2, default=str), encoding="utf-8")
    return [md, js, *files]


def kickoff(
    crew: str,
    inputs: dict[str, Any] | None = None,
    *,
    llm: str | None = None,
    workspace: str | Path | None = None,
    out_dir: str | Path | None = None,
    store_url: str | None = None,
    store: bool = True,
    llm_factory: Any = None,
    trigger: str = "api",
    progress: Progress | None = None,
    wait_for_approval: bool = False,
    approval_timeout: float | None = None,
    budget: dict[str, Any] | None = None,
) -> RunResult:
    """Run crew ``crew`` with ``inputs`` and return its typed report and receipts.

    Args:
        crew: crew name (``crews/<name>.yaml``).
        inputs: kickoff inputs; checked against the crew's declared inputs.
        llm: LLM profile forced on every agent (else ``SOPHIA_LLM``, else each agent's YAML, else offline).
        workspace: a directory overlaying the bundled YAML (else ``SOPHIA_WORKSPACE``).
        out_dir: where to write the Markdown + JSON report (nothing written when None).
        store_url: SQLAlchemy URL of the run store (else ``SOPHIA_DATABASE_URL`` or local SQLite).
        store: False to keep the run out of the run store (benchmarks).
        llm_factory: tests only: ``callable(profile, agent_key) -> crewai.BaseLLM`` (e.g. a ScriptedLLM).
        trigger: who started the run (api, cli, schedule, mcp).
        progress: ``callable(stage, detail)`` for progress display.
        wait_for_approval: when a consensus goes to a human, block until it is decided (in any process).
        approval_timeout: seconds to wait for that decision (None: forever).
        budget: overrides of the crew's budget: ``max_tokens``, ``max_cost_usd``, ``max_seconds``, ``rpm``.

    Raises:
        InputError: bad inputs or configuration (nothing is run).
        RunFailed: the run started and failed; it is recorded as failed in the run store.
    """
    quiet_environment()
    t0 = time.perf_counter()
    note = progress or (lambda stage, detail: None)
    ws = cached_workspace(workspace)
    spec = ws.crew(crew)
    prepared = prepare_inputs(crew, spec, dict(inputs or {}))
    extra = voter_tasks(spec.consensus) if spec.consensus else {}
    ctx = RunContext(crew_name=crew, crew=spec, workspace=ws, inputs=prepared, tasks={**ws.tasks, **extra},
                     task_order=[*spec.tasks, *extra])
    if llm_factory is None:  # a bad profile or a missing key is bad input: refuse before any run is recorded
        override = run_profile_override(llm)
        agent_keys = [*spec.agents, *([spec.manager.agent] if spec.manager else [])]
        for name in {override} if override else {ws.agents[a].llm or "offline" for a in agent_keys}:
            preflight(resolve_profile(name))
    run_store = None
    if store:
        from .store.repo import RunStore

        run_store = RunStore(store_url)
        run_store.start_run(ctx.run_id, crew, prepared, trigger=trigger)
        ctx.on_receipt = run_store.add_receipt

    def task_done(task: str, output: Any) -> None:
        note("task", task)
        if run_store is not None:
            data = output.pydantic.model_dump(mode="json") if getattr(output, "pydantic", None) else None
            run_store.add_step(ctx.run_id, task, str(getattr(output, "agent", "")), data,
                               str(getattr(output, "raw", "")))

    ctx.on_task_done = task_done
    limits = spec.budget.model_dump()
    limits.update({k: v for k, v in (budget or {}).items() if v is not None})
    rpm = limits.pop("rpm", None) or (int(os.environ["SOPHIA_MAX_RPM"]) if os.environ.get("SOPHIA_MAX_RPM") else None)
    if any(v is not None for v in limits.values()):
        ctx.budget = Budget(**limits)
    if rpm:
        ctx.limiter = shared_limiter(rpm)
    crew_obj = None
    try:
        from .factory import build_crew

        note("build", crew)
        crew_obj, chooser = build_crew(ctx, llm_override=run_profile_override(llm), llm_factory=llm_factory)
        note("kickoff", crew)
        # an optional input left empty still fills its {placeholder} (as an empty string)
        crew_inputs = {k: ("" if v is None else v) for k, v in prepared.items()}
        activate(ctx, crew_obj)
        try:
            crew_obj.kickoff(inputs=crew_inputs)
        finally:
            deactivate(ctx)
        if ctx.fatal is not None:
            raise ctx.fatal
    except Exception as exc:  # recorded as failed, then re-raised as a sophia error
        error = ctx.fatal or exc
        if isinstance(error, BudgetExceeded):
            _partial_report(ctx, crew_obj, error, out_dir, run_store)
            raise error from None
        if run_store is not None:
            run_store.finish_run(ctx.run_id, status="failed", error=f"{type(error).__name__}: {error}")
        if isinstance(error, SophiaError):
            raise error from None
        raise RunFailed(f"crew {crew!r} failed: {type(exc).__name__}: {exc}") from exc
    outputs: dict[str, Any] = {}
    for task in crew_obj.tasks:
        out = task.output
        outputs[task.name] = (out.pydantic if out is not None and out.pydantic is not None
                              else (out.raw if out is not None else None))
    report_task = spec.report_task or spec.tasks[-1]
    labels = chooser.labels
    writers = sorted(set(labels.values()))
    written_by = writers[0] if len(writers) == 1 else "; ".join(writers)
    result = RunResult(run_id=ctx.run_id, crew=crew, report=outputs[report_task], outputs=outputs,
                       receipts=list(ctx.receipts), written_by=written_by,
                       profiles={a: p.name for a, p in chooser.used.items()})
    problems = [] if written_by == OFFLINE_LABEL else unsupported_numbers(
        _dump(result.report), [r.output for r in ctx.receipts if r.ok], prepared)
    if run_store is not None:
        run_store.add_usage(ctx.run_id, _usage_rows(crew_obj, chooser))
    if problems:
        msg = f"report numbers that no tool returned: {'; '.join(problems[:10])}"
        if run_store is not None:
            run_store.finish_run(ctx.run_id, status="failed", written_by=written_by, error=msg,
                                 llm_profiles=result.profiles)
        raise RunFailed(f"crew {crew!r}: {msg}")
    if spec.consensus is not None:
        verdicts = [outputs.get(name) if isinstance(outputs.get(name), Verdict) else None for name in extra]
        question = str(bind_value(spec.consensus.question, prepared))
        result.consensus = aggregate(spec.consensus, verdicts, question)
        if result.consensus.needs_human:
            from .orchestration.approvals import Approvals

            result.status = "waiting_approval"
            result.approval_id = Approvals(store_url).request(
                "consensus", f"{crew}: {question}",
                {"options": spec.consensus.options, **result.consensus.model_dump(mode="json")},
                "finalize_consensus", {"run_id": ctx.run_id, "out_dir": str(out_dir) if out_dir else None,
                                       "store_url": store_url, "workspace": str(workspace) if workspace else None},
                run_id=ctx.run_id)
    _remember_facts(spec, ctx, result)
    if out_dir is not None:
        result.files = write_reports(result, out_dir)
    result.duration_s = time.perf_counter() - t0
    if run_store is not None:
        run_store.finish_run(ctx.run_id, status=result.status, written_by=written_by, llm_profiles=result.profiles,
                             report_files=[str(p) for p in result.files], result=result.to_json())
    note("done", crew)
    if result.status == "waiting_approval" and wait_for_approval:
        return wait_for_decision(result, store_url=store_url, workspace=workspace, timeout=approval_timeout)
    return result


def _partial_report(ctx: RunContext, crew_obj: Any, error: Exception, out_dir: Any, run_store: Any) -> None:
    """A run stopped by its budget: keep what finished, say why it stopped, mark the run ``stopped``."""
    done = {}
    for task in getattr(crew_obj, "tasks", []) or []:
        out = task.output
        if out is not None:
            done[task.name] = out.pydantic.model_dump(mode="json") if out.pydantic is not None else out.raw
    lines = [f"# {ctx.crew_name} — PARTIAL REPORT", "", f"**Stopped:** {error}", "",
             f"Finished tasks: {', '.join(done) or 'none'}; not run: "
             f"{', '.join(t for t in ctx.task_order if t not in done) or 'none'}.", ""]
    for name, value in done.items():
        body = value if isinstance(value, str) else json.dumps(value, indent=2, default=str)
        lines += [f"## {name}", "", "```", body[:4000], "```", ""]
    files: list[str] = []
    if out_dir is not None:
        out = Path(out_dir).expanduser()
        out.mkdir(parents=True, exist_ok=True)
        md = out / f"{ctx.crew_name}-{ctx.run_id}-partial.md"
        js = out / f"{ctx.crew_name}-{ctx.run_id}-partial.json"
        md.write_text("\n".join(lines), encoding="utf-8")
        js.write_text(json.dumps(redact({"run_id": ctx.run_id, "crew": ctx.crew_name, "status": "stopped",
                                         "reason": str(error), "outputs": done,
                                         "receipts": [r.as_dict() for r in ctx.receipts]}), indent=2,
                                 default=str), encoding="utf-8")
        files = [str(md), str(js)]
    if run_store is not None:
        run_store.finish_run(ctx.run_id, status="stopped", error=str(error), report_files=files,
                             result={"partial": True, "outputs": done})
    error.partial_files = files  # type: ignore[attr-defined]


def _remember_facts(spec: Any, ctx: RunContext, result: RunResult) -> None:
    """Crews with ``memory: {enabled: true, scope: ...}`` store their report's facts in that scope."""
    facts = getattr(result.report, "memory_facts", None)
    if not (spec.memory.enabled and spec.memory.scope and callable(facts)):
        return
    scope = str(bind_value(spec.memory.scope, ctx.inputs))
    from .memory.store import shared_layer

    layer = shared_layer()
    for fact in facts():
        layer.remember(scope, fact, source_run=ctx.run_id, source=f"crew:{ctx.crew_name}")


def wait_for_decision(result: RunResult, *, store_url: str | None, workspace: Any, timeout: float | None,
                      poll_s: float = 0.5) -> RunResult:
    """Block until the run's approval is decided (by anyone, in any process), then return the final result."""
    from .orchestration.approvals import Approvals
    from .store.repo import RunStore

    approvals = Approvals(store_url)
    deadline = None if timeout is None else time.monotonic() + timeout
    while approvals.get(result.approval_id)["status"] in ("pending", "approved"):
        if deadline is not None and time.monotonic() > deadline:
            raise RunFailed(f"run {result.run_id}: no decision on approval {result.approval_id} within {timeout:g} s "
                            "(it stays pending; decide it with `sophia approvals`)")
        time.sleep(poll_s)
    run = RunStore(store_url).get_run(result.run_id)
    return RunResult.from_json(run["result"], cached_workspace(workspace))


# USD per million tokens (prompt, completion); unknown models are costed at 0 and say so in `sophia runs show`.
PRICES = {"gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00), "gpt-4.1-mini": (0.40, 1.60),
          "gpt-4.1": (2.00, 8.00)}


def _usage_rows(crew_obj: Any, chooser: Any) -> list[dict[str, Any]]:
    rows = []
    agents = list(crew_obj.agents) + ([crew_obj.manager_agent] if crew_obj.manager_agent else [])
    keys = list(chooser.used)
    for key, agent in zip(keys, agents):
        llm = agent.llm
        summary = llm.get_token_usage_summary() if hasattr(llm, "get_token_usage_summary") else None
        model = str(getattr(llm, "model", ""))
        prompt = int(getattr(summary, "prompt_tokens", 0) or 0)
        completion = int(getattr(summary, "completion_tokens", 0) or 0)
        price = PRICES.get(model.split("/")[-1], (0.0, 0.0))
        rows.append({"agent": key, "task": None, "model": model, "prompt_tokens": prompt,
                     "completion_tokens": completion,
                     "requests": int(getattr(summary, "successful_requests", 0) or 0),
                     "cost_usd": round((prompt * price[0] + completion * price[1]) / 1e6, 6)})
    return rows

