"""Report models named by ``output_model`` in tasks.yaml, and their registry.

Each report is a Pydantic model (JSON Schema exported by ``sophia schema``) deriving from
:class:`ReportBase`, which knows how to render itself as Markdown.
"""

from __future__ import annotations

import importlib

from .base import ReportBase

# name -> "module:Class"; imported lazily so `sophia --help` stays fast.
_MODELS: dict[str, str] = {"Verdict": "sophia_crew.orchestration.consensus:Verdict"}


def register_report_model(name: str, target: str) -> None:
    """Register ``module:Class`` under ``name`` (usable as ``output_model`` in tasks.yaml)."""
    _MODELS[name] = target


def _discover() -> None:
    """Register every ReportBase subclass defined in this package's modules, read from source (once).

    Reading instead of importing keeps ``sophia crews`` / ``validate`` fast; a model is imported when used.
    """
    if _discovered:
        return
    _discovered.append(True)
    import ast
    from pathlib import Path

    for path in sorted(Path(__path__[0]).glob("*.py")):
        if path.stem in ("__init__", "base"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {"ReportBase"}
        for node in tree.body:  # classes deriving from ReportBase, directly or through a class of the module
            if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in local for b in node.bases):
                local.add(node.name)
                _MODELS.setdefault(node.name, f"{__name__}.{path.stem}:{node.name}")


_discovered: list[bool] = []


def report_model_names() -> list[str]:
    """Every registered report model name (the package's own are discovered on first use)."""
    _discover()
    return sorted(_MODELS)


def get_report_model(name: str) -> type[ReportBase]:
    """Import and return the report model class registered as ``name``."""
    from ..errors import ConfigError

    _discover()
    try:
        module_name, cls_name = _MODELS[name].split(":")
    except KeyError:
        raise ConfigError(f"unknown report model {name!r} (known: {', '.join(report_model_names())})") from None
    return getattr(importlib.import_module(module_name), cls_name)


__all__ = ["ReportBase", "get_report_model", "register_report_model", "report_model_names"]
