"""The widget's public endpoints: reached by callers' browsers on the business's website,
with no account, only the agent's public key or a widget session token.

Statuses (every error in the one error shape; see docs/widget.md): 404 unknown key or
conversation, 403 origin not allowed / agent paused or not deployed / mode off, 401 session
token missing, malformed, forged, expired or for another conversation, 409 conversation
ended, 429 rate limit or daily minutes (with Retry-After), 422 invalid body.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response, WebSocket
from fastapi.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from frontdesk.conversations.call_socket import serve_call
from frontdesk.conversations.schemas import MessageIn
from frontdesk.conversations.service import ConversationHub
from frontdesk.conversations.voice_endpoints import call_settings, local_call, open_livekit_call
from frontdesk.db import DbSession, release, transaction
from frontdesk.errors import Conflict, Forbidden, FrontdeskError, TooManyRequests, Unauthorized
from frontdesk.openapi_errors import error_responses
from frontdesk.runtime.call_recorder import SendEvent
from frontdesk.widget.cors import CALLER_STATE, CorsRoute, preflight_headers
from frontdesk.widget.origins import request_origin, server_origin
from frontdesk.widget.schemas import SessionIn, SessionOut, WidgetConfig, WidgetMessageOut
from frontdesk.widget.service import (
    Admitted,
    Caller,
    WidgetGate,
    minutes_used_up,
    widget_principal,
)
from frontdesk.widget.tokens import WidgetToken, mint_token

router = APIRouter(prefix="/api/widget", tags=["widget"], route_class=CorsRoute)


def _caller(conn: HTTPConnection) -> Caller:
    caller = Caller(
        origin=request_origin(conn),
        own_origin=server_origin(conn),
        ip=conn.client.host if conn.client else "unknown",
    )
    setattr(conn.state, CALLER_STATE, caller)
    return caller


def _gate(conn: HTTPConnection, db: DbSession) -> WidgetGate:
    return WidgetGate(db, conn.app.state.resources.settings, conn.app.state.widget_limits)


def _hub(conn: HTTPConnection) -> ConversationHub:
    return conn.app.state.conversations


def _token(
    conn: HTTPConnection, admitted: Admitted, conversation_id: str, mode: str
) -> tuple[str, WidgetToken]:
    settings = conn.app.state.resources.settings
    return mint_token(
        settings.signing_key,
        conversation_id=conversation_id,
        agent_id=admitted.agent_id,
        workspace_id=admitted.principal.workspace_id,
        origin=admitted.origin,
        mode=mode,
        ttl_s=settings.widget_token_ttl_s,
    )


@router.get(
    "/{public_key}/config", response_model=WidgetConfig, responses=error_responses(Forbidden)
)
def get_widget_config(public_key: str, request: Request, db: DbSession) -> dict[str, object]:
    """What the widget needs to draw itself. 404 unknown key, 403 origin not allowed.

    `available` is false (and `notice` says why, in the caller's words) while the agent is
    paused or not deployed, or the widget is switched off; today's minutes are checked only
    when a session is opened."""
    return _gate(request, db).config(public_key, _caller(request))


@router.options("/{public_key}/config", include_in_schema=False)
@router.options("/{public_key}/sessions", include_in_schema=False)
def preflight_widget(public_key: str, request: Request, db: DbSession) -> Response:
    gate = _gate(request, db)
    gate.let_in(gate.agent(public_key), _caller(request))
    return Response(status_code=204, headers=preflight_headers())


@router.post(
    "/{public_key}/sessions",
    response_model=SessionOut,
    status_code=201,
    responses=error_responses(Forbidden, TooManyRequests),
)
async def start_widget_session(
    public_key: str, body: SessionIn, request: Request, db: DbSession
) -> SessionOut:
    """Open a conversation with the agent: `text` answers with the agent's greeting, `voice`
    with how to connect the call (`call`). The token continues this one conversation.

    404 unknown key; 403 origin not allowed, agent paused or not deployed, widget off or
    mode not enabled; 429 too many sessions from this IP or for this agent, today's minutes
    used up, for everyone or for this IP's share of them, or (voice) a call from this IP
    still going on (Retry-After says when to try again)."""
    caller = _caller(request)
    gate = _gate(request, db)
    admitted = await run_in_threadpool(gate.admit_session, public_key, caller, body.mode)
    hub, resources = _hub(request), request.app.state.resources
    # The agent's workspace may bring its own LiveKit project (workspace settings).
    settings = await run_in_threadpool(
        call_settings, db, resources, admitted.principal.workspace_id
    )
    await run_in_threadpool(release, db)  # the agent's greeting is written on its own
    call = None
    # Each conversation names the caller's network: its share of the day's minutes.
    network = admitted.caller_key
    if body.mode == "text":
        started = await hub.start(
            admitted.principal, admitted.agent_id, source="widget", caller_key=network
        )
        conversation_id, greeting = started["id"], started["greeting"]
    elif settings.livekit_enabled:
        call = await open_livekit_call(
            hub,
            settings,
            admitted.principal,
            admitted.agent_id,
            source="widget",
            caller_key=network,
        )
        conversation_id, greeting = call.conversation_id or "", admitted.greeting
    else:
        conversation_id = await hub.open_call(
            admitted.principal, admitted.agent_id, "voice", source="widget", caller_key=network
        )
        greeting = admitted.greeting
    token, claims = _token(request, admitted, conversation_id, body.mode)
    if body.mode == "voice" and call is None:
        scheme = "wss" if request.url.scheme == "https" else "ws"
        url = request.url_for("widget_call_socket").replace(scheme=scheme)
        call = local_call(str(url.include_query_params(token=token)))
    return SessionOut(
        conversation_id=conversation_id,
        token=token,
        expires_at=claims.expires_at,
        greeting=greeting,
        call=call,
    )


@router.options("/conversations/{conversation_id}/messages", include_in_schema=False)
@router.options("/conversations/{conversation_id}/end", include_in_schema=False)
def preflight_widget_conversation(
    conversation_id: str, request: Request, db: DbSession
) -> Response:
    _gate(request, db).preflight(conversation_id, _caller(request))
    return Response(status_code=204, headers=preflight_headers())


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=WidgetMessageOut,
    responses=error_responses(Unauthorized, Forbidden, Conflict, TooManyRequests),
)
async def send_widget_message(
    conversation_id: str, body: MessageIn, request: Request, db: DbSession
) -> WidgetMessageOut:
    """Say something in a widget text conversation (`Authorization: Bearer <token>`).

    The answer is the agent's reply and whether it ended the conversation (never its tool
    calls or timings: those are the owner's, in the dashboard), plus a renewed `token` and
    its `expires_at`: use that token from now on. 401 token missing, malformed, forged,
    expired or for another conversation; 403 origin not the session's, agent paused; 409
    conversation ended or a voice call; 429 rate limit or today's minutes."""
    caller = _caller(request)
    gate = _gate(request, db)
    authorization = request.headers.get("authorization")
    admitted = await run_in_threadpool(gate.admit_message, conversation_id, caller, authorization)
    await run_in_threadpool(release, db)  # the answer is written on its own
    reply = await _hub(request).message(admitted.principal, conversation_id, body.text)
    token, expires_at = None, None
    if not reply["ended"]:
        token, claims = _token(request, admitted, conversation_id, "text")
        expires_at = claims.expires_at
    return WidgetMessageOut(
        conversation_id=conversation_id,
        reply=reply["reply"],
        ended=reply["ended"],
        token=token,
        expires_at=expires_at,
    )


@router.post(
    "/conversations/{conversation_id}/end",
    status_code=204,
    responses=error_responses(Unauthorized, Forbidden),
)
async def end_widget_conversation(
    conversation_id: str, request: Request, db: DbSession
) -> Response:
    """Hang up (`Authorization: Bearer <token>`); ending an ended conversation is a no-op.
    401 token problems, 403 origin not the session's."""
    caller = _caller(request)
    gate = _gate(request, db)
    authorization = request.headers.get("authorization")
    _, agent = await run_in_threadpool(gate.conversation, conversation_id, caller, authorization)
    await _hub(request).end(widget_principal(agent), conversation_id, "ended by caller")
    return Response(status_code=204)


# What a finished turn tells the owner's console but not a caller on the business's site:
# the agent's tool calls carry other callers' details in their results (a lookup, a booking)
# and its timings describe the deployment.
_OWNER_ONLY = ("tool_calls", "timings")


def _for_the_caller(send_event: SendEvent) -> SendEvent:
    """`send_event` with the owner-only detail left out of each `turn` event."""

    async def send(event: dict[str, Any]) -> None:
        if event.get("type") == "turn":
            event = {k: v for k, v in event.items() if k not in _OWNER_ONLY}
        await send_event(event)

    return send


def _admit_call(websocket: WebSocket, token: str, caller: Caller) -> tuple[WidgetToken, Admitted]:
    # A short transaction of its own: the call may last minutes and must not hold it.
    with transaction(websocket.app.state.resources.sessionmaker) as db:
        return _gate(websocket, db).admit_call(token, caller)


@router.websocket("/calls/ws")
async def widget_call_socket(websocket: WebSocket, token: str = "") -> None:
    """The widget's voice call: the protocol of `/api/agents/{id}/calls/ws`, for the
    conversation the token names. A refused origin is refused at the handshake; any other
    refusal is an `error` event, then a close with code 4000 + the HTTP status."""
    caller = _caller(websocket)
    try:
        claims, admitted = await asyncio.to_thread(_admit_call, websocket, token, caller)
    except FrontdeskError as exc:
        if exc.status == 403 and caller.cors_origin is None:
            # Before accepting: a page on another site must not learn anything by trying.
            await websocket.close(code=4403)
            return
        await websocket.accept()
        await websocket.send_json({"type": "error", "error": exc.name, "detail": exc.detail})
        await websocket.close(code=4000 + exc.status % 1000)
        return
    await websocket.accept()
    hub = _hub(websocket)

    async def end(conversation_id: str, reason: str) -> None:
        await hub.end(admitted.principal, conversation_id, reason)

    await serve_call(
        websocket,
        lambda send_audio, send_event: hub.start_call(
            admitted.principal,
            admitted.agent_id,
            send_audio,
            _for_the_caller(send_event),
            source="widget",
            conversation_id=claims.conversation_id,
        ),
        end,
        time_limit_s=admitted.seconds_left,
        time_up_reason=minutes_used_up(admitted.agent_name),
    )
