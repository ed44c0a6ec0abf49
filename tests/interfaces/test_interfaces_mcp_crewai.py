"""A crewAI agent consuming our MCP server through crewAI's own MCP client (``Agent(mcps=[...])``).

The agent's LLM is a ScriptedLLM (no network). Over stdio (what a local crewAI project would use:
``MCPServerStdio(command="sophia", args=["mcp", "serve"])``) it works as is. Over streamable HTTP, crewAI
1.15.30 on Python 3.11 fails every native MCP tool call at teardown (see the xfail test below).
"""

from __future__ import annotations

import json
import os
import sys

import pytest
from interfaces_support import MINI_SRC, ServerThread, mini_workspace

from sophia_crew.mcp_server import TokenStore, build_http_app
from sophia_crew.runner import quiet_environment

SERVER = """
import sys
sys.path.insert(0, {spine!r})
import spine_support  # the mini crew's tools
from sophia_crew.mcp_server import serve_stdio
serve_stdio({ws!r})
"""


pytestmark = pytest.mark.usefixtures("sophia_home")


def run_agent(server_config, tool_name: str, numbers: str):
    from crewai import Agent, Crew, Task

    from sophia_crew.testing import ScriptedLLM

    llm = ScriptedLLM.from_steps([
        {"respond": "Thought: I need exact statistics from the tool.\n"
                    f"Action: {tool_name}\nAction Input: {json.dumps({'numbers_file': numbers})}"},
        {"respond": "Thought: I now know the final answer\nFinal Answer: 4 numbers, total 53.5, maximum 30.0."},
    ])
    analyst = Agent(role="Numbers Analyst", goal="Report exact statistics", backstory="You use tools.",
                    llm=llm, mcps=[server_config], max_iter=3)
    task = Task(description=f"Give the count, total and maximum of the numbers in {numbers}.",
                expected_output="One sentence with the figures.", agent=analyst)
    output = Crew(agents=[analyst], tasks=[task]).kickoff()
    return output, llm


def prefixed(server_name: str, tool: str) -> str:
    from crewai.mcp.tool_resolver import MCPToolResolver
    from crewai.utilities.string_utils import sanitize_tool_name

    return sanitize_tool_name(f"{MCPToolResolver._ensure_letter_prefix(server_name)}_{tool}")


def test_crewai_agent_uses_our_mcp_server_over_stdio(tmp_path):
    quiet_environment()
    from crewai.mcp import MCPServerStdio
    from crewai.mcp.filters import create_static_tool_filter

    ws = mini_workspace(tmp_path / "ws")
    script = tmp_path / "serve.py"
    script.write_text(SERVER.format(spine=str(MINI_SRC.parents[2] / "spine"), ws=str(ws)))
    # crewAI starts the server with MCP's minimal default environment: pass ours (SOPHIA_HOME is a tmp dir)
    server = MCPServerStdio(command=sys.executable, args=[str(script)], env=dict(os.environ),
                            tool_filter=create_static_tool_filter(allowed_tool_names=["spine_stats"]))
    output, llm = run_agent(server, prefixed(f"{sys.executable}_{script}", "spine_stats"), str(ws / "numbers.txt"))
    assert output.raw == "4 numbers, total 53.5, maximum 30.0."
    assert llm.remaining == 0
    seen = llm.calls[1].transcript  # what the agent read back from our MCP tool
    assert '"total": 53.5' in seen and "error" not in seen.split("Observation:")[-1].lower()


@pytest.mark.xfail(strict=True, reason="crewAI 1.15.30 on Python 3.11: MCPNativeTool._run calls asyncio.run inside "
                   "`except RuntimeError` (its loop probe), so the harmless cancel-scope teardown error of the HTTP "
                   "transport is reported with 'no running event loop' as a transport failure")
def test_crewai_agent_uses_our_mcp_server_over_http(tmp_path):
    quiet_environment()
    from crewai.mcp import MCPServerHTTP
    from crewai.mcp.filters import create_static_tool_filter

    ws = mini_workspace(tmp_path / "ws")
    store = TokenStore()
    token, _ = store.create("read", name="crewai-agent")
    app, _ = build_http_app(ws, store=store)
    with ServerThread(app) as srv:
        server = MCPServerHTTP(url=srv.url, headers={"Authorization": f"Bearer {token}"},
                               tool_filter=create_static_tool_filter(allowed_tool_names=["spine_stats"]))
        _, llm = run_agent(server, prefixed(f"127_0_0_1:{srv.port}_mcp", "spine_stats"),
                                str(ws / "numbers.txt"))
    assert '"total": 53.5' in llm.calls[1].transcript
