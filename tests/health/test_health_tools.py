"""Agent tools of the health engine, run on a copy of the fixture tenant (with a churn history)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sophia_crew.errors import InputError
from sophia_crew.registry import get_tool, render_output
from sophia_crew.tools import health

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "health"


@pytest.fixture(scope="module")
def tenant(tmp_path_factory):
    """Fixture tenant + churn history in a temp dir; SOPHIA_HOME there too (the model is trained once)."""
    base = tmp_path_factory.mktemp("health_tools")
    root = base / "tenant"
    shutil.copytree(FIXTURES / "tenant", root)
    shutil.copy(FIXTURES / "churn_history_fixture.csv", root / "churn_history.csv")
    health._tenant_model.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(health, "TENANT_DIR", root)
        mp.setenv("SOPHIA_HOME", str(base / "home"))
        yield root
    health._tenant_model.cache_clear()


def test_tools_are_registered():
    spec = get_tool("account_health_scores")
    assert set(spec.args_model.model_fields) == {"as_of", "segment"}
    assert get_tool("train_churn_model").description.startswith("Train and save a calibrated churn model")


def test_account_health_scores(tenant):
    res = health.account_health_scores(segment="Mid-Market")
    assert [(r.account_id, r.score, r.colour) for r in res.accounts] == [("A1", 90.0, "green"), ("A6", 97.5, "green")]
    assert res.accounts[1].missing_inputs == ["engagement_recency: no call, email or meeting recorded"]
    assert res.accounts[0].trend_delta == pytest.approx(10.2)
    all_rows = health.account_health_scores("2026-11-15")
    assert all_rows.counts == {"red": 1, "yellow": 0, "green": 3, "insufficient_data": 1}
    with pytest.raises(InputError, match="as_of: not an ISO date"):
        health.account_health_scores("15/11/2026")
    assert render_output(res).startswith('{"as_of":"2026-11-15"')


def test_churn_risk_explains_and_saves_the_model(tenant):
    res = health.churn_risk(["A2", "A1"])
    assert {r.account_id for r in res.accounts} == {"A1", "A2"}
    assert res.accounts[0].probability >= res.accounts[1].probability
    assert all(t.endswith(")") and " risk (" in t for r in res.accounts for t in r.raises_risk + r.lowers_risk)
    assert res.model_version.startswith("payready-") and res.model_metrics["n_test"] == 72
    assert len(list((tenant.parent / "home" / "models" / "churn").glob("payready-*.joblib"))) >= 1
    with pytest.raises(InputError, match="unknown or inactive account"):
        health.churn_risk(["A5"])


def test_health_plays(tenant):
    res = health.health_plays(["A2"])
    assert [c.play for c in res.ctas][:2] == ["exec_outreach", "renewal_rescue"]
    assert res.arr_at_risk_usd >= 300000
    assert [r.account_id for r in res.renewals_90d] == ["A4", "A1", "A2"]


def test_train_churn_model_tool(tenant, tmp_path):
    res = health.train_churn_model(str(FIXTURES / "churn_history_fixture.csv"), "payready")
    assert res.rows == 360 and res.churned == 102 and Path(res.artefact).is_file()
    assert 0 < res.brier < 0.25
    with pytest.raises(InputError, match="file not found"):
        health.train_churn_model(str(tmp_path / "nope.csv"), "payready")
