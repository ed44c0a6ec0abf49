"""One exception hierarchy for everything sophia_crew raises on purpose."""

from __future__ import annotations


class SophiaError(Exception):
    """Base class of every error sophia_crew raises deliberately."""

    exit_code = 1


class InputError(SophiaError):
    """Bad input from the user: a file, a field or a value. CLI exit code 2.

    The message is one line naming the file and/or field, e.g.
    ``calls/demo.vtt: line 14: timestamp goes backwards``.
    """

    exit_code = 2


class ConfigError(InputError):
    """A workspace YAML file is invalid; carries ``file:line: field: message`` entries."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class RunFailed(SophiaError):
    """A crew run started but did not finish (tool error, budget, LLM failure)."""

    exit_code = 1


class IntegrationError(SophiaError):
    """An external system refused or failed (auth, rate limit exhausted, 5xx)."""

    exit_code = 1
