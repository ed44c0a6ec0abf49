"""sophia_crew: YAML-defined crewAI crews for revenue operations, with deterministic analytics engines.

    from sophia_crew import crews, kickoff
    report = crews.sales_coach.kickoff(transcript="call.vtt")
"""

from __future__ import annotations

from typing import Any

from .api import CrewHandle, CrewNamespace, crews
from .errors import ConfigError, InputError, RunFailed, SophiaError

__version__ = "0.1.0"


def kickoff(crew: str, inputs: dict[str, Any] | None = None, **kwargs: Any):
    """Run a crew; see :func:`sophia_crew.runner.kickoff` (imported lazily: crewAI is slow to import)."""
    from .runner import kickoff as _kickoff

    return _kickoff(crew, inputs, **kwargs)


__all__ = [
    "ConfigError",
    "CrewHandle",
    "CrewNamespace",
    "InputError",
    "RunFailed",
    "SophiaError",
    "__version__",
    "crews",
    "kickoff",
]
