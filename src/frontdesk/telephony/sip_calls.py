"""Calls to a business's number through LiveKit SIP, answered by `frontdesk agent-worker`.

The number's dispatch rule (telephony/sip_numbers.py) gives each call a room of its own,
named `phone-…`, and dispatches the worker there with the agent, its workspace and the
number's id. Nothing of that is believed until the database agrees: the number is this
agent's, on the project this worker serves, and the room is a phone room. The worker then
waits for the caller (LiveKit's SIP participant), opens the conversation with the number
the network reports, and runs the same receptionist every call runs, with what a phone line
adds: the caller's number on file, "0" for a person, a silent line hung up politely, and a
hand-off that puts the caller through to the person's phone (SIP REFER) before hanging up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from livekit import api, rtc
from livekit.agents import JobContext, JobRequest

from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.conversations.service import ConversationHub
from frontdesk.db import transaction
from frontdesk.errors import FrontdeskError
from frontdesk.leads.contact_details import InvalidContact, normalize_phone
from frontdesk.livekit.call_models import call_models
from frontdesk.livekit.worker import (
    LINE_CLOSED,
    NOBODY_FREE,
    CallRefused,
    DispatchedCall,
    mark_answered,
    refuse,
    take,
)
from frontdesk.models import Agent, Conversation, PhoneNumber
from frontdesk.resources import Resources
from frontdesk.runtime.spec import AgentSpec
from frontdesk.telephony.silence import QuietLine, SilenceWatch
from frontdesk.telephony.sip_numbers import ROOM_PREFIX
from frontdesk.telephony.twilio_endpoints import phone_principal
from frontdesk.telephony.twilio_line import DTMF_HUMAN
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)

# How long the worker waits in the room for the caller's SIP participant.
CALLER_WAIT_S = 30.0
# How often the line checks for silence and for the agent having ended the call.
WATCH_EVERY_S = 0.25
SILENT = "the line was silent"
PAUSED = "{name} isn't taking calls right now. Please try again later."
# The SIP participant's attribute with the caller's number, as the network reports it.
CALLER_NUMBER = "sip.phoneNumber"


@dataclass(frozen=True)
class PhoneDispatch:
    """What a number's dispatch rule names (sip_numbers.dispatch_of_number)."""

    agent_id: str
    workspace_id: str
    phone_number_id: str


def phone_dispatch(raw: str) -> PhoneDispatch | None:
    """The number a LiveKit job was dispatched for; None when the metadata is not a phone
    call's (a call started from a browser names a conversation instead)."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or "phone_number_id" not in data:
        return None
    ids = [data.get(key) for key in ("agent_id", "workspace_id", "phone_number_id")]
    if not all(isinstance(value, str) and value for value in ids):
        raise CallRefused(f"phone call dispatch metadata is incomplete: {raw!r}")
    return PhoneDispatch(*ids)  # type: ignore[arg-type]


def _check_line(resources: Resources, dispatch: PhoneDispatch, room: str) -> None:
    """Refuse a job that is not a call to one of this agent's numbers on this project (a
    forged dispatch: whoever holds a project's API secret can write any metadata)."""
    with transaction(resources.sessionmaker) as db:
        number = db.get(PhoneNumber, dispatch.phone_number_id)
        if number is None or (number.agent_id, number.workspace_id) != (
            dispatch.agent_id,
            dispatch.workspace_id,
        ):
            raise CallRefused(
                f"no phone number {dispatch.phone_number_id} of agent {dispatch.agent_id}"
            )
        if number.livekit_project != resources.settings.livekit_api_key:
            raise CallRefused(f"phone number {number.number} is on another LiveKit project")
        if not room.startswith(ROOM_PREFIX):
            raise CallRefused(f"room {room!r} is not a phone call's room")
        agent = db.get(Agent, dispatch.agent_id)
        # A real caller from here: they are told why nobody answers.
        if agent is None or agent.workspace_id != dispatch.workspace_id:
            raise CallRefused(f"agent {dispatch.agent_id} no longer exists", told=LINE_CLOSED)
        if agent.status == "paused":
            raise CallRefused(f"agent {agent.id} is paused", told=PAUSED.format(name=agent.name))


async def screen_phone(request: JobRequest, resources: Resources, dispatch: PhoneDispatch) -> None:
    """Take the job when it is a call to one of our numbers (see `_check_line`)."""
    try:
        await asyncio.to_thread(_check_line, resources, dispatch, request.room.name)
    except CallRefused as exc:
        if exc.told is None:
            log.warning("turned down phone job %s in %s: %s", request.id, request.room.name, exc)
            await request.reject()
            return
    await request.accept()


def caller_number(participant: rtc.RemoteParticipant) -> str | None:
    """The caller's number in E.164, as the network reported it; None when withheld."""
    try:
        number = normalize_phone(participant.attributes.get(CALLER_NUMBER) or "")
    except InvalidContact:
        return None
    return number if number and number.startswith("+") else None


@dataclass(frozen=True)
class _Opened:
    conversation_id: str
    principal: Principal
    workspace_settings: dict[str, Any]


async def _open(
    resources: Resources, hub: ConversationHub, dispatch: PhoneDispatch, number: str | None
) -> _Opened:
    def line() -> tuple[Principal, dict[str, Any]]:
        with transaction(resources.sessionmaker) as db:
            agent = db.get(Agent, dispatch.agent_id)
            if agent is None:
                raise CallRefused(f"agent {dispatch.agent_id} no longer exists", told=LINE_CLOSED)
            return phone_principal(agent), WorkspaceRepository(db).settings_of(agent.workspace_id)

    principal, stored = await asyncio.to_thread(line)
    conversation_id = await hub.open_call(
        principal,
        dispatch.agent_id,
        "phone",
        source="phone",
        caller_number=number,
        livekit_project=resources.settings.livekit_api_key,
    )
    return _Opened(conversation_id, principal, stored)


