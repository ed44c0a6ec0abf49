"""Agent tools: reads over the unified model and warehouse; write tools only plan."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import CRM_FIXTURE

from sophia_crew.errors import InputError
from sophia_crew.registry import get_tool, tool_names
from sophia_crew.tools import integrations as tools


@pytest.fixture
def demo_store(monkeypatch, tmp_path):
    """The demo tools read sophia_crew's demo tenant; point them at the test tenant instead."""
    monkeypatch.setenv("SOPHIA_DATABASE_URL", f"sqlite:///{tmp_path / 'tools.db'}")
    root = tmp_path / "demo"
    shutil.copytree(CRM_FIXTURE, root)
    monkeypatch.setattr("sophia_crew.integrations.demo.demo_path", lambda *p: root.joinpath(*p))
    monkeypatch.setattr("sophia_crew.integrations.snowflake.demo_path", lambda *p: root.joinpath(*p))
    return root


def test_read_tools_over_the_demo_source(demo_store):
    accts = get_tool("crm_accounts").run(source="demo", segment="Mid-Market")
    assert sorted(a.name for a in accts.accounts) == ["Borealis Freight", "Elm Schools"]
    deals = tools.crm_deals(account_id="A2", open_only=True)
    assert [d.name for d in deals.deals] == ["Borealis - Expansion"]
    acts = tools.crm_activities(since="2026-10-16")
    assert [a.id for a in acts.activities] == ["T5", "T2", "T1"]
    res = get_tool("warehouse_query").run(sql="SELECT count(*) AS n FROM deals WHERE is_won = ?", params=[1])
    assert res.rows == [[2]]


def test_write_tools_only_plan(demo_store, monkeypatch):
    monkeypatch.setenv("SOPHIA_SLACK_BOT_TOKEN", "xoxb-never-used")
    monkeypatch.setenv(
        "SOPHIA_SLACK_BASE_URL", "http://127.0.0.1:9/api/"
    )  # nothing listens: a send would fail
    spec = get_tool("slack_post_report")
    assert spec.writes is True and get_tool("crm_update_field").writes is True
    ref = spec.run(text="*Pipeline* is up 12%", channel="C0REVOPS01")
    assert ref.status == "planned" and ref.how_to_apply == f"sophia writes apply {ref.id}"
    upd = tools.crm_update_field("salesforce", "Account", "0015e0000000001AAA", "ARR__c", "30000", "24000")
    assert upd.diff[0].model_dump() == {"field": "ARR__c", "before": "24000", "after": "30000"}
    with pytest.raises(InputError, match="not a CRM"):
        tools.crm_log_note("pipedrive", "1", "x")


def test_unsynced_crm_source_is_a_clear_error(demo_store):
    with pytest.raises(InputError, match="sophia sync crm --source hubspot"):
        tools.crm_accounts(source="hubspot")


def test_tool_manifests_name_registered_tools_and_real_settings():
    from sophia_crew.integrations.settings import IntegrationSettings, env_name
    from sophia_crew.resources import bundled_root

    known = {env_name(f) for f in IntegrationSettings.model_fields}
    names = set(tool_names())
    for system in ("gong", "hubspot", "salesforce", "slack", "warehouse"):
        manifest = yaml.safe_load((bundled_root() / "tools" / f"{system}.yaml").read_text())
        assert set(manifest["tools"]) <= names, system
        settings = manifest["settings"]
        flat = [
            s for v in settings.values() for item in v for s in ([item] if isinstance(item, str) else item)
        ]
        assert set(flat) <= known, (system, set(flat) - known)
