"""Loading and validating revenue time series (long format) for the forecasting engines.

A :class:`SeriesSet` holds one or more regular series in the statsforecast long layout
(``unique_id``, ``ds``, ``y``). Every check names the file, column and row; nothing is filled in silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sophia_crew.errors import InputError

DATE_CANDIDATES = ("ds", "date", "month", "week", "period", "sales_month", "close_date")
VALUE_CANDIDATES = ("y", "value", "revenue", "revenue_usd", "amount", "amount_usd", "sales")
SEASON_BY_FREQ = {"MS": 12, "W": 52}
TOTAL_ID = "total"


@dataclass(frozen=True)
class SeriesSet:
    """One or more regular, gap-free, non-negative series in long format.

    Attributes:
        frame: columns ``unique_id`` (str), ``ds`` (Timestamp), ``y`` (float), sorted by id then date.
        freq: pandas frequency alias, ``"MS"`` (monthly) or ``"W-<DAY>"`` (weekly).
        season_length: 12 for monthly, 52 for weekly.
        source: file name or ``"<dataframe>"`` used in messages.
        by: the grouping columns the ids were built from (empty for one total series).
    """

    frame: pd.DataFrame
    freq: str
    season_length: int
    source: str
    by: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """Series ids in order."""
        return list(dict.fromkeys(self.frame["unique_id"]))

    def lengths(self) -> dict[str, int]:
        """Number of observations per series id."""
        return self.frame.groupby("unique_id", sort=False).size().to_dict()


def min_length(season_length: int, horizon: int) -> int:
    """Fewest observations a series needs: two full seasons of training plus one backtest window."""
    return 2 * season_length + horizon


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str, source: str) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise InputError(f"{source}: column {wanted!r} not found (columns: {', '.join(columns)})")
        return wanted
    lower = {c.lower(): c for c in columns}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    raise InputError(
        f"{source}: no {what} column found (looked for {', '.join(candidates)}; columns: {', '.join(columns)})"
    )


def _infer_freq(dates: pd.Series, source: str, col: str) -> str:
    uniq = pd.Series(sorted(dates.unique()))
    if len(uniq) < 2:
        raise InputError(f"{source}: column {col!r}: need at least two distinct dates to infer the frequency")
    if (uniq.dt.day == 1).all() or uniq.dt.to_period("M").is_unique:
        return "MS"
    gaps = uniq.diff().dropna().dt.days
    if (gaps % 7 == 0).all():
        return f"W-{uniq.iloc[0].day_name()[:3].upper()}"
    raise InputError(
        f"{source}: column {col!r}: dates are neither monthly nor weekly (smallest step {int(gaps.min())} days)"
    )


def _missing_periods(dates: pd.Series, freq: str) -> list[str]:
    full = pd.date_range(dates.min(), dates.max(), freq=freq)
    missing = full.difference(pd.DatetimeIndex(dates))
    fmt = "%Y-%m" if freq == "MS" else "%Y-%m-%d"
    return [d.strftime(fmt) for d in missing]


def _series_id(frame: pd.DataFrame, by: list[str]) -> pd.Series:
    if not by:
        return pd.Series(TOTAL_ID, index=frame.index)
    return frame[by].astype(str).agg(" | ".join, axis=1)


def from_frame(
    data: pd.DataFrame,
    *,
    source: str = "<dataframe>",
    date_col: str | None = None,
    value_col: str | None = None,
    by: list[str] | None = None,
    horizon: int = 6,
    check_length: bool = True,
) -> SeriesSet:
    """Validate a long-format frame and turn it into a :class:`SeriesSet`.

    Columns other than the date, the value and ``by`` are treated as finer breakdowns: rows that share
    ``by`` and the date are summed (e.g. region rows add up to a segment). The same date twice for the
    *full* key (all non-value columns) is an error.

    Args:
        data: long-format rows; one row per date (and breakdown).
        source: file name used in error messages.
        date_col: date column; guessed from common names when None.
        value_col: value column; guessed from common names when None.
        by: columns whose combinations form separate series; None or [] for one total series.
        horizon: forecast horizon, used for the minimum-length check.
        check_length: raise when a series is shorter than :func:`min_length`.

    Returns:
        The validated, sorted series.

    Raises:
        InputError: unparsable or missing values, negative values, duplicate or non-monotonic dates,
            missing periods (listed), irregular frequency, or a too-short series.
    """
    by = list(by or [])
    columns = [str(c) for c in data.columns]
    dcol = _pick(columns, date_col, DATE_CANDIDATES, "date", source)
    vcol = _pick(columns, value_col, VALUE_CANDIDATES, "value", source)
    for col in by:
        if col not in columns:
            raise InputError(f"{source}: group-by column {col!r} not found (columns: {', '.join(columns)})")
    if data.empty:
        raise InputError(f"{source}: no rows")
    frame = data.reset_index(drop=True)
    # Row numbers in messages are 1-based file lines: the header is line 1.
    line = frame.index.to_series() + 2

    raw_dates = frame[dcol].astype(str).str.strip()
    dates = pd.to_datetime(raw_dates, errors="coerce", format="mixed")
    bad = dates.isna()
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"{source}: line {line[i]}: column {dcol!r}: cannot parse date {frame[dcol][i]!r}")
    values = pd.to_numeric(frame[vcol], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0.0))
    if bad.any():
        i = bad.idxmax()
        raise InputError(
            f"{source}: line {line[i]}: column {vcol!r}: missing or non-numeric value {frame[vcol][i]!r}"
        )
    neg = values < 0
    if neg.any():
        i = neg.idxmax()
        raise InputError(f"{source}: line {line[i]}: column {vcol!r}: negative revenue {values[i]:g}")

    freq = _infer_freq(dates, source, dcol)
    if freq == "MS":
        dates = dates.dt.to_period("M").dt.to_timestamp()
    extra = [c for c in columns if c not in (dcol, vcol) and c not in by]
    full_key = _series_id(frame, by + extra)
    work = pd.DataFrame({"key": full_key, "ds": dates, "line": line})
    dup = work.duplicated(["key", "ds"])
    if dup.any():
        i = dup.idxmax()
        where = "" if not (by + extra) else f" for {work['key'][i]!r}"
        raise InputError(f"{source}: line {line[i]}: column {dcol!r}: duplicate date {raw_dates[i]}{where}")
    back = work.groupby("key", sort=False)["ds"].diff() < pd.Timedelta(0)
    if back.any():
        i = back.idxmax()
        raise InputError(
            f"{source}: line {line[i]}: column {dcol!r}: dates not in increasing order ({raw_dates[i]} after a later date)"
        )

    long = pd.DataFrame({"unique_id": _series_id(frame, by), "ds": dates, "y": values.astype(float)})
    long = long.groupby(["unique_id", "ds"], sort=True, as_index=False)["y"].sum()
    season = 12 if freq == "MS" else 52
    need = min_length(season, horizon)
    unit = "months" if freq == "MS" else "weeks"
    for uid, grp in long.groupby("unique_id", sort=False):
        missing = _missing_periods(grp["ds"], freq)
        if missing:
            shown = ", ".join(missing[:6]) + (f" … ({len(missing)} in all)" if len(missing) > 6 else "")
            raise InputError(f"{source}: series {uid!r}: missing {unit} {shown} (gaps are never filled)")
        if check_length and len(grp) < need:
            raise InputError(
                f"{source}: series {uid!r} has {len(grp)} {unit}; at least {need} needed for season length "
                f"{season} and horizon {horizon} (two seasons of training plus one backtest window)"
            )
    return SeriesSet(frame=long.reset_index(drop=True), freq=freq, season_length=season, source=source, by=by)


def load_csv(
    path: str | Path,
    *,
    date_col: str | None = None,
    value_col: str | None = None,
    by: list[str] | None = None,
    horizon: int = 6,
    check_length: bool = True,
) -> SeriesSet:
    """Read a long-format CSV (date, value, optional breakdown columns) and validate it.

    See :func:`from_frame` for the rules; errors name the file, column and line.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        data = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name}: not a readable CSV ({exc})") from None
    return from_frame(
        data, source=path.name, date_col=date_col, value_col=value_col, by=by,
        horizon=horizon, check_length=check_length,
    )


