"""What a live call reports: the session's events turned into client events and turns.

Every voice channel (the local WebSocket and the LiveKit worker) attaches one recorder to
its `AgentSession`. It forwards captions and states to whoever listens (`send_event`) and
hands each finished turn, with its timings and tool calls, to `on_turn` to be stored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import AgentSession, vad

from frontdesk.runtime.grounding import GroundingLog

SendEvent = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]
FirstAudio = Callable[[], float | None]  # time.time() of the agent's latest first frame


@dataclass
class VoiceTurn:
    """One side's finished turn, as the session reports it."""

    role: str  # "caller" | "agent"
    text: str
    timings: dict[str, float] = field(default_factory=dict)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    interrupted: bool = False


OnTurn = Callable[[VoiceTurn], Coroutine[Any, Any, None]]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) * 1000, 1)


class CallRecorder:
    def __init__(
        self,
        session: AgentSession,
        *,
        activity: vad.VAD | None,
        send_event: SendEvent,
        on_turn: OnTurn,
        first_audio_at: FirstAudio | None = None,
    ) -> None:
        self._send_event = send_event
        self._on_turn = on_turn
        # Without a transport's own clock (a LiveKit room), the agent's first audio is when
        # the session started playing it: livekit turns the agent "speaking" on the first
        # frame its audio output takes.
        self._speaking_at: float | None = None
        self._first_audio_at = first_audio_at or (lambda: self._speaking_at)
        self._pending_tools: list[dict[str, Any]] = []
        self._caller_stopped_at: float | None = None
        self._transcribed_at: float | None = None
        options = getattr(activity, "options", None)
        self._vad_silence_s = float(getattr(options, "min_silence_s", 0.0))
        self._tasks: set[asyncio.Task[None]] = set()
        self._storing = asyncio.Lock()
        self._session = session
        session.on("user_input_transcribed", self._on_transcribed)
        session.on("conversation_item_added", self._on_item)
        session.on("function_tools_executed", self._on_tools)
        session.on("agent_state_changed", self._on_agent_state)
        session.on("user_state_changed", self._on_user_state)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_transcribed(self, event: Any) -> None:
        if event.is_final:
            self._transcribed_at = time.time()
        self._spawn(
            self._send_event(
                {
                    "type": "caption",
                    "role": "caller",
                    "text": event.transcript,
                    "final": bool(event.is_final),
                }
            )
        )

    def _on_user_state(self, event: Any) -> None:
        if event.old_state == "speaking" and event.new_state == "listening":
            # The VAD decides after `min_silence_s` of quiet: the words ended that long ago.
            self._caller_stopped_at = time.time() - self._vad_silence_s
        self._spawn(self._send_event({"type": "state", "caller": event.new_state}))

    def _on_agent_state(self, event: Any) -> None:
        if event.new_state == "speaking":
            self._speaking_at = time.time()
        self._spawn(self._send_event({"type": "state", "agent": event.new_state}))

    def _on_tools(self, event: Any) -> None:
        for call, output in zip(event.function_calls, event.function_call_outputs, strict=False):
            self._pending_tools.append(
                {
                    "name": call.name,
                    "arguments": call.arguments,
                    "result": output.output if output is not None else None,
                    "error": bool(output.is_error) if output is not None else False,
                }
            )

    def _on_item(self, event: Any) -> None:
        item = event.item
        if item.type != "message" or item.role not in ("user", "assistant"):
            return
        text = item.text_content or ""
        metrics = dict(item.metrics or {})
        if item.role == "user":
            stopped, transcribed = self._caller_stopped_at, self._transcribed_at
            heard: dict[str, float] = {}
            if stopped and transcribed and transcribed > stopped:
                heard["end_of_speech_to_transcript_ms"] = round((transcribed - stopped) * 1000, 1)
            turn = VoiceTurn("caller", text, timings=heard)
        else:
            timings: dict[str, float | None] = {
                "first_token_ms": _ms(metrics.get("llm_node_ttft")),
                "first_audio_ms": _ms(metrics.get("tts_node_ttfb")),
                "end_of_speech_to_audio_ms": self._response_ms(metrics),
                "transcript_to_audio_ms": self._since_transcript_ms(),
            }
            turn = VoiceTurn(
                "agent",
                text,
                timings={k: v for k, v in timings.items() if v is not None},
                tool_calls=self._pending_tools + self._withheld(),
                interrupted=bool(getattr(item, "interrupted", False)),
            )
            self._pending_tools = []
            # Consumed: a typed message next does not inherit this turn's speech timings.
            self._caller_stopped_at = self._transcribed_at = None
        self._spawn(self._report(turn))

    def _withheld(self) -> list[dict[str, Any]]:
        """The sentences the grounding check kept from this turn, as records of their own."""
        try:
            agent = self._session.current_agent
        except RuntimeError:  # not started
            return []
        grounding = GroundingLog.of(agent)
        return [w.voice_record() for w in grounding.take()] if grounding else []

    def _since_transcript_ms(self) -> float | None:
        """The caller's words known to the agent's first audio sent: the pipeline's part."""
        heard, first_audio = self._transcribed_at, self._first_audio_at()
        if heard and first_audio and first_audio > heard:
            return _ms(first_audio - heard)
        return None

    def _response_ms(self, metrics: dict[str, Any]) -> float | None:
        """End of the caller's speech to the agent's first audio sent to the caller."""
        stopped, first_audio = self._caller_stopped_at, self._first_audio_at()
        if stopped and first_audio and first_audio > stopped:
            return _ms(first_audio - stopped)
        return _ms(metrics.get("e2e_latency"))

    async def _report(self, turn: VoiceTurn) -> None:
        # One at a time and in the order they happened (the lock queues waiters first come,
        # first served): turns are numbered as they are stored.
        async with self._storing:
            # Stored first: a turn the client saw is a turn the transcript has.
            await self._on_turn(turn)
        await self._send_event(
            {
                "type": "turn",
                "role": turn.role,
                "text": turn.text,
                "timings": turn.timings,
                "tool_calls": turn.tool_calls,
                "interrupted": turn.interrupted,
            }
        )

    async def drain(self) -> None:
        """Wait until every reported turn is stored."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
