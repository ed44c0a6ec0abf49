"""Health scorecard: hand-computed scores on the fixture tenant (tests/fixtures/health/tenant), as of 2026-11-15.

Default weights (knowledge/health_scorecards/default.yaml): groups deployment .30, adoption .25, engagement .25,
roi_financial .20; within groups license .5 / open_critical .3 / sla .2; usage_trend .6 / feature .4;
recency .5 / nps .3 / csat .2 / sentiment .2 / competitor .1 (only measures with data share the group weight);
late .5 / overdue .5.
"""

from __future__ import annotations

from datetime import date

import pytest

from sophia_crew.engines.health.models import AccountSignals
from sophia_crew.engines.health.scorecard import interpolate, load_scorecard, score_signals, score_with_trend
from sophia_crew.engines.health.tenant import account_signals, load_tenant
from sophia_crew.errors import ConfigError, InputError

AS_OF = date(2026, 11, 15)


@pytest.fixture(scope="module")
def config():
    return load_scorecard()


@pytest.fixture(scope="module")
def tenant_dir():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "fixtures" / "health" / "tenant"


@pytest.fixture(scope="module")
def signals(tenant_dir):
    tenant = load_tenant(tenant_dir)
    return account_signals(tenant, AS_OF), account_signals(tenant, date(2026, 10, 16))


def _contrib(score):
    return {m.measure: m.contribution for m in score.measures}


def test_interpolation_clamps_and_is_linear():
    pts = [(-30, 0), (-10, 50), (5, 100)]
    assert interpolate(pts, -50) == 0
    assert interpolate(pts, 0) == pytest.approx(50 + 50 * 10 / 15)  # 83.33
    assert interpolate(pts, 9) == 100


def test_signals_derived_from_dated_rows(signals):
    now, _ = signals
    a2 = now["A2"]
    # A2 active users: 150 in 2026-05..07, then 120/100/80 -> (100 / 150 - 1) * 100 = -33.33 %
    assert a2.usage_trend_pct == pytest.approx(-33.333, abs=1e-3)
    assert a2.license_utilisation == pytest.approx(80 / 200)
    assert a2.open_critical_tickets == 1 and a2.sla_breaches_90d == 2 and a2.csat == 2
    assert a2.days_since_last_touch == 45  # call on 2026-10-01
    assert now["A1"].days_since_last_touch == 10  # email 2026-11-05; the note on 2026-11-14 is not a touch
    assert now["A1"].late_invoices_12m == 1  # I2 due 2026-04-30, paid 2026-05-10
    assert now["A4"].overdue_invoices == 1 and now["A4"].license_utilisation is None
    assert "A5" not in now  # churned accounts are not scored


def test_a1_default_profile_score_and_trend(signals, config):
    now, before = signals
    s = score_with_trend(now["A1"], before["A1"], config)
    # weights: license .15, crit .09, sla .06, trend .15, feature .10, recency .125, nps .075, csat .05,
    #          late .10, overdue .10 (sentiment/competitor skipped: optional, no data)
    # scores:  100, 100, 100, 83.33 (0 %), 80 (60 %), 100 (10 d), 80 (NPS 8), 100 (CSAT 5), 60 (1 late), 100
    # 15 + 9 + 6 + 12.5 + 8 + 12.5 + 6 + 5 + 6 + 10 = 90.0
    assert s.profile == "default" and s.status == "scored"
    assert s.score == pytest.approx(90.0)
    assert s.colour == "green"
    assert sum(m.contribution for m in s.measures) == pytest.approx(s.score, abs=0.05)
    assert _contrib(s)["usage_trend"] == pytest.approx(12.5)
    assert s.skipped_optional == ["sentiment", "competitor_mentions"]
    # previous (2026-10-16): feature 50 -> 60 x .10 = 6; recency 30 d -> 50; engagement = recency .5 + nps .3
    # -> recency .25*.5/.8 = .15625 x 50 = 7.8125, nps .09375 x 80 = 7.5, no csat yet
    # 15 + 9 + 6 + 12.5 + 6 + 7.8125 + 7.5 + 6 + 10 = 79.81 -> 79.8 ; delta 90.0 - 79.8 = +10.2
    assert s.trend.previous_score == pytest.approx(79.8)
    assert s.trend.delta == pytest.approx(10.2)
    assert s.trend.direction == "up"
    # why: csat appears (+5.0), recency 7.81 -> 12.5 (+4.69), feature 6 -> 8 (+2.0)
    assert [w.measure for w in s.trend.why] == ["csat", "engagement_recency", "feature_adoption"]
    assert s.trend.why[1].delta == pytest.approx(4.69, abs=0.01)


def test_a2_enterprise_red_with_drop(signals, config):
    now, before = signals
    s = score_with_trend(now["A2"], before["A2"], config)
    # enterprise profile: deployment .30, adoption .25, engagement .30, roi .15
    # license 0.4 -> 33.33 x .15 = 5.0 ; crit 1 -> 40 x .09 = 3.6 ; sla 2 -> 30 x .06 = 1.8
    # trend -33 % -> 0 ; feature 40 -> 40 x .10 = 4.0 ; recency 45 d -> 25 x .15 = 3.75
    # nps 5 -> 33.33 x .09 = 3.0 ; csat 2 -> 0 ; late 0 -> 7.5 ; overdue 0 -> 7.5 ; total 36.15
    assert s.profile == "enterprise"
    assert s.score == pytest.approx(36.15, abs=0.051)
    assert s.colour == "red"
    c = _contrib(s)
    assert c["license_utilisation"] == pytest.approx(5.0) and c["engagement_recency"] == pytest.approx(3.75)
    # previous 63.2 (recency 15 d -> 96.875, no critical ticket yet, trend -17.8 % -> 30.56)
    assert s.trend.previous_score == pytest.approx(63.2)
    assert s.trend.direction == "down"
    assert [w.measure for w in s.trend.why] == ["engagement_recency", "open_critical_tickets", "usage_trend"]


