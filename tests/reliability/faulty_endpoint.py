"""An OpenAI-compatible chat endpoint on 127.0.0.1 that fails the ways real endpoints do.

A sibling of `tests.fake_openai_server` for fault tests: `faults` is a list of `Fault`
values consumed one per request; once it is empty every request is answered normally with
`reply` (streamed as server-sent events when asked, as one JSON completion otherwise).
Livekit's OpenAI plugin and the `openai` client talk to it over real HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class Fault(Enum):
    """One way a request goes wrong."""

    OK = "ok"  # answered normally: puts a good answer between faults
    HANG = "hang"  # accepted, then silence until the server stops
    SERVER_ERROR = "500"
    RATE_LIMITED = "429"
    MALFORMED = "malformed"  # a 200 whose body is not the JSON (or SSE) asked for
    CUT = "cut"  # a stream that stops mid-answer: no finish_reason, no [DONE]
    BAD_TOOL_ARGUMENTS = "bad_tool_arguments"  # a tool call whose arguments are not JSON


class FaultyOpenAIServer:
    """Serve the endpoint while the `with` block runs; `base_url` ends in `/v1`."""

    def __init__(
        self, reply: str = "We are open nine to five.", faults: list[Fault] | None = None
    ) -> None:
        self.reply = reply
        self.faults: list[Fault] = list(faults or [])
        self.requests: list[dict[str, Any]] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; use it inside `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FaultyOpenAIServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
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
        # Hung handlers wait on this: they let go of their sockets before shutdown.
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None


def _handler(owner: FaultyOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.endswith("/chat/completions"):
                self.send_error(404)
                return
            owner.requests.append(body)
            fault = owner.faults.pop(0) if owner.faults else Fault.OK
            stream, model = bool(body.get("stream")), str(body.get("model", ""))
            if fault is Fault.HANG:
                owner._stopping.wait(120)
                self.close_connection = True
            elif fault in (Fault.SERVER_ERROR, Fault.RATE_LIMITED):
                status = 500 if fault is Fault.SERVER_ERROR else 429
                kind = "server_error" if status == 500 else "rate_limit_exceeded"
                error = {"error": {"message": f"fake {status}", "type": kind, "code": kind}}
                self._send(status, "application/json", json.dumps(error).encode())
            elif fault is Fault.MALFORMED and not stream:
                self._send(200, "application/json", b'{"id": "chatcmpl-fake", "choi')
            elif fault is Fault.MALFORMED:
                self._start_events()
                self.wfile.write(b"data: {this is not json\n\n")
            elif fault is Fault.CUT:
                # Chunked, as real endpoints stream: the connection closes mid-sentence,
                # before the terminating chunk, which the client sees as a broken body.
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                event = _chunk(model, {"role": "assistant", "content": "We are open"}, None)
                data = b"data: " + json.dumps(event).encode() + b"\n\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                self.close_connection = True
            elif fault is Fault.BAD_TOOL_ARGUMENTS:
                self._start_events()
                call = {
                    "index": 0,
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": "capture_lead", "arguments": '{"name": "Ann'},
                }
                self._event(_chunk(model, {"role": "assistant", "tool_calls": [call]}, None))
                self._event(_chunk(model, {}, "tool_calls"))
                self.wfile.write(b"data: [DONE]\n\n")
            elif stream:
                self._start_events()
                self._event(_chunk(model, {"role": "assistant", "content": owner.reply}, None))
                self._event(_chunk(model, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
            else:
                self._send(
                    200, "application/json", json.dumps(_completion(model, owner.reply)).encode()
                )

        def _start_events(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()

        def _event(self, payload: dict[str, Any]) -> None:
            self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            # Tells the openai client it may retry at once, so retries cost no test time.
            self.send_header("retry-after", "0")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-faulty",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-faulty",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
