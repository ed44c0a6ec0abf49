"""A scripted local HTTP server for the research fetcher tests (127.0.0.1, ephemeral port)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG = 10 * 1024 * 1024


class State:
    def __init__(self, robots: str):
        self.robots = robots
        self.hits: dict[str, int] = {}
        self.user_agents: list[str] = []
        self.conditional: list[str] = []
        self.bytes_sent: dict[str, int] = {}
        self.lock = threading.Lock()


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(
            self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", **headers: str
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, path: str, total: int, with_length: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if with_length:
                self.send_header("Content-Length", str(total))
            self.end_headers()
            chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
            sent = 0
            try:
                while sent < total:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                state.bytes_sent[path] = sent
                self.close_connection = True

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with state.lock:
                n = state.hits[path] = state.hits.get(path, 0) + 1
                state.user_agents.append(self.headers.get("User-Agent", ""))
            if path == "/robots.txt":
                return self._send(200, state.robots.encode(), "text/plain")
            if path == "/flaky":
                if n == 1:
                    return self._send(429, b"slow down", Retry_After="1")
                return self._send(
                    200, b"<html><body><h1>Finally</h1><p>Served after a retry.</p></body></html>"
                )
            if path == "/slow":
                time.sleep(1.0)
                return self._send(200, b"<html><body>late</body></html>")
            if path == "/rate-limited-long":
                return self._send(429, b"slow down", Retry_After="3600")
            if path == "/down":
                return self._send(503, b"maintenance")
            if path == "/loop-a":
                return self._send(302, b"", Location="/loop-b")
            if path == "/loop-b":
                return self._send(302, b"", Location="/loop-a")
            if path == "/moved":
                return self._send(301, b"", Location="/target")
            if path == "/target":
                return self._send(200, b"<html><body><p>Target page.</p></body></html>")
            if path == "/big":
                return self._stream(path, BIG, with_length=True)
            if path == "/big-stream":
                return self._stream(path, BIG, with_length=False)
            if path == "/report.pdf":
                return self._send(200, b"%PDF-1.7\n...", "application/pdf")
            if path == "/broken-utf8":
                body = (
                    "<html><body><p>Preis: 49 €</p><p>".encode()
                    + b"Gr\xfc\xdfe \xff\xfe kaputt"
                    + b"</p></body></html>"
                )
                return self._send(200, body)
            if path == "/latin1":
                text = (
                    "<html><body>"
                    + "<p>Müller & Söhne GmbH liefert Präzisionsteile für Maschinenbau und Fahrzeugtechnik. "
                    "Größere Stückzahlen sind möglich, Qualität ist geprüft.</p>" * 5 + "</body></html>"
                )
                return self._send(200, text.encode("cp1252"), "text/html")
            if path == "/etag":
                if self.headers.get("If-None-Match") == '"v1"':
                    with state.lock:
                        state.conditional.append("304")
                    return self._send(304, b"", ETag='"v1"')
                return self._send(200, b"<html><body><p>Versioned page v1.</p></body></html>", ETag='"v1"')
            if path.startswith("/private/"):
                return self._send(200, b"<html><body>secret</body></html>")
            return self._send(404, b"not found")

    return Handler


@contextmanager
def scripted_server(robots: str = "User-agent: *\nDisallow: /private/\n") -> Iterator[tuple[str, State]]:
    """Run the scripted server; yields (base_url, state)."""
    state = State(robots)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
