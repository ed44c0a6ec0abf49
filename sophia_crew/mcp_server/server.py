"""The MCP server (official ``mcp`` SDK, FastMCP v1 API) over sophia_crew's tool registry and crews.

* every registered tool is an MCP tool whose input schema is the tool's own Pydantic args model;
  write tools (``writes=True``) are listed and callable only with the ``write`` scope, and even then
  they only PLAN a write (a human applies it: ``sophia writes apply ID``);
* every crew is a tool ``kickoff_<crew>`` that runs :func:`sophia_crew.runner.kickoff` (``trigger="mcp"``)
  in a worker thread and returns the structured report;
* runs and knowledge files are resources, common asks are prompts (:mod:`.content`);
* ``server_info`` (MCP only, not a crew tool) tells a client what its token may do: the cheapest call
  there is, so a health check and the protocol-overhead load test (``bench/mcp_load.py``) use it.

Errors are tool results with ``isError`` and ``structuredContent = {"error": {"type", "message", ...}}``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool
from pydantic import BaseModel, ValidationError

from ..errors import InputError, IntegrationError, RunFailed, SophiaError
from ..redact import redact
from ..registry import ToolSpec, get_tool, to_jsonable, tool_names

log = logging.getLogger("sophia_crew.mcp")

CREW_PREFIX = "kickoff_"
SERVER_INFO = "server_info"
INPUT_TYPES = {"str": {"type": "string"}, "path": {"type": "string", "description": "a file or folder path"},
               "date": {"type": "string", "format": "date"}, "int": {"type": "integer"},
               "float": {"type": "number"}, "bool": {"type": "boolean"}, "list": {"type": "array"}}


@dataclass(frozen=True)
class Caller:
    """Who is calling: scopes and token id (None for the local stdio / in-memory session)."""

    scopes: frozenset[str]
    token_id: str | None = None

    @property
    def can_write(self) -> bool:
        return "write" in self.scopes


@dataclass(frozen=True)
class _Entry:
    tool: MCPTool
    needs_write: bool
    spec: ToolSpec | None = None
    crew: str | None = None
    inline: bool = False  # microseconds of pure in-memory work: run on the event loop, no worker-thread hop


def error_result(kind: str, message: str, **extra: Any) -> CallToolResult:
    """A structured tool error: ``{"error": {"type": kind, "message": message, ...}}``."""
    payload = {"error": {"type": kind, "message": redact(message), **extra}}
    return CallToolResult(content=[TextContent(type="text", text=json.dumps(payload))],
                          structuredContent=payload, isError=True)


def ok_result(value: Any) -> CallToolResult:
    data = to_jsonable(value)
    structured = data if isinstance(data, dict) else {"result": data}
    return CallToolResult(content=[TextContent(type="text", text=json.dumps(data, default=str))],
                          structuredContent=structured, isError=False)


def crew_input_schema(crew: Any) -> dict[str, Any]:
    """JSON Schema of a crew's kickoff inputs (from ``inputs:`` in its YAML)."""
    props, required = {}, []
    for name, spec in crew.inputs.items():
        prop = dict(INPUT_TYPES[spec.type])
        if spec.description:
            prop["description"] = spec.description
        if spec.default is not None:
            prop["default"] = spec.default
        props[name] = prop
        if spec.required and spec.default is None:
            required.append(name)
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


