"""The agent-facing tools end to end: fixture CSV, and the demo tenant when it is present."""

from __future__ import annotations

import pytest

from sophia_crew.registry import get_tool
from sophia_crew.resources import demo_path
from sophia_crew.tools import strategy


def test_revenue_forecast_tool_by_segment(fixtures_dir, tmp_path):
    out = strategy.revenue_forecast(str(fixtures_dir / "forecast" / "revenue_segments.csv"), horizon=6,
                                    by=["segment"], chart_dir=str(tmp_path))
    # 36 months, horizon 6: (36 - 2*12) // 6 = 2 backtest origins fit.
    assert out.origins == 2 and [s.series for s in out.series] == ["Enterprise", "SMB"]
    assert out.selection.startswith("Ensemble (median of cal-ETS-AAA, cal-Airline, cal-ETS-AAdA, cal-SDN36)")
    for s in out.series:
        assert s.chosen_model == "Ensemble" and len(s.forecast) == 6
        assert {r.model for r in s.backtest} == set(out.candidates)
        # Both fixture segments grow (1-1.5 %/month): the ensemble beats seasonal naive in backtest.
        ens, base = (next(r for r in s.backtest if r.model == m) for m in ("Ensemble", "SeasonalNaive"))
        assert ens.mase < base.mase and "below the seasonal-naive baseline" in s.why


def test_strategy_tools_are_registered_with_json_friendly_args():
    spec = get_tool("revenue_forecast")  # registered when sophia_crew.tools.strategy is imported
    assert spec.func is strategy.revenue_forecast
    assert set(spec.args_model.model_fields) == {"csv_path", "horizon", "by", "chart_dir"}
    assert set(get_tool("pipeline_forecast").args_model.model_fields) >= {"as_of", "target_usd"}


@pytest.mark.skipif(not demo_path("revenue_monthly.csv").is_file() or not demo_path("deals.csv").is_file(),
                    reason="demo tenant not written yet")
def test_strategy_tools_on_demo_tenant():
    market = strategy.market_analysis(by=["segment"])
    assert market.period_end == "2026-10"
    pipe = strategy.pipeline_forecast(target_usd=1_000_000)
    assert pipe.as_of.isoformat() == "2026-11-15" and pipe.open_deals > 0
    anomalies = strategy.revenue_anomalies(by=["segment"])
    assert anomalies.series_analysed >= 2
