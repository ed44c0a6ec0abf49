"""Report models named by ``output_model`` in tasks.yaml, and their registry.

Each report is a Pydantic model (JSON Schema exported by ``sophia schema``) deriving from
:class:`ReportBase`, which knows how to render itself as Markdown.
"""

from __future__ import annotations

import importlib

from .base import ReportBase

# name -> "module:Class"; imported lazily so `sophia --help` stays fast.
_MODELS: dict[str, str] = {}


def register_report_model(name: str, target: str) -> None:
    """Register ``module:Class`` under ``name`` (usable as ``output_model`` in tasks.yaml)."""
    _MODELS[name] = target


def report_model_names() -> list[str]:
    """Every registered report model name."""
    return sorted(_MODELS)


def get_report_model(name: str) -> type[ReportBase]:
    """Import and return the report model class registered as ``name``."""
    from ..errors import ConfigError

    try:
        module_name, cls_name = _MODELS[name].split(":")
    except KeyError:
        raise ConfigError(f"unknown report model {name!r} (known: {', '.join(report_model_names())})") from None
    return getattr(importlib.import_module(module_name), cls_name)


__all__ = ["ReportBase", "get_report_model", "register_report_model", "report_model_names"]