def from_won_deals(
    path: str | Path,
    *,
    by: list[str] | None = None,
    accounts_path: str | Path | None = None,
    freq: str = "MS",
    horizon: int = 6,
    check_length: bool = True,
) -> SeriesSet:
    """Monthly (or weekly) won-deal bookings from a CRM ``deals.csv``.

    Won deals (``is_won == 1``) are summed by ``close_date`` period. A period with no won deal is a real
    zero (nothing was booked), not missing data, so it is kept as 0 between the first and last booking.
    ``by`` may name deal columns (``type``, ``owner_id``) or, with ``accounts_path``, account columns
    (``segment``, ``region``) joined on ``account_id``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    deals = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("close_date", "amount_usd", "is_won"):
        if col not in deals.columns:
            raise InputError(f"{path.name}: column {col!r} missing")
    by = list(by or [])
    if accounts_path is not None and any(c not in deals.columns for c in by):
        accounts = pd.read_csv(accounts_path, dtype=str, keep_default_na=False)
        keep = ["account_id"] + [c for c in by if c in accounts.columns and c not in deals.columns]
        deals = deals.merge(accounts[keep], on="account_id", how="left")
    won = deals[deals["is_won"].str.strip() == "1"].copy()
    if won.empty:
        raise InputError(f"{path.name}: no won deals (is_won == 1) to aggregate")
    won["close_date"] = pd.to_datetime(won["close_date"], errors="coerce")
    if won["close_date"].isna().any():
        i = won.index[won["close_date"].isna()][0]
        raise InputError(f"{path.name}: line {i + 2}: column 'close_date': cannot parse date")
    won["amount_usd"] = pd.to_numeric(won["amount_usd"], errors="coerce")
    if won["amount_usd"].isna().any():
        i = won.index[won["amount_usd"].isna()][0]
        raise InputError(f"{path.name}: line {i + 2}: column 'amount_usd': missing or non-numeric")
    won["ds"] = won["close_date"].dt.to_period("M" if freq == "MS" else "W").dt.start_time
    grid_ds = pd.date_range(won["ds"].min(), won["ds"].max(), freq=freq if freq == "MS" else "W-MON")
    keys = [k for k in by if k in won.columns]
    if len(keys) != len(by):
        raise InputError(f"{path.name}: group-by columns {by} not all found in deals (or accounts)")
    agg = won.groupby(keys + ["ds"], as_index=False)["amount_usd"].sum()
    groups = agg[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"ds": grid_ds}), how="cross")
    full = grid.merge(agg, on=keys + ["ds"], how="left").fillna({"amount_usd": 0.0})
    return from_frame(
        full.rename(columns={"amount_usd": "y"}), source=path.name, date_col="ds", value_col="y",
        by=keys, horizon=horizon, check_length=check_length,
    )
