"""The embedded demo tenant (skips until sophia_crew/demo_data/payready/accounts.csv exists)."""

from __future__ import annotations

from datetime import date

import pytest

from sophia_crew.engines.health.portfolio import assess_portfolio
from sophia_crew.resources import demo_path


@pytest.fixture(scope="module")
def demo():
    if not demo_path("accounts.csv").is_file():
        pytest.skip("demo tenant not written yet")
    return assess_portfolio()


def test_demo_portfolio_is_consistent(demo):
    assert demo.as_of == date(2026, 11, 15) and demo.accounts
    for a in demo.accounts:
        h = a.health
        if h.status == "scored":
            assert sum(m.contribution for m in h.measures) == pytest.approx(h.score, abs=0.1)
            assert sum(m.weight for m in h.measures) == pytest.approx(1, abs=1e-3)
        else:
            assert h.score is None and h.insufficient_data.blocking and h.insufficient_data.reasons
    d = demo.distribution
    assert d.green + d.yellow + d.red + d.insufficient_data == len(demo.accounts)
    assert sum(r.arr_at_risk_usd for r in demo.by_owner) == pytest.approx(demo.arr_at_risk_usd)
    assert all(0 <= r.days_to_renewal <= 90 for r in demo.renewals_90d)


def test_demo_story_accounts_are_found(demo):
    """README stories: A001-A004 at risk, A009 onboarding without an invented trend, A019/A020 churned."""
    acc = {a.account_id: a for a in demo.accounts}
    assert {a for a, x in acc.items() if x.health.colour == "red"} == {"A001", "A002", "A003", "A004"}
    assert "A019" not in acc and "A020" not in acc and demo.excluded_churned == 2
    a009 = acc["A009"].health
    assert a009.profile == "onboarding"
    assert a009.excluded_by_profile == {"usage_trend": "needs 6 complete months of usage, has 1"}
    assert a009.trend.delta is None and a009.trend.direction == "unknown"
    plays = {c.play for c in acc["A001"].ctas}
    assert {"exec_outreach", "renewal_rescue"} <= plays  # usage -35 % + open critical ticket; renews 2027-01-20
    assert [r.account_id for r in demo.renewals_90d] == ["A018", "A002", "A001", "A011", "A003"]
