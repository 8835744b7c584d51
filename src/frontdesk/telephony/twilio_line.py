"""One phone call on a Twilio Media Stream: Twilio's JSON messages in and out of the same
local voice path as a browser call (`runtime.voice_channel`).

Twilio sends `connected`, `start` (the stream's id and the <Parameter>s of our TwiML),
`media` (20 ms of the caller's 8 kHz μ-law, base64), `dtmf`, `mark` (a mark we sent has
been played) and `stop`. We send `media` (the agent's voice, μ-law), `mark` after each
spoken segment, and `clear` when the caller talks over the agent: Twilio drops the audio
it still holds and returns the marks of what was never played.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from frontdesk.conversations.call_socket import next_message
from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.errors import FrontdeskError
from frontdesk.runtime.voice_channel import PcmOutput, VoiceConversation
from frontdesk.telephony import mulaw
from frontdesk.telephony.silence import QuietLine, SilenceWatch

log = logging.getLogger(__name__)

# A mark Twilio never returns (a lost message) must not hold the agent's turn for ever.
MARK_GRACE_S = 3.0
MAX_MEDIA_BYTES = 16 * 1024  # 2 s of μ-law: more in one message is not Twilio
# Pressing 0 on the keypad: the caller wants a person (in the words a caller would use).
DTMF_HUMAN = "I pressed 0. I'd like to speak to a person, please."


class TwilioOutput(PcmOutput):
    """The agent's voice as Twilio `media` messages at 8 kHz; a segment has played when
    Twilio returns the mark sent after it (or, should it never come, by the clock)."""

    def __init__(self, send_json: Callable[[dict[str, Any]], Coroutine[Any, Any, None]]) -> None:
        self._send_json = send_json
        super().__init__(self._send_media, self._on_event, sample_rate=mulaw.PHONE_RATE)
        self._marks = 0
        self._played_marks: set[str] = set()
        self._mark_seen = asyncio.Event()
        self._pending: str | None = None

    async def _send_media(self, pcm: bytes) -> None:
        payload = base64.b64encode(mulaw.encode(pcm)).decode()
        await self._send_json({"event": "media", "media": {"payload": payload}})

    async def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "clear":
            await self._send_json({"event": "clear"})

    def flush(self) -> None:
        if self._pushed:
            self._marks += 1
            self._pending = f"segment-{self._marks}"
            mark = {"event": "mark", "mark": {"name": self._pending}}
            asyncio.get_running_loop().create_task(self._send_json(mark))
        super().flush()

    def marked(self, name: str) -> None:
        """Twilio played (or, after `clear`, dropped) the audio before mark `name`."""
        self._played_marks.add(name)
        self._mark_seen.set()

    async def _played(self, remaining_s: float) -> None:
        name = self._pending
        deadline = time.monotonic() + max(0.0, remaining_s) + MARK_GRACE_S
        while name is not None and name not in self._played_marks:
            self._mark_seen.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                log.warning("Twilio did not return mark %s; counting it played", name)
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._mark_seen.wait(), timeout=left)


EndPhoneCall = Callable[[str, str], Awaitable[None]]


@dataclass(frozen=True)
class StreamStart:
    stream_sid: str
    call_sid: str
    parameters: dict[str, str]


StartStream = Callable[
    [StreamStart, TwilioOutput],
    Awaitable[tuple[str, VoiceConversation, DatabaseReceptionServices]],
]


class _Hangup(Exception):
    """The agent's part of the call is over (it ended the call, transferred it, or the line
    went silent): close the stream, and Twilio goes on with the TwiML's action."""


async def serve_twilio_stream(
    websocket: WebSocket,
    start: StartStream,
    end: EndPhoneCall,
) -> None:
    """Run one call on an accepted Media Streams socket until Twilio stops it or the agent
    is done. `start` checks the stream's parameters and answers the call."""
    sending = asyncio.Lock()
    stream_sid = ""

    async def send_json(message: dict[str, Any]) -> None:
        async with sending:
            if websocket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                    await websocket.send_text(json.dumps({**message, "streamSid": stream_sid}))

    began = await _stream_start(websocket)
    if began is None:
        await _close(websocket, 1008)
        return
    stream_sid = began.stream_sid
    output = TwilioOutput(send_json)
    try:
        conversation_id, call, services = await start(began, output)
    except FrontdeskError as exc:
        log.warning("Twilio stream of call %s refused: %s", began.call_sid, exc.detail)
        await _close(websocket, 1008)
        return
    reason = "caller hung up"
    watch = _LineWatch(call, services)
    try:
        while True:
            message = await next_message(websocket, watch.over)
            if isinstance(message, str):
                reason = message
                raise _Hangup
            if message["type"] == "websocket.disconnect":
                break
            event = _message(message.get("text"))
            kind = event.get("event")
            if kind == "media":
                pcm = _caller_audio(event)
                if pcm is not None:
                    call.push_audio(pcm, mulaw.PHONE_RATE)
            elif kind == "mark":
                output.marked(str((event.get("mark") or {}).get("name", "")))
            elif kind == "dtmf" and (event.get("dtmf") or {}).get("digit") == "0":
                call.push_text(DTMF_HUMAN)
            elif kind == "stop":
                break
    except (_Hangup, WebSocketDisconnect):
        pass
    finally:
        await call.close()
        with contextlib.suppress(FrontdeskError):
            await end(conversation_id, reason)
        await _close(websocket, 1000)


class _LineWatch:
    """Why the agent's part of the call is over, checked a few times a second."""

    def __init__(self, call: VoiceConversation, services: DatabaseReceptionServices) -> None:
        self.call = call
        self.services = services
        self.quiet = QuietLine(SilenceWatch())

    def over(self) -> str | None:
        if self.services.ended is not None and not self.call.speaking:
            return f"agent ended the call: {self.services.ended}"
        return "the line was silent" if self.quiet.step(self.call.session) else None


async def _stream_start(websocket: WebSocket) -> StreamStart | None:
    """Read up to Twilio's `start` message (after `connected`); None if the peer is not
    Twilio speaking Media Streams."""
    for _ in range(3):
        try:
            message = await asyncio.wait_for(websocket.receive(), timeout=10)
        except TimeoutError:
            return None
        if message["type"] == "websocket.disconnect":
            return None
        event = _message(message.get("text"))
        if event.get("event") == "connected":
            continue
        began = event.get("start")
        if event.get("event") != "start" or not isinstance(began, dict):
            return None
        params = began.get("customParameters") or {}
        return StreamStart(
            stream_sid=str(event.get("streamSid") or began.get("streamSid") or ""),
            call_sid=str(began.get("callSid") or ""),
            parameters={str(k): str(v) for k, v in params.items()}
            if isinstance(params, dict)
            else {},
        )
    return None


def _caller_audio(event: dict[str, Any]) -> bytes | None:
    media = event.get("media") or {}
    if media.get("track", "inbound") != "inbound":
        return None
    try:
        payload = base64.b64decode(str(media.get("payload") or ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not payload or len(payload) > MAX_MEDIA_BYTES:
        return None
    return mulaw.decode(payload)


def _message(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


async def _close(websocket: WebSocket, code: int) -> None:
    # Twilio may have closed first (a hang-up): nothing left to close then.
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.close(code=code)
