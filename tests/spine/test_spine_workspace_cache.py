"""The loaded workspace is cached per state of the files it is made of, and only those files are looked at."""

from __future__ import annotations

import os
import shutil

import pytest
import spine_support

from sophia_crew.config.loader import workspace_files
from sophia_crew.runner import cached_workspace

pytestmark = pytest.mark.usefixtures("sophia_home")


@pytest.fixture
def ws(tmp_path):
    return shutil.copytree(spine_support.MINI_WS, tmp_path / "ws")


def test_workspace_files_are_the_yaml_and_templates_only(ws):
    (ws / ".venv" / "lib").mkdir(parents=True)
    (ws / ".venv" / "lib" / "some.yaml").write_text("x: 1\n")  # a checkout's venv or .git is never walked
    (ws / "crews" / "notes.txt").write_text("not a crew")
    names = [p.relative_to(ws).as_posix() for p in workspace_files(ws)]
    crews = sorted(f"crews/{p.name}" for p in (ws / "crews").glob("*.yaml"))
    templates = sorted(f"templates/offline/{p.name}" for p in (ws / "templates" / "offline").glob("*.j2"))
    assert crews and templates
    assert names == ["agents.yaml", "tasks.yaml", *crews, *templates]


def test_cache_is_reused_until_a_crew_file_changes(ws):
    first = cached_workspace(ws)
    assert cached_workspace(ws) is first
    crew = next((ws / "crews").glob("*.yaml"))
    crew.write_text(crew.read_text().replace("description:", "description: changed", 1))
    os.utime(crew, ns=(1, 1))  # a different mtime even within the clock's resolution
    second = cached_workspace(ws)
    assert second is not first
    assert second.crews[crew.stem].description.startswith("changed")
