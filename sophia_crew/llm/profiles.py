"""LLM profiles: which model (or the offline policy) writes an agent's text.

Built in:
- ``offline`` (default): a deterministic policy, not a language model. It drives the real crewAI loop,
  calls each task's declared tools and renders the final answer from a template.
- ``openai``: OpenAI chat models; needs ``OPENAI_API_KEY``; model from ``SOPHIA_OPENAI_MODEL``
  (default ``gpt-4o-mini``).
- ``openai_compatible``: any OpenAI-compatible server (Ollama, vLLM, LM Studio): ``SOPHIA_LLM_BASE_URL``,
  ``SOPHIA_LLM_MODEL`` and optionally ``SOPHIA_LLM_API_KEY``.

More profiles can be declared in ``$SOPHIA_HOME/llm.yaml`` (``name: {provider, model, base_url,
api_key_env, temperature}``). The run's profile is ``--llm`` / ``llm=``, else ``SOPHIA_LLM``, else each
agent's ``llm:`` from agents.yaml, else ``offline``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ConfigError, InputError

OFFLINE_LABEL = "offline policy (deterministic templates; no language model)"


class LLMProfile(BaseModel):
    """How to build the LLM of an agent."""

    model_config = ConfigDict(extra="forbid")

    name: str
    provider: Literal["offline", "openai", "openai_compatible"]
    model: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    temperature: float = 0.2
    max_tokens: int | None = None

    @property
    def is_offline(self) -> bool:
        return self.provider == "offline"

    @property
    def label(self) -> str:
        """Who wrote the prose, as reports state it."""
        if self.is_offline:
            return OFFLINE_LABEL
        where = f" at {self.base_url}" if self.base_url else ""
        return f"{self.provider}:{self.model}{where} (language model)"


def _builtin() -> dict[str, LLMProfile]:
    return {
        "offline": LLMProfile(name="offline", provider="offline"),
        "openai": LLMProfile(
            name="openai",
            provider="openai",
            model=os.environ.get("SOPHIA_OPENAI_MODEL", "gpt-4o-mini"),
            api_key_env="OPENAI_API_KEY",
        ),
        "openai_compatible": LLMProfile(
            name="openai_compatible",
            provider="openai_compatible",
            model=os.environ.get("SOPHIA_LLM_MODEL"),
            base_url=os.environ.get("SOPHIA_LLM_BASE_URL"),
            api_key_env="SOPHIA_LLM_API_KEY",
        ),
    }


def profiles_path() -> Path:
    """The user's LLM profile file (``SOPHIA_LLM_PROFILES`` or ``$SOPHIA_HOME/llm.yaml``; may not exist)."""
    from ..resources import data_dir

    return Path(os.environ.get("SOPHIA_LLM_PROFILES", data_dir() / "llm.yaml"))


def _user_profiles() -> dict[str, LLMProfile]:
    path = profiles_path()
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: (top level): expected a mapping of profile names")
    out = {}
    for name, body in data.items():
        try:
            out[name] = LLMProfile(name=name, **(body or {}))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ConfigError(f"{path}:1: {name}.{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    return out


def profiles() -> dict[str, LLMProfile]:
    """Every known profile by name (built-in, then user-defined)."""
    return {**_builtin(), **_user_profiles()}


def key_env_names() -> list[str]:
    """The environment variables that hold some profile's API key (secrets to mask, whatever their names)."""
    return sorted({p.api_key_env for p in profiles().values() if p.api_key_env})


def profile_names() -> list[str]:
    return sorted(profiles())


def resolve_profile(name: str | None) -> LLMProfile:
    """The profile called ``name``; InputError naming the known ones if absent."""
    known = profiles()
    if name is None:
        name = "offline"
    try:
        return known[name]
    except KeyError:
        raise InputError(f"--llm: unknown LLM profile {name!r} (known: {', '.join(sorted(known))})") from None


def run_profile_override(explicit: str | None) -> str | None:
    """Profile forced on every agent of a run: ``explicit`` (CLI/API) or ``SOPHIA_LLM``."""
    return explicit or os.environ.get("SOPHIA_LLM") or None


def preflight(profile: LLMProfile) -> str | None:
    """Check a profile's settings before any run starts; returns its API key (None when not needed)."""
    if profile.is_offline:
        return None
    key = os.environ.get(profile.api_key_env) if profile.api_key_env else None
    if profile.provider == "openai" and not key:
        raise InputError(f"LLM profile {profile.name!r}: set {profile.api_key_env} (no key found)")
    if profile.provider == "openai_compatible" and (not profile.base_url or not profile.model):
        raise InputError(
            f"LLM profile {profile.name!r}: set SOPHIA_LLM_BASE_URL and SOPHIA_LLM_MODEL "
            "(e.g. http://127.0.0.1:11434/v1 and llama3.1)"
        )
    return key


def build_chat_llm(profile: LLMProfile) -> Any:
    """A ``crewai.LLM`` for a language-model profile (never called for ``offline``)."""
    from crewai import LLM

    key = preflight(profile)
    if profile.provider == "openai":
        return LLM(model=f"openai/{profile.model}", api_key=key, temperature=profile.temperature,
                   max_tokens=profile.max_tokens)
    return LLM(model=f"openai/{profile.model}", base_url=profile.base_url, api_key=key or "not-needed",
               temperature=profile.temperature, max_tokens=profile.max_tokens)
