"""MCP server through the real MCP client session: in memory and over streamable HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import multiprocessing

import anyio
import httpx
import pytest
from interfaces_support import ServerThread, mini_workspace
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.memory import create_connected_server_and_client_session
from typer.testing import CliRunner

from sophia_crew.errors import InputError
from sophia_crew.mcp_server import (
    SharedTokenBuckets,
    TokenBuckets,
    TokenStore,
    build_http_app,
    build_server,
    serve_http,
)
from sophia_crew.mcp_server import transport as mcp_transport
from sophia_crew.store.repo import RunStore

pytestmark = pytest.mark.usefixtures("sophia_home")


@pytest.fixture
def ws(tmp_path):
    return mini_workspace(tmp_path / "ws")


def in_memory(server, body):
    async def main():
        async with create_connected_server_and_client_session(server._mcp_server) as client:
            return await body(client)

    return anyio.run(main)


def over_http(url, token, body):
    async def main():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (create_mcp_http_client(headers=headers) as http,
                    streamable_http_client(url, http_client=http) as (read, write, _),
                    ClientSession(read, write) as client):
            await client.initialize()
            return await body(client)

    return anyio.run(main)


def test_in_memory_lists_tools_calls_a_tool_and_kicks_off_a_crew(ws):
    server = build_server(ws)
    numbers = str(ws / "numbers.txt")

    async def body(client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        stats = await client.call_tool("spine_stats", {"numbers_file": numbers})
        bad = await client.call_tool("spine_stats", {"numbers_file": str(ws / "nope.txt")})
        run = await client.call_tool("kickoff_mini", {"numbers_file": numbers, "threshold": 20})
        report = await client.read_resource(f"sophia://reports/{run.structuredContent['run_id']}")
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        explain = await client.get_prompt("explain_run", {"run_id": run.structuredContent["run_id"]})
        return tools, stats, bad, run, report, prompts, explain.messages[0].content.text

    tools, stats, bad, run, report, prompts, explain = in_memory(server, body)
    # schema straight from the registry's Pydantic args model
    assert tools["spine_stats"].inputSchema["required"] == ["numbers_file"]
    assert tools["spine_threshold"].inputSchema["properties"]["threshold"]["default"] == 10.0
    assert tools["kickoff_mini"].inputSchema["required"] == ["numbers_file"]
    assert "crm_log_note" not in tools  # write tools are not even listed for a read-only session
    assert stats.structuredContent == {"count": 4, "total": 53.5, "mean": 13.375, "maximum": 30.0}
    assert bad.isError and bad.structuredContent["error"]["type"] == "input_error"
    assert "nope.txt: no such file" in bad.structuredContent["error"]["message"]
    assert not run.isError
    assert run.structuredContent["report"]["above_threshold"] == 1  # only 30 > 20
    assert run.structuredContent["tools_called"] == ["spine_stats", "spine_threshold"]
    stored = RunStore().get_run(run.structuredContent["run_id"])
    assert (stored["trigger"], stored["status"]) == ("mcp", "succeeded")
    assert '"above_threshold": 1' in report.contents[0].text
    assert {"run_crew", "explain_run"} <= prompts
    assert explain.startswith(f"Read the resource sophia://runs/{run.structuredContent['run_id']}.")


def test_in_memory_write_tool_needs_write_scope_and_only_plans(ws):
    async def call(client):
        return await client.call_tool("crm_log_note", {"system": "hubspot", "record_id": "123",
                                                       "body": "Renewal call booked"})

    denied = in_memory(build_server(ws), call)
    assert denied.isError
    assert denied.structuredContent["error"]["type"] == "forbidden"
    assert denied.structuredContent["error"]["required_scope"] == "write"
    planned = in_memory(build_server(ws, local_scopes={"read", "write"}), call)
    assert not planned.isError, planned.content
    from sophia_crew.integrations.writes import get_write

    write = get_write(planned.structuredContent["id"])
    assert write.status == "planned"  # planned, not sent: the approval gate stays


@pytest.fixture(params=["json", "sse"])
def http_server(ws, request):
    """The server with each response style: one JSON body per call (default) and an SSE stream (``--sse``)."""
    store = TokenStore()
    app, _ = build_http_app(ws, store=store, json_response=request.param == "json")
    with ServerThread(app) as srv:
        yield srv, store


def test_http_read_token_calls_tools_and_cannot_use_write_tools(http_server, ws):
    srv, store = http_server
    read_token, _ = store.create("read", name="dashboard")

    async def body(client):
        names = {t.name for t in (await client.list_tools()).tools}
        stats = await client.call_tool("spine_stats", {"numbers_file": str(ws / "numbers.txt")})
        write = await client.call_tool("crm_update_field", {"system": "hubspot", "object_type": "deal",
                                                            "record_id": "1", "field": "amount", "value": "5"})
        return names, stats, write

    names, stats, write = over_http(srv.url, read_token, body)
    assert "spine_stats" in names and "kickoff_mini" in names and "crm_update_field" not in names
    assert stats.structuredContent["total"] == 53.5
    assert write.isError and write.structuredContent["error"]["type"] == "forbidden"

    write_token, _ = store.create("write")
    listed = over_http(srv.url, write_token, lambda c: c.list_tools())
    assert "crm_update_field" in {t.name for t in listed.tools}


def test_http_rejects_missing_wrong_and_revoked_tokens(http_server):
    srv, store = http_server
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    accept = {"Accept": "application/json, text/event-stream"}
    missing = httpx.post(srv.url, json=init, headers=accept)
    wrong = httpx.post(srv.url, json=init, headers={**accept, "Authorization": "Bearer sophia_mcp_guess"})
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert wrong.json()["error"] == "invalid_token"
    token, info = store.create("read")
    assert httpx.post(srv.url, json=init, headers={**accept, "Authorization": f"Bearer {token}"}).status_code == 200
    store.revoke(info.id)  # clears this process's cache: effective at once here
    assert httpx.post(srv.url, json=init, headers={**accept, "Authorization": f"Bearer {token}"}).status_code == 401
    with pytest.raises(ExceptionGroup) as refused:  # the real client cannot even initialize
        over_http(srv.url, "sophia_mcp_wrong", lambda c: c.list_tools())
    assert refused.group_contains(httpx.HTTPStatusError, match="401 Unauthorized")


def test_http_rate_limit_answers_429_per_token(http_server):
    srv, store = http_server
    slow, _ = store.create("read", rate_per_min=20)  # bursts of 2, then one request every 3 s
    other, _ = store.create("read")
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    headers = {"Accept": "application/json, text/event-stream"}
    codes = [httpx.post(srv.url, json=init, headers={**headers, "Authorization": f"Bearer {slow}"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = httpx.post(srv.url, json=init, headers={**headers, "Authorization": f"Bearer {slow}"})
    assert limited.json()["error"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1
    assert httpx.post(srv.url, json=init, headers={**headers, "Authorization": f"Bearer {other}"}).status_code == 200


def test_token_bucket_refills_at_the_token_rate():
    buckets = TokenBuckets()
    assert [buckets.take("t", 60) for _ in range(6)][:6] == [0.0] * 6  # capacity 6 = a tenth of 60/min
    wait = buckets.take("t", 60)
    assert 0 < wait <= 1.0  # one request a second refill


def test_http_kickoff_of_a_crew_over_http(http_server, ws):
    srv, store = http_server
    token, _ = store.create("read")
    result = over_http(srv.url, token, lambda c: c.call_tool("kickoff_mini", {"numbers_file": str(ws / "numbers.txt")}))
    assert not result.isError
    assert result.structuredContent["report"]["count"] == 4
    assert result.structuredContent["report"]["above_threshold"] == 2


def test_token_cli_creates_lists_and_revokes():
    from sophia_crew.cli.mcp import mcp_app

    runner = CliRunner()
    created = runner.invoke(mcp_app, ["token", "create", "--scope", "write", "--name", "ci", "--rate", "100"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("sophia_mcp_")
    info = TokenStore().verify(secret)
    assert (info.name, info.scopes, info.rate_per_min) == ("ci", ["read", "write"], 100)
    listed = runner.invoke(mcp_app, ["token", "list"])
    assert info.id in listed.output and secret not in listed.output
    assert runner.invoke(mcp_app, ["token", "revoke", info.id]).exit_code == 0
    assert TokenStore().verify(secret) is None
    bad = runner.invoke(mcp_app, ["token", "create", "--scope", "admin"])
    assert bad.exit_code == 2 and "--scope" in bad.output
    serve = runner.invoke(mcp_app, ["serve", "--scope", "root"])
    assert serve.exit_code == 2 and "expected read or write" in serve.output


def _take_twice(path: str) -> list[float]:
    buckets = SharedTokenBuckets(path)
    return [buckets.take("tok1", 10), buckets.take("tok1", 10)]


def test_shared_token_buckets_are_one_budget_across_processes(tmp_path):
    path = str(tmp_path / "rate_limits.bin")
    # 10 requests a minute: a burst of 1, then one every 6 s. Two processes asking twice each get ONE
    # request through between them (per-process buckets would let each process through once).
    with multiprocessing.get_context("fork").Pool(2) as pool:
        waits = [w for ws in pool.map(_take_twice, [path, path]) for w in ws]
    assert sorted(w == 0.0 for w in waits) == [False, False, False, True]
    assert all(0 < w <= 6.0 for w in waits if w)
    here = SharedTokenBuckets(path)
    assert here.take("tok1", 10) > 0  # this process sees the same bucket
    assert here.take("tok2", 10) == 0.0  # another token has its own budget
    here.close()


def test_http_stateless_json_worker_app_enforces_auth_scopes_and_shared_rate_limits(ws, tmp_path, monkeypatch):
    """The app each ``--workers N`` process builds (from the environment): stateless, JSON, shared limits."""
    monkeypatch.setattr(mcp_transport, "_freeze_startup_heap", lambda: None)  # keep the test process's GC as is
    monkeypatch.setattr(mcp_transport, "_plain_logging", lambda level: None)
    monkeypatch.setenv(mcp_transport.ENV_CONFIG, json.dumps({
        "workspace": str(ws), "host": "127.0.0.1", "port": 8765, "log_level": "WARNING",
        "buckets_path": str(tmp_path / "rate_limits.bin"), "stateless": True, "json_response": True}))
    store = TokenStore()
    read_token, _ = store.create("read")
    write_token, _ = store.create("write")
    slow, _ = store.create("read", rate_per_min=20)
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    accept = {"Accept": "application/json, text/event-stream"}

    async def body(client):
        info = await client.call_tool("server_info", {})
        stats = await client.call_tool("spine_stats", {"numbers_file": str(ws / "numbers.txt")})
        write = await client.call_tool("crm_log_note", {"system": "hubspot", "record_id": "1", "body": "x"})
        return info.structuredContent, stats.structuredContent, write

    with ServerThread(mcp_transport.http_app_from_env()) as srv:
        info, stats, write = over_http(srv.url, read_token, body)
        write_info = over_http(srv.url, write_token, lambda c: c.call_tool("server_info", {}))
        plain = httpx.post(srv.url, json=init, headers={**accept, "Authorization": f"Bearer {read_token}"})
        missing = httpx.post(srv.url, json=init, headers=accept)
        codes = [httpx.post(srv.url, json=init, headers={**accept, "Authorization": f"Bearer {slow}"}).status_code
                 for _ in range(3)]
        # the limit lives in the shared file: a second worker (here: another handle on it) sees it spent
        assert SharedTokenBuckets(tmp_path / "rate_limits.bin").take(store.verify(slow).id, 20) > 0

    assert stats["total"] == 53.5
    assert (info["server"], info["scopes"]) == ("sophia_crew", ["read"]) and "mini" in info["crews"]
    assert info["write_tools"] == [] and info["write_tools_hidden"] >= 2
    assert write.isError and write.structuredContent["error"]["type"] == "forbidden"
    assert write_info.structuredContent["scopes"] == ["read", "write"]
    assert "crm_log_note" in write_info.structuredContent["write_tools"]
    # stateless + JSON: one JSON body, no session id to carry between workers
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in plain.headers
    assert plain.json()["result"]["serverInfo"]["version"] == __import__("sophia_crew").__version__
    assert missing.status_code == 401
    assert codes == [200, 200, 429]


def test_several_workers_need_stateless_sessions():
    with pytest.raises(InputError, match="needs --stateless"):
        serve_http(workers=2)  # refused before anything is served
    from sophia_crew.cli.mcp import mcp_app

    refused = CliRunner().invoke(mcp_app, ["serve", "--http", "--workers", "2"])
    assert refused.exit_code == 2 and "needs --stateless" in refused.output
