"""Shared test setup: offline environment, isolated storage, and the ../shared/data locator."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# crewAI / mem0 must never phone home or write into the user's home during tests.
os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")
os.environ.setdefault("CREWAI_DISABLE_VERSION_CHECK", "true")
os.environ.setdefault("MEM0_TELEMETRY", "False")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SOPHIA_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_data_path(*parts: str) -> Path:
    """Path under ../shared/data; skips the calling test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


@pytest.fixture
def shared_data():
    """Callable fixture: ``shared_data("churn", "x.csv")`` → Path, or skip when ../shared/data is absent."""
    return shared_data_path


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def sophia_home(tmp_path, monkeypatch):
    """Own SOPHIA_HOME (run store, memory) and crewAI storage dir, no database URL or workspace, for one test.

    Test modules opt in with ``pytestmark = pytest.mark.usefixtures("sophia_home")``.
    """
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SOPHIA_DATABASE_URL", raising=False)
    monkeypatch.delenv("SOPHIA_WORKSPACE", raising=False)
    return tmp_path / "home"
