"""README command 1: `sophia demo` runs every bundled crew offline on the demo tenant, writes reports, and
`sophia runs show` lists every tool receipt of each run."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sophia_crew.cli import app
from sophia_crew.config import load_workspace
from sophia_crew.store.repo import RunStore


def test_demo_runs_every_crew_and_runs_show_lists_each_receipt(tmp_path, monkeypatch):
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SOPHIA_DATABASE_URL", raising=False)
    monkeypatch.delenv("SOPHIA_WORKSPACE", raising=False)
    crews = sorted(load_workspace(None).crews)
    assert len(crews) >= 4
    runner = CliRunner()
    res = runner.invoke(app, ["demo", "--out", str(tmp_path / "reports")])
    assert res.exit_code == 0, res.output
    runs = RunStore().list_runs(limit=50)
    assert sorted(r.crew for r in runs) == crews and all(r.status == "succeeded" for r in runs)
    for run in runs:
        assert (tmp_path / "reports" / f"{run.crew}-{run.id}.md").is_file()
        shown = runner.invoke(app, ["runs", "show", run.id, "--json"])
        data = json.loads(shown.stdout)
        assert data["receipts"] and len(data["receipts"]) == run.receipts
        table = runner.invoke(app, ["runs", "show", run.id]).output
        assert all(rc["id"] in table for rc in data["receipts"])
