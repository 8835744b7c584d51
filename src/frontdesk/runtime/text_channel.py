"""The text channel: one livekit `AgentSession` fed with text instead of audio.

This is the same session object the voice channels feed with audio; only the input and
output differ. There is no second conversation loop here: a caller turn is
`session.run(user_input=...)`, and what the agent said and did is read from the run's events.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import Agent, AgentSession, llm
from livekit.agents.voice.run_result import (
    ChatMessageEvent,
    FunctionCallEvent,
    FunctionCallOutputEvent,
    RunResult,
)

from frontdesk.runtime.connect_options import SESSION_CONNECT
from frontdesk.runtime.grounding import GroundingLog


@dataclass
class ToolCallRecord:
    name: str
    arguments: dict[str, Any]
    result: str | None
    error: bool


@dataclass
class AgentTurn:
    text: str
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def history_items(turns: Sequence[tuple[str, str]]) -> llm.ChatContext:
    """A chat context from stored (role, text) turns, to continue a conversation after a restart."""
    ctx = llm.ChatContext.empty()
    for role, text in turns:
        ctx.add_message(role="user" if role == "caller" else "assistant", content=text)
    return ctx


class TextConversation:
    """A live text conversation with one agent."""

    def __init__(self, agent: Agent, model: llm.LLM) -> None:
        self.agent = agent
        self.session: AgentSession = AgentSession(llm=model, conn_options=SESSION_CONNECT)
        self._started = False

    async def start(self, greeting: str | None) -> AgentTurn:
        await self.session.start(self.agent)
        self._started = True
        if not greeting:
            return AgentTurn(text="")
        started = time.perf_counter()
        # The greeting is fixed text: no model call, so the caller hears it at once.
        await self.session.say(greeting, add_to_chat_ctx=True)
        return AgentTurn(text=greeting, timings={"reply_ms": _ms(started)})

    async def resume(self, turns: Sequence[tuple[str, str]]) -> None:
        """Continue a stored conversation: the agent sees what was said before."""
        await self.agent.update_chat_ctx(history_items(turns))
        await self.session.start(self.agent)
        self._started = True

    async def reply(self, text: str) -> AgentTurn:
        started = time.perf_counter()
        result: RunResult[None] = await self.session.run(user_input=text)
        turn = AgentTurn(text="")
        calls: dict[str, ToolCallRecord] = {}
        texts: list[str] = []
        for event in result.events:
            if isinstance(event, FunctionCallEvent):
                call = event.item
                try:
                    arguments = json.loads(call.arguments or "{}")
                except json.JSONDecodeError:
                    arguments = {"_raw": call.arguments}
                calls[call.call_id] = ToolCallRecord(call.name, arguments, None, False)
                turn.tool_calls.append(calls[call.call_id])
            elif isinstance(event, FunctionCallOutputEvent):
                record = calls.get(event.item.call_id)
                if record is not None:
                    record.result, record.error = event.item.output, event.item.is_error
            elif isinstance(event, ChatMessageEvent) and event.item.role == "assistant":
                if event.item.text_content:
                    texts.append(event.item.text_content)
                ttft = event.item.metrics.get("llm_node_ttft") if event.item.metrics else None
                if ttft is not None and "first_token_ms" not in turn.timings:
                    turn.timings["first_token_ms"] = round(float(ttft) * 1000, 1)
        turn.text = " ".join(t.strip() for t in texts if t.strip())
        # What the grounding check withheld shows in the owner's transcript as a record of
        # its own; channels to callers never pass tool calls on.
        grounding = GroundingLog.of(self.agent)
        for withheld in grounding.take() if grounding else []:
            check = withheld.record()
            turn.tool_calls.append(
                ToolCallRecord(check["name"], check["arguments"], check["result"], False)
            )
        turn.timings["reply_ms"] = _ms(started)
        return turn

    async def say(self, text: str) -> AgentTurn:
        """Fixed words from the agent, without a model call (kept in the agent's context)."""
        started = time.perf_counter()
        await self.session.say(text, add_to_chat_ctx=True)
        return AgentTurn(text=text, timings={"reply_ms": _ms(started)})

    async def close(self) -> None:
        if self._started:
            await self.session.aclose()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
