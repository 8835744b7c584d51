"""Twilio's end of a phone call, as its Media Streams documentation describes the protocol:
a WebSocket client that sends `connected` and `start`, the caller's voice as 20 ms `media`
messages of 8 kHz μ-law in real time (silence when they are not talking, as a phone line
does), keypresses as `dtmf`, and `stop` on hang-up. What comes back is played in real time
into the caller's ear: a `mark` is returned once the audio before it has played, and
`clear` drops what has not played yet and returns its marks at once."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import websockets
from livekit import rtc

from frontdesk.telephony import mulaw
from tests.telephony.earpiece import Earpiece

RATE = mulaw.PHONE_RATE
FRAME_BYTES = RATE // 50  # 20 ms of μ-law, what Twilio sends per message
SILENCE = mulaw.encode(bytes(FRAME_BYTES * 2))


@dataclass
class TwilioCaller(Earpiece):
    stream_sid: str = field(default_factory=lambda: "MZ" + uuid.uuid4().hex)
    call_sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)
    clears: list[float] = field(default_factory=list)
    marks_returned: list[str] = field(default_factory=list)
    closed: bool = False
    _socket: Any = None
    _speech: bytearray = field(default_factory=bytearray)
    _spoken: asyncio.Event = field(default_factory=asyncio.Event)
    _playback: deque = field(default_factory=deque)  # ("audio", pcm) | ("mark", name)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _sequence: int = 0
    _speech_ends: float = 0.0

    async def call(self, url: str, parameters: dict[str, str]) -> None:
        self._socket = await websockets.connect(url, max_size=2**22)
        await self._send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await self._send(
            {
                "event": "start",
                "start": {
                    "accountSid": "AC" + "0" * 32,
                    "streamSid": self.stream_sid,
                    "callSid": self.call_sid,
                    "tracks": ["inbound"],
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": RATE, "channels": 1},
                    "customParameters": parameters,
                },
            }
        )
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._line()),
            loop.create_task(self._receive()),
            loop.create_task(self._play()),
        ]

    async def say(self, pcm_8k: bytes) -> float:
        """Speak `pcm_8k` (8 kHz PCM16) into the phone; returns the time.monotonic() its
        last sound was sent (the end of the caller's speech)."""
        self._spoken.clear()
        self._speech += mulaw.encode(pcm_8k)
        await self._spoken.wait()
        return self._speech_ends

    async def press(self, digit: str) -> None:
        await self._send({"event": "dtmf", "dtmf": {"track": "inbound_track", "digit": digit}})

    async def hang_up(self) -> None:
        await self._send({"event": "stop", "stop": {"callSid": self.call_sid}})
        await self._socket.close()
        self._stop()

    # -- the line -------------------------------------------------------------------------
    async def _send(self, message: dict[str, Any]) -> None:
        self._sequence += 1
        message = {**message, "sequenceNumber": str(self._sequence), "streamSid": self.stream_sid}
        await self._socket.send(json.dumps(message))

    async def _line(self) -> None:
        """20 ms of the caller's line every 20 ms: their speech, or silence."""
        chunk = 0
        start = time.monotonic()
        while not self.closed:
            if self._speech:
                frame = bytes(self._speech[:FRAME_BYTES]).ljust(FRAME_BYTES, SILENCE[:1])
                del self._speech[:FRAME_BYTES]
                # The frame is 20 ms of sound sent at its start: the words end with it.
                finished = not self._speech
            else:
                frame, finished = SILENCE, False
            media = {
                "track": "inbound",
                "chunk": str(chunk + 1),
                "timestamp": str(chunk * 20),
                "payload": base64.b64encode(frame).decode(),
            }
            try:
                await self._send({"event": "media", "media": media})
            except websockets.ConnectionClosed:
                self._stop()
                return
            chunk += 1
            if finished:
                # A phone sends each 20 ms once it has been spoken: the words ended as the
                # last of them left.
                self._speech_ends = time.monotonic()
                self._spoken.set()
            await asyncio.sleep(max(0.0, start + chunk * 0.02 - time.monotonic()))

    async def _receive(self) -> None:
        try:
            async for text in self._socket:
                message = json.loads(text)
                assert message.get("streamSid") == self.stream_sid, message
                event = message.get("event")
                if event == "media":
                    self.arrived.append(time.monotonic())
                    payload = base64.b64decode(message["media"]["payload"])
                    self._playback.append(("audio", mulaw.decode(payload)))
                elif event == "mark":
                    self._playback.append(("mark", message["mark"]["name"]))
                elif event == "clear":
                    self.clears.append(time.monotonic())
                    marks = [name for kind, name in self._playback if kind == "mark"]
                    self._playback.clear()
                    for name in marks:
                        await self._return_mark(name)
        except websockets.ConnectionClosed:
            pass
        self._stop()

    async def _play(self) -> None:
        """Play the agent's audio into the caller's ear in real time."""
        buffered = b""
        start = time.monotonic()
        played = 0
        while not self.closed:
            while self._playback and self._playback[0][0] == "mark" and not buffered:
                await self._return_mark(self._playback.popleft()[1])
            while len(buffered) < FRAME_BYTES * 2 and self._playback:
                if self._playback[0][0] == "mark":
                    break
                buffered += self._playback.popleft()[1]
            if buffered:
                frame, buffered = buffered[: FRAME_BYTES * 2], buffered[FRAME_BYTES * 2 :]
                self.heard.append((time.monotonic(), frame))
            played += 1
            await asyncio.sleep(max(0.0, start + played * 0.02 - time.monotonic()))

    async def _return_mark(self, name: str) -> None:
        self.marks_returned.append(name)
        try:
            await self._send({"event": "mark", "mark": {"name": name}})
        except websockets.ConnectionClosed:
            self._stop()

    def _stop(self) -> None:
        self.closed = True


def to_rate(pcm: bytes, source: int, target: int) -> bytes:
    """16-bit mono PCM from one sample rate to another (LiveKit's resampler)."""
    frame = rtc.AudioFrame(pcm, source, 1, len(pcm) // 2)
    resampler = rtc.AudioResampler(input_rate=source, output_rate=target, num_channels=1)
    return b"".join(bytes(f.data) for f in [*resampler.push(frame), *resampler.flush()])