class SophiaMCP(FastMCP):
    """FastMCP serving the tool registry and the crews, with scope checks per caller.

    Args:
        workspace: workspace directory whose crews become ``kickoff_<crew>`` tools (None: bundled).
        local_scopes: scopes of a session without HTTP auth (stdio, in-memory): ``{"read"}`` by default.
        max_concurrent_runs: crew kickoffs running at once (more wait).
        **kwargs: passed to FastMCP (name, host, port, auth, token_verifier, ...).
    """

    def __init__(self, workspace: str | Path | None = None, *, local_scopes: set[str] | None = None,
                 max_concurrent_runs: int = 2, **kwargs: Any):
        kwargs.setdefault("name", "sophia_crew")
        kwargs.setdefault("log_level", "WARNING")
        kwargs.setdefault("instructions", "Revenue-operations tools and crews. Every figure comes from a "
                          "deterministic tool; write tools only plan writes that a human approves.")
        before = list(logging.root.handlers)
        super().__init__(**kwargs)
        # FastMCP.__init__ installs a RichHandler on the root logger (logging.basicConfig): a library must not,
        # and rich tracebacks cost ~0.2 s of event-loop time each. Entry points configure plain logging.
        for handler in [h for h in logging.root.handlers if h not in before]:
            logging.root.removeHandler(handler)
        # serverInfo.version is ours; left empty, the SDK reads the mcp package's metadata from disk on every
        # stateless request (a fifth of the server's CPU per call under load).
        from .. import __version__

        self._mcp_server.version = __version__
        self.workspace = workspace
        self.local_scopes = frozenset(local_scopes or {"read"})
        self._runs = anyio.CapacityLimiter(max_concurrent_runs)
        self._entries = self._build_entries()

    # -- tool table -----------------------------------------------------------------------------
    def _build_entries(self) -> dict[str, _Entry]:
        from ..runner import cached_workspace

        entries: dict[str, _Entry] = {}
        specs = {name: get_tool(name) for name in tool_names()}
        for name, spec in specs.items():
            schema = spec.args_model.model_json_schema()
            tool = MCPTool(name=name, description=spec.description + (
                " (write tool: only PLANS the write; a human approves it)" if spec.writes else ""),
                inputSchema=schema, annotations=ToolAnnotations(readOnlyHint=not spec.writes,
                                                                destructiveHint=spec.writes))
            entries[name] = _Entry(tool, spec.writes, spec=spec)
        ws = cached_workspace(self.workspace)
        for crew_name, crew in sorted(ws.crews.items()):
            tools = {t for a in crew.agents if a in ws.agents for t in ws.agents[a].tools}
            tools |= {t for k in crew.tasks if k in ws.tasks for t in ws.tasks[k].tools}
            writes = any(specs[t].writes for t in tools if t in specs)
            tool = MCPTool(name=CREW_PREFIX + crew_name,
                           description=f"Run the {crew_name} crew and return its structured report. "
                                       f"{crew.description.strip()}",
                           inputSchema=crew_input_schema(crew),
                           annotations=ToolAnnotations(readOnlyHint=not writes, openWorldHint=False))
            entries[tool.name] = _Entry(tool, writes, crew=crew_name)
        if SERVER_INFO not in entries:  # a registered tool of that name wins
            entries[SERVER_INFO] = self._server_info_entry(entries)
        return entries

    def _server_info_entry(self, entries: dict[str, _Entry]) -> _Entry:
        from .. import __version__

        crews = sorted(e.crew for e in entries.values() if e.crew)
        tools = sorted(n for n, e in entries.items() if e.spec is not None)
        write_tools = sorted(n for n, e in entries.items() if e.needs_write)

        class ServerInfoArgs(BaseModel):
            pass

        def server_info() -> dict[str, Any]:
            caller = self.caller()
            return {"server": "sophia_crew", "version": __version__, "scopes": sorted(caller.scopes),
                    "crews": crews, "tools": len(tools),
                    "write_tools": write_tools if caller.can_write else [],
                    "write_tools_hidden": 0 if caller.can_write else len(write_tools)}

        spec = ToolSpec(name=SERVER_INFO, func=server_info, args_model=ServerInfoArgs,
                        description="What this server offers your token: version, your scopes, crews, number "
                                    "of tools and the write tools you may plan (none for a read token).")
        tool = MCPTool(name=SERVER_INFO, description=spec.description,
                       inputSchema=ServerInfoArgs.model_json_schema(),
                       annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False))
        # Inline: handing ~0.1 ms of dict building to a worker thread cost a quarter of the server's CPU per call
        # under load (queue + condition wake-up + GIL hand-over); registered tools may block on I/O, so they keep
        # the thread.
        return _Entry(tool, False, spec=spec, inline=True)

    def caller(self) -> Caller:
        """The current request's caller (HTTP: from its bearer token; otherwise the local scopes)."""
        try:
            request = self._mcp_server.request_context.request
        except LookupError:
            request = None
        if request is None:
            return Caller(self.local_scopes)
        user = request.scope.get("user")
        if isinstance(user, AuthenticatedUser):
            return Caller(frozenset(user.scopes), user.access_token.client_id)
        return Caller(frozenset())

    # -- MCP handlers ---------------------------------------------------------------------------
    async def list_tools(self) -> list[MCPTool]:
        caller = self.caller()
        return [e.tool for e in self._entries.values() if caller.can_write or not e.needs_write]

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> CallToolResult:  # type: ignore[override]
        entry = self._entries.get(name)
        if entry is None:
            return error_result("not_found", f"unknown tool {name!r}")
        caller = self.caller()
        if entry.needs_write and not caller.can_write:
            return error_result("forbidden", f"tool {name!r} plans writes and needs a token with the write "
                                "scope", required_scope="write")
        try:
            if entry.crew is not None:
                return await self._kickoff(entry.crew, arguments or {})
            if entry.inline:
                return ok_result(_run_tool(entry.spec, arguments or {}))
            return ok_result(await anyio.to_thread.run_sync(_run_tool, entry.spec, arguments or {}))
        except ValidationError as exc:
            return error_result("invalid_arguments", f"{name}: {exc.error_count()} invalid argument(s)",
                                errors=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()])
        except InputError as exc:
            return error_result("input_error", str(exc))
        except RunFailed as exc:
            return error_result("run_failed", str(exc))
        except IntegrationError as exc:
            return error_result("integration_error", str(exc))
        except SophiaError as exc:
            return error_result("error", str(exc))
        except Exception as exc:  # a tool bug must come back as a result, not kill the session
            log.exception("tool %s failed", name)
            return error_result("internal_error", f"{type(exc).__name__}: {exc}")

    async def _kickoff(self, crew: str, arguments: dict[str, Any]) -> CallToolResult:
        from ..runner import kickoff

        def run():
            return kickoff(crew, arguments, workspace=self.workspace, trigger="mcp")

        async with self._runs:
            result = await anyio.to_thread.run_sync(run)
        data = result.to_json()
        return ok_result({"run_id": result.run_id, "crew": crew, "written_by": result.written_by,
                          "report": data["report"], "tools_called": [r["tool"] for r in data["receipts"]],
                          "duration_s": data["duration_s"]})


def _run_tool(spec: ToolSpec, arguments: dict[str, Any]) -> Any:
    return spec.run(**arguments)


def build_server(workspace: str | Path | None = None, *, local_scopes: set[str] | None = None,
                 **kwargs: Any) -> SophiaMCP:
    """The MCP server with tools, crews, resources and prompts registered.

    Args:
        workspace: workspace directory for crews (None: bundled / ``SOPHIA_WORKSPACE``).
        local_scopes: scopes of unauthenticated local sessions (stdio, in-memory); default read only.
        **kwargs: passed to :class:`SophiaMCP` / FastMCP (e.g. ``token_verifier``, ``auth``, ``host``).
    """
    from .content import register_content

    server = SophiaMCP(workspace, local_scopes=local_scopes, **kwargs)
    register_content(server)
    return server
