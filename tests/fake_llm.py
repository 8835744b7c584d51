"""A scripted LLM that implements livekit's real `llm.LLM` interface, for deterministic tests
of the runtime's tool flows. Only paid or slow models are replaced by it, never our code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChoiceDelta, FunctionToolCall
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions

from frontdesk.runtime.caller_words import CallerWords, caller_texts, contact_in


@dataclass
class Say:
    text: str
    delay_s: float = 0.0


@dataclass
class Stream:
    """Text streamed in pieces, as a real model writes it: (seconds to wait, text) each."""

    pieces: list[tuple[float, str]]


@dataclass
class Call:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fail:
    """The provider breaks mid-answer (after the request was accepted)."""

    message: str = "model server crashed"


Step = Say | Stream | Call | Fail | Callable[[llm.ChatContext], "Say | Stream | Call | Fail"]


class ScriptedLLM(llm.LLM):
    """Answers each model call with the next scripted step; records what it was shown."""

    def __init__(self, steps: list[Step] | None = None) -> None:
        super().__init__()
        self.steps: list[Step] = list(steps or [])
        self.seen: list[llm.ChatContext] = []
        self.tool_names: list[list[str]] = []

    @property
    def model(self) -> str:
        return "scripted"

    @property
    def provider(self) -> str:
        return "tests"

    def script(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[Any] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        extra_kwargs: Any = NOT_GIVEN,
    ) -> llm.LLMStream:
        self.seen.append(chat_ctx.copy())
        self.tool_names.append([getattr(t, "id", getattr(t, "name", "")) for t in tools or []])
        step = self.steps.pop(0) if self.steps else Say("(script exhausted)")
        if callable(step) and not isinstance(step, Say | Stream | Call | Fail):
            step = step(chat_ctx)
        return _ScriptedStream(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options, step=step
        )


class _ScriptedStream(llm.LLMStream):
    def __init__(
        self, owner: ScriptedLLM, *, step: Say | Stream | Call | Fail, **kwargs: Any
    ) -> None:
        super().__init__(owner, **kwargs)
        self._step = step

    async def _run(self) -> None:
        step = self._step
        if isinstance(step, Fail):
            raise RuntimeError(step.message)
        if isinstance(step, Stream):
            for wait_s, text in step.pieces:
                await asyncio.sleep(wait_s)
                delta = ChoiceDelta(role="assistant", content=text)
                self._event_ch.send_nowait(ChatChunk(id="scripted", delta=delta))
            return
        if isinstance(step, Say):
            if step.delay_s:
                await asyncio.sleep(step.delay_s)
            delta = ChoiceDelta(role="assistant", content=step.text)
        else:
            call = FunctionToolCall(
                name=step.name, arguments=json.dumps(step.arguments), call_id=f"call_{id(step)}"
            )
            delta = ChoiceDelta(role="assistant", tool_calls=[call])
        self._event_ch.send_nowait(ChatChunk(id="scripted", delta=delta))


def book_when_heard(
    fake: ScriptedLLM, phone: str, **arguments: str
) -> Callable[[llm.ChatContext], Say | Call]:
    """A step for voice tests: book with the phone number as the caller was heard saying it
    (`phone` when Whisper heard those digits, else the number it did hear), as a real model
    does. If the caller's words were cut into turns before the number (a pause at a comma
    on a loaded machine ends a turn), it asks them to go on and waits for the number."""

    def step(chat_ctx: llm.ChatContext) -> Say | Call:
        words = CallerWords()
        words.hear(chat_ctx)
        found = (contact_in(text) for text in reversed(caller_texts(chat_ctx)))
        heard = phone if words.said_phone(phone) else next((c for c in found if c), None)
        if heard is None:
            fake.steps.insert(0, step)
            return Say("Go on.")
        return Call("book_appointment", {**arguments, "phone": heard})

    return step


def last_tool_output(chat_ctx: llm.ChatContext) -> str:
    for item in reversed(chat_ctx.items):
        if item.type == "function_call_output":
            return str(item.output)
    return ""


class ScriptedStructuredModel:
    """Implements `StructuredModel`: answers each completion with the next scripted value
    (a dict, or an exception to raise) and records the prompts it was given."""

    def __init__(self, answers: list[dict[str, Any] | Exception] | None = None) -> None:
        self.answers = list(answers or [])
        self.prompts: list[str] = []
        self.closed = 0

    async def complete(
        self, *, system: str, prompt: str, schema: dict[str, Any], max_tokens: int = 300
    ) -> dict[str, Any]:
        assert schema.get("type") == "object", schema
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"no scripted answer left for: {prompt[:80]!r}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def aclose(self) -> None:
        self.closed += 1


# A reply long enough to talk over (some 30 s of speech) for the barge-in tests of every
# call channel. No numbers in it: an enumeration's "point number 3" would be a claim the
# agent's knowledge does not hold, and the grounding check would cut the answer short.
LONG_ANSWER = " ".join(
    "And one more thing: we are open on weekdays and we love every pet." for _ in range(8)
)
