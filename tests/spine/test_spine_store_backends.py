"""The run store on SQLite (default) and on PostgreSQL (SOPHIA_TEST_POSTGRES_URL; .ci/run starts one)."""

from __future__ import annotations

import os
import uuid

import pytest
import spine_support

from sophia_crew.runner import kickoff
from sophia_crew.store.repo import RunStore

MINI = spine_support.MINI_WS



@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path / "home"))
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.db'}"
    url = os.environ.get("SOPHIA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("SOPHIA_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
    return url


def test_kickoff_records_run_steps_and_receipts(store_url, monkeypatch):
    monkeypatch.setenv("SOPHIA_DATABASE_URL", store_url)
    secret = "sk-test-" + uuid.uuid4().hex
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    result = kickoff("mini", {"numbers_file": str(MINI / "numbers.txt"), "threshold": 5}, workspace=MINI)
    run = RunStore(store_url).get_run(result.run_id)
    assert run["status"] == "succeeded"
    assert [r["tool"] for r in run["receipts"]] == ["spine_stats", "spine_threshold"]
    assert run["receipts"][1]["output"] == {"threshold": 5.0, "above": 3}
    assert run["steps"][-1]["output"]["above_threshold"] == 3
    assert {u["agent"] for u in run["usage"]} == {"mini_counter", "mini_checker"}
    assert secret not in repr(run)


def test_failed_and_listed_runs(store_url):
    store = RunStore(store_url)
    run_id = uuid.uuid4().hex[:12]
    store.start_run(run_id, "mini", {"api_token": "abcdef123456", "x": 1})
    store.finish_run(run_id, status="failed", error="boom")
    run = store.get_run(run_id)
    assert run["status"] == "failed" and run["error"] == "boom"
    assert run["inputs"] == {"api_token": "***", "x": 1}
    assert run_id in [r.id for r in store.list_runs(limit=50)]
