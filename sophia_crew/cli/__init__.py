"""The ``sophia`` command: a thin typer layer over :func:`sophia_crew.runner.kickoff` and friends.

crewAI is imported lazily (it takes seconds), so ``--help``, ``crews`` and ``validate`` stay fast.
Exit codes: 0 ok, 2 bad input or configuration, 1 a run failed.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import typer

from ..errors import SophiaError
from .common import _console, fail

app = typer.Typer(help="sophia_crew: YAML-defined crewAI crews for revenue operations.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
runs_app = typer.Typer(help="Inspect past runs in the run store.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

WorkspaceOpt = typer.Option(None, "--workspace", "-w", envvar="SOPHIA_WORKSPACE",
                            help="Directory with agents.yaml/tasks.yaml/crews/ overriding or adding crews.")


@app.command("crews")
def crews_cmd(workspace: Path | None = WorkspaceOpt) -> None:
    """List crews with their descriptions and required inputs."""
    from rich.table import Table

    from ..config import load_workspace
    from ..config.loader import crew_inputs_summary

    try:
        ws = load_workspace(workspace)
    except SophiaError as exc:
        fail(exc)
    table = Table("crew", "process", "description", "inputs")
    for name, crew in sorted(ws.crews.items()):
        inputs = ", ".join(
            f"{i['name']}{'' if i['required'] else '?'}:{i['type']}" for i in crew_inputs_summary(crew))
        table.add_row(name, crew.process, crew.description.strip(), inputs)
    _console().print(table)


@app.command("validate")
def validate_cmd(directory: Path | None = typer.Argument(None, help="Workspace directory (default: bundled).")) -> None:
    """Check agents.yaml, tasks.yaml and crews/*.yaml; print one file:line error per problem."""
    from ..config import load_workspace

    try:
        ws = load_workspace(directory)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"ok: {len(ws.crews)} crews, {len(ws.agents)} agents, {len(ws.tasks)} tasks")


@app.command("schema")
def schema_cmd(out: Path = typer.Argument(Path("schemas"), help="Directory for the JSON Schema files.")) -> None:
    """Export JSON Schemas of the YAML files and of every report model."""
    from ..config import json_schemas
    from ..reports import get_report_model, report_model_names

    out.mkdir(parents=True, exist_ok=True)
    schemas = dict(json_schemas())
    for name in report_model_names():
        schemas[f"{name}.schema.json"] = get_report_model(name).model_json_schema()
    for filename, schema in schemas.items():
        (out / filename).write_text(json.dumps(schema, indent=2), encoding="utf-8")
    _console().print(f"wrote {len(schemas)} schemas to {out}")


def _load_inputs_file(path: Path) -> dict[str, Any]:
    import yaml

    from ..errors import InputError

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"--inputs-file {path}: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(f"--inputs-file {path}: expected a mapping of input names to values")
    return data


@app.command("kickoff")
def kickoff_cmd(
    crew: str = typer.Argument(..., help="Crew name (see `sophia crews`)."),
    input: list[str] = typer.Option([], "--input", "-i", help="An input as key=value (repeatable)."),
    inputs_file: Path | None = typer.Option(None, "--inputs-file", help="YAML/JSON file of inputs."),
    llm: str | None = typer.Option(None, "--llm", help="LLM profile for every agent (default: offline)."),
    out: Path = typer.Option(Path("sophia-reports"), "--out", help="Directory for the Markdown + JSON report."),
    as_json: bool = typer.Option(False, "--json", help="Print the run result as JSON instead of tables."),
    max_seconds: float | None = typer.Option(None, "--max-seconds", help="Wall-time budget of the run."),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="Token budget of the run."),
    max_cost: float | None = typer.Option(None, "--max-cost", help="Estimated cost budget in USD."),
    workspace: Path | None = WorkspaceOpt,
) -> None:
    """Run one crew and write its report."""
    from ..inputs import parse_pairs

    budget = {"max_seconds": max_seconds, "max_tokens": max_tokens, "max_cost_usd": max_cost}
    try:
        given = _load_inputs_file(inputs_file) if inputs_file else {}
        given.update(parse_pairs(input))
        result = _run_with_progress(crew, given, llm=llm, workspace=workspace, out=out, quiet=as_json,
                                    budget=budget)
    except SophiaError as exc:
        for path in getattr(exc, "partial_files", []):
            _console(stderr=True).print(f"partial report: {path}")
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, default=str) + "\n")
    else:
        from .render import print_result

        print_result(_console(), result)


def _run_with_progress(crew: str, inputs: dict[str, Any], *, llm, workspace, out, quiet: bool = False,
                       budget: dict[str, Any] | None = None):
    import logging
    import os

    from ..runner import kickoff

    if not os.environ.get("SOPHIA_DEBUG"):
        # crewAI logs an ERROR line for every exception we raise on purpose to stop a run (bad input, budget,
        # guard rail); sophia prints its own one-line error instead. SOPHIA_DEBUG=1 shows crewAI's logs.
        logging.getLogger("crewai").setLevel(logging.CRITICAL)
    if quiet:
        return kickoff(crew, inputs, llm=llm, workspace=workspace, out_dir=out, trigger="cli", budget=budget)
    console = _console(stderr=True)
    with console.status(f"[bold]{crew}[/]: loading crewAI…") as status:
        def progress(stage: str, detail: str) -> None:
            label = {"build": "building crew", "kickoff": "running", "task": "finished task",
                     "done": "done"}.get(stage, stage)
            status.update(f"[bold]{crew}[/]: {label} {detail}")
            if stage == "task":
                console.print(f"  [green]✓[/] {detail}")

        return kickoff(crew, inputs, llm=llm, workspace=workspace, out_dir=out, trigger="cli", progress=progress,
                       budget=budget)


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("sophia-reports"), "--out", help="Directory for the reports."),
    llm: str | None = typer.Option(None, "--llm", help="LLM profile (default: offline)."),
) -> None:
    """Run every bundled crew on the embedded PayReady demo tenant (offline by default)."""
    from rich.table import Table

    from ..config import load_workspace

    try:
        ws = load_workspace(None)
    except SophiaError as exc:
        fail(exc)
    console = _console()
    table = Table("crew", "status", "seconds", "tool calls", "report")
    failures = 0
    for name, crew in sorted(ws.crews.items()):
        if any(spec.required and spec.default is None for spec in crew.inputs.values()):
            table.add_row(name, "skipped (needs inputs)", "", "", "")
            continue
        try:
            result = _run_with_progress(name, {}, llm=llm, workspace=None, out=out)
        except SophiaError as exc:
            failures += 1
            table.add_row(name, f"[red]failed[/]: {str(exc).splitlines()[0][:80]}", "", "", "")
            continue
        from .render import print_result

        print_result(console, result)
        md = next((str(p) for p in result.files if p.suffix == ".md"), "")
        table.add_row(name, "[green]ok[/]", f"{result.duration_s:.1f}", str(len(result.receipts)), md)
    console.rule("demo summary")
    console.print(table)
    if failures:
        raise typer.Exit(1)


@app.command("ask")
def ask_cmd(
    request: str | None = typer.Argument(None, help="What you want, in plain language."),
    plan_only: bool = typer.Option(False, "--plan-only", help="Show (and save) the plan; run nothing."),
    save: Path | None = typer.Option(None, "--save", help="Write the plan as YAML to edit and run later."),
    plan_file: Path | None = typer.Option(None, "--plan", help="Run an (edited) plan file instead."),
    llm: str | None = typer.Option(None, "--llm", help="LLM profile (crews and, if rules fail, planning)."),
    out: Path = typer.Option(Path("sophia-reports"), "--out", help="Directory for the reports."),
    workspace: Path | None = WorkspaceOpt,
) -> None:
    """Plan a plain-language request into crew runs (rules first), show the plan, then run it."""
    import yaml

    from ..errors import InputError
    from ..orchestration.manager import Manager, load_plan_file

    console = _console()
    try:
        manager = Manager(workspace)
        if plan_file is not None:
            plan = load_plan_file(plan_file)
        elif request:
            plan = manager.plan(request, llm_profile=llm)
        else:
            raise InputError("REQUEST: give a request or --plan FILE")
        if not plan.refused:
            console.print(plan.to_markdown())
        if save is not None:
            save.write_text(yaml.safe_dump(plan.model_dump(mode="json"), sort_keys=False), encoding="utf-8")
            console.print(f"plan saved to {save}; edit it and run `sophia ask --plan {save}`")
        if plan.refused:
            raise InputError(f"request refused: {plan.refused}")
        if plan_only:
            return
        from .render import print_result

        for result in manager.run(plan, llm=llm, out_dir=out):
            print_result(console, result)
    except SophiaError as exc:
        fail(exc)


@runs_app.command("list")
def runs_list(limit: int = typer.Option(20, help="How many runs."), crew: str | None = None) -> None:
    """List recent runs (a run whose process died shows as incomplete)."""
    from rich.table import Table

    from ..store.repo import RunStore

    table = Table("run id", "crew", "status", "started", "tool calls", "written by")
    for r in RunStore().list_runs(limit=limit, crew=crew):
        colour = {"succeeded": "green", "failed": "red", "incomplete": "yellow"}.get(r.status, "white")
        table.add_row(r.id, r.crew, f"[{colour}]{r.status}[/]", f"{r.started_at:%Y-%m-%d %H:%M:%S}",
                      str(r.receipts), r.written_by)
    _console().print(table)


@runs_app.command("show")
def runs_show(run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
              as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Show one run: inputs, steps, every tool receipt, token usage."""
    from ..store.repo import RunStore

    try:
        run = RunStore().get_run(run_id)
    except SophiaError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(run, indent=2, default=str) + "\n")
        return
    from .render import print_run

    print_run(_console(), run)


# Sub-apps contributed by domain modules, mounted when present: (module, attribute, command name).
SUB_APPS = [
    ("sophia_crew.cli.approvals", "app", "approvals"),
    ("sophia_crew.cli.memory", "app", "memory"),
    ("sophia_crew.cli.schedule", "schedule_app", "schedule"),
    ("sophia_crew.cli.schedule", "scheduler_app", "scheduler"),
    ("sophia_crew.cli.mcp", "mcp_app", "mcp"),
    ("sophia_crew.cli.research", "app", "research"),
    ("sophia_crew.cli.integrations", "sync_app", "sync"),
    ("sophia_crew.cli.integrations", "integrations_app", "integrations"),
    ("sophia_crew.cli.integrations", "writes_app", "writes"),
]


def _mount_sub_apps() -> None:
    for module_name, attr, name in SUB_APPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        app.add_typer(getattr(module, attr), name=name)


_mount_sub_apps()


def main() -> None:
    """Console-script entry point."""
    app()
