"""An OpenAI-compatible chat endpoint on 127.0.0.1, for tests of code that talks to "any
OpenAI-compatible endpoint" over real HTTP (the paid API is the only part replaced).

`/v1/chat/completions` answers every request with the same text, streamed as server-sent
chunks when the request asks for a stream (as livekit's OpenAI plugin does) and as one JSON
completion otherwise. Every request is recorded with its headers and body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.openai_wire import ChatHandler, LoopbackEndpoint, chunk, completion


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


class FakeOpenAIServer(LoopbackEndpoint):
    """Serve the endpoint while the `with` block runs; `base_url` ends in `/v1`."""

    def __init__(self, reply: str = "Hello from the workspace's own model.") -> None:
        super().__init__()
        self.reply = reply
        self.requests: list[ChatRequest] = []

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(ChatHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.chat_request()
                if body is None:
                    return
                owner.requests.append(
                    ChatRequest(self.path, self.headers.get("authorization", ""), body)
                )
                model = str(body.get("model", ""))
                if not body.get("stream"):
                    message = {"role": "assistant", "content": owner.reply}
                    self.send_json(completion(model, message))
                    return
                self.start_events()
                words = owner.reply.split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else " " + word
                    self.event(chunk(model, {"role": "assistant", "content": piece}, None))
                self.event(chunk(model, {}, "stop"))
                self.end_events()

        return Handler
