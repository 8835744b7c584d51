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

from fastapi import APIRouter, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy.orm import Session

from frontdesk.agents.service import AgentService
from frontdesk.config import Settings
from frontdesk.conversations.call_socket import serve_call
from frontdesk.conversations.service import ConversationHub
from frontdesk.db import DbSession, transaction
from frontdesk.errors import FrontdeskError
from frontdesk.livekit.tokens import mint_call_token
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE, OUTPUT_RATE
from frontdesk.workspace.auth import ConversationPrincipal, authenticate
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

router = APIRouter(tags=["voice"])


class CallStart(BaseModel):
    transport: str  # "websocket" (local voice) or "livekit"
    url: str
    input_sample_rate: int | None = None
    output_sample_rate: int | None = None
    # LiveKit only: the caller's token for `room`, and the conversation already opened.
    token: str | None = None
    room: str | None = None
    conversation_id: str | None = None


def call_settings(db: Session, resources: Resources, workspace_id: str) -> Settings:
    """The settings a workspace's calls run with: its own (LiveKit project, speech, model)
    over the environment's."""
    return resources.settings_for(WorkspaceRepository(db).settings_of(workspace_id))


def local_call(url: str) -> CallStart:
    """How to reach a call that runs in this process: the socket and its audio rates."""
    return CallStart(
        transport="websocket",
        url=url,
        input_sample_rate=INPUT_RATE,
        output_sample_rate=OUTPUT_RATE,
    )


async def open_livekit_call(
    hub: ConversationHub,
    settings: Settings,
    principal: Principal,
    agent_id: str,
    *,
    source: str = "owner",
    caller_key: str | None = None,
) -> CallStart:
    """Open the conversation of a LiveKit call and mint the caller's token for its room."""
    conversation_id = await hub.open_call(
        principal,
        agent_id,
        "livekit",
        source=source,
        caller_key=caller_key,
        livekit_project=settings.livekit_api_key,
    )
    call = mint_call_token(
        settings,
        agent_id=agent_id,
        conversation_id=conversation_id,
        workspace_id=principal.workspace_id,
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


@router.post("/api/agents/{agent_id}/calls", response_model=CallStart, status_code=201)
async def start_call(
    agent_id: str, request: Request, principal: ConversationPrincipal, db: DbSession
) -> CallStart:
    """How to call this agent.

    With LiveKit configured (the workspace's own LiveKit project, else the environment's): a
    new conversation and a token for its own room, into which LiveKit dispatches
    `frontdesk agent-worker` (join `url` with `token`). Otherwise: the WebSocket to open,
    which starts the conversation itself.
    """
    resources = request.app.state.resources
    settings = await run_in_threadpool(call_settings, db, resources, principal.workspace_id)
    if settings.livekit_enabled:
        hub = request.app.state.conversations
        return await open_livekit_call(hub, settings, principal, agent_id)
    await run_in_threadpool(AgentService(db, resources, principal).get, agent_id)
    return local_call(f"/api/agents/{agent_id}/calls/ws")


def _principal(websocket: WebSocket) -> Principal:
    with transaction(websocket.app.state.resources.sessionmaker) as db:
        principal = authenticate(db, websocket.headers, websocket.cookies)
        if principal.api_key_id is not None:
            # Opening the socket is one request of the key; the conversation it starts was
            # counted by POST /calls, which handed out this socket's address.
            websocket.app.state.api_key_limits.count(principal.api_key_id)
        return principal


@router.websocket("/api/agents/{agent_id}/calls/ws")
async def call_socket(websocket: WebSocket, agent_id: str) -> None:
    try:
        # A short transaction: the call may last minutes and must not hold the database.
        principal = await asyncio.to_thread(_principal, websocket)
    except FrontdeskError as exc:
        # 4000 + the HTTP status, as a browser cannot read a refused handshake's status.
        code = 4429 if exc.status == 429 else 4401
        await websocket.close(code=code, reason=str(exc.detail)[:120])
        return
    await websocket.accept()
    hub: ConversationHub = websocket.app.state.conversations

    async def end(conversation_id: str, reason: str) -> None:
        await hub.end(principal, conversation_id, reason)

    await serve_call(
        websocket,
        lambda send_audio, send_event: hub.start_call(principal, agent_id, send_audio, send_event),
        end,
    )
