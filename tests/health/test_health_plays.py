"""Plays, value at risk, renewal calendar and the chart on the fixture tenant as of 2026-11-15."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sophia_crew.engines.health.models import AccountSignals, HealthScore
from sophia_crew.engines.health.plays import AccountContext, load_plays, plays_for
from sophia_crew.engines.health.portfolio import assess_portfolio, portfolio_chart
from sophia_crew.errors import ConfigError

TENANT = Path(__file__).resolve().parents[1] / "fixtures" / "health" / "tenant"
AS_OF = date(2026, 11, 15)


@pytest.fixture(scope="module")
def portfolio():
    return assess_portfolio(TENANT, AS_OF)


def _by_id(port):
    return {a.account_id: a for a in port.accounts}


def test_plays_fire_on_their_pattern(portfolio):
    acc = _by_id(portfolio)
    a2 = {c.play: c for c in acc["A2"].ctas}
    # usage -33 % with an open critical ticket; red and renewing in 78 days; license 0.4 red; last touch 45 d ago;
    # score fell 63.2 -> 36.1
    assert list(a2) == ["exec_outreach", "renewal_rescue", "adoption_workshop", "reengage_dark_account",
                        "health_drop_review"]
    assert a2["exec_outreach"].owner_name == "Bob Ruiz" and a2["exec_outreach"].owner_role == "account_owner"
    assert a2["exec_outreach"].due_date == date(2026, 11, 17)
    assert a2["exec_outreach"].reasons == ["usage_trend_pct = -33.3 (<= -10)", "open_critical_tickets = 1 (>= 1)"]
    assert a2["renewal_rescue"].reasons == ["health red (36.1)", "renewal in 78 days (2027-02-01)"]
    assert a2["adoption_workshop"].owner_name == "Carol Diaz"  # the CSM
    # A4: unscored (missing usage and touches) with an overdue invoice
    assert [c.play for c in acc["A4"].ctas] == ["billing_followup", "fix_health_data"]
    # healthy accounts get nothing
    assert acc["A1"].ctas == [] and acc["A3"].ctas == [] and acc["A6"].ctas == []


def test_value_at_risk_and_renewals(portfolio):
    assert [a.account_id for a in portfolio.accounts] == ["A2", "A3", "A1", "A6", "A4"]  # worst first
    assert portfolio.excluded_churned == 1
    assert portfolio.arr_total_usd == 120000 + 300000 + 12000 + 6000 + 60000
    assert portfolio.arr_at_risk_usd == 300000  # only A2 is red; no churn model given
    owner = {r.label: r for r in portfolio.by_owner}
    assert owner["Bob Ruiz"].arr_at_risk_usd == 300000 and owner["Bob Ruiz"].accounts == 3
    assert owner["Alice Ng"].arr_at_risk_usd == 0 and owner["Alice Ng"].expected_loss_usd is None
    seg = {r.key: r for r in portfolio.by_segment}
    assert seg["Enterprise"].arr_at_risk_usd == 300000 and seg["SMB"].accounts == 2
    assert [(r.account_id, r.days_to_renewal) for r in portfolio.renewals_90d] == [("A4", 35), ("A1", 56),
                                                                                   ("A2", 78)]
    d = portfolio.distribution
    assert (d.green, d.yellow, d.red, d.insufficient_data) == (3, 0, 1, 1)
    assert d.bins["30-40"] == 1 and d.bins["90-100"] == 2


def test_churn_model_adds_probabilities_and_expected_loss(fixture_churn_model):
    port = assess_portfolio(TENANT, AS_OF, fixture_churn_model)
    assert all(a.churn is not None and 0 < a.churn.probability < 1 for a in port.accounts)
    a2 = _by_id(port)["A2"]
    assert any(f.feature == "critical_tickets_90d" for f in a2.churn.raises_risk)
    expected = sum((a.arr_usd or 0) * a.churn.probability for a in port.accounts if a.owner_id == "O2")
    assert {r.key: r for r in port.by_owner}["O2"].expected_loss_usd == pytest.approx(expected, abs=0.01)


def test_churn_probability_play():
    sig = AccountSignals(account_id="Z", as_of=AS_OF)
    health = HealthScore(account_id="Z", as_of=AS_OF, profile="default", score=80, colour="green", status="scored")
    ctx = AccountContext(account_id="Z", name="Zed", owner_id="O1", owner_name="Alice", churn_probability=0.62)
    ctas = plays_for(ctx, sig, health, AS_OF, load_plays())
    # no CSM on the account -> the account owner gets the CSM play
    assert [(c.play, c.owner_name, c.owner_role) for c in ctas] == [("churn_risk_review", "Alice", "account_owner")]
    assert ctas[0].reasons == ["churn probability 62%"]


def test_chart_is_a_png(portfolio, tmp_path):
    path = portfolio_chart(portfolio, tmp_path / "health.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_plays_file(tmp_path):
    bad = tmp_path / "plays.yaml"
    bad.write_text("name: p\nplays:\n  - name: x\n    title: X\n    due_in_days: 1\n    steps: [a]\n"
                   "    when: {signals: {usage: {lte: 1}}}\n")
    with pytest.raises(ConfigError, match=r"plays.yaml: plays.0.when.signals: Value error, unknown signal\(s\) usage"):
        load_plays(bad)


def test_markdown_summary_lists_at_risk_accounts_with_reasons_and_plays(portfolio):
    from sophia_crew.engines.health.portfolio import portfolio_markdown

    text = portfolio_markdown(portfolio)
    assert "### Bolt Logistics (A2) - 36.1 red, ARR 300,000" in text
    assert "usage_trend -17.78 -> -33.33 (score 30.56 -> 0): -4.6 pts" in text
    assert "- play **Executive outreach - usage dropping with an open critical ticket** -> Bob Ruiz, due 2026-11-17" in text
    assert "### Dyn Foods (A4) - insufficient data" in text
    assert "Acme Retail (A1)" not in text  # green accounts are not listed as at risk
