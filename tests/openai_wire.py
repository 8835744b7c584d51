"""What the tests' fake OpenAI-compatible endpoints share: a handler served on 127.0.0.1 in a
thread while a `with` block runs, and the wire format of chat completions (one JSON body, or
server-sent event chunks ending in `[DONE]`) that livekit's OpenAI plugin and the `openai`
client read. Each fake (tests/fake_openai_server.py, tests/reliability/scripted_openai.py,
tests/reliability/faulty_endpoint.py) decides only what to answer."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class LoopbackEndpoint:
    """Serves `handler_class()` while the `with` block runs; `base_url` ends in `/v1`."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; use it inside `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def before_shutdown(self) -> None:
        """Let go of handlers that hold their requests (a fake that hangs)."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None and self._thread is not None
        self.before_shutdown()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None


class ChatHandler(BaseHTTPRequestHandler):
    """A request handler with the pieces of the chat-completions wire format."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None

    def chat_request(self) -> dict[str, Any] | None:
        """The request's JSON body; None (after a 404) when it is not a chat completion."""
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return None
        return body

    def start_events(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()

    def event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()

    def end_events(self) -> None:
        self.wfile.write(b"data: [DONE]\n\n")

    def send_body(
        self, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, payload: dict[str, Any]) -> None:
        self.send_body(200, "application/json", json.dumps(payload).encode())


def chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    """One streamed piece of an answer."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def completion(model: str, message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    """A whole answer in one body."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
