"""Tools and a report model used only by the spine tests (registered on import)."""

from __future__ import annotations

import statistics
from pathlib import Path

from pydantic import BaseModel

from sophia_crew.errors import InputError
from sophia_crew.registry import tool
from sophia_crew.reports import ReportBase, register_report_model

MINI_WS = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces" / "mini"


class Stats(BaseModel):
    count: int
    total: float
    mean: float
    maximum: float


@tool("spine_stats")
def spine_stats(numbers_file: str) -> Stats:
    """Count, total, mean and maximum of the numbers in a text file (one per line)."""
    path = Path(numbers_file)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    values = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip():
            try:
                values.append(float(line))
            except ValueError:
                raise InputError(f"{path}:{i}: not a number: {line.strip()!r}") from None
    if not values:
        raise InputError(f"{path}: no numbers")
    return Stats(count=len(values), total=sum(values), mean=statistics.fmean(values), maximum=max(values))


@tool("spine_threshold")
def spine_threshold(numbers_file: str, threshold: float = 10.0) -> dict:
    """How many numbers in the file exceed the threshold."""
    values = [float(x) for x in Path(numbers_file).read_text().split()]
    return {"threshold": threshold, "above": sum(v > threshold for v in values)}


class MiniReport(ReportBase):
    """Summary of a numbers file."""

    count: int
    mean: float
    above_threshold: int
    summary: str

    def memory_facts(self) -> list[str]:
        return [f"The numbers file has {self.count} numbers with mean {self.mean:g}."]

    def summary_rows(self):
        return [("numbers", self.count), ("mean", self.mean), ("above threshold", self.above_threshold)]


register_report_model("MiniReport", "spine_support:MiniReport")


@tool("spine_verdict")
def spine_verdict(numbers_file: str, threshold: float) -> dict:
    """Vote 'high' when the mean of the numbers exceeds the threshold, else 'low', with evidence."""
    stats = spine_stats(numbers_file)
    decision = "high" if stats.mean > threshold else "low"
    margin = abs(stats.mean - threshold) / max(threshold, 1e-9)
    return {"decision": decision, "confidence": round(min(1.0, 0.5 + margin), 3),
            "evidence": [f"mean {stats.mean:g} vs threshold {threshold:g}"], "rationale": "mean vs threshold"}
