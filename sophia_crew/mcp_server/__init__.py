"""MCP server: sophia_crew's tools, crews, runs and knowledge for any MCP client (stdio or streamable HTTP).

    sophia mcp token create --scope read        # prints a bearer token once
    sophia mcp serve --http --port 8765         # http://127.0.0.1:8765/mcp, one JSON body per call (--sse: streams)
    sophia mcp serve --http --stateless --workers 2   # several processes for many concurrent clients
    sophia mcp serve                            # stdio
"""

from .server import Caller, SophiaMCP, build_server, crew_input_schema, error_result
from .tokens import TokenInfo, TokenStore
from .transport import (
    RateLimitMiddleware,
    SharedTokenBuckets,
    StoreTokenVerifier,
    TokenBuckets,
    build_http_app,
    serve_http,
    serve_stdio,
)

__all__ = ["Caller", "RateLimitMiddleware", "SharedTokenBuckets", "SophiaMCP", "StoreTokenVerifier", "TokenBuckets",
           "TokenInfo", "TokenStore", "build_http_app", "build_server", "crew_input_schema", "error_result", "serve_http",
           "serve_stdio"]
