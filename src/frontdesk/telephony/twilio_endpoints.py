"""A business's Twilio number, answered by its agent: Twilio's voice webhook, the media
stream it opens, and what happens when the agent's part of the call is over.

Set the number's "A call comes in" webhook to `POST {public URL}/api/telephony/twilio/{agent
id}/voice`, and the account's auth token in the workspace settings. Every request Twilio
makes is checked against its `X-Twilio-Signature`; the stream, which carries no signature
of its own, proves itself with a token that only the signed webhook's TwiML hands out.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Request, Response, WebSocket
from fastapi.concurrency import run_in_threadpool

from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.conversations.service import ConversationHub
from frontdesk.db import transaction
from frontdesk.errors import Forbidden, NotFound
from frontdesk.leads.contact_details import InvalidContact, normalize_phone, region_of
from frontdesk.models import Agent, Conversation
from frontdesk.openapi_errors import error_responses
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import VoiceConversation
from frontdesk.telephony.twilio_line import StreamStart, TwilioOutput, serve_twilio_stream
from frontdesk.telephony.twilio_signature import signed_by_twilio, stream_token
from frontdesk.workspace.overrides import effective_settings
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

router = APIRouter(prefix="/api/telephony/twilio", tags=["telephony"])

TWIML = "application/xml"
NO_TOKEN = (
    "This workspace has no Twilio auth token: add it in the workspace settings (or set "
    "FRONTDESK_TWILIO_AUTH_TOKEN) so that calls from Twilio can be checked."
)
FORGED = "This request is not signed by the workspace's Twilio account."


def phone_principal(agent: Agent) -> Principal:
    """A phone caller acts in the agent's workspace as nobody, with the least role."""
    return Principal(workspace_id=agent.workspace_id, user_id=None, via="phone", role="member")


@dataclass(frozen=True)
class _Line:
    agent_id: str
    principal: Principal
    auth_token: str
    name: str
    paused: bool
    handoff_phone: str | None  # the first hand-off contact's number, as the owner wrote it


def _line(resources: Resources, agent_id: str) -> _Line:
    """The agent a Twilio number calls, and the auth token its requests are signed with."""
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        if agent is None:
            raise NotFound("No such agent.")
        stored = WorkspaceRepository(db).settings_of(agent.workspace_id)
        token = effective_settings(resources.settings, stored).twilio_auth_token
        if not token:
            raise Forbidden(NO_TOKEN)
        contacts = (agent.business_facts or {}).get("handoff_contacts") or []
        handoff = next((str(c["phone"]) for c in contacts if c.get("phone")), None)
        return _Line(
            agent.id, phone_principal(agent), token, agent.name, agent.status == "paused", handoff
        )


def _public_url(request: Request | WebSocket, public_url: str) -> str:
    """The URL Twilio requested (what it signed): behind a proxy, the public address."""
    if not public_url:
        return str(request.url)
    base = urlsplit(public_url.rstrip("/"))
    here = request.url
    return urlunsplit((base.scheme, base.netloc, base.path + here.path, here.query, ""))


async def _signed(request: Request, line: _Line) -> dict[str, str]:
    """The webhook's form, once its signature is Twilio's."""
    form = await request.form()
    params = [(name, str(value)) for name, value in form.multi_items()]
    url = _public_url(request, request.app.state.resources.settings.public_url)
    if not signed_by_twilio(
        line.auth_token, url, params, request.headers.get("x-twilio-signature")
    ):
        raise Forbidden(FORGED)
    return dict(params)


def _caller_number(raw: str | None) -> str | None:
    """Twilio's `From` in E.164; None for a withheld number ("anonymous", "+266696687")."""
    try:
        return normalize_phone(raw)
    except InvalidContact:
        return None


def _twiml(body: str) -> Response:
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', media_type=TWIML
    )


TWIML_RESPONSE = {
    200: {"content": {TWIML: {"schema": {"type": "string"}}}, "description": "TwiML for Twilio"},
    **error_responses(Forbidden, NotFound),
}


