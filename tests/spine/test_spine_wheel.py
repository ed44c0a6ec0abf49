"""A wheel carries the YAML and knowledge files, and the installed package finds them (not the checkout)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    [whl] = out.glob("*.whl")
    return whl


def test_wheel_contains_bundled_yaml_and_knowledge(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sophia_crew/_bundled/agents.yaml" in names
    assert "sophia_crew/_bundled/tasks.yaml" in names
    assert any(n.startswith("sophia_crew/_bundled/crews/") for n in names)
    assert any(n.startswith("sophia_crew/_bundled/knowledge/") for n in names)
    assert any(n.startswith("sophia_crew/templates/") for n in names)


def test_installed_package_reads_its_bundled_copy(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from sophia_crew.resources import bundled_root; from sophia_crew.config import load_workspace; "
            "ws = load_workspace(None); print(bundled_root()); print(len(ws.crews))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(site), "PATH": ""},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == str(site / "sophia_crew" / "_bundled")
    assert int(out[1]) == len(list((ROOT / "crews").glob("*.yaml")))