async def prepare_phone_call(
    resources: Resources,
    dispatch: PhoneDispatch,
    participant: rtc.RemoteParticipant,
    *,
    hub: ConversationHub | None = None,
    worker_id: str | None = None,
) -> DispatchedCall:
    """The conversation of a call to one of the agent's numbers, and its receptionist."""
    hub = hub or ConversationHub(resources)
    opened = await _open(resources, hub, dispatch, caller_number(participant))

    def spec_of() -> AgentSpec:
        with transaction(resources.sessionmaker) as db:
            agent = db.get(Agent, dispatch.agent_id)
            row = db.get(Conversation, opened.conversation_id)
            assert agent is not None and row is not None
            return hub.call_spec(agent, row)

    spec = await asyncio.to_thread(spec_of)
    try:
        models = await call_models(resources, opened.workspace_settings)
    except FrontdeskError as exc:
        reason = f"The agent could not answer: {exc.detail}"[:200]
        await hub.end(opened.principal, opened.conversation_id, reason)
        raise CallRefused(str(exc.detail), told=NOBODY_FREE) from exc
    await asyncio.to_thread(mark_answered, resources, opened.conversation_id, worker_id)
    await asyncio.to_thread(_connected, resources, opened.conversation_id)
    services = DatabaseReceptionServices(resources, dispatch.agent_id, opened.conversation_id)
    return DispatchedCall(
        hub=hub,
        principal=opened.principal,
        conversation_id=opened.conversation_id,
        spec=spec,
        services=services,
        models=models,
        hang_up_when_ended=False,
    )


def _connected(resources: Resources, conversation_id: str) -> None:
    """The caller is on the line from the start: the call's minutes count from here (a
    browser's LiveKit call counts from LiveKit's participant_joined webhook, which names
    only rooms of our own calls)."""
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        if row is not None and row.connected_at is None:
            row.connected_at = datetime.now(UTC)


def _transfer_to(resources: Resources, conversation_id: str) -> str | None:
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        return row.transfer_to if row is not None else None


async def transfer(resources: Resources, room: str, caller: str, number: str) -> None:
    """Put the caller through to `number` (LiveKit asks the caller's side to call it, a SIP
    REFER); the caller leaves the room once the other side has taken the call over."""
    settings = resources.settings
    async with api.LiveKitAPI(
        settings.livekit_url, settings.livekit_api_key, settings.livekit_api_secret
    ) as server:
        await server.sip.transfer_sip_participant(
            api.TransferSIPParticipantRequest(
                participant_identity=caller, room_name=room, transfer_to=f"tel:{number}"
            )
        )


class SipLine:
    """What a phone line adds to a call in a room: "0" for a person, a silent line asked
    and then hung up, and, once the agent has ended the call, the hand-off carried out."""

    def __init__(
        self, resources: Resources, call: DispatchedCall, room: rtc.Room, caller: str
    ) -> None:
        self.resources = resources
        self.call = call
        self.room = room
        self.caller = caller
        self.quiet = QuietLine(SilenceWatch())
        self._task: asyncio.Task[None] | None = None
        room.on("sip_dtmf_received", self._pressed)

    def _pressed(self, event: rtc.SipDTMF) -> None:
        if event.digit == "0":
            session = self.call.session
            session.interrupt()
            session.generate_reply(user_input=DTMF_HUMAN)

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._watch())

    async def stop(self) -> None:
        self.room.off("sip_dtmf_received", self._pressed)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        session = self.call.session
        while True:
            await asyncio.sleep(WATCH_EVERY_S)
            ended = self.call.services.ended
            if ended is not None and session.agent_state == "listening":
                await self._hang_up()
                return
            if self.quiet.step(session):
                self.call.hang_up(SILENT)
                return

    async def _hang_up(self) -> None:
        """The agent ended the call: put the caller through first when it handed them
        over (a failed transfer is logged; the call still ends, as the agent said)."""
        try:
            number = await asyncio.to_thread(
                _transfer_to, self.resources, self.call.conversation_id
            )
            if number:
                await transfer(self.resources, self.room.name, self.caller, number)
        except Exception:  # noqa: BLE001 - the caller was told; the call ends either way
            log.warning("could not put the caller through", exc_info=True)
        self.call.hang_up(f"agent ended the call: {self.call.services.ended}")


async def answer_phone(ctx: JobContext, resources: Resources, dispatch: PhoneDispatch) -> None:
    """The session entrypoint of a call to one of the agent's numbers."""
    try:
        await asyncio.to_thread(_check_line, resources, dispatch, ctx.job.room.name)
        await ctx.connect()
        participant = await asyncio.wait_for(
            ctx.wait_for_participant(kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP),
            CALLER_WAIT_S,
        )
        call = await prepare_phone_call(resources, dispatch, participant, worker_id=ctx.worker_id)
    except TimeoutError:
        log.warning("no caller joined phone room %s", ctx.job.room.name)
        ctx.shutdown(reason="no caller")
        return
    except CallRefused as exc:
        await refuse(ctx, resources, exc)
        return
    await take(ctx, call, caller=participant.identity)
    line = SipLine(resources, call, ctx.room, participant.identity)
    line.start()
    ctx.add_shutdown_callback(line.stop)
