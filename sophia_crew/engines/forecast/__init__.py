"""Forecasting engines for the strategy crew (pure functions over pandas frames and Pydantic models).

- :mod:`.models`: the result models (Pydantic only: what tools and the MCP tool table import).
- :mod:`.series`: load and validate revenue series (CSV, DataFrame, won deals) into a :class:`SeriesSet`.
- :mod:`.backtest`: candidate models, rolling-origin cross-validation, MASE / sMAPE / interval coverage.
- :mod:`.members`: small models statsforecast lacks (seasonal naive with recent drift), in its model interface.
- :mod:`.calendar_effects`: trading-day / leap-year / Easter regressors and a wrapper that removes their effects
  before any model fits (monthly series).
- :mod:`.forecaster`: backtest, choose (default: the benchmark-chosen ensemble), forecast with backtest-calibrated
  80/95 % intervals and a reason.
- :mod:`.pipeline`: stage-weighted pipeline from open deals with the tenant's own win rates and cycle times.
- :mod:`.anomaly`: robust STL outliers, CUSUM shifts, driver segment.
- :mod:`.market`: growth, seasonality index, segment shares.
- :mod:`.charts`: forecast PNGs.
"""
