"""An OpenAI-compatible endpoint on 127.0.0.1 that follows a script: for each request a
`respond` function (run in the request's own thread, so it may block to hold the answer
back) returns the text to say or a `ToolCall` to make. A real `frontdesk serve` pointed at
it makes real tool calls against its own database.

tests/fake_openai_server.py answers one fixed text (or a fault); this one is for tests where
the answer depends on what the caller said.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class ToolCall:
    """Answer with one function call instead of text."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Request:
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def last_role(self) -> str:
        return str(self.messages[-1].get("role", "")) if self.messages else ""

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return _text(message.get("content"))
        return ""

    @property
    def last_tool_output(self) -> str:
        return _text(self.messages[-1].get("content")) if self.last_role == "tool" else ""

    @property
    def wants_json(self) -> bool:
        """A schema-constrained request (the post-conversation analysis), not a chat turn."""
        return "response_format" in self.body


Respond = Callable[[Request], "str | ToolCall"]


class ScriptedOpenAIServer:
    """Serve `/v1/chat/completions` while the `with` block runs; every request is kept."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.requests: list[Request] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; use it inside `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> ScriptedOpenAIServer:
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
                request = Request(body)
                owner.requests.append(request)
                answer = owner.respond(request)
                model = str(body.get("model", ""))
                try:
                    if body.get("stream"):
                        self._stream(model, answer)
                    else:
                        self._complete(model, answer)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client is gone (a killed process): nobody to answer

            def _stream(self, model: str, answer: str | ToolCall) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                if isinstance(answer, ToolCall):
                    call = {"index": 0, **_tool_call(answer)}
                    self._event(_chunk(model, {"role": "assistant", "tool_calls": [call]}, None))
                    self._event(_chunk(model, {}, "tool_calls"))
                else:
                    self._event(_chunk(model, {"role": "assistant", "content": answer}, None))
                    self._event(_chunk(model, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
                self.wfile.flush()

            def _complete(self, model: str, answer: str | ToolCall) -> None:
                if isinstance(answer, ToolCall):
                    message: dict[str, Any] = {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [_tool_call(answer)],
                    }
                    finish = "tool_calls"
                else:
                    message, finish = {"role": "assistant", "content": answer}, "stop"
                payload = json.dumps(
                    {
                        "id": "chatcmpl-scripted",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
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


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _tool_call(call: ToolCall) -> dict[str, Any]:
    return {
        "id": f"call_{uuid.uuid4().hex[:12]}",
        "type": "function",
        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
