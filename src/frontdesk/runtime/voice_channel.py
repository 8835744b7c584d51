"""The local voice channel: the same livekit `AgentSession`, fed with PCM from a socket.

The browser (or any client) sends 16-bit mono PCM and receives 16-bit mono PCM plus JSON
events. `PcmInput` and `PcmOutput` are livekit's audio input and output for such a socket;
VAD, speech-to-text, the agent and text-to-speech are the session's own pipeline, so barge-in
(the caller talks over the agent: `clear_buffer`, and the agent's turn is truncated to what
was heard) and streamed synthesis come from livekit-agents, not from a second loop written
here; how the session is put together is shared with LiveKit calls (`voice_session`).

This module knows nothing of HTTP or the database: the caller passes `send_audio` and
`send_event` callables and persists the turns it is told about.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from livekit import rtc
from livekit.agents import Agent, AgentSession, llm, stt, tts, vad
from livekit.agents.voice import io
from livekit.agents.voice.transcription.synchronizer import TranscriptSynchronizer

from frontdesk.runtime.call_recorder import CallRecorder, OnTurn, SendEvent
from frontdesk.runtime.reception_agent import VOICE_APOLOGY, ReceptionAgent
from frontdesk.runtime.voice_session import SpokenPhrases, new_session, replay

log = logging.getLogger(__name__)

INPUT_RATE = 16_000  # what the client sends unless it says otherwise
OUTPUT_RATE = 24_000  # what the client receives
FRAME_MS = 20

SendAudio = Callable[[bytes], Coroutine[Any, Any, None]]


class PcmInput(io.AudioInput):
    """Caller audio pushed by the socket reader, handed to the session frame by frame."""

    def __init__(self) -> None:
        super().__init__(label="frontdesk-socket")
        self._queue: asyncio.Queue[rtc.AudioFrame | None] = asyncio.Queue()
        self._rest = b""

    def push(self, pcm: bytes, sample_rate: int) -> None:
        data = self._rest + pcm
        step = sample_rate * FRAME_MS // 1000 * 2
        whole = len(data) - len(data) % step
        for start in range(0, whole, step):
            chunk = data[start : start + step]
            self._queue.put_nowait(rtc.AudioFrame(chunk, sample_rate, 1, len(chunk) // 2))
        self._rest = data[whole:]

    def close(self) -> None:
        self._queue.put_nowait(None)

    async def __anext__(self) -> rtc.AudioFrame:
        frame = await self._queue.get()
        if frame is None:
            raise StopAsyncIteration
        return frame


class PcmOutput(io.AudioOutput):
    """Agent audio sent to the socket as fast as it is made; the client plays it in order.

    The client holds the queue, so playback is tracked by the clock: a segment counts as
    played `duration` seconds after its first frame was sent. On barge-in the session calls
    `clear_buffer`: the client is told to drop what it has queued, and the session learns
    how much had been heard (so the agent knows what it actually said).
    """

    def __init__(
        self, send_audio: SendAudio, send_event: SendEvent, *, sample_rate: int = OUTPUT_RATE
    ) -> None:
        super().__init__(
            label="frontdesk-socket",
            capabilities=io.AudioOutputCapabilities(pause=False),
            sample_rate=sample_rate,
        )
        self._send_audio = send_audio
        self._send_event = send_event
        self._pushed = 0.0
        self._started_at = 0.0
        self._interrupted = asyncio.Event()
        self._waiter: asyncio.Task[None] | None = None
        self.first_audio_at: float | None = None  # time.time() of the segment's first frame

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._waiter is not None and not self._waiter.done():
            await self._waiter  # the previous segment must finish before a new one starts
        if not self._pushed:
            self._started_at = time.monotonic()
            self.first_audio_at = time.time()
            self._interrupted.clear()
            self.on_playback_started(created_at=time.time())
        self._pushed += frame.duration
        await self._send_audio(bytes(frame.data))

    def flush(self) -> None:
        super().flush()
        if self._pushed:
            self._waiter = asyncio.get_running_loop().create_task(self._play_out())

    async def _played(self, remaining_s: float) -> None:
        """Returns once the segment has played out at the caller (here: by the clock)."""
        await asyncio.sleep(max(0.0, remaining_s))

    def clear_buffer(self) -> None:
        if self._pushed:
            self._interrupted.set()
            asyncio.get_running_loop().create_task(self._send_event({"type": "clear"}))
            if self._waiter is None or self._waiter.done():
                # Interrupted before the segment was flushed: finish it here.
                self._waiter = asyncio.get_running_loop().create_task(self._play_out())

    async def _play_out(self) -> None:
        remaining = self._started_at + self._pushed - time.monotonic()
        interrupted_wait = asyncio.ensure_future(self._interrupted.wait())
        played_wait = asyncio.ensure_future(self._played(remaining))
        await asyncio.wait({interrupted_wait, played_wait}, return_when=asyncio.FIRST_COMPLETED)
        interrupted = interrupted_wait.done()
        for waiting in (interrupted_wait, played_wait):
            waiting.cancel()
        played = min(self._pushed, max(0.0, time.monotonic() - self._started_at))
        self._pushed = 0.0
        self.on_playback_finished(playback_position=played, interrupted=interrupted)


class CaptionOutput(io.TextOutput):
    """The agent's words as the session releases them with its audio: live captions."""

    def __init__(self, send_event: SendEvent) -> None:
        super().__init__(label="frontdesk-captions", next_in_chain=None)
        self._send_event = send_event
        self._text = ""

    async def capture_text(self, text: str) -> None:
        self._text += text
        await self._send_event(
            {"type": "caption", "role": "agent", "text": self._text, "final": False}
        )

    def flush(self) -> None:
        if self._text:
            event = {"type": "caption", "role": "agent", "text": self._text, "final": True}
            asyncio.get_running_loop().create_task(self._send_event(event))
        self._text = ""


