"""Market helpers on series built so every figure can be computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from sophia_crew.engines.forecast.market import analyse_market, seasonality_profile
from sophia_crew.engines.forecast.series import from_frame
from sophia_crew.tools.strategy import market_analysis

MONTHS = pd.date_range("2023-01-01", periods=36, freq="MS").strftime("%Y-%m")


def _two_segments() -> pd.DataFrame:
    # A: 100 + i (i = 0..35), B: 50 every month -> total 150 + i.
    a = pd.DataFrame({"month": MONTHS, "segment": "A", "revenue_usd": [100 + i for i in range(36)]})
    b = pd.DataFrame({"month": MONTHS, "segment": "B", "revenue_usd": [50] * 36})
    return pd.concat([a, b]).sort_values("month", kind="stable")


def test_forecast_market_growth_and_cagr_by_hand():
    m = analyse_market(from_frame(_two_segments(), by=["segment"], check_length=False))
    total = next(g for g in m.growth if g.series == "total")
    assert total.last_period == "2025-12" and total.last_value == 185
    assert total.mom_pct == pytest.approx((185 / 184 - 1) * 100)  # 0.543 %
    assert total.yoy_pct == pytest.approx((185 / 173 - 1) * 100)  # 6.936 %
    # Last 12: 12*150 + (24+...+35 = 354) = 2154; prior 12: 1800 + 210 = 2010; first year: 1800 + 66 = 1866.
    assert total.trailing_year_total == 2154
    assert total.trailing_year_yoy_pct == pytest.approx((2154 / 2010 - 1) * 100)  # 7.164 %
    assert total.cagr_years == 2
    assert total.cagr_pct == pytest.approx(((2154 / 1866) ** 0.5 - 1) * 100)  # 7.440 %
    b = next(g for g in m.growth if g.series == "B")
    assert b.yoy_pct == 0 and b.cagr_pct == 0


def test_forecast_market_shares_and_change():
    m = analyse_market(from_frame(_two_segments(), by=["segment"], check_length=False))
    shares = {s.segment: s for s in m.shares}
    # A last 12: 1200 + 354 = 1554 of 2154; prior: 1200 + 210 = 1410 of 2010.
    assert shares["A"].share_pct == pytest.approx(1554 / 2154 * 100)  # 72.145 %
    assert shares["A"].prior_share_pct == pytest.approx(1410 / 2010 * 100)  # 70.149 %
    assert shares["A"].change_pp == pytest.approx((1554 / 2154 - 1410 / 2010) * 100)  # +1.996 pp
    assert shares["B"].change_pp == pytest.approx(-shares["A"].change_pp)
    assert [s.segment for s in m.shares] == ["A", "B"]


def test_forecast_market_seasonality_index_recovers_known_pattern():
    index = [0.8, 0.9, 1.0, 1.1, 1.2, 1.0, 1.0, 0.9, 1.1, 1.0, 0.75, 1.25]  # sums to 12
    df = pd.DataFrame({"month": MONTHS, "revenue_usd": [1000 * index[i % 12] for i in range(36)]})
    prof = seasonality_profile(from_frame(df, check_length=False))[0]
    assert list(prof.index.values()) == pytest.approx(index, abs=1e-3)
    assert prof.peak == "Dec" and prof.trough == "Nov" and prof.amplitude_pct == pytest.approx(50, abs=0.1)


def test_market_analysis_tool_on_fixture(fixtures_dir):
    out = market_analysis(str(fixtures_dir / "forecast" / "revenue_segments.csv"), by=["segment"])
    assert [g.series for g in out.growth] == ["total", "Enterprise", "SMB"]
    assert sum(s.share_pct for s in out.shares) == pytest.approx(100)
    assert out.seasonality[0].peak == "Dec"  # the fixture's December factor is 1.2, the largest
