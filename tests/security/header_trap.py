"""A loopback HTTP server that an attacker would point Frontdesk at: it records every request
(method, path, headers) it receives and answers 404, so a test can prove what reached it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.openai_wire import LoopbackEndpoint


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]


class HeaderTrap(LoopbackEndpoint):
    """Serves on http://127.0.0.1:<free port> while the `with` block runs."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Received] = []
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        assert self._server is not None, "use the trap inside `with`"
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def saw(self, secret: str) -> bool:
        """Whether `secret` appeared in any header of any request."""
        with self._lock:
            return any(secret in value for r in self.received for value in r.headers.values())

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                with trap._lock:
                    trap.received.append(
                        Received(self.command, self.path, {k: v for k, v in self.headers.items()})
                    )
                body = b'{"error": "nothing here"}'
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _record  # noqa: N815 - http.server's naming

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        return Handler
