"""Every spine test gets its own SOPHIA_HOME (run store, memory) and crewAI storage dir, and no DB URL."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def sophia_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SOPHIA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SOPHIA_DATABASE_URL", raising=False)
    return tmp_path / "home"
