"""Anomaly detection: known shocks on US retail, few flags on clean noise, the driver segment named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sophia_crew.engines.forecast.anomaly import cusum_episodes, detect_anomalies
from sophia_crew.engines.forecast.series import from_frame
from sophia_crew.tools.strategy import revenue_anomalies


def test_forecast_anomaly_flags_covid_and_2008_on_total_retail(shared_data):
    path = shared_data("revenue", "us_census_mrts_retail_sales_1992_2020.csv")
    raw = pd.read_csv(path)
    # SOURCES.md: the headline series has no NAICS code; this is the "total" row of the survey.
    total = raw[raw["kind_of_business"] == "Retail and food services sales, total"]
    report = detect_anomalies(from_frame(total[["sales_month", "sales"]], source=path.name))
    outliers = {a.date: a for a in report.alerts if a.kind == "outlier"}
    assert {"2020-03", "2020-04"} <= set(outliers)
    assert outliers["2020-04"].severity == "high" and outliers["2020-04"].deviation < 0
    assert any(d in outliers for d in ("2008-10", "2008-11", "2008-12"))
    shifts = [a for a in report.alerts if a.kind == "change_point" and a.deviation < 0]
    assert any(a.date.startswith("2008-1") for a in shifts)
    assert any(a.date.startswith("2020-0") for a in shifts)


def test_forecast_anomaly_few_flags_on_stationary_noise():
    rng = np.random.default_rng(42)
    n = 240
    y = 1000 + 100 * np.sin(2 * np.pi * np.arange(n) / 12) + rng.normal(0, 30, n)
    df = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=n, freq="MS"), "value": y})
    report = detect_anomalies(from_frame(df, check_length=False))
    assert report.flag_rate <= 0.05


def test_forecast_anomaly_names_the_segment_that_moved():
    rng = np.random.default_rng(3)
    n = 48
    ds = pd.date_range("2022-01-01", periods=n, freq="MS")
    season = 1 + 0.1 * np.sin(2 * np.pi * np.arange(n) / 12)
    a = 500 * season * (1 + rng.normal(0, 0.01, n))
    b = 300 * season * (1 + rng.normal(0, 0.01, n))
    b[40] *= 0.5  # segment B loses half its revenue in 2025-05
    df = pd.concat([pd.DataFrame({"month": ds, "segment": "A", "value": a}),
                    pd.DataFrame({"month": ds, "segment": "B", "value": b})]).sort_values("month", kind="stable")
    total = from_frame(df, check_length=False)
    parts = from_frame(df, by=["segment"], check_length=False)
    report = detect_anomalies(total, parts)
    alert = next(a for a in report.alerts if a.date == "2025-05" and a.kind == "outlier")
    assert alert.driver == "B" and alert.deviation < 0
    # B's halved month sits about one "normal" B value (= 2 x the halved value) below expected: -b[40].
    assert alert.deviation == pytest.approx(-b[40], rel=0.15)
    assert "largest same-direction move: B" in alert.message


def test_forecast_anomaly_cusum_merges_one_shift():
    z = np.zeros(30)
    z[10:14] = -2.0  # sustained drop: S- grows 1.5 per point and passes 5 at the 4th point
    assert cusum_episodes(z) == [(10, 13, -1)]


def test_revenue_anomalies_tool_on_fixture(fixtures_dir):
    out = revenue_anomalies(str(fixtures_dir / "forecast" / "revenue_segments.csv"), by=["segment"])
    # The fixture's Enterprise/NA revenue in 2025-07 is 0.6 x normal (see tests/fixtures/forecast/README.md).
    hit = [a for a in out.alerts if a.date == "2025-07" and a.kind == "outlier"]
    assert any(a.series == "total" and a.driver == "Enterprise" for a in hit)
    assert any(a.series == "Enterprise" for a in hit)
