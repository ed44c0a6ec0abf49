"""YAML loading that remembers line numbers, so every config error reads ``file:line: field: message``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

Loc = tuple[str | int, ...]


class LinedYaml:
    """A parsed YAML document plus the line (1-based) of every key path in it."""

    def __init__(self, path: Path, data: Any, lines: dict[Loc, int]):
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest known prefix of ``loc`` (1 when nothing matches)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    def error(self, loc: Loc, message: str) -> str:
        """One ``file:line: field: message`` line for a problem at ``loc``."""
        field = ".".join(str(p) for p in loc) or "(top level)"
        return f"{self.path}:{self.line_of(loc)}: {field}: {message}"


# libyaml's parser when PyYAML was built with it (the wheels are), else the pure-Python one: same nodes and marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], scalar) -> Any:
    """The document's data, recording each key path's line; ``scalar`` constructs scalar and key values."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = scalar(key_node)
            child = (*loc, key)
            if key in out:
                raise ConfigError(
                    f"{{path}}:{key_node.start_mark.line + 1}: {'.'.join(map(str, child))}: duplicate key"
                )
            lines[child] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, child, lines, scalar)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*loc, i), lines, scalar) for i, item in enumerate(node.value)]
    return scalar(node)


def load_yaml(path: Path) -> LinedYaml:
    """Parse ``path``; a syntax error becomes a one-line ConfigError with the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: (file): cannot read: {exc}") from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}:{line}: (yaml): {problem}") from None
    lines: dict[Loc, int] = {}
    try:
        # one constructor per document, as yaml.safe_load uses (values of scalar nodes, as it builds them)
        scalar = yaml.constructor.SafeConstructor().construct_object
        data = _walk(node, (), lines, scalar) if node is not None else {}
    except ConfigError as exc:
        raise ConfigError([p.replace("{path}", str(path)) for p in exc.problems]) from None
    return LinedYaml(path, data, lines)
