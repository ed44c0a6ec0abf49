"""Building the MCP server's tool table loads no heavy engine library: those load when a tool runs.

The tool table needs names, descriptions, argument schemas and return models only, so tool modules import
result models from light modules (``engines/forecast/models.py``, ``engines/health/*_models.py``,
``engines/research/models.py``, ``integrations/results.py``) and the engines inside the tool functions.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.usefixtures("sophia_home")

# Needed only when a tool runs (forecasting, churn, charts, web extraction, SQL checks).
HEAVY = ("pandas", "statsforecast", "statsmodels", "scipy.signal", "sklearn", "matplotlib", "trafilatura", "sqlglot",
         "sqlalchemy")

# Records, for each heavy module, the sophia_crew frames of the import that loaded it first (the failure
# message then names the offending module and line).
PROBE = """
import builtins, json, sys, traceback

heavy = sys.argv[1].split(",")
first = {}
real_import = builtins.__import__


def spy(name, *args, **kwargs):
    missing = [h for h in heavy if h not in sys.modules]
    module = real_import(name, *args, **kwargs)
    for h in missing:
        if h in sys.modules and h not in first:
            first[h] = [f"{f.filename}:{f.lineno}" for f in traceback.extract_stack()[:-1]
                        if "sophia_crew" in f.filename][-4:]
    return module


builtins.__import__ = spy
from sophia_crew.cli import mcp as cli_mcp  # what 'sophia mcp serve' (stdio) imports before it builds the server
from sophia_crew.mcp_server import serve_stdio
from sophia_crew.mcp_server.server import build_server

server = build_server()
print(json.dumps({"tools": sorted(server._entries),
                  "loaded": {h: first.get(h, ["?"]) for h in heavy if h in sys.modules}}))
"""


def test_build_server_imports_no_heavy_engine_library():
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # the whole table was built: tools of every domain whose heavy imports moved, and the crews
    for name in ("revenue_forecast", "revenue_anomalies", "market_analysis", "pipeline_forecast",
                 "health_risk_register", "churn_risk", "research_site", "compare_pricing", "warehouse_query",
                 "gong_calls", "crm_update_field", "server_info"):
        assert name in result["tools"], name
    assert any(t.startswith("kickoff_") for t in result["tools"])
    assert result["loaded"] == {}, "imported while building the tool table (first importer frames):\n" + \
        json.dumps(result["loaded"], indent=1)


def test_result_models_keep_their_old_import_paths():
    from sophia_crew.engines.forecast import anomaly, forecaster, market, models, pipeline
    from sophia_crew.engines.health import portfolio, portfolio_models, review, review_models
    from sophia_crew.engines.research import compare
    from sophia_crew.engines.research import models as research_models
    from sophia_crew.integrations import gong, results, snowflake, writes

    moved = {
        forecaster: (models, ["ForecastPoint", "BacktestRow", "SeriesForecast", "ForecastResult"]),
        anomaly: (models, ["Alert", "AnomalyReport"]),
        market: (models, ["GrowthStats", "SeasonalityProfile", "SegmentShare", "MarketAnalysis"]),
        pipeline: (models, ["StageStats", "DealForecast", "CategoryTotal", "PipelineForecast"]),
        portfolio: (portfolio_models, ["AccountHealth", "RiskRollup", "RenewalItem", "ScoreDistribution",
                                       "PortfolioHealth"]),
        review: (review_models, ["CallSignal", "CallSignals", "Drag", "ScoreRow", "RiskRow", "DataGap",
                                 "RiskRegister"]),
        compare: (research_models, ["PriceComparison"]),
        gong: (results, ["GongParty", "GongCall"]),
        snowflake: (results, ["QueryResult"]),
        writes: (results, ["DiffLine"]),
    }
    for old, (new, names) in moved.items():
        for name in names:
            assert getattr(old, name) is getattr(new, name), f"{old.__name__}.{name}"
