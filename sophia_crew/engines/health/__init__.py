"""Client-health engine: YAML scorecards, a calibrated churn model, plays and portfolio roll-ups.

Pure functions over Pydantic models; no crewAI. Entry points:

* :func:`scorecard.load_scorecard`, :func:`scorecard.score_signals`, :func:`scorecard.score_with_trend`
* :func:`tenant.load_tenant`, :func:`tenant.account_signals`
* :func:`churn.train_churn_model`, :func:`churn.save_churn_model`, :func:`churn.load_churn_model`
* :func:`plays.load_plays`, :func:`plays.plays_for`
* :func:`portfolio.assess_portfolio`, :func:`portfolio.portfolio_chart`, :func:`portfolio.portfolio_markdown`
"""

from .churn_models import ChurnModel
from .models import AccountSignals, HealthScore, ScorecardConfig
from .plays import CTA, load_plays
from .portfolio_models import AccountHealth, PortfolioHealth
from .scorecard import load_scorecard, score_signals, score_with_trend

__all__ = [
    "CTA", "AccountHealth", "AccountSignals", "ChurnModel", "HealthScore", "PortfolioHealth", "ScorecardConfig",
    "assess_portfolio", "load_churn_model", "load_plays", "load_scorecard", "portfolio_chart", "portfolio_markdown",
    "save_churn_model",
    "score_signals", "score_with_trend", "train_churn_model",
]


def __getattr__(name: str):
    # the training stack (scikit-learn) loads only when a churn function is used, not with every health import
    if name in ("load_churn_model", "save_churn_model", "train_churn_model"):
        from . import churn

        return getattr(churn, name)
    # pandas loads only when the portfolio is assessed, not when a tool table imports the result models
    if name in ("assess_portfolio", "portfolio_chart", "portfolio_markdown"):
        from . import portfolio

        return getattr(portfolio, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
