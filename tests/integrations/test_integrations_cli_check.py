"""CLI sub-apps, `integrations check`, settings loading and redaction."""

from __future__ import annotations

from conftest import CRM_FIXTURE, fast_settings
from typer.testing import CliRunner

from sophia_crew.cli.integrations import integrations_app, sync_app, writes_app
from sophia_crew.integrations.check import check_integrations
from sophia_crew.integrations.settings import load_settings
from sophia_crew.integrations.writes import plan_write

runner = CliRunner()


def test_check_reports_each_system_without_secrets(hubspot, slack):
    bad_slack = "xoxb-fake-0000-wrong-SecretToken"
    settings = fast_settings(
        hubspot_access_token=hubspot.settings.secret("hubspot_access_token"),
        hubspot_base_url=hubspot.url,
        slack_bot_token=bad_slack,
        slack_base_url=slack.url + "/api/",
        gong_access_key="k",
        gong_access_key_secret="s3cr3t-gong",
        gong_base_url="http://127.0.0.1:9",
        http_max_retries=0,
    )
    status = {s.system: s for s in check_integrations(settings)}
    assert (status["hubspot"].configured, status["hubspot"].reachable, status["hubspot"].auth_ok) == (
        True,
        True,
        True,
    )
    assert (status["slack"].reachable, status["slack"].auth_ok) == (True, False)
    assert "SOPHIA_SLACK_BOT_TOKEN" in status["slack"].detail and bad_slack not in status["slack"].detail
    assert (status["gong"].configured, status["gong"].reachable) == (True, False)
    assert "s3cr3t-gong" not in status["gong"].detail
    assert status["salesforce"].configured is False


def test_cli_check_prints_no_secret(monkeypatch, slack):
    monkeypatch.setenv("SOPHIA_SLACK_BOT_TOKEN", "xoxb-cli-Secret-Token-1")
    monkeypatch.setenv("SOPHIA_SLACK_BASE_URL", slack.url + "/api/")
    monkeypatch.setenv("SOPHIA_HTTP_MAX_RETRIES", "0")
    monkeypatch.setenv("SOPHIA_WAREHOUSE_DUCKDB_PATH", ":memory:")
    res = runner.invoke(integrations_app, ["check"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "slack" in res.output and "xoxb-cli-Secret-Token-1" not in res.output


def test_cli_sync_demo_twice_then_writes_commands(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SOPHIA_DATABASE_URL", db)
    monkeypatch.setattr("sophia_crew.integrations.demo.demo_path", lambda *p: CRM_FIXTURE.joinpath(*p))
    res = runner.invoke(sync_app, ["crm", "--source", "demo"], env={"COLUMNS": "150"})
    assert res.exit_code == 0 and "24 row(s) written" in res.output
    res = runner.invoke(sync_app, ["crm", "--source", "demo"], env={"COLUMNS": "150"})
    assert "0 row(s) written" in res.output
    w = plan_write("slack", "post_message", {"channel": "C1"}, {"text": "hi"}, url=db)
    res = runner.invoke(writes_app, ["show", w.id])
    assert res.exit_code == 0 and 'text: null -> "hi"' in res.output
    res = runner.invoke(writes_app, ["apply", w.id], input="n\n")
    assert "not sent (dry-run)" in res.output
    res = runner.invoke(writes_app, ["reject", w.id])
    assert f"{w.id}: rejected" in res.output
    res = runner.invoke(writes_app, ["apply", w.id, "--yes"])
    assert res.exit_code == 2 and "rejected" in res.output
    res = runner.invoke(sync_app, ["crm", "--source", "nowhere"])
    assert res.exit_code == 2 and "unknown CRM source" in res.output


def test_settings_from_env_dotenv_and_profile_with_redaction(monkeypatch, tmp_path):
    profile = tmp_path / "integrations.yaml"
    profile.write_text("hubspot_access_token: pat-from-profile-1234\nslack_channel: C9\n")
    monkeypatch.setenv("SOPHIA_INTEGRATIONS_PROFILE", str(profile))
    (tmp_path / ".env").write_text("SOPHIA_SLACK_BOT_TOKEN=xoxb-from-dotenv-5678\n")
    monkeypatch.setenv("SOPHIA_SLACK_CHANNEL", "C-env")
    s = load_settings()
    assert s.secret("hubspot_access_token") == "pat-from-profile-1234"
    assert s.secret("slack_bot_token") == "xoxb-from-dotenv-5678"
    assert s.slack_channel == "C-env"  # env beats the profile
    assert "pat-from-profile-1234" not in repr(s)
    assert (
        s.redact("401 for Bearer pat-from-profile-1234 and xoxb-from-dotenv-5678")
        == "401 for Bearer *** and ***"
    )


def test_allowed_tables_from_a_comma_list_or_json(monkeypatch):
    monkeypatch.setenv("SOPHIA_WAREHOUSE_ALLOWED_TABLES", "ACCOUNTS, analytics.public.deals_v")
    assert load_settings().warehouse_allowed_tables == ["ACCOUNTS", "analytics.public.deals_v"]
    monkeypatch.setenv("SOPHIA_WAREHOUSE_ALLOWED_TABLES", '["A"]')
    assert load_settings().warehouse_allowed_tables == ["A"]
