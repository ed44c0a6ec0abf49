"""The notebook/Python API: ``from sophia_crew import crews``.

    report = crews.sales_coach.kickoff(transcript="call.vtt")   # the typed report
    result = crews.sales_coach.run(transcript="call.vtt")       # RunResult: report, receipts, files
    crews.list()                                                 # ['client_health', 'sales_coach', ...]

Both call :func:`sophia_crew.runner.kickoff`, the function the CLI, scheduler and MCP server call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class CrewHandle:
    """One crew, callable from Python."""

    def __init__(self, name: str, workspace: str | Path | None = None):
        self.name = name
        self.workspace = workspace

    def run(self, *, llm: str | None = None, out_dir: str | Path | None = None, **inputs: Any):
        """Run the crew and return the full :class:`~sophia_crew.runner.RunResult`."""
        import asyncio

        from .runner import kickoff

        def go():
            return kickoff(self.name, inputs, llm=llm, workspace=self.workspace, out_dir=out_dir, trigger="api")

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return go()
        # inside a running event loop (Jupyter): crewAI refuses a synchronous kickoff there, so use a thread
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(go).result()

    def kickoff(self, *, llm: str | None = None, out_dir: str | Path | None = None, **inputs: Any) -> Any:
        """Run the crew and return its typed report."""
        return self.run(llm=llm, out_dir=out_dir, **inputs).report

    @property
    def spec(self):
        """The crew's YAML definition."""
        from .runner import cached_workspace

        return cached_workspace(self.workspace).crew(self.name)

    def __repr__(self) -> str:
        return f"<crew {self.name}>"


class CrewNamespace:
    """Attribute access to crews: ``crews.sales_coach``; ``crews.list()`` names them."""

    def __init__(self, workspace: str | Path | None = None):
        self._workspace = workspace

    def list(self) -> list[str]:
        """Names of every crew in the workspace."""
        from .runner import cached_workspace

        return sorted(cached_workspace(self._workspace).crews)

    def get(self, name: str) -> CrewHandle:
        """The crew called ``name`` (ConfigError if unknown)."""
        from .runner import cached_workspace

        cached_workspace(self._workspace).crew(name)
        return CrewHandle(name, self._workspace)

    def with_workspace(self, workspace: str | Path) -> CrewNamespace:
        return CrewNamespace(workspace)

    @property
    def manager(self):
        """The request manager: ``crews.manager.ask("which accounts are at risk?")``."""
        from .orchestration.manager import Manager

        return Manager(self._workspace)

    def __getattr__(self, name: str) -> CrewHandle:
        if name.startswith("_"):
            raise AttributeError(name)
        from .errors import ConfigError

        try:
            return self.get(name)
        except ConfigError as exc:
            raise AttributeError(str(exc)) from None

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self.list()]


crews = CrewNamespace()
