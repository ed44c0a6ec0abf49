"""One redaction path: secrets from the environment, the integrations' .env / profile and LLM profiles."""

from __future__ import annotations

import uuid

import pytest

from sophia_crew.redact import redact
from sophia_crew.store.repo import RunStore

pytestmark = pytest.mark.usefixtures("sophia_home")


@pytest.fixture
def configured(tmp_path, monkeypatch):
    """Three secrets that no secret-looking environment variable holds."""
    monkeypatch.chdir(tmp_path)
    dotenv = "xoxb-dotenv-" + uuid.uuid4().hex[:8]
    (tmp_path / ".env").write_text(f"SOPHIA_SLACK_BOT_TOKEN={dotenv}\n")
    profile_secret = "pat-profile-" + uuid.uuid4().hex[:8]
    (tmp_path / "integrations.yaml").write_text(f"hubspot_access_token: {profile_secret}\n")
    monkeypatch.setenv("SOPHIA_INTEGRATIONS_PROFILE", str(tmp_path / "integrations.yaml"))
    llm_key = "ollama-" + uuid.uuid4().hex[:8]
    (tmp_path / "llm.yaml").write_text(
        "local:\n  provider: openai_compatible\n  model: m\n  base_url: http://127.0.0.1:1/v1\n"
        "  api_key_env: MY_LOCAL_LLM\n")
    monkeypatch.setenv("SOPHIA_LLM_PROFILES", str(tmp_path / "llm.yaml"))
    monkeypatch.setenv("MY_LOCAL_LLM", llm_key)  # a name the env heuristic alone would not catch
    return dotenv, profile_secret, llm_key


def test_secrets_from_dotenv_profile_and_llm_profile_are_masked(configured):
    dotenv, profile_secret, llm_key = configured
    text = f"401 for {dotenv}, {profile_secret} and {llm_key}"
    assert redact(text) == "401 for ***, *** and ***"


def test_run_store_never_holds_them(configured, tmp_path):
    dotenv, profile_secret, llm_key = configured
    store = RunStore(f"sqlite:///{tmp_path / 'runs.db'}")
    run_id = uuid.uuid4().hex[:12]
    store.start_run(run_id, "mini", {"note": f"use {dotenv}", "x": 1})
    store.finish_run(run_id, status="failed", error=f"HTTP 401 with {profile_secret} / {llm_key}")
    run = store.get_run(run_id)
    assert run["inputs"] == {"note": "use ***", "x": 1}
    assert run["error"] == "HTTP 401 with *** / ***"


def test_a_changed_profile_is_picked_up(configured, tmp_path):
    new = "pat-rotated-" + uuid.uuid4().hex[:8]
    (tmp_path / "integrations.yaml").write_text(f"hubspot_access_token: {new}\n")
    import os

    os.utime(tmp_path / "integrations.yaml", (1, 1))  # a different mtime even within the clock's resolution
    assert redact(f"token {new}") == "token ***"
