"""Jinja2 templates: offline final answers (``offline/*.j2``) rendered over tool outputs.

Templates are looked up in each workspace root's ``templates/`` folder first (user overrides), then in
the package. Undefined variables are errors, so a template can never print a silent blank.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

PACKAGE_TEMPLATES = Path(__file__).resolve().parent


def _fmt_num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def _fmt_money(value: Any, currency: str = "$") -> str:
    if value is None:
        return "n/a"
    return f"{currency}{value:,.0f}"


def _fmt_pct(value: Any, digits: int = 1) -> str:
    """A 0..1 share or a 0..100 percentage, shown as a percentage."""
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}%"


@lru_cache(maxsize=16)
def environment(roots: tuple[Path, ...] = ()) -> jinja2.Environment:
    """A Jinja2 environment searching ``<root>/templates`` of each workspace root, then the package."""
    search = [str(r / "templates") for r in reversed(roots) if (r / "templates").is_dir()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*search, str(PACKAGE_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        tojson=lambda v: json.dumps(v, ensure_ascii=False, default=str),
        num=_fmt_num,
        money=_fmt_money,
        pct=_fmt_pct,
    )
    return env


def offline_template_names(roots: list[Path] | tuple[Path, ...] = ()) -> list[str]:
    """Names (relative to ``offline/``) of every offline answer template available."""
    names: set[str] = set()
    for base in [PACKAGE_TEMPLATES, *(Path(r) / "templates" for r in roots)]:
        folder = base / "offline"
        if folder.is_dir():
            names.update(p.name for p in folder.glob("*.j2"))
    return sorted(names)


def render(name: str, roots: tuple[Path, ...] = (), **context: Any) -> str:
    """Render ``templates/<name>`` with ``context``."""
    return environment(tuple(roots)).get_template(name).render(**context)
