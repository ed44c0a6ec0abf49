"""Load test of the MCP server over streamable HTTP on 127.0.0.1: before vs after, in one run.

    /work/venv/bin/python bench/mcp_load.py [--clients 50] [--duration 20] [--tools server_info,call_metrics]
                                            [--configs before,after] [--client-procs 2] [--client lean|sdk]
                                            [--think-ms 0]

For each server configuration and each tool it starts ``sophia mcp serve --http`` in a subprocess (own
SOPHIA_HOME in a temp dir, one read token whose rate limit does not interfere), then runs N concurrent MCP
clients in ``--client-procs`` separate processes, each calling the tool in a loop for ``--duration`` seconds
(closed loop: the next call leaves when the previous one returned, after ``--think-ms``). Connection setup and
``initialize`` are not measured. Every phase stops by itself; the whole run is bounded by
phases x (duration + ~10 s start-up).

Server configurations:
  before     ``sophia mcp serve --http --sse`` as first committed: stateful sessions, an SSE stream per call,
             server_info in a worker thread, 1 process (see UNDO_FIXES)
  sse        ``sophia mcp serve --http --sse`` now (startup heap frozen for the GC, server_info on the loop)
  json       ``sophia mcp serve --http`` now (the default): stateful sessions, one JSON body per call, 1 process
  stateless  ``--stateless --workers 2``: no session, one JSON body per call, 2 processes sharing the token
             store and the rate-limit table

Tools:
  server_info   the cheapest tool (no I/O, ~0.1 ms): the latency is the protocol's (HTTP, auth, rate limit,
                JSON-RPC dispatch, scope check, argument model, worker thread, result serialisation), which
                is what this bench is about
  call_metrics  metrics of one demo VTT (~10 ms of CPU per call in the tool itself): shows what a real
                deterministic tool costs on top

Clients:
  lean  JSON-RPC over HTTP with aiohttp (what any MCP client sends: initialize, notifications/initialized,
        tools/call; SSE or JSON answers parsed), cheap enough that the load generator is not the bottleneck
  sdk   the official ``mcp`` ClientSession (heavier: ~ms of client CPU per call)

Server and client CPU per call are printed: all of them share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAX_CALLS_PER_CLIENT = 100_000  # a bound besides the clock
PROTOCOL = "2025-06-18"
CONFIGS = {
    "before": {"stateless": False, "json_response": False, "workers": 1, "undo_fixes": True},
    "sse": {"stateless": False, "json_response": False, "workers": 1},
    "json": {"stateless": False, "json_response": True, "workers": 1},
    "stateless": {"stateless": True, "json_response": True, "workers": 2},
}
# "before" = the server as first committed: the same code with the later fixes undone in the server
# process (startup heap not frozen for the GC; serverInfo.version unset, so the SDK reads package metadata per
# stateless request; server_info handed to a worker thread); everything else is identical, so the difference
# is those fixes.
UNDO_FIXES = """
import dataclasses
import sophia_crew.mcp_server.server as _s, sophia_crew.mcp_server.transport as _t
_t._freeze_startup_heap = lambda: None
_init = _s.SophiaMCP.__init__
def _unfixed(self, *a, **k):
    _init(self, *a, **k)
    self._mcp_server.version = None