def test_a3_onboarding_profile(signals, config):
    s = score_signals(signals[0]["A3"], config)
    # onboarding: usage_trend excluded; groups .30/.20/.35/.15; own thresholds for license and recency
    # license 0.4 on [[.1,0],[.3,50],[.6,100]] -> 66.67 x .15 = 10 ; crit 9 ; sla 6 ; feature 30 -> 20 x .20 = 4
    # recency 5 d -> 100 x .35 = 35 ; late 7.5 ; overdue 7.5 ; total 79.0
    assert s.profile == "onboarding"
    assert s.score == pytest.approx(79.0)
    assert "usage_trend" not in _contrib(s)


def test_missing_inputs_listed_or_block_the_score(signals, config):
    now, _ = signals
    a6 = score_signals(now["A6"], config)
    # no touch recorded: recency missing, weight .25 * .5/.8 = .15625 <= .35 -> still scored, listed
    # 15 + 9 + 6 + 12.5 + 10 (feature 70) + 25 (nps 10 carries the whole engagement group) + 10 + 10 = 97.5
    assert a6.status == "scored" and a6.score == pytest.approx(97.5)
    assert a6.insufficient_data.missing == ["engagement_recency"]
    assert a6.insufficient_data.missing_weight == pytest.approx(0.15625, abs=1e-4)
    assert not a6.insufficient_data.blocking
    a4 = score_signals(now["A4"], config)
    # no usage feed and no touches: license .15 + adoption .25 + recency .25 = .65 > .35 -> no score
    assert a4.status == "insufficient_data" and a4.score is None and a4.colour is None
    assert a4.insufficient_data.missing_weight == pytest.approx(0.65)
    assert a4.insufficient_data.reasons["engagement_recency"] == "no call, email or meeting recorded"
    assert a4.measures == []


def test_critical_measure_red_forces_red(config):
    sig = AccountSignals(account_id="X", as_of=AS_OF, segment="SMB", lifecycle_stage="active",
                         usage_trend_pct=10, license_utilisation=0.9, feature_adoption_pct=80,
                         open_critical_tickets=0, sla_breaches_90d=0, days_since_last_touch=5,
                         late_invoices_12m=0, overdue_invoices=2)
    s = score_signals(sig, config)
    # everything 100 except overdue (2 -> 0, weight .10): score 90, green by bands, red by the critical rule
    assert s.score == pytest.approx(90.0)
    assert s.colour == "red"
    assert s.overrides == ["critical measure overdue_invoices is red -> red"]


def test_dark_account_rule_caps_at_yellow(config):
    sig = AccountSignals(account_id="X", as_of=AS_OF, segment="SMB", lifecycle_stage="active",
                         usage_trend_pct=10, license_utilisation=0.9, feature_adoption_pct=80,
                         open_critical_tickets=0, sla_breaches_90d=0, days_since_last_touch=90,
                         late_invoices_12m=0, overdue_invoices=0)
    s = score_signals(sig, config)
    assert s.score == pytest.approx(75.0)  # engagement group (.25) scores 0
    assert s.colour == "yellow"
    assert s.overrides[0].startswith("rule dark_account")


def test_invalid_scorecard_reports_file_field_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ngroups: {a: 1}\nmeasures:\n  m:\n    signal: nope\n    group: a\n    weight: 1\n"
                   "    points: [[0, 0], [1, 100]]\n")
    with pytest.raises(ConfigError) as err:
        load_scorecard(bad)
    assert str(err.value).startswith(f"{bad}: measures.m.signal: Value error, unknown signal 'nope'")
    bad.write_text("name: x\ngroups: {a: 1}\nmeasures:\n  m:\n    signal: nps\n    group: b\n    weight: 1\n"
                   "    points: [[1, 0], [0, 100]]\n")
    with pytest.raises(ConfigError) as err:
        load_scorecard(bad)
    assert f"{bad}: measures.m.points: Value error, raw values of points must be strictly increasing" in str(err.value)
    bad.write_text("name: x\ngroups: {a: 1}\nmeasures:\n  m:\n    signal: nps\n    group: b\n    weight: 1\n"
                   "    points: [[0, 0], [1, 100]]\n")
    with pytest.raises(ConfigError) as err:
        load_scorecard(bad)
    assert str(err.value) == f"{bad}: measures.m.group: unknown group 'b'"


def test_tenant_missing_column_is_an_input_error(tmp_path, tenant_dir):
    import shutil

    shutil.copytree(tenant_dir, tmp_path / "t")
    (tmp_path / "t" / "nps.csv").write_text("account_id,date\nA1,2026-01-01\n")
    with pytest.raises(InputError, match=r"nps.csv: missing column\(s\) score"):
        load_tenant(tmp_path / "t")