@router.post("/{agent_id}/voice", response_class=Response, responses=TWIML_RESPONSE)
async def incoming_call(agent_id: str, request: Request) -> Response:
    """Twilio's "a call comes in" webhook: open the conversation and connect the call's
    audio to this server's media stream."""
    resources: Resources = request.app.state.resources
    line = await run_in_threadpool(_line, resources, agent_id)
    form = await _signed(request, line)
    caller_number = _caller_number(form.get("From"))
    if line.paused:
        return _paused(line, caller_number)
    hub: ConversationHub = request.app.state.conversations
    conversation_id = await hub.open_call(
        line.principal,
        agent_id,
        "phone",
        source="phone",
        caller_number=caller_number,
    )
    here = urlsplit(_public_url(request, resources.settings.public_url))
    socket = "wss" if here.scheme == "https" else "ws"
    base = f"{here.scheme}://{here.netloc}{here.path.rsplit('/', 1)[0]}"
    stream = f"{socket}://{here.netloc}{here.path.rsplit('/', 1)[0]}/stream"
    after = f"{base}/after?conversation={conversation_id}"
    token = stream_token(line.auth_token, conversation_id)
    return _twiml(
        f"<Connect action={quoteattr(after)}><Stream url={quoteattr(stream)}>"
        f'<Parameter name="conversation" value={quoteattr(conversation_id)}/>'
        f'<Parameter name="token" value={quoteattr(token)}/>'
        "</Stream></Connect>"
    )


def _paused(line: _Line, caller_number: str | None) -> Response:
    """A paused agent takes no calls: they go to the hand-off contact's phone, if any."""
    try:
        number = normalize_phone(line.handoff_phone, region_of(caller_number))
    except InvalidContact:
        number = None
    if number and number.startswith("+"):
        return _twiml(f"<Say>Thanks for calling {escape(line.name)}. Putting you through.</Say>"
                      f"<Dial>{number}</Dial>")  # fmt: skip
    return _twiml(
        f"<Say>{escape(line.name)} isn't taking calls right now. Please try again later.</Say>"
        "<Hangup/>"
    )


def _after(resources: Resources, agent_id: str, conversation_id: str) -> tuple[str | None, bool]:
    """Where the call goes next (the number to put it through to), and whether the
    conversation is still open (the stream never ran, or closed before it could end it)."""
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        if row is None or row.agent_id != agent_id or row.channel != "phone":
            raise NotFound("No such phone call.")
        return row.transfer_to, row.status == "active"


@router.post("/{agent_id}/after", response_class=Response, responses=TWIML_RESPONSE)
async def call_after_agent(agent_id: str, conversation: str, request: Request) -> Response:
    """Twilio asks what next once the media stream has closed: put the caller through to
    the person the agent handed them to, or hang up."""
    resources: Resources = request.app.state.resources
    line = await run_in_threadpool(_line, resources, agent_id)
    await _signed(request, line)
    transfer_to, still_open = await run_in_threadpool(_after, resources, agent_id, conversation)
    if still_open:
        hub: ConversationHub = request.app.state.conversations
        await hub.end(line.principal, conversation, "the media stream closed")
    if transfer_to:
        return _twiml(f"<Dial>{transfer_to}</Dial>")
    return _twiml("<Hangup/>")


def _stream_call(resources: Resources, agent_id: str, began: StreamStart) -> _Line:
    line = _line(resources, agent_id)
    conversation_id = began.parameters.get("conversation", "")
    expected = stream_token(line.auth_token, conversation_id)
    if not conversation_id or began.parameters.get("token") != expected:
        raise Forbidden("This media stream was not opened by a signed Twilio call.")
    return line


@router.websocket("/{agent_id}/stream")
async def media_stream(websocket: WebSocket, agent_id: str) -> None:
    """Twilio Media Streams: the call's audio both ways (see telephony/twilio_line.py)."""
    await websocket.accept()
    resources: Resources = websocket.app.state.resources
    hub: ConversationHub = websocket.app.state.conversations
    principal: Principal | None = None

    async def start(
        began: StreamStart, output: TwilioOutput
    ) -> tuple[str, VoiceConversation, DatabaseReceptionServices]:
        nonlocal principal
        line = await asyncio.to_thread(_stream_call, resources, agent_id, began)
        principal = line.principal
        conversation_id = began.parameters["conversation"]

        async def no_events(event: dict[str, object]) -> None:
            return None  # a phone shows no captions; the turns are stored all the same

        async def unused_audio(pcm: bytes) -> None:
            return None  # the line's own output sends the audio

        _, call, services = await hub.start_call(
            principal,
            agent_id,
            unused_audio,
            no_events,
            source="phone",
            conversation_id=conversation_id,
            output=output,
        )
        return conversation_id, call, services

    async def end(conversation_id: str, reason: str) -> None:
        if principal is not None:
            await hub.end(principal, conversation_id, reason)

    await serve_twilio_stream(websocket, start, end)
