"""`sophia validate`: one file:line error per problem, exit code 2, before any run starts."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import spine_support
from typer.testing import CliRunner

from sophia_crew.cli import app
from sophia_crew.config import load_workspace
from sophia_crew.errors import ConfigError

MINI = spine_support.MINI_WS


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(MINI, target)
    return target


def _write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _problems(ws: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_workspace(ws)
    return info.value.problems


def test_valid_workspace_loads_and_cli_says_ok(ws: Path):
    result = CliRunner().invoke(app, ["validate", str(ws)])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output


def test_bad_indentation_is_one_error_with_file_and_line(ws: Path):
    _write(ws / "agents.yaml", """
        mini_counter:
          role: Number Counter
          goal: g {numbers_file}
           backstory: misplaced
        """)
    problems = _problems(ws)
    assert len(problems) == 1
    assert problems[0].startswith(f"{ws / 'agents.yaml'}:4: (yaml):"), problems


def test_unknown_tool_names_file_line_and_field(ws: Path):
    text = (ws / "agents.yaml").read_text().replace("tools: [spine_threshold]", "tools: [spine_thresh]")
    (ws / "agents.yaml").write_text(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "spine_thresh]" in s)
    problems = _problems(ws)
    assert problems == [f"{ws / 'agents.yaml'}:{line}: mini_checker.tools.0: unknown tool 'spine_thresh'"]


def test_unknown_agent_in_task_and_in_crew(ws: Path):
    tasks = (ws / "tasks.yaml").read_text().replace("agent: mini_checker", "agent: mini_checkr")
    (ws / "tasks.yaml").write_text(tasks)
    line = next(i for i, s in enumerate(tasks.splitlines(), 1) if "mini_checkr" in s)
    problems = _problems(ws)
    assert f"{ws / 'tasks.yaml'}:{line}: mini_report.agent: unknown agent 'mini_checkr'" in problems


def test_placeholder_without_declared_input(ws: Path):
    crew = (ws / "crews" / "mini.yaml").read_text().replace(
        "  threshold: {type: float, default: 10, required: false}\n", "")
    (ws / "crews" / "mini.yaml").write_text(crew)
    problems = _problems(ws)
    assert any(p.startswith(f"{ws / 'crews' / 'mini.yaml'}:") and
               "placeholder {threshold} is used but is not a declared input" in p for p in problems), problems


def test_context_cycle_is_reported(ws: Path):
    tasks = (ws / "tasks.yaml").read_text().replace(
        "  agent: mini_counter\n", "  agent: mini_counter\n  context: [mini_report]\n")
    (ws / "tasks.yaml").write_text(tasks)
    problems = _problems(ws)
    assert any("context cycle: mini_count -> mini_report -> mini_count" in p
               or "context cycle: mini_report -> mini_count -> mini_report" in p for p in problems), problems
    assert all(p.startswith(str(ws / "tasks.yaml")) or p.startswith(str(ws / "crews")) for p in problems)


def test_unknown_field_is_reported_with_line(ws: Path):
    _write(ws / "crews" / "extra.yaml", """
        description: x
        agents: [mini_counter]
        tasks: [mini_count]
        proces: sequential
        inputs:
          numbers_file: {type: path}
        """)
    problems = _problems(ws)
    assert f"{ws / 'crews' / 'extra.yaml'}:4: proces: Extra inputs are not permitted" in problems


def test_cli_prints_every_problem_and_exits_2(ws: Path):
    (ws / "agents.yaml").write_text((ws / "agents.yaml").read_text().replace("[spine_stats]", "[nope]"))
    (ws / "tasks.yaml").write_text((ws / "tasks.yaml").read_text().replace("agent: mini_checker", "agent: x"))
    result = CliRunner().invoke(app, ["validate", str(ws)])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) >= 2
    assert any("unknown tool 'nope'" in line for line in errors) and any("unknown agent 'x'" in line for line in errors)


def test_json_schemas_export(tmp_path: Path):
    result = CliRunner().invoke(app, ["schema", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"agents.schema.json", "tasks.schema.json", "crew.schema.json", "MiniReport.schema.json"} <= names


def test_static_tool_and_report_indexes_match_what_the_modules_register():
    """`sophia crews`/`validate` read tool and report names from source; importing must agree with it."""
    from sophia_crew import registry
    from sophia_crew.reports import ReportBase, get_report_model, report_model_names

    index = registry._static_index()
    registry.load_builtin_tools()
    own = {n for n, spec in registry._REGISTRY.items() if spec.func.__module__.startswith("sophia_crew.tools.")}
    assert own == set(index)
    for name in report_model_names():
        cls = get_report_model(name)
        assert cls.__name__ == name and (issubclass(cls, ReportBase) or name == "Verdict")
