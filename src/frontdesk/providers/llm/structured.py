"""Schema-constrained completions: the model answers with one JSON object of a given shape.

Conversations stream through livekit's LLM interface; jobs that need a structured answer
(exam questions now, the onboarding interview later) use this smaller port instead. The
embedded llama.cpp server turns the JSON schema into a grammar, so even the 1.5B model can
only produce the shape asked for; remote OpenAI-compatible endpoints get the same
`response_format`. Either way the caller still validates the content.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from openai import APIError, AsyncOpenAI

from frontdesk.errors import FrontdeskError
from frontdesk.providers.llm.priority import ModelGate, as_background, in_background


class StructuredOutputError(FrontdeskError):
    """The language model failed or answered in a shape that cannot be used."""

    status = 502


class StructuredModel(Protocol):
    async def complete(
        self, *, system: str, prompt: str, schema: dict[str, Any], max_tokens: int = 300
    ) -> dict[str, Any]:
        """One JSON object matching `schema`, or StructuredOutputError."""
        ...

    async def aclose(self) -> None: ...


StructuredFactory = Callable[[], StructuredModel]


class OpenAIStructuredModel:
    """Any OpenAI-compatible chat endpoint that honours `response_format: json_schema`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout_s: float = 120.0,
        gate: ModelGate | None = None,
    ) -> None:
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=api_key or "not-needed", max_retries=1, timeout=timeout_s
        )
        self._model = model
        # The embedded model's: callers' turns go first (priority.py).
        self.gate = gate

    async def complete(
        self, *, system: str, prompt: str, schema: dict[str, Any], max_tokens: int = 300
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self._model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": prompt},
            ],
            "temperature": 0.0,
            "max_tokens": max_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema},
            },
        }
        try:
            if self.gate is None:
                raw = await self._whole(request)
            elif in_background():
                # Streamed, so that a caller's turn that preempts it stops llama.cpp at the
                # next token (the stream's connection closes with the cancelled request).
                raw = await self.gate.background(lambda: self._streamed(request))
            else:
                async with self.gate.live():
                    raw = await self._whole(request)
        except APIError as exc:
            raise StructuredOutputError(f"The language model failed: {exc}") from exc
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise StructuredOutputError(
                f"The language model did not write JSON: {raw[:200]!r}"
            ) from exc
        if not isinstance(value, dict):
            raise StructuredOutputError(f"Expected a JSON object, got {raw[:200]!r}")
        return value

    async def _whole(self, request: dict[str, Any]) -> str:
        response = await self._client.chat.completions.create(**request)
        return (response.choices[0].message.content or "") if response.choices else ""

    async def _streamed(self, request: dict[str, Any]) -> str:
        stream = await self._client.chat.completions.create(**request, stream=True)
        parts = [chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices]
        return "".join(parts)

    async def aclose(self) -> None:
        await self._client.close()


class BackgroundStructured:
    """A structured model whose every request is background work (`priority.as_background`):
    for callers of it that run outside the task that made it, e.g. on the event loop for a
    worker thread."""

    def __init__(self, inner: StructuredModel) -> None:
        self.inner = inner

    @as_background
    async def complete(
        self, *, system: str, prompt: str, schema: dict[str, Any], max_tokens: int = 300
    ) -> dict[str, Any]:
        return await self.inner.complete(
            system=system, prompt=prompt, schema=schema, max_tokens=max_tokens
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
