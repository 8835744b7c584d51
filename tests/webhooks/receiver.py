"""A business's webhook receiver on loopback: it verifies each request with the documented
`verify()` and answers 500 to the first `fail_first` requests, then 200."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from frontdesk.webhooks.signing import InvalidSignature, verify_headers


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    problem: str | None
    answered: int

    @property
    def event(self) -> str:
        return self.headers["Frontdesk-Event"]


@dataclass
class Receiver:
    url: str
    secret: str = ""
    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(f"the receiver got {len(self.requests)} of {count} requests")

    def of_type(self, event_type: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.event == event_type]


@contextmanager
def webhook_receiver(fail_first: int = 0) -> Iterator[Receiver]:
    receiver = Receiver(url="", fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items()}
            try:
                verify_headers(receiver.secret, body, self.headers)
                verified, problem = True, None
            except InvalidSignature as exc:
                verified, problem = False, str(exc)
            with receiver.lock:
                failing = len(receiver.requests) < receiver.fail_first
                status = 400 if not verified else 500 if failing else 200
                receiver.requests.append(Received(headers, body, verified, problem, status))
            answer = b'{"ok": true}' if status == 200 else b"receiver says no"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/frontdesk"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