class VoiceConversation:
    """A live voice call with one agent over a socket."""

    def __init__(
        self,
        agent: Agent,
        *,
        model: llm.LLM,
        speech_to_text: stt.STT,
        text_to_speech: tts.TTS,
        activity: vad.VAD,
        send_audio: SendAudio,
        send_event: SendEvent,
        on_turn: OnTurn,
        phrases: SpokenPhrases | None = None,
        output: PcmOutput | None = None,
    ) -> None:
        self.agent = agent
        self.phrases = phrases or SpokenPhrases()
        self._text_to_speech = text_to_speech
        self.input = PcmInput()
        # A phone line plays at its own rate and reports playback itself (telephony/).
        self.output = output or PcmOutput(send_audio, send_event)
        self.session: AgentSession = new_session(
            model=model,
            speech_to_text=speech_to_text,
            text_to_speech=text_to_speech,
            activity=activity,
            spec=agent.spec if isinstance(agent, ReceptionAgent) else None,
            on_not_heard=self._not_heard,
        )
        self.session.input.audio = self.input
        # The synchronizer releases caption words as their audio plays and, on barge-in,
        # tells the session which words were heard: the agent's turn is cut to those.
        self._sync = TranscriptSynchronizer(
            next_in_chain_audio=self.output, next_in_chain_text=CaptionOutput(send_event)
        )
        self.session.output.audio = self._sync.audio_output
        self.session.output.transcription = self._sync.text_output
        self.recorder = CallRecorder(
            self.session,
            activity=activity,
            send_event=send_event,
            on_turn=on_turn,
            first_audio_at=lambda: self.output.first_audio_at,
        )
        self._started = False

    async def start(self, greeting: str | None, history: llm.ChatContext | None = None) -> None:
        if history is not None:
            await self.agent.update_chat_ctx(history)
        await self.phrases.prepare(self.agent, self._text_to_speech)
        greeting_audio = await self.phrases.get(self._text_to_speech, greeting) if greeting else []
        await self.session.start(self.agent)
        self._started = True
        if greeting:
            self.session.say(greeting, audio=replay(greeting_audio), add_to_chat_ctx=True)

    def _not_heard(self, error: Exception) -> None:
        """Speech-to-text failed on an utterance: ask again, keep listening."""
        if self._started:
            self.session.say(VOICE_APOLOGY, add_to_chat_ctx=True)

    @property
    def speaking(self) -> bool:
        """Whether the agent is talking or about to (its audio may still be playing)."""
        return self.session.agent_state in ("thinking", "speaking")

    def push_audio(self, pcm: bytes, sample_rate: int = INPUT_RATE) -> None:
        self.input.push(pcm, sample_rate)

    def push_text(self, text: str) -> None:
        """Typed input during a call: answered aloud like speech."""
        self.session.interrupt()
        self.session.generate_reply(user_input=text)

    async def close(self) -> None:
        self.input.close()
        if self._started:
            await self.session.aclose()
        await self.recorder.drain()
