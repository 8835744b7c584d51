"""An OpenAI-compatible chat endpoint on 127.0.0.1 that fails the ways real endpoints do.

A sibling of `tests.fake_openai_server` for fault tests: `faults` is a list of `Fault`
values consumed one per request; once it is empty every request is answered normally with
`reply` (streamed as server-sent events when asked, as one JSON completion otherwise).
Livekit's OpenAI plugin and the `openai` client talk to it over real HTTP.
"""

from __future__ import annotations

import json
import threading
from enum import Enum
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.openai_wire import ChatHandler, LoopbackEndpoint, chunk, completion


class Fault(Enum):
    """One way a request goes wrong."""

    OK = "ok"  # answered normally: puts a good answer between faults
    HANG = "hang"  # accepted, then silence until the server stops
    SERVER_ERROR = "500"
    RATE_LIMITED = "429"
    MALFORMED = "malformed"  # a 200 whose body is not the JSON (or SSE) asked for
    CUT = "cut"  # a stream that stops mid-answer: no finish_reason, no [DONE]
    BAD_TOOL_ARGUMENTS = "bad_tool_arguments"  # a tool call whose arguments are not JSON


class FaultyOpenAIServer(LoopbackEndpoint):
    """Serve the endpoint while the `with` block runs; `base_url` ends in `/v1`."""

    def __init__(
        self, reply: str = "We are open nine to five.", faults: list[Fault] | None = None
    ) -> None:
        super().__init__()
        self.reply = reply
        self.faults: list[Fault] = list(faults or [])
        self.requests: list[dict[str, Any]] = []
        self._stopping = threading.Event()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    def before_shutdown(self) -> None:
        # Hung handlers wait on this: they let go of their sockets before shutdown.
        self._stopping.set()


def _handler(owner: FaultyOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(ChatHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.chat_request()
            if body is None:
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
                self.start_events()
                self.wfile.write(b"data: {this is not json\n\n")
            elif fault is Fault.CUT:
                # Chunked, as real endpoints stream: the connection closes mid-sentence,
                # before the terminating chunk, which the client sees as a broken body.
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                event = chunk(model, {"role": "assistant", "content": "We are open"}, None)
                data = b"data: " + json.dumps(event).encode() + b"\n\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                self.close_connection = True
            elif fault is Fault.BAD_TOOL_ARGUMENTS:
                self.start_events()
                call = {
                    "index": 0,
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": "capture_lead", "arguments": '{"name": "Ann'},
                }
                self.event(chunk(model, {"role": "assistant", "tool_calls": [call]}, None))
                self.event(chunk(model, {}, "tool_calls"))
                self.end_events()
            elif stream:
                self.start_events()
                self.event(chunk(model, {"role": "assistant", "content": owner.reply}, None))
                self.event(chunk(model, {}, "stop"))
                self.end_events()
            else:
                self.send_json(completion(model, {"role": "assistant", "content": owner.reply}))

        def _send(self, status: int, kind: str, body: bytes) -> None:
            # Retry-After 0 tells the openai client it may retry at once, so retries cost
            # no test time.
            self.send_body(status, kind, body, {"retry-after": "0"})

    return Handler
