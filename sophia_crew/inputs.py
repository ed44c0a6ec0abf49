"""Kickoff inputs: check them against the crew's declared inputs and coerce their types."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .config.models import PLACEHOLDER, CrewSpec, InputSpec
from .errors import InputError
from .resources import demo_path

DEMO_PREFIX = "demo:"


def _coerce(name: str, spec: InputSpec, value: Any) -> Any:
    where = f"--input {name}"
    if spec.type == "path":
        text = str(value)
        path = demo_path(text[len(DEMO_PREFIX):]) if text.startswith(DEMO_PREFIX) else Path(text).expanduser()
        path = path.resolve()
        if spec.must_exist and not path.exists():
            raise InputError(f"{where}: no such file or folder: {path}")
        return str(path)
    if spec.type == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InputError(f"{where}: expected an integer, got {value!r}") from None
    if spec.type == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise InputError(f"{where}: expected a number, got {value!r}") from None
    if spec.type == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in {"1", "true", "yes", "y", "on"}:
            return True
        if lowered in {"0", "false", "no", "n", "off"}:
            return False
        raise InputError(f"{where}: expected true/false, got {value!r}")
    if spec.type == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise InputError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None
    if spec.type == "list":
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        text = str(value).strip()
        if text.startswith("["):
            try:
                return [str(v) for v in json.loads(text)]
            except json.JSONDecodeError:
                raise InputError(f"{where}: invalid JSON list {text!r}") from None
        return [part.strip() for part in text.split(",") if part.strip()]
    return str(value)


def prepare_inputs(crew_name: str, crew: CrewSpec, given: dict[str, Any]) -> dict[str, Any]:
    """Declared inputs with defaults applied and types coerced; InputError on unknown/missing/bad ones."""
    unknown = sorted(set(given) - set(crew.inputs))
    if unknown:
        known = ", ".join(crew.inputs) or "none"
        raise InputError(f"--input {unknown[0]}: crew {crew_name!r} has no such input (inputs: {known})")
    out: dict[str, Any] = {}
    for name, spec in crew.inputs.items():
        value = given.get(name, spec.default)
        if value is None or value == "":
            if spec.required and spec.default is None:
                raise InputError(f"--input {name}: required by crew {crew_name!r} ({spec.description or spec.type})")
            out[name] = None
            continue
        out[name] = _coerce(name, spec, value)
    return out


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` from the CLI → dict; InputError on a pair without '='."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(f"--input {pair!r}: expected key=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


def bind_value(value: Any, inputs: dict[str, Any]) -> Any:
    """``"{name}"`` → the input's own value (any type); other strings get placeholders filled."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return inputs.get(whole.group(1))
        return PLACEHOLDER.sub(lambda m: str(inputs.get(m.group(1), m.group(0))), value)
    if isinstance(value, list):
        return [bind_value(v, inputs) for v in value]
    if isinstance(value, dict):
        return {k: bind_value(v, inputs) for k, v in value.items()}
    return value
