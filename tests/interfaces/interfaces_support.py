"""Shared setup of the interface tests: the spine's `mini` test crew in a private workspace copy."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

sys.path.append(str(Path(__file__).resolve().parents[1] / "spine"))

import spine_support

MINI_SRC = spine_support.MINI_WS


def mini_workspace(dest: Path, schedule: dict | None = None) -> Path:
    """Copy the `mini` crew (only that crew) to ``dest``; optionally give it a ``schedule:`` block."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("agents.yaml", "tasks.yaml", "numbers.txt"):
        shutil.copy(MINI_SRC / name, dest / name)
    shutil.copytree(MINI_SRC / "templates", dest / "templates", dirs_exist_ok=True)
    (dest / "crews").mkdir(exist_ok=True)
    crew = yaml.safe_load((MINI_SRC / "crews" / "mini.yaml").read_text())
    if schedule is not None:
        crew["schedule"] = schedule
    (dest / "crews" / "mini.yaml").write_text(yaml.safe_dump(crew, sort_keys=False))
    return dest


class ServerThread:
    """Serve an ASGI app with uvicorn on 127.0.0.1 and an ephemeral port, in a thread."""

    def __init__(self, app):
        import socket

        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def __enter__(self) -> ServerThread:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
