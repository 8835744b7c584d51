"""The server side of one local voice call over an accepted WebSocket.

Shared by every socket that carries a call (the owner's `/api/agents/{id}/calls/ws`, the
widget's `/api/widget/calls/ws`): they differ only in who may call and how the call is
opened and ended, never in the protocol, which `voice_endpoints` documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.errors import FrontdeskError
from frontdesk.runtime.call_recorder import SendEvent
from frontdesk.runtime.voice_channel import INPUT_RATE, OUTPUT_RATE, SendAudio, VoiceConversation

MAX_FRAME_BYTES = 64 * 1024  # ~1 s of 32 kHz audio: more in one frame is a broken client
RATES = range(8_000, 48_001)

StartCall = Callable[
    [SendAudio, SendEvent],
    Awaitable[tuple[str, VoiceConversation, DatabaseReceptionServices]],
]
EndCall = Callable[[str, str], Awaitable[None]]


class _CallOver(Exception):
    """The call must end now: the agent ended it and has finished speaking, or time is up."""


async def serve_call(
    websocket: WebSocket,
    start: StartCall,
    end: EndCall,
    *,
    time_limit_s: float | None = None,
    time_up_reason: str = "time is up",
) -> None:
    """Run one call on `websocket` (already accepted) until either side hangs up.

    `start` opens the conversation and its voice session; `end(conversation_id, reason)`
    closes it. With `time_limit_s`, the server hangs up that many seconds after the call
    is ready, with `time_up_reason` in the `ended` event.
    """
    sending = asyncio.Lock()

    # A caller who hangs up mid-sentence is normal: what is still being sent to them is
    # dropped, and the call winds down through the receive loop.
    async def send_event(event: dict[str, Any]) -> None:
        async with sending:
            if websocket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                    await websocket.send_text(json.dumps(event, default=str))

    async def send_audio(pcm: bytes) -> None:
        async with sending:
            if websocket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                    await websocket.send_bytes(pcm)

    try:
        conversation_id, call, services = await start(send_audio, send_event)
    except FrontdeskError as exc:
        await send_event({"type": "error", "error": exc.name, "detail": exc.detail})
        await websocket.close(code=4000 + min(exc.status, 999) % 1000)
        return
    await send_event(
        {
            "type": "ready",
            "conversation_id": conversation_id,
            "input_sample_rate": INPUT_RATE,
            "output_sample_rate": OUTPUT_RATE,
        }
    )
    deadline = None if time_limit_s is None else time.monotonic() + time_limit_s
    reason = "caller hung up"
    sample_rate = INPUT_RATE

    def over() -> str | None:
        if services.ended is not None and not call.speaking:
            return f"agent ended the call: {services.ended}"
        if deadline is not None and time.monotonic() >= deadline:
            return time_up_reason
        return None

    try:
        while True:
            message = await next_message(websocket, over)
            if isinstance(message, str):
                reason = message
                raise _CallOver
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes") is not None:
                data: bytes = message["bytes"]
                if len(data) > MAX_FRAME_BYTES or len(data) % 2:
                    await send_event(
                        {"type": "error", "detail": "Audio frames must be 16-bit PCM, ≤ 64 KiB."}
                    )
                    continue
                call.push_audio(data, sample_rate)
                continue
            command = _command(message.get("text") or "")
            kind = command.get("type")
            if kind == "hello":
                rate = command.get("sample_rate")
                if not isinstance(rate, int) or rate not in RATES:
                    await send_event(
                        {"type": "error", "detail": "sample_rate must be 8000–48000 Hz."}
                    )
                    continue
                sample_rate = rate
            elif kind == "text" and str(command.get("text") or "").strip():
                call.push_text(str(command["text"])[:2000])
            elif kind == "hangup":
                break
            else:
                await send_event({"type": "error", "detail": f"Unknown message: {kind!r}."})
    except (_CallOver, WebSocketDisconnect):
        pass
    finally:
        await call.close()
        with contextlib.suppress(FrontdeskError):
            await end(conversation_id, reason)
        await send_event({"type": "ended", "reason": reason})
        with contextlib.suppress(RuntimeError):
            await websocket.close()


async def next_message(websocket: WebSocket, over: Callable[[], str | None]) -> Any:
    """The socket's next message; or, checked four times a second while none comes, why
    the call must end now (a string from `over`): the agent hung up, time is up."""
    receiving = asyncio.ensure_future(websocket.receive())
    while not receiving.done():
        await asyncio.wait({receiving}, timeout=0.25)
        reason = over()
        if reason is not None:
            receiving.cancel()
            return reason
    return receiving.result()


def _command(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {"type": None}
    return value if isinstance(value, dict) else {"type": None}
