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
        self, *, base_url: str, api_key: str, model: str, timeout_s: float = 120.0
    ) -> None:
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=api_key or "not-needed", max_retries=1, timeout=timeout_s
        )
        self._model = model

    async def complete(
        self, *, system: str, prompt: str, schema: dict[str, Any], max_tokens: int = 300
    ) -> dict[str, Any]:
        try:
            response = await self._client.chat.completions.create(
                model=self._model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": prompt},
                ],
                temperature=0.0,
                max_tokens=max_tokens,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema},
                },
            )
        except APIError as exc:
            raise StructuredOutputError(f"The language model failed: {exc}") from exc
        raw = (response.choices[0].message.content or "") if response.choices else ""
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise StructuredOutputError(
                f"The language model did not write JSON: {raw[:200]!r}"
            ) from exc
        if not isinstance(value, dict):
            raise StructuredOutputError(f"Expected a JSON object, got {raw[:200]!r}")
        return value

    async def aclose(self) -> None:
        await self._client.close()
