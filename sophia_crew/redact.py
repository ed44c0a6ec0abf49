"""Keep secrets out of logs, reports and the run store.

Values of environment variables whose names look secret (``*KEY*``, ``*TOKEN*``, ``*SECRET*``,
``*PASSWORD*``) are masked wherever they appear, and mapping keys with such names are masked whole.
"""

from __future__ import annotations

import os
import re
from typing import Any

SECRET_NAME = re.compile(r"(api[_-]?key|token|secret|password|passwd|authorization|credential)", re.I)
MASK = "***"


def secret_values(extra: list[str] | None = None) -> list[str]:
    """Secret values currently configured (env vars with secret-looking names), longest first."""
    values = [v for k, v in os.environ.items() if SECRET_NAME.search(k) and v and len(v) >= 6]
    values += [v for v in (extra or []) if v and len(v) >= 6]
    return sorted(set(values), key=len, reverse=True)


def redact(value: Any, secrets: list[str] | None = None) -> Any:
    """A copy of ``value`` (str / list / dict, nested) with every secret masked."""
    secrets = secret_values() if secrets is None else secrets
    if isinstance(value, str):
        for s in secrets:
            value = value.replace(s, MASK)
        return value
    if isinstance(value, dict):
        return {k: (MASK if isinstance(k, str) and SECRET_NAME.search(k) and v not in (None, "")
                    else redact(v, secrets)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, secrets) for v in value]
    return value
