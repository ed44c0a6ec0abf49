"""The one place that finds bundled data (wheel) vs the source tree (editable install / checkout), and the local
state directory (:func:`data_dir`).

A wheel carries the root ``agents.yaml``, ``tasks.yaml``, ``crews/``, ``tools/`` and ``knowledge/`` under
``sophia_crew/_bundled/``; an editable install or a plain checkout reads them from the repository root.
A user workspace (``--workspace DIR`` or ``SOPHIA_WORKSPACE``) is layered on top by the config loader.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def bundled_root() -> Path:
    """Directory holding agents.yaml, tasks.yaml, crews/, tools/ and knowledge/ shipped with sophia_crew."""
    bundled = PACKAGE_DIR / "_bundled"
    if (bundled / "agents.yaml").is_file():
        return bundled
    source = PACKAGE_DIR.parent
    if (source / "agents.yaml").is_file():
        return source
    raise FileNotFoundError(
        f"sophia_crew data not found: neither {bundled} nor {source} holds agents.yaml (broken install?)"
    )


def knowledge_path(*parts: str) -> Path:
    """Absolute path of a file or folder under ``knowledge/`` (bundled copy)."""
    return bundled_root().joinpath("knowledge", *parts)


def demo_path(*parts: str) -> Path:
    """Absolute path under the embedded demo tenant (``sophia_crew/demo_data/payready``)."""
    return PACKAGE_DIR.joinpath("demo_data", "payready", *parts)


def data_dir() -> Path:
    """Directory for local state (SQLite db, caches, vector stores): ``SOPHIA_HOME`` or ``~/.sophia``."""
    path = Path(os.environ.get("SOPHIA_HOME", Path.home() / ".sophia")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
