"""Keep secrets out of logs, reports, approvals and the run store: the one place that masks them.

A secret is masked wherever it appears if it is

* the value of an environment variable whose name looks secret (``*KEY*``, ``*TOKEN*``, ``*SECRET*``,
  ``*PASSWORD*``, ``*CREDENTIAL*``, ``*AUTHORIZATION*``);
* a secret field of the integration settings, wherever it was read from (environment, ``.env`` file or the
  YAML profile), with derived forms such as a Gong Basic-auth blob;
* the key of an LLM profile (the variable named by its ``api_key_env``, whatever that name is).

Mapping keys with secret-looking names are masked whole.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

SECRET_NAME = re.compile(r"(api[_-]?key|token|secret|password|passwd|authorization|credential)", re.I)
MASK = "***"
MIN_ENV_SECRET = 6  # shorter values of secret-looking env variables are flags ("true"), not secrets
MIN_CONFIGURED_SECRET = 4  # a field declared secret is masked even when short


def mask(text: str, secrets: list[str]) -> str:
    """``text`` with every value of ``secrets`` (longest first) replaced by ``***``."""
    for value in sorted(secrets, key=len, reverse=True):
        if value and value in text:
            text = text.replace(value, MASK)
    return text


def secret_values(extra: list[str] | None = None) -> list[str]:
    """Every secret currently configured (see the module docstring), plus ``extra``; longest first."""
    values = [v for k, v in os.environ.items() if SECRET_NAME.search(k) and v and len(v) >= MIN_ENV_SECRET]
    values += _configured_secrets(_config_fingerprint())
    values += [v for v in (extra or []) if v and len(v) >= MIN_CONFIGURED_SECRET]
    return sorted(set(values), key=len, reverse=True)


def redact(value: Any, secrets: list[str] | None = None) -> Any:
    """A copy of ``value`` (str / list / dict, nested) with every secret masked."""
    secrets = secret_values() if secrets is None else secrets
    if isinstance(value, str):
        return mask(value, secrets)
    if isinstance(value, dict):
        return {k: (MASK if isinstance(k, str) and SECRET_NAME.search(k) and v not in (None, "")
                    else redact(v, secrets)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, secrets) for v in value]
    return value


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def _config_fingerprint() -> tuple:
    """What the configured secrets depend on: SOPHIA_* variables and the files they are read from."""
    from .integrations.settings import profile_path
    from .llm.profiles import profiles_path

    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("SOPHIA_")))
    files = (Path(".env").resolve(), profile_path(), profiles_path())
    return env, tuple((str(p), _mtime(p)) for p in files)


@functools.lru_cache(maxsize=8)
def _configured_secrets(fingerprint: tuple) -> list[str]:
    """Secrets of the integration settings and the LLM profiles' keys (cached per configuration state)."""
    from .integrations.settings import load_settings
    from .llm.profiles import key_env_names

    values: list[str] = []
    try:
        values += [v for v in load_settings().secret_values() if len(v) >= MIN_CONFIGURED_SECRET]
    except Exception:  # a broken settings file is reported where it is used; masking must never raise
        pass
    try:
        names = key_env_names()
    except Exception:
        names = []
    values += [os.environ[n] for n in names if len(os.environ.get(n, "")) >= MIN_CONFIGURED_SECRET]
    return values
