"""Check a report's numbers against the tool receipts: a number no tool returned is an error.

Every number in the report (numeric fields and numbers written in its prose) must match a number found
in some tool output or in the kickoff inputs, allowing for rounding to the precision shown and for
shares shown as percentages (0.43 → 43 %). Years and single-digit counts are allowed as ordinary words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

NUMBER = re.compile(r"(?<![\w.])[-+]?\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.+Z-]+)?\b|\b\d{4}-\d{2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b")


def _numbers_in_data(value: Any, out: set[float]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        if math.isfinite(value):
            out.add(float(value))
    elif isinstance(value, str):
        for text, _ in _numbers_in_text(value):
            out.add(text)
    elif isinstance(value, dict):
        for v in value.values():
            _numbers_in_data(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _numbers_in_data(v, out)


def _numbers_in_text(text: str) -> Iterable[tuple[float, int]]:
    text = _ISO_DATE.sub(" ", text)
    for m in NUMBER.finditer(text):
        whole, frac = m.group(1).replace(",", ""), m.group(2) or ""
        sign = "-" if m.group(0).lstrip("$").startswith("-") else ""
        yield float(sign + whole + frac), len(frac) - 1 if frac else 0


def _matches(x: float, decimals: int, known: set[float]) -> bool:
    tol = 0.5 * 10 ** (-decimals) + 1e-9
    for k in known:
        for cand in (k, k * 100, k / 60, k / 3600):  # shares as %, seconds as minutes/hours
            if abs(abs(cand) - abs(x)) <= tol:
                return True
    return False


def _report_numbers(value: Any, path: str, out: list[tuple[str, float, int]]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        out.append((path, float(value), 0))
    elif isinstance(value, float):
        decimals = len(repr(value).split(".")[1]) if "." in repr(value) else 0
        out.append((path, value, min(decimals, 6)))
    elif isinstance(value, str):
        for x, d in _numbers_in_text(value):
            out.append((path, x, d))
    elif isinstance(value, dict):
        for k, v in value.items():
            _report_numbers(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _report_numbers(v, f"{path}[{i}]", out)


def unsupported_numbers(report: Any, receipts_outputs: list[Any], inputs: dict[str, Any]) -> list[str]:
    """Numbers in ``report`` (JSON data) that no receipt output or input contains, as 'field: number'."""
    known: set[float] = set()
    for output in receipts_outputs:
        _numbers_in_data(output, known)
    _numbers_in_data(inputs, known)
    found: list[tuple[str, float, int]] = []
    _report_numbers(report, "", found)
    problems = []
    for path, x, decimals in found:
        if float(x).is_integer() and (0 <= x <= 10 or 1900 <= x <= 2100):
            continue
        if not _matches(x, decimals, known):
            problems.append(f"{path}: {x:g}")
    return problems
