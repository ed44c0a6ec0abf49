"""Pipeline forecast on a hand-made 10-deal table (tests/fixtures/forecast/deals.csv + stage history).

Closed deals: D1 won, D2 won, D3 lost, D4 lost, D5 won. Stages each reached (from deal_stage_history.csv):
  Prospecting: D1 W, D3 L, D4 L, D5 W          -> 2/4 = 0.50
  Discovery:   D1 W, D2 W, D3 L, D4 L, D5 W    -> 3/5 = 0.60
  Demo:        D1 W, D2 W, D3 L, D4 L, D5 W    -> 3/5 = 0.60
  Proposal:    D1 W, D2 W, D4 L, D5 W          -> 3/4 = 0.75
  Negotiation: D1 W, D4 L, D5 W                -> 2/3
Median days from entering the stage to the close date, won deals only:
  Prospecting: D1 01-05→04-09 = 26+28+31+9 = 94, D5 03-01→05-31 = 91            -> 92.5
  Discovery:   D1 01-20→04-09 = 79, D2 02-01→04-19 = 77, D5 03-15→05-31 = 77    -> 77
  Demo:        D1 02-10→04-09 = 58, D2 02-15→04-19 = 63, D5 04-01→05-31 = 60    -> 60
  Proposal:    D1 03-01→04-09 = 39, D2 03-10→04-19 = 40, D5 04-20→05-31 = 41    -> 40
  Negotiation: D1 03-20→04-09 = 20, D5 05-01→05-31 = 30                         -> 25
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sophia_crew.engines.forecast.pipeline import forecast_pipeline, forecast_pipeline_files
from sophia_crew.errors import InputError
from sophia_crew.tools.strategy import pipeline_forecast


@pytest.fixture
def files(fixtures_dir):
    return fixtures_dir / "forecast" / "deals.csv", fixtures_dir / "forecast" / "deal_stage_history.csv"


def test_forecast_pipeline_stage_rates_and_cycle_times(files):
    fc = forecast_pipeline_files(*files, as_of="2026-11-15", target_usd=100_000)
    stats = {s.stage: s for s in fc.stage_stats}
    assert {k: (s.won_deals, s.closed_deals) for k, s in stats.items()} == {
        "Prospecting": (2, 4), "Discovery": (3, 5), "Demo": (3, 5), "Proposal": (3, 4), "Negotiation": (2, 3)}
    assert stats["Negotiation"].win_rate == pytest.approx(2 / 3)
    assert {k: s.median_days_to_close for k, s in stats.items()} == {
        "Prospecting": 92.5, "Discovery": 77, "Demo": 60, "Proposal": 40, "Negotiation": 25}


def test_forecast_pipeline_totals_coverage_and_slips(files):
    fc = forecast_pipeline_files(*files, as_of="2026-11-15", target_usd=100_000)
    deals = {d.deal_id: d for d in fc.deals}
    # O1 50 000 × 2/3 = 33 333.33; O2 30 000 × 0.75 = 22 500; O3 40 000 × 0.6 = 24 000; O4 10 000 × 0.6 = 6 000;
    # O5 5 000 × 0.5 = 2 500 but it is "omitted", so it is listed and not totalled.
    assert deals["O1"].weighted_usd == pytest.approx(33_333.333, abs=0.01)
    assert [deals[k].weighted_usd for k in ("O2", "O3", "O4", "O5")] == pytest.approx([22_500, 24_000, 6_000, 2_500])
    assert fc.open_deals == 5
    assert fc.pipeline_usd == 130_000  # 50k + 30k + 40k + 10k
    assert fc.weighted_usd == pytest.approx(85_833.333, abs=0.01)
    assert fc.commit_usd == 50_000 and fc.best_case_usd == 80_000  # commit + best_case 30k
    cats = {c.category: (c.deals, c.amount_usd) for c in fc.by_category}
    assert cats == {"commit": (1, 50_000), "best_case": (1, 30_000), "pipeline": (2, 50_000)}
    assert fc.coverage == pytest.approx(1.3)  # 130 000 / 100 000
    assert fc.weighted_coverage == pytest.approx(0.858333, abs=1e-6)
    # O2: close 2026-12-20 vs original 2026-11-20 -> pushed 30 days; O3: close 2026-11-01 < as_of -> 14 days overdue.
    assert fc.slipped_deal_ids == ["O2", "O3"]
    assert deals["O2"].days_pushed == 30 and deals["O3"].days_overdue == 14
    # Expected close = entered current stage + median days: O1 2026-11-01 + 25; O2 2026-10-15 + 40; O4 11-10 + 60.
    assert deals["O1"].expected_close_date == date(2026, 11, 26)
    assert deals["O2"].expected_close_date == date(2026, 11, 24)
    assert deals["O4"].expected_close_date == date(2027, 1, 9)
    assert "2/3 closed deals that reached Negotiation were won" in deals["O1"].explanation
    assert "pushed 30 days" in deals["O2"].explanation
    assert "Overdue" in deals["O3"].explanation
    assert any("omitted" in n for n in fc.notes)


def test_forecast_pipeline_learns_only_from_deals_closed_by_as_of(files):
    # By 2026-04-30 only D1 (04-09, won), D2 (04-19, won) and D3 (03-01, lost) have closed:
    # Proposal reached by D1, D2 -> 2/2 = 1.0; Discovery by D1, D2, D3 -> 2/3.
    fc = forecast_pipeline_files(*files, as_of="2026-04-30")
    stats = {s.stage: s for s in fc.stage_stats}
    assert stats["Proposal"].win_rate == 1.0
    assert stats["Discovery"].win_rate == pytest.approx(2 / 3)
    assert fc.coverage is None


def test_forecast_pipeline_period_end_filters_totals(files):
    # Only O1 (11-30) and O3 (11-01) close by 2026-11-30: 50 000 + 40 000.
    fc = forecast_pipeline_files(*files, as_of="2026-11-15", period_end="2026-11-30")
    assert fc.pipeline_usd == 90_000
    assert fc.weighted_usd == pytest.approx(33_333.333 + 24_000, abs=0.01)


def test_forecast_pipeline_bad_input(files):
    deals = pd.read_csv(files[0], dtype=str, keep_default_na=False)
    history = pd.read_csv(files[1], dtype=str, keep_default_na=False)
    bad = deals.copy()
    bad.loc[2, "amount_usd"] = "-5"
    with pytest.raises(InputError, match="line 4: column 'amount_usd'"):
        forecast_pipeline(bad, history, as_of="2026-11-15")
    with pytest.raises(InputError, match="no closed deals"):
        forecast_pipeline(deals, history, as_of="2025-01-01")
    with pytest.raises(InputError, match="target_usd"):
        forecast_pipeline(deals, history, as_of="2026-11-15", target_usd=0)


def test_pipeline_forecast_tool_on_fixture(files):
    fc = pipeline_forecast(as_of="2026-11-15", target_usd=200_000, deals_csv=str(files[0]),
                           history_csv=str(files[1]))
    assert fc.coverage == pytest.approx(0.65)  # 130 000 / 200 000
