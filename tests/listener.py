"""A real HTTP listener for calendar tests: records every connection, answers as a test says."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A test's answer: it gets the request handler and writes status, headers and body itself.
Answer = Callable[[BaseHTTPRequestHandler], None]

FEED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CPCE tests//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:listener-1\r\nDTSTAMP:20250101T000000Z\r\n"
    b"DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def feed(handler: BaseHTTPRequestHandler) -> None:
    """The default answer: a small iCalendar feed with one event."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/calendar; charset=utf-8")
    handler.send_header("Content-Length", str(len(FEED)))
    handler.end_headers()
    handler.wfile.write(FEED)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: Listener) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def verify_request(self, request, client_address) -> bool:
        # Every accepted connection counts, also one that never sends a request.
        with self.owner.lock:
            self.owner.contacts += 1
        return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        owner = self.server.owner  # type: ignore[attr-defined]
        with owner.lock:
            owner.requests.append((self.command, self.path, dict(self.headers)))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        owner.answer(self)

    do_GET = do_PROPFIND = do_REPORT = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        pass  # keep the test output clean


class Listener:
    """Serve on host:port (port 0: any free one) in a thread; count contacts and requests."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        answer: Answer = feed,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.answer = answer
        self.contacts = 0
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._server = _Server((host, port), self)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL, http://host:port"""
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
