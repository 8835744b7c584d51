"""Voice calls over HTTP: how to connect, and the WebSocket that carries the call.

With LiveKit configured, a call is a LiveKit room instead: `POST …/calls` opens the
conversation and answers a token for its room, and `frontdesk agent-worker` runs the agent
there. Without LiveKit, the call runs in this process over the WebSocket below.

The socket carries binary frames of 16-bit mono PCM both ways (caller audio in at the
sample rate the client announces, 16 kHz unless told; agent audio out at 24 kHz) and JSON
text frames for everything else:

- client → server: `{"type": "hello", "sample_rate": 48000}`, `{"type": "text", "text": …}`
  (typed input during the call), `{"type": "hangup"}`;
- server → client: `ready`, `caption` (live words of either side), `turn` (a finished,
  stored turn with its timings and tool calls), `state` (agent listening / thinking /
  speaking, caller speaking / listening), `clear` (stop playback now: the caller barged in),
  `error`, `ended`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from fastapi import APIRouter, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.websockets import WebSocketDisconnect, WebSocketState

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession, transaction
from frontdesk.errors import FrontdeskError
from frontdesk.livekit.tokens import mint_call_token
from frontdesk.runtime.voice_channel import INPUT_RATE, OUTPUT_RATE
from frontdesk.workspace.auth import CurrentPrincipal, authenticate
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)
router = APIRouter(tags=["voice"])

MAX_FRAME_BYTES = 64 * 1024  # ~1 s of 32 kHz audio: more in one frame is a broken client
RATES = range(8_000, 48_001)


class CallStart(BaseModel):
    transport: str  # "websocket" (local voice) or "livekit"
    url: str
    input_sample_rate: int | None = None
    output_sample_rate: int | None = None
    # LiveKit only: the caller's token for `room`, and the conversation already opened.
    token: str | None = None
    room: str | None = None
    conversation_id: str | None = None


@router.post("/api/agents/{agent_id}/calls", response_model=CallStart, status_code=201)
async def start_call(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CallStart:
    """How to call this agent.

    With LiveKit configured: a new conversation and a token for its own room, into which
    LiveKit dispatches `frontdesk agent-worker` (join `url` with `token`). Otherwise: the
    WebSocket to open, which starts the conversation itself.
    """
    resources = request.app.state.resources
    settings = resources.settings
    if settings.livekit_enabled:
        hub = request.app.state.conversations
        conversation_id = await hub.open_call(principal, agent_id, "livekit")
        call = mint_call_token(
            settings,
            agent_id=agent_id,
            conversation_id=conversation_id,
            identity=f"caller-{conversation_id}",
            name="Caller",
        )
        return CallStart(
            transport="livekit",
            url=call.url,
            token=call.token,
            room=call.room,
            conversation_id=conversation_id,
        )
    await run_in_threadpool(AgentService(db, resources, principal).get, agent_id)
    return CallStart(
        transport="websocket",
        url=f"/api/agents/{agent_id}/calls/ws",
        input_sample_rate=INPUT_RATE,
        output_sample_rate=OUTPUT_RATE,
    )


def _principal(websocket: WebSocket) -> Principal:
    with transaction(websocket.app.state.resources.sessionmaker) as db:
        return authenticate(db, websocket.headers, websocket.cookies)


@router.websocket("/api/agents/{agent_id}/calls/ws")
async def call_socket(websocket: WebSocket, agent_id: str) -> None:
    try:
        # A short transaction: the call may last minutes and must not hold the database.
        principal = await asyncio.to_thread(_principal, websocket)
    except FrontdeskError as exc:
        await websocket.close(code=4401, reason=str(exc.detail)[:120])
        return
    await websocket.accept()
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

    hub = websocket.app.state.conversations
    try:
        conversation_id, call, services = await hub.start_call(
            principal, agent_id, send_audio, send_event
        )
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
    reason = "caller hung up"
    sample_rate = INPUT_RATE
    try:
        while True:
            receiving = asyncio.ensure_future(websocket.receive())
            while not receiving.done():
                await asyncio.wait({receiving}, timeout=0.25)
                if services.ended is not None and not call.speaking:
                    reason = f"agent ended the call: {services.ended}"
                    receiving.cancel()
                    raise _CallOver
            message = receiving.result()
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
            await hub.end(principal, conversation_id, reason)
        await send_event({"type": "ended", "reason": reason})
        with contextlib.suppress(RuntimeError):
            await websocket.close()


class _CallOver(Exception):
    """The agent ended the call (end_conversation) and has finished speaking."""


def _command(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {"type": None}
    return value if isinstance(value, dict) else {"type": None}
