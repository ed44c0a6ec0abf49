"""Shared, session-scoped health fixtures (training a churn model once keeps the suite fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

HEALTH_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "health"


@pytest.fixture(scope="session")
def fixture_churn_model():
    """Churn model trained with knowledge/churn_mappings/payready.yaml on the synthetic fixture history."""
    from sophia_crew.engines.health.churn import train_churn_model

    return train_churn_model(HEALTH_FIXTURES / "churn_history_fixture.csv", "payready")
