"""Series loading and validation: every bad input names the file, column and line."""

from __future__ import annotations

import pandas as pd
import pytest

from sophia_crew.engines.forecast.series import from_frame, from_won_deals, load_csv, min_length
from sophia_crew.errors import InputError


def _csv(tmp_path, text: str):
    path = tmp_path / "rev.csv"
    path.write_text(text)
    return path


def _monthly(n: int, start: str = "2022-01-01") -> pd.DataFrame:
    return pd.DataFrame({"month": pd.date_range(start, periods=n, freq="MS").strftime("%Y-%m"),
                         "revenue_usd": [100.0 + i for i in range(n)]})


def test_forecast_series_loads_breakdown_and_sums_finer_rows(fixtures_dir):
    path = fixtures_dir / "forecast" / "revenue_segments.csv"
    total = load_csv(path)
    by_seg = load_csv(path, by=["segment"])
    assert total.ids == ["total"] and total.freq == "MS" and total.season_length == 12
    assert by_seg.ids == ["Enterprise", "SMB"] and set(by_seg.lengths().values()) == {36}
    raw = pd.read_csv(path)
    first = raw[raw["month"] == "2023-01"]["revenue_usd"].sum()  # 40584 + 60350 + 13587 + 20401
    assert first == 134_922
    assert total.frame["y"].iloc[0] == first


def test_forecast_series_minimum_length_message(tmp_path):
    df = _monthly(29)
    with pytest.raises(InputError, match=r"has 29 months; at least 30 needed for season length 12 and horizon 6"):
        from_frame(df, source="rev.csv", horizon=6)
    assert min_length(12, 6) == 30
    assert len(from_frame(_monthly(30), horizon=6).frame) == 30


def test_forecast_series_missing_months_are_listed_not_filled(tmp_path):
    df = _monthly(40).drop(index=[5, 6, 20])
    with pytest.raises(InputError, match=r"series 'total': missing months 2022-06, 2022-07, 2023-09 \(gaps"):
        from_frame(df, source="rev.csv")


def test_forecast_series_duplicate_and_backwards_dates(tmp_path):
    path = _csv(tmp_path, "month,revenue_usd\n2024-01,10\n2024-02,11\n2024-02,12\n")
    with pytest.raises(InputError, match=r"rev.csv: line 4: column 'month': duplicate date 2024-02"):
        load_csv(path)
    path = _csv(tmp_path, "month,revenue_usd\n2024-01,10\n2024-03,11\n2024-02,12\n")
    with pytest.raises(InputError, match=r"rev.csv: line 4: column 'month': dates not in increasing order"):
        load_csv(path)


def test_forecast_series_negative_missing_and_unparsable(tmp_path):
    with pytest.raises(InputError, match=r"rev.csv: line 3: column 'revenue_usd': negative revenue -11"):
        load_csv(_csv(tmp_path, "month,revenue_usd\n2024-01,10\n2024-02,-11\n"))
    with pytest.raises(InputError, match=r"line 3: column 'revenue_usd': missing or non-numeric value ''"):
        load_csv(_csv(tmp_path, "month,revenue_usd\n2024-01,10\n2024-02,\n"))
    with pytest.raises(InputError, match=r"line 2: column 'month': cannot parse date 'Jan'"):
        load_csv(_csv(tmp_path, "month,revenue_usd\nJan,10\n2024-02,3\n"))
    with pytest.raises(InputError, match=r"no date column found"):
        load_csv(_csv(tmp_path, "when,revenue_usd\n2024-01,10\n"))


def test_forecast_series_weekly_is_detected():
    df = pd.DataFrame({"date": pd.date_range("2023-01-02", periods=70, freq="W-MON"), "value": range(70)})
    s = from_frame(df, horizon=4, check_length=False)
    assert s.freq == "W-MON" and s.season_length == 52


def test_forecast_series_from_won_deals_sums_by_close_month(fixtures_dir):
    s = from_won_deals(fixtures_dir / "forecast" / "deals.csv", check_length=False)
    # Won: D1 10 000 (2026-04), D2 20 000 (2026-04), D5 12 000 (2026-05); lost and open deals are ignored.
    assert s.frame["ds"].dt.strftime("%Y-%m").tolist() == ["2026-04", "2026-05"]
    assert s.frame["y"].tolist() == [30_000, 12_000]
