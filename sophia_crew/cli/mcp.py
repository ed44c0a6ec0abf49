"""``sophia mcp serve`` (stdio or streamable HTTP) and ``sophia mcp token create|list|revoke``.

Mounted by the main CLI: ``mcp_app`` as ``mcp``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..errors import SophiaError
from .common import _console, fail

mcp_app = typer.Typer(help="Serve sophia_crew's tools and crews to MCP clients.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the HTTP transport.", no_args_is_help=True)
mcp_app.add_typer(token_app, name="token")

WorkspaceOpt = typer.Option(None, "--workspace", "-w", envvar="SOPHIA_WORKSPACE",
                            help="Workspace directory with the crews (default: bundled).")


@mcp_app.command("serve")
def serve_cmd(
    http: bool = typer.Option(False, "--http", help="Streamable HTTP at http://HOST:PORT/mcp (default: stdio)."),
    port: int = typer.Option(8765, "--port", help="HTTP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="HTTP bind address (loopback by default)."),
    scope: str = typer.Option("read", "--scope", help="stdio only: read, or write to allow planning writes."),
    json_response: bool = typer.Option(True, "--json-response/--sse", help="HTTP: answer each call with one JSON "
                                       "body (default; about half the server CPU per call) or an SSE stream (only "
                                       "useful for progress messages during a call, which this server does not "
                                       "send)."),
    stateless: bool = typer.Option(False, "--stateless", help="HTTP: no MCP session between requests (any "
                                   "worker answers any request; no server-initiated notifications)."),
    workers: int = typer.Option(1, "--workers", help="HTTP: server processes (more than 1 needs --stateless; "
                                "they share tokens and rate limits)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="HTTP: a log line per request."),
    workspace: Path | None = WorkspaceOpt,
) -> None:
    """Serve MCP on stdio (for a client that launches this command) or over HTTP with bearer tokens."""
    from ..mcp_server import serve_http, serve_stdio
    from ..mcp_server.scopes import SCOPES
    from ..mcp_server.transport import check_http_options

    try:
        if scope not in SCOPES:
            from ..errors import InputError

            raise InputError(f"--scope: expected read or write, got {scope!r}")
        if http:
            check_http_options(workers, stateless)
            _console(stderr=True).print(f"MCP over streamable HTTP at http://{host}:{port}/mcp "
                                        "(bearer token required: `sophia mcp token create`)")
            serve_http(workspace, host=host, port=port, json_response=json_response, stateless=stateless,
                       workers=workers, access_log=access_log)
        else:
            serve_stdio(workspace, scope=scope)
    except SophiaError as exc:
        fail(exc)


@token_app.command("create")
def token_create(
    scope: str = typer.Option("read", "--scope", help="read (read-only tools, crews, resources) or write "
                                                      "(also tools that plan writes)."),
    name: str = typer.Option("", "--name", help="A label (who or what uses the token)."),
    rate: int = typer.Option(600, "--rate", help="Requests per minute allowed for this token."),
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    from ..mcp_server import TokenStore

    try:
        secret, info = TokenStore().create(scope, name=name, rate_per_min=rate)
    except SophiaError as exc:
        fail(exc)
    _console(stderr=True).print(f"token {info.id} ({', '.join(info.scopes)}; {info.rate_per_min}/min) — "
                                "store it now, it is not shown again:")
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List tokens (ids, scopes, limits; never the secrets)."""
    from rich.table import Table

    from ..mcp_server import TokenStore

    tokens = TokenStore().list()
    if as_json:
        sys.stdout.write(json.dumps([t.model_dump(mode="json") for t in tokens], indent=2) + "\n")
        return
    table = Table("id", "name", "scopes", "rate/min", "created", "revoked")
    for t in tokens:
        table.add_row(t.id, t.name, ",".join(t.scopes), str(t.rate_per_min), f"{t.created_at:%Y-%m-%d %H:%M}",
                      "yes" if t.revoked else "")
    _console().print(table)


@token_app.command("revoke")
def token_revoke(token_id: str = typer.Argument(..., help="Token id (from `sophia mcp token list`).")) -> None:
    """Revoke a token (servers notice within a few seconds)."""
    from ..mcp_server import TokenStore

    try:
        TokenStore().revoke(token_id)
    except SophiaError as exc:
        fail(exc)
    _console().print(f"revoked token {token_id}")
