"""MCP server: sophia_crew's tools, crews, runs and knowledge for any MCP client (stdio or streamable HTTP).

    sophia mcp token create --scope read        # prints a bearer token once
    sophia mcp serve --http --port 8765         # http://127.0.0.1:8765/mcp, one JSON body per call (--sse: streams)
    sophia mcp serve --http --stateless --workers 2   # several processes for many concurrent clients
    sophia mcp serve                            # stdio
"""

from __future__ import annotations

import importlib

# Names resolve on first use: ``from sophia_crew.mcp_server.server import build_server`` (stdio, in-process)
# must not load the token store (SQLAlchemy) or the HTTP transport.
_EXPORTS = {
    "Caller": "server", "SophiaMCP": "server", "build_server": "server", "crew_input_schema": "server",
    "error_result": "server",
    "TokenInfo": "tokens", "TokenStore": "tokens",
    "RateLimitMiddleware": "transport", "SharedTokenBuckets": "transport", "StoreTokenVerifier": "transport",
    "TokenBuckets": "transport", "build_http_app": "transport", "serve_http": "transport", "serve_stdio": "transport",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
