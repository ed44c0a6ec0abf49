"""Load test of the MCP server over streamable HTTP on 127.0.0.1.

    /work/venv/bin/python bench/mcp_load.py [--clients 50] [--duration 20] [--tool call_metrics]
                                            [--think-ms 0] [--json-response]

Starts ``sophia mcp serve --http`` in a subprocess (its own SOPHIA_HOME in a temp dir, one write-free
read token with a rate limit high enough not to interfere), then runs N concurrent MCP client sessions
(the official ``mcp`` client), each calling one deterministic tool in a loop for the duration
(closed loop: a client sends its next call when the previous one returns, after ``--think-ms``).
Prints p50/p95/p99 latency, throughput and the error count; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAX_CALLS_PER_CLIENT = 100_000  # a bound besides the clock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool_arguments(tool: str) -> dict:
    from sophia_crew.resources import demo_path

    if tool == "call_metrics":
        return {"transcript": str(min(demo_path("calls").glob("*.vtt")))}
    if tool == "crm_accounts":
        return {"source": "demo"}
    raise SystemExit(f"--tool {tool}: no bench arguments known (use call_metrics or crm_accounts)")


class Run:
    """Shared state: clients connect first, then all start together and stop at the same deadline."""

    def __init__(self, clients: int):
        self.clients = clients
        self.ready = 0
        self.all_ready = asyncio.Event()
        self.start = asyncio.Event()
        self.deadline = 0.0
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def arrived(self) -> None:
        self.ready += 1
        if self.ready == self.clients:
            self.all_ready.set()


async def client(run: Run, url: str, token: str, tool: str, args: dict, think_s: float) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    arrived = False
    try:
        async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http:
            async with streamable_http_client(url, http_client=http) as (read, write, _):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    await session.list_tools()  # what a client does first; also primes result validation
                    run.arrived()
                    arrived = True
                    await run.start.wait()
                    for _ in range(MAX_CALLS_PER_CLIENT):
                        if time.monotonic() >= run.deadline:
                            break
                        t0 = time.perf_counter()
                        try:
                            result = await session.call_tool(tool, args)
                            if result.isError:
                                run.errors.append(str(result.structuredContent)[:200])
                            else:
                                run.latencies.append(time.perf_counter() - t0)
                        except Exception as exc:  # noqa: BLE001 — counted, the run goes on
                            run.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                        if think_s:
                            await asyncio.sleep(think_s)
    except Exception as exc:  # noqa: BLE001 — counted as an error
        run.errors.append(f"session: {type(exc).__name__}: {exc}"[:200])
    finally:
        if not arrived:
            run.arrived()


async def load(url: str, token: str, tool: str, clients: int, duration: float, think_s: float):
    args = tool_arguments(tool)
    run = Run(clients)
    tasks = [asyncio.create_task(client(run, url, token, tool, args, think_s)) for _ in range(clients)]
    await asyncio.wait_for(run.all_ready.wait(), timeout=120)  # connection setup is not measured
    t0 = time.monotonic()
    run.deadline = t0 + duration
    run.start.set()
    await asyncio.gather(*tasks)
    return run.latencies, run.errors, time.monotonic() - t0


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--tool", default="call_metrics")
    ap.add_argument("--think-ms", type=float, default=0.0)
    ap.add_argument("--json-response", action="store_true", help="server answers plain JSON, not SSE")
    opts = ap.parse_args()
    opts.load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SOPHIA_HOME": home, "XDG_DATA_HOME": home}
        env.pop("SOPHIA_DATABASE_URL", None)
        os.environ.update({"SOPHIA_HOME": home, "XDG_DATA_HOME": home})
        from sophia_crew.mcp_server import TokenStore

        token, _ = TokenStore().create("read", name="bench", rate_per_min=10_000_000)
        port = free_port()
        log = Path(home) / "server.log"
        with open(log, "w") as fh:
            # what `sophia mcp serve --http --port N` runs, with uvicorn's per-request access log off
            code = f"from sophia_crew.mcp_server import serve_http; serve_http(port={port}, log_level='warning', json_response={opts.json_response})"
            server = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/mcp"
            deadline = time.monotonic() + 60
            while True:  # wait for the port
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit(f"server did not start:\n{log.read_text()[-2000:]}")
                    time.sleep(0.2)
            server_cpu0, client_cpu0 = cpu_seconds(server.pid), time.process_time()
            latencies, errors, wall = asyncio.run(load(url, token, opts.tool, opts.clients, opts.duration,
                                                       opts.think_ms / 1000))
            server_cpu = cpu_seconds(server.pid) - server_cpu0
            client_cpu = time.process_time() - client_cpu0
        finally:
            server.terminate()
            server.wait(15)
    ms = sorted(x * 1000 for x in latencies)
    load_before = opts.load_before
    print(f"MCP streamable HTTP load: {opts.clients} clients x {opts.duration:.0f} s, tool {opts.tool}, "
          f"think {opts.think_ms:.0f} ms, {'JSON' if opts.json_response else 'SSE'} responses, server on "
          f"127.0.0.1 (1 process), {os.cpu_count()} CPUs, load average before {load_before:.1f}")
    if not ms:
        print(f"no successful calls; errors: {len(errors)}: {errors[:3]}")
        raise SystemExit(1)
    p50, p95, p99 = pct(ms, 50), pct(ms, 95), pct(ms, 99)
    print(f"calls ok        {len(ms)}")
    print(f"errors          {len(errors)}" + (f"  e.g. {errors[0]}" if errors else ""))
    print(f"throughput      {len(ms) / wall:.0f} calls/s")
    print(f"latency p50     {p50:.1f} ms")
    print(f"latency p95     {p95:.1f} ms   (goal < 50 ms: {'met' if p95 < 50 else 'NOT met'}; "
          f"ratio to goal {p95 / 50:.2f})")
    print(f"latency p99     {p99:.1f} ms")
    print(f"latency max     {ms[-1]:.1f} ms")
    print(f"server CPU      {server_cpu * 1000 / len(ms):.1f} ms per call (includes session setup/teardown)")
    print(f"client CPU      {client_cpu * 1000 / len(ms):.1f} ms per call (the 50 clients share this process)")


if __name__ == "__main__":
    main()
