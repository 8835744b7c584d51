"""An OpenAI-compatible endpoint on 127.0.0.1 that follows a script: for each request a
`respond` function (run in the request's own thread, so it may block to hold the answer
back) returns the text to say or a `ToolCall` to make. A real `frontdesk serve` pointed at
it makes real tool calls against its own database.

tests/fake_openai_server.py answers one fixed text (or a fault); this one is for tests where
the answer depends on what the caller said.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from frontdesk.runtime.knowledge_note import REFERENCE_HEAD
from tests.openai_wire import ChatHandler, LoopbackEndpoint, chunk, completion


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
    def caller_texts(self) -> list[str]:
        """What the caller said, in order: the user-role messages that are not the quoted
        knowledge Frontdesk places before a caller's message."""
        texts = [_text(m.get("content")) for m in self.messages if m.get("role") == "user"]
        return [t for t in texts if not t.startswith(REFERENCE_HEAD)]

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


class ScriptedOpenAIServer(LoopbackEndpoint):
    """Serve `/v1/chat/completions` while the `with` block runs; every request is kept."""

    def __init__(self, respond: Respond) -> None:
        super().__init__()
        self.respond = respond
        self.requests: list[Request] = []

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(ChatHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.chat_request()
                if body is None:
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
                self.start_events()
                if isinstance(answer, ToolCall):
                    call = {"index": 0, **_tool_call(answer)}
                    self.event(chunk(model, {"role": "assistant", "tool_calls": [call]}, None))
                    self.event(chunk(model, {}, "tool_calls"))
                else:
                    self.event(chunk(model, {"role": "assistant", "content": answer}, None))
                    self.event(chunk(model, {}, "stop"))
                self.end_events()

            def _complete(self, model: str, answer: str | ToolCall) -> None:
                if isinstance(answer, ToolCall):
                    message: dict[str, Any] = {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [_tool_call(answer)],
                    }
                    self.send_json(completion(model, message, "tool_calls"))
                else:
                    self.send_json(completion(model, {"role": "assistant", "content": answer}))

        return Handler


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