_s.SophiaMCP.__init__ = _unfixed
_entry = _s.SophiaMCP._server_info_entry
_s.SophiaMCP._server_info_entry = lambda self, entries: dataclasses.replace(_entry(self, entries), inline=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool_arguments(tool: str) -> dict:
    from sophia_crew.resources import demo_path

    if tool == "call_metrics":
        return {"transcript": str(min(demo_path("calls").glob("*.vtt")))}
    if tool == "server_info":
        return {}
    if tool == "crm_accounts":
        return {"source": "demo"}
    raise SystemExit(f"--tools {tool}: no bench arguments known (server_info, call_metrics or crm_accounts)")


# -- clients (run in child processes) ---------------------------------------------------------------
class Stats:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []


def _decode(body: bytes, content_type: str, want_id: int) -> dict:
    """The JSON-RPC response with id ``want_id`` from a JSON body or an SSE stream."""
    if content_type.startswith("text/event-stream"):
        for line in body.decode().splitlines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("id") == want_id:
                    return msg
        raise ValueError("no response in the SSE stream")
    return json.loads(body)


async def lean_client(url, token, tool, args, stats, ready, start, deadline) -> None:
    import aiohttp

    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream",
               "Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1), headers=headers) as http:

        async def rpc(method, params, msg_id=None):
            body = {"jsonrpc": "2.0", "method": method, "params": params}
            if msg_id is not None:
                body["id"] = msg_id
            async with http.post(url, data=json.dumps(body)) as resp:
                raw = await resp.read()
                if resp.status >= 400:
                    raise RuntimeError(f"HTTP {resp.status}: {raw[:120]!r}")
                if msg_id is None:
                    return resp, None
                return resp, _decode(raw, resp.headers.get("content-type", ""), msg_id)

        resp, init = await rpc("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                              "clientInfo": {"name": "mcp_load", "version": "1"}}, 0)
        session = resp.headers.get("mcp-session-id")
        if session:
            http.headers["mcp-session-id"] = session
        http.headers["mcp-protocol-version"] = init["result"]["protocolVersion"]
        await rpc("notifications/initialized", {})
        await rpc("tools/list", {}, 1)
        ready()
        await start()
        for i in range(2, MAX_CALLS_PER_CLIENT):
            if time.monotonic() >= deadline():
                break
            t0 = time.perf_counter()
            try:
                _, msg = await rpc("tools/call", {"name": tool, "arguments": args}, i)
                if "error" in msg or msg["result"].get("isError"):
                    stats.errors.append(json.dumps(msg.get("error") or msg["result"]["structuredContent"])[:200])
                else:
                    stats.latencies.append(time.perf_counter() - t0)
            except Exception as exc:
                stats.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            await think()


async def sdk_client(url, token, tool, args, stats, ready, start, deadline) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    async with (create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http,
                streamable_http_client(url, http_client=http) as (read, write, _),
                ClientSession(read, write) as session):
        await session.initialize()
        await session.list_tools()
        ready()
        await start()
        for _ in range(MAX_CALLS_PER_CLIENT):
            if time.monotonic() >= deadline():
                break
            t0 = time.perf_counter()
            try:
                result = await session.call_tool(tool, args)
                if result.isError:
                    stats.errors.append(str(result.structuredContent)[:200])
                else:
                    stats.latencies.append(time.perf_counter() - t0)
            except Exception as exc:
                stats.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            await think()


THINK_S = 0.0


async def think() -> None:
    await asyncio.sleep(THINK_S)  # 0: still yields to the other clients of this process


def client_process(kind, url, token, tool, args, n, think_s, ready_q, start_ev, deadline_v, result_q) -> None:
    """Run ``n`` clients in this process; report (latencies, errors, CPU seconds during the run)."""
    global THINK_S
    THINK_S = think_s
    stats = Stats()
    run = lean_client if kind == "lean" else sdk_client

    async def main():
        arrived = 0

        def ready():
            nonlocal arrived
            arrived += 1
            if arrived == n:
                ready_q.put(os.getpid())

        async def start():
            while not start_ev.is_set():
                await asyncio.sleep(0.005)

        async def guarded():
            try:
                await run(url, token, tool, args, stats, ready, start, lambda: deadline_v.value)
            except Exception as exc:
                stats.errors.append(f"session: {type(exc).__name__}: {exc}"[:200])
                ready()

        await asyncio.gather(*(guarded() for _ in range(n)))

    cpu0 = time.process_time()
    asyncio.run(main())
    result_q.put((stats.latencies, stats.errors, time.process_time() - cpu0))


# -- server -------------------------------------------------------------------------------------
def tree_cpu(pid: int) -> float:
    """User+system CPU seconds of a process and its live children (uvicorn workers), Linux /proc."""
    total = 0.0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (FileNotFoundError, ProcessLookupError):
            continue
        pids += _children(p)
    return total


def start_server(config: dict, env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = (UNDO_FIXES if config.get("undo_fixes") else "") + (
        f"from sophia_crew.mcp_server import serve_http; serve_http(port={port}, log_level='warning', "
        f"access_log=False, stateless={config['stateless']}, json_response={config['json_response']}, "
        f"workers={config['workers']})")
    with open(log, "w") as fh:
        server = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 120
    while not (_answers(url) and _workers_idle(server.pid, config["workers"])):
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit(f"server did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.3)
    return server, url


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=2).status_code == 401  # up, and auth is on
    except httpx.HTTPError:
        return False


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _workers_idle(pid: int, workers: int) -> bool:
    """With several workers: all of them exist and have finished importing (no CPU used for 0.5 s)."""
    if workers == 1:
        return True
    kids = _children(pid)
    if len(kids) < workers:
        return False
    before = [tree_cpu(k) for k in kids]
    time.sleep(0.5)
    return all(tree_cpu(k) - b < 0.05 for k, b in zip(kids, before, strict=True))


def phase(config_name, tool, opts, env, token, log) -> dict:
    config = CONFIGS[config_name]
    server, url = start_server(config, env, log)
    ctx = mp.get_context("spawn")
    ready_q, result_q = ctx.Queue(), ctx.Queue()
    start_ev, deadline_v = ctx.Event(), ctx.Value("d", 0.0)
    procs = []
    try:
        shares = [opts.clients // opts.client_procs + (i < opts.clients % opts.client_procs)
                  for i in range(opts.client_procs)]
        for n in (s for s in shares if s):
            p = ctx.Process(target=client_process, args=(opts.client, url, token, tool, tool_arguments(tool), n,
                                                         opts.think_ms / 1000, ready_q, start_ev, deadline_v,
                                                         result_q), daemon=True)
            p.start()
            procs.append(p)
        for _ in procs:
            ready_q.get(timeout=120)  # connection setup is not measured
        cpu0 = tree_cpu(server.pid)
        t0 = time.monotonic()
        deadline_v.value = t0 + opts.duration
        start_ev.set()
        results = [result_q.get(timeout=opts.duration + 120) for _ in procs]
        wall = time.monotonic() - t0
        server_cpu = tree_cpu(server.pid) - cpu0
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    latencies = sorted(x * 1000 for r in results for x in r[0])
    errors = [e for r in results for e in r[1]]
    return {"config": config_name, "tool": tool, "ms": latencies, "errors": errors, "wall": wall,
            "server_cpu": server_cpu, "client_cpu": sum(r[2] for r in results)}


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    ap.add_argument("--tools", default="server_info,call_metrics")
    ap.add_argument("--configs", default="before,sse,json,stateless")
    ap.add_argument("--client-procs", type=int, default=2)
    ap.add_argument("--client", choices=["lean", "sdk"], default="lean")
    ap.add_argument("--think-ms", type=float, default=0.0)
    opts = ap.parse_args()
    configs = opts.configs.split(",")
    tools = opts.tools.split(",")
    for name in configs:
        if name not in CONFIGS:
            raise SystemExit(f"--configs: unknown {name!r} ({', '.join(CONFIGS)})")
    for tool in tools:
        tool_arguments(tool)
    load_before = os.getloadavg()[0]

    rows = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SOPHIA_HOME": home, "XDG_DATA_HOME": home}
        env.pop("SOPHIA_DATABASE_URL", None)
        os.environ.update({"SOPHIA_HOME": home, "XDG_DATA_HOME": home})
        from sophia_crew.mcp_server import TokenStore

        token, _ = TokenStore().create("read", name="bench", rate_per_min=10_000_000)
        for tool in tools:
            for name in configs:
                rows.append(phase(name, tool, opts, env, token, Path(home) / f"server-{name}-{tool}.log"))

    print(f"MCP streamable HTTP load on 127.0.0.1: {opts.clients} closed-loop clients x {opts.duration:.0f} s per "
          f"phase, think {opts.think_ms:.0f} ms, {opts.client} clients in {opts.client_procs} processes, "
          f"{os.cpu_count()} CPUs, load average before {load_before:.1f}")
    for name in configs:
        c = CONFIGS[name]
        print(f"  {name:9} {'stateless' if c['stateless'] else 'stateful'}, "
              f"{'JSON' if c['json_response'] else 'SSE'} responses, {c['workers']} server process(es)"
              + (", this session's fixes undone" if c.get("undo_fixes") else ""))
    head = (f"{'config':9} {'tool':13} {'calls':>6} {'errors':>6} {'calls/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'max ms':>7} {'srv CPU/call':>12} {'cli CPU/call':>12} {'p95 goal':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        ms, n = r["ms"], max(1, len(r["ms"]))
        if not ms:
            print(f"{r['config']:9} {r['tool']:13} {0:6} {len(r['errors']):6}  no successful calls: "
                  f"{r['errors'][:1]}")
            continue
        p95 = pct(ms, 95)
        print(f"{r['config']:9} {r['tool']:13} {len(ms):6} {len(r['errors']):6} {len(ms) / r['wall']:7.0f} "
              f"{pct(ms, 50):7.1f} {p95:7.1f} {pct(ms, 99):7.1f} {ms[-1]:7.1f} "
              f"{r['server_cpu'] * 1000 / n:9.2f} ms {r['client_cpu'] * 1000 / n:9.2f} ms "
              f"{'met' if p95 < 50 else 'NOT met':>9}")
    for tool in tools:
        by = {r["config"]: r for r in rows if r["tool"] == tool and r["ms"]}
        base = by.get("before")
        for name, r in by.items():
            if base is None or r is base:
                continue
            print(f"{tool}: {name}/before  p50 {pct(r['ms'], 50) / pct(base['ms'], 50):.2f}x, p95 "
                  f"{pct(r['ms'], 95) / pct(base['ms'], 95):.2f}x, throughput "
                  f"{(len(r['ms']) / r['wall']) / (len(base['ms']) / base['wall']):.2f}x, server CPU per call "
                  f"{(r['server_cpu'] / len(r['ms'])) / (base['server_cpu'] / len(base['ms'])):.2f}x")
    for r in rows:
        if r["errors"]:
            print(f"errors {r['config']}/{r['tool']}: e.g. {r['errors'][0]}")


if __name__ == "__main__":
    main()
