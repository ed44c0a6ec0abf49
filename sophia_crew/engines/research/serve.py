"""Serve a directory of saved pages on 127.0.0.1 so offline demos use the normal fetch path."""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from sophia_crew.errors import InputError


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        # a saved site is pages, not a file browser: never list a folder's files
        self.send_error(404, "Not Found")


@contextmanager
def serve_directory(path: str | Path) -> Iterator[str]:
    """Serve ``path`` over HTTP on 127.0.0.1 (ephemeral port) for the duration of the block.

    Args:
        path: directory of saved pages (may contain ``robots.txt``).

    Yields:
        Base URL such as ``http://127.0.0.1:54321`` (no trailing slash).

    Raises:
        InputError: ``path`` is not a directory.
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory of saved pages")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"serve:{root.name}", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_SERVED: dict[str, str] = {}
_SERVERS = ExitStack()
atexit.register(_SERVERS.close)
_SERVED_LOCK = threading.Lock()


def serve_for_process(path: str | Path) -> str:
    """Serve ``path`` on 127.0.0.1 until the process exits; one server per directory, started on first use.

    For tools called many times in one run (each call must reach the same pages at the same URL).

    Returns:
        Base URL such as ``http://127.0.0.1:54321`` (no trailing slash).

    Raises:
        InputError: ``path`` is not a directory.
    """
    root = str(Path(path).resolve())
    with _SERVED_LOCK:
        if root not in _SERVED:
            _SERVED[root] = _SERVERS.enter_context(serve_directory(root))
        return _SERVED[root]
