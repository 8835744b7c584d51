"""An OpenAI-compatible chat endpoint on 127.0.0.1, for tests of code that talks to "any
OpenAI-compatible endpoint" over real HTTP (the paid API is the only part replaced).

`/v1/chat/completions` answers every request with the same text, streamed as server-sent
chunks when the request asks for a stream (as livekit's OpenAI plugin does) and as one JSON
completion otherwise. Every request is recorded with its headers and body.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class ChatRequest:
    path: str
    authorization: str
    body: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def system_prompt(self) -> str:
        for message in self.body.get("messages", []):
            if message.get("role") in ("system", "developer"):
                content = message.get("content")
                return content if isinstance(content, str) else json.dumps(content)
        return ""


class FakeOpenAIServer:
    """Serve the endpoint while the `with` block runs; `base_url` ends in `/v1`."""

    def __init__(self, reply: str = "Hello from the workspace's own model.") -> None:
        self.reply = reply
        self.requests: list[ChatRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; use it inside `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return None

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self.send_error(404)
                    return
                owner.requests.append(
                    ChatRequest(self.path, self.headers.get("authorization", ""), body)
                )
                if body.get("stream"):
                    self._stream(str(body.get("model", "")))
                else:
                    self._complete(str(body.get("model", "")))

            def _stream(self, model: str) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                words = owner.reply.split(" ")
                pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
                chunks = [{"role": "assistant", "content": piece} for piece in pieces]
                for delta in chunks:
                    self._event(_chunk(model, delta, None))
                self._event(_chunk(model, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
                self.wfile.flush()

            def _complete(self, model: str) -> None:
                payload = json.dumps(
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": owner.reply},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
