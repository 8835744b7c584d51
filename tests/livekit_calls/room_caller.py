"""A caller in a LiveKit room, made with the `livekit` SDK as a phone bridge or an app would:
a microphone track that plays Piper-made speech in real time, with silence in between as an
open microphone sends, and what comes back from the agent: its audio (when it was loud
enough to be heard) and its captions on LiveKit's transcription stream."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from livekit import rtc

RATE = 16_000
FRAME = RATE // 100  # 10 ms, the size WebRTC sends
# Piper's speech peaks well above this; comfort noise and resampling leftovers stay below.
LOUD_RMS = 300.0
TRANSCRIPTION_TOPIC = "lk.transcription"
TURN_TOPIC = "frontdesk.turn"  # each stored turn, as the worker sends it


@dataclass
class Caption:
    identity: str  # who published it: the agent publishes both sides' captions
    track: str  # the audio track it transcribes
    text: str
    final: bool
    at: float  # time.monotonic() when it arrived


@dataclass
class RoomCaller:
    """One caller; every method runs on the event loop that joined."""

    room: rtc.Room = field(default_factory=rtc.Room)
    captions: list[Caption] = field(default_factory=list)
    turns: list[dict] = field(default_factory=list)
    # time.monotonic() of every 10 ms of the agent's audio that was loud enough to hear.
    agent_audio: list[float] = field(default_factory=list)
    mic_track: str = ""
    _pending: bytearray = field(default_factory=bytearray)
    _spoken: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _source: rtc.AudioSource | None = None
    left: bool = False  # the room closed on the caller, or they hung up
    _ends_at: float = 0.0

    def others(self) -> list[str]:
        """Who else is in the room."""
        return list(self.room.remote_participants)

    async def join(self, url: str, token: str) -> None:
        self.room.on("track_subscribed", self._on_track)
        self.room.on("disconnected", self._on_left)
        self.room.register_text_stream_handler(TRANSCRIPTION_TOPIC, self._on_caption)
        self.room.register_text_stream_handler(TURN_TOPIC, self._on_turn)
        await self.room.connect(url, token)
        self._source = rtc.AudioSource(RATE, 1, queue_size_ms=100)
        track = rtc.LocalAudioTrack.create_audio_track("microphone", self._source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        published = await self.room.local_participant.publish_track(track, options)
        self.mic_track = published.sid
        self._tasks.append(asyncio.create_task(self._microphone()))

    async def say(self, pcm: bytes) -> float:
        """Play `pcm` (16 kHz PCM16) into the microphone; returns once it has all been
        queued, with the time.monotonic() at which its last sample leaves the microphone."""
        self._spoken.clear()
        self._pending.extend(pcm)
        await self._spoken.wait()
        return self._ends_at

    async def until(self, wanted: Callable[[], bool], limit_s: float = 90.0) -> None:
        deadline = time.monotonic() + limit_s
        while not wanted():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; captions so far: {self.captions}")
            await asyncio.sleep(0.05)

    def agent_captions(self) -> list[str]:
        return [c.text for c in self.captions if c.final and c.track != self.mic_track]

    def caller_captions(self) -> list[str]:
        return [c.text for c in self.captions if c.final and c.track == self.mic_track]

    def audio_after(self, moment: float) -> float | None:
        """When the agent was first heard after `moment`."""
        return next((t for t in self.agent_audio if t > moment), None)

    async def leave(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.room.disconnect()

    async def _microphone(self) -> None:
        """Send 10 ms at a time, forever: the pending speech, or silence. capture_frame waits
        while its 100 ms queue is full, which paces the sending in real time."""
        assert self._source is not None
        silence = bytes(FRAME * 2)
        while True:
            last = False
            if self._pending:
                chunk = bytes(self._pending[: FRAME * 2]).ljust(FRAME * 2, b"\0")
                del self._pending[: FRAME * 2]
                last = not self._pending
            else:
                chunk = silence
            await self._source.capture_frame(rtc.AudioFrame(chunk, RATE, 1, FRAME))
            if last:
                # Accepted into the source's queue: it is sent once what is ahead of it is.
                self._ends_at = time.monotonic() + self._source.queued_duration
                self._spoken.set()

    def _on_left(self, reason: object) -> None:
        self.left = True

    def _on_track(
        self,
        track: rtc.Track,
        publication: rtc.RemoteTrackPublication,
        participant: rtc.RemoteParticipant,
    ) -> None:
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            self._tasks.append(asyncio.create_task(self._listen(track)))

    async def _listen(self, track: rtc.Track) -> None:
        async for event in rtc.AudioStream(track, sample_rate=RATE, num_channels=1):
            samples = np.frombuffer(bytes(event.frame.data), dtype=np.int16).astype(np.float32)
            if samples.size and float(np.sqrt(np.mean(samples**2))) > LOUD_RMS:
                self.agent_audio.append(time.monotonic())

    def _on_turn(self, reader: rtc.TextStreamReader, identity: str) -> None:
        async def read() -> None:
            self.turns.append(json.loads(await reader.read_all()))

        self._tasks.append(asyncio.create_task(read()))

    def _on_caption(self, reader: rtc.TextStreamReader, identity: str) -> None:
        self._tasks.append(asyncio.create_task(self._read_caption(reader, identity)))

    async def _read_caption(self, reader: rtc.TextStreamReader, identity: str) -> None:
        text = await reader.read_all()
        attributes = reader.info.attributes or {}
        self.captions.append(
            Caption(
                identity=identity,
                track=attributes.get("lk.transcribed_track_id", ""),
                text=text,
                final=attributes.get("lk.transcription_final") == "true",
                at=time.monotonic(),
            )
        )
