"""The LiveKit agent worker (`frontdesk agent-worker`): answers the calls LiveKit dispatches.

The worker registers with LiveKit under `FRONTDESK_LIVEKIT_AGENT_NAME` (explicit dispatch:
it only joins rooms whose token names it, see `tokens.mint_call_token`). Each dispatched job
carries the agent, the conversation and the workspace in its metadata; the job answers only
when the database agrees that this is a LiveKit call in progress in the job's room, minted
for this worker's project (see `_load`). It then loads the agent's spec, builds the same
receptionist every channel runs, and starts one `AgentSession` in the room.
A `CallRecorder` stores each finished turn, and the conversation ends with the session.

Jobs run as threads of this one process (not livekit's default of a process per job), so
the speech models and the embedded LLM are loaded once and shared by every call, as in
`frontdesk serve`. Everything but joining the room lives in `prepare_call`, which tests
drive with text and no LiveKit server.

A call runs with its workspace's own model and speech settings where the workspace set
them. A workspace with its own LiveKit project needs a worker registered with that project
(this command, with that project's LIVEKIT_* values and the same database): a worker only
hears the project it registered with.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from livekit import rtc
from livekit.agents import (
    AgentSession,
    JobContext,
    JobRequest,
    room_io,
)
from livekit.agents.types import NOT_GIVEN, NotGivenOr
from livekit.agents.voice import SpeechHandle
from sqlalchemy.orm import Session

from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.conversations.service import ConversationHub, spec_for
from frontdesk.db import transaction
from frontdesk.errors import FrontdeskError
from frontdesk.livekit.call_models import CallModels, call_models
from frontdesk.livekit.refusal_speech import tell_and_close
from frontdesk.livekit.tokens import Dispatch, dispatch_metadata, room_for
from frontdesk.models import Agent, Conversation
from frontdesk.observability.context import bind_conversation
from frontdesk.resources import Resources
from frontdesk.runtime.call_recorder import CallRecorder
from frontdesk.runtime.connect_options import SESSION_CONNECT
from frontdesk.runtime.reception_agent import VOICE_APOLOGY, build_agent
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.voice_channel import INPUT_RATE
from frontdesk.runtime.voice_session import new_session
from frontdesk.widget.minutes import seconds_left_today
from frontdesk.widget.service import minutes_used_up, settings_of
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

# The caller's audio as the voice activity detector and Whisper take it (16 kHz, no second
# resampler), in 20 ms frames: livekit's 50 ms default makes the end of speech known up to
# 50 ms later on every turn.
ROOM_INPUT = room_io.AudioInputOptions(sample_rate=INPUT_RATE, frame_size_ms=20)

log = logging.getLogger(__name__)

END_REASON = "call ended"


class CallRefused(Exception):
    """A dispatched job this worker will not answer: bad metadata, or metadata that does not
    name a LiveKit call in progress in the job's room on this worker's project.

    `told` is what the caller hears before the agent leaves, for a job that is truly one of
    our calls but cannot be answered (it has ended, its agent is gone, no model can run):
    silence would leave them waiting. None for a job that is not one of our calls: the
    worker never joins its room."""

    def __init__(self, reason: str, *, told: str | None = None) -> None:
        super().__init__(reason)
        self.told = told


CALL_OVER = "Sorry, this call has already ended. Please start a new call."
LINE_CLOSED = "Sorry, this line is no longer answered. Goodbye."
NOBODY_FREE = "Sorry, nobody can answer right now. Please try again later."


# The text-stream topic each stored turn (timings, tool calls) goes to the caller's page on.
TURN_TOPIC = "frontdesk.turn"


class DispatchedCall:
    """One call LiveKit gave this worker: the receptionist, its session and its recorder."""

    def __init__(
        self,
        *,
        hub: ConversationHub,
        principal: Principal,
        conversation_id: str,
        spec: AgentSpec,
        services: DatabaseReceptionServices,
        models: CallModels,
        time_limit_s: float | None = None,
        time_up_reason: str = END_REASON,
        hang_up_when_ended: bool = True,
    ) -> None:
        self.hub = hub
        # A phone line hangs up itself once the agent has ended the call: it may first put
        # the caller through to a person (telephony.sip_calls).
        self.hang_up_when_ended = hang_up_when_ended
        # A widget call may last only what is left of the day's minutes (for everyone, and
        # for the caller's network): then the worker hangs up with `time_up_reason`.
        self.time_limit_s = time_limit_s
        self.time_up_reason = time_up_reason
        self._end_reason = END_REASON
        self._timer: asyncio.TimerHandle | None = None
        self.principal = principal
        self.conversation_id = conversation_id
        self.spec = spec
        self.services = services
        self.models = models
        self.agent = build_agent(spec, services)
        self.session: AgentSession
        if models.realtime:
            self.session = AgentSession(
                llm=models.model,
                tts=models.text_to_speech or NOT_GIVEN,
                vad=NOT_GIVEN,
                conn_options=SESSION_CONNECT,
            )
        else:
            # The same pipeline as a local voice call (see runtime.voice_session).
            assert models.speech_to_text and models.text_to_speech and models.activity
            self.session = new_session(
                model=models.model,  # type: ignore[arg-type]
                speech_to_text=models.speech_to_text,
                text_to_speech=models.text_to_speech,
                activity=models.activity,
                spec=spec,
                on_not_heard=self._not_heard,
            )
        self.recorder = CallRecorder(
            self.session,
            activity=models.activity,
            send_event=self._publish,
            on_turn=hub.turn_writer(conversation_id),
        )
        self.session.on("agent_state_changed", self._on_agent_state)
        self.session.on("close", self._on_close)
        self._finishing: asyncio.Future[None] | None = None
        self._started = False
        self._room: rtc.Room | None = None

    async def _publish(self, event: dict[str, Any]) -> None:
        """Send a stored turn to the caller's page, as the WebSocket path does. Captions
        (lk.transcription) and the agent's state (participant attributes) already travel
        through livekit's RoomIO; a turn's timings and tool calls are what we add."""
        if event.get("type") != "turn" or self._room is None or not self._room.isconnected():
            return
        try:
            await self._room.local_participant.send_text(json.dumps(event), topic=TURN_TOPIC)
        except Exception:  # the caller's page misses a detail; the turn itself is stored
            log.warning("could not send a turn to the caller's page", exc_info=True)

    async def start(
        self, room: NotGivenOr[rtc.Room] = NOT_GIVEN, *, caller: str | None = None
    ) -> SpeechHandle | None:
        """Start the session (in `room`, or with no I/O for text runs) and greet the caller;
        the greeting's handle, to await when the greeting must be heard first. `caller`: the
        identity of the participant the agent listens to (else the first to join)."""
        if self.models.text_to_speech is not None:
            await self.hub.phrases.prepare(self.agent, self.models.text_to_speech)
        if isinstance(room, rtc.Room):
            self._room = room
        await self.session.start(
            self.agent,
            room=room,
            # One room per call: once the session is over nobody else belongs in it.
            room_options=room_io.RoomOptions(
                delete_room_on_close=True,
                participant_identity=caller or NOT_GIVEN,
                audio_input=ROOM_INPUT,
            ),
        )
        self._started = True
        if self.time_limit_s is not None:
            self._timer = asyncio.get_running_loop().call_later(
                max(0.0, self.time_limit_s), self._time_up
            )
        greeting = self.spec.greeting
        if not greeting:
            return None
        if self.models.realtime and self.models.text_to_speech is None:
            # OpenAI's Realtime model cannot read out fixed text: it is asked to say it.
            return self.session.generate_reply(
                instructions=f"Greet the caller with exactly these words: {greeting}"
            )
        return self.session.say(greeting, add_to_chat_ctx=True)

    def _not_heard(self, error: Exception) -> None:
        """Speech-to-text failed on an utterance: ask again, keep listening."""
        if self._started:
            self.session.say(VOICE_APOLOGY, add_to_chat_ctx=True)

    def _on_agent_state(self, event: Any) -> None:
        # The agent ended the conversation (end_conversation tool): hang up once it has said
        # its goodbye.
        ended = self.services.ended is not None and self.hang_up_when_ended
        if ended and event.new_state == "listening":
            self.session.shutdown()

    def _time_up(self) -> None:
        self.hang_up(self.time_up_reason)

    def hang_up(self, reason: str) -> None:
        """End the call now (the room closes with the session); `reason` is stored."""
        self._end_reason = reason
        self.session.shutdown()

    def _on_close(self, event: Any) -> None:
        self._finish_soon(self._end_reason)

    def _finish_soon(self, reason: str) -> asyncio.Future[None]:
        if self._finishing is None:
            self._finishing = asyncio.ensure_future(self._finish(reason))
        return self._finishing

    async def _finish(self, reason: str) -> None:
        if self._timer is not None:
            self._timer.cancel()
        await self.recorder.drain()
        # Already ended (the agent hung up, or a LiveKit webhook came first): the first
        # ending stands.
        await self.hub.end(self.principal, self.conversation_id, reason)

    async def finish(self, reason: str = END_REASON) -> None:
        """Store every reported turn and end the conversation (once, whoever asks first)."""
        await asyncio.shield(self._finish_soon(reason))

    async def aclose(self) -> None:
        """Close the session (if still open) and finish the call."""
        await self.session.aclose()
        await self.finish()


@dataclass(frozen=True)
class _Answerable:
    spec: AgentSpec
    workspace_id: str
    workspace_settings: dict[str, Any]
    # Widget calls: seconds left of today's minutes, and what the caller is told then.
    time_limit_s: float | None = None
    time_up_reason: str = END_REASON


def _widget_time_limit(db: Session, resources: Resources, agent: Agent, row: Conversation) -> float:
    """What is left of the agent's daily minutes for this widget call: the local voice
    socket enforces the same (widget/public_endpoints.py)."""
    cap = settings_of(agent).daily_minutes_cap
    left, mine = seconds_left_today(db, resources.settings, agent.id, cap, row.caller_key)
    return max(0.0, min(left, mine))


def _load(resources: Resources, dispatch: Dispatch, room: str) -> _Answerable:
    """The call a job may answer. Whoever holds a project's API secret can mint a token whose
    dispatch names any conversation (a workspace with its own LiveKit project holds its
    secret), so nothing in the metadata is believed until the database agrees: a LiveKit call
    of that agent and workspace, still going, whose room is this job's room, and whose token
    was minted for the project this worker serves."""
    agent_id, conversation_id, workspace_id = dispatch
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        if row is None or (row.agent_id, row.workspace_id) != (agent_id, workspace_id):
            raise CallRefused(
                f"no conversation {conversation_id} of agent {agent_id} in workspace {workspace_id}"
            )
        if row.channel != "livekit":
            raise CallRefused(f"conversation {conversation_id} is not a LiveKit call")
        if room != room_for(conversation_id):
            raise CallRefused(f"room {room!r} is not the room of conversation {conversation_id}")
        if row.livekit_project != resources.settings.livekit_api_key:
            raise CallRefused(
                f"conversation {conversation_id} is a call of another LiveKit project"
            )
        # The job is the call's own from here: the caller is told why nobody answers.
        if row.status != "active":
            raise CallRefused(f"conversation {conversation_id} has already ended", told=CALL_OVER)
        agent = db.get(Agent, agent_id)
        if agent is None or agent.workspace_id != workspace_id:
            raise CallRefused(f"agent {agent_id} no longer exists", told=LINE_CLOSED)
        stored = WorkspaceRepository(db).settings_of(row.workspace_id)
        spec = spec_for(
            agent, source=row.source, allowed_hosts=resources.settings.outbound_allowed_hosts
        )
        answerable = _Answerable(spec, row.workspace_id, stored)
        if row.source != "widget":
            return answerable
        return replace(
            answerable,
            time_limit_s=_widget_time_limit(db, resources, agent, row),
            time_up_reason=minutes_used_up(agent.name),
        )


def mark_answered(resources: Resources, conversation_id: str, worker_id: str | None) -> None:
    """This worker took the call: the sweep of unanswered calls leaves it alone."""
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        if row is not None and row.answered_at is None:
            row.answered_at, row.answered_by = datetime.now(UTC), worker_id


async def prepare_call(
    resources: Resources,
    metadata: str,
    *,
    room: str,
    hub: ConversationHub | None = None,
    worker_id: str | None = None,
) -> DispatchedCall:
    """Everything a dispatched job in `room` needs before it joins it.

    Raises `CallRefused` for metadata that does not name an active LiveKit call of its agent
    and workspace in this room and on this worker's project (see `_load`; nothing is changed
    then), and when no model can answer (the conversation is then ended with the reason).
    """
    try:
        dispatch = dispatch_metadata(metadata)
    except ValueError as exc:
        raise CallRefused(str(exc)) from exc
    conversation_id = dispatch.conversation_id
    answerable = await asyncio.to_thread(_load, resources, dispatch, room)
    hub = hub or ConversationHub(resources)
    principal = Principal(workspace_id=answerable.workspace_id, user_id=None, via="livekit")
    try:
        models = await call_models(resources, answerable.workspace_settings)
    except FrontdeskError as exc:
        await hub.end(principal, conversation_id, f"The agent could not answer: {exc.detail}"[:200])
        raise CallRefused(str(exc.detail), told=NOBODY_FREE) from exc
    await asyncio.to_thread(mark_answered, resources, conversation_id, worker_id)
    services = DatabaseReceptionServices(resources, dispatch.agent_id, conversation_id)
    return DispatchedCall(
        hub=hub,
        principal=principal,
        conversation_id=conversation_id,
        spec=answerable.spec,
        services=services,
        models=models,
        time_limit_s=answerable.time_limit_s,
        time_up_reason=answerable.time_up_reason,
    )


async def answer(ctx: JobContext, resources: Resources) -> None:
    """The session entrypoint of one dispatched job."""
    try:
        call = await prepare_call(
            resources, ctx.job.metadata, room=ctx.job.room.name, worker_id=ctx.worker_id
        )
    except CallRefused as exc:
        await refuse(ctx, resources, exc)
        return
    await take(ctx, call)


async def refuse(ctx: JobContext, resources: Resources, refused: CallRefused) -> None:
    """Leave a job: a caller of ours is told why first (see `CallRefused.told`)."""
    log.warning("refused LiveKit job %s in room %s: %s", ctx.job.id, ctx.job.room.name, refused)
    if refused.told is not None:
        await tell_and_close(ctx, resources, refused.told)
    ctx.shutdown(reason=f"call refused: {refused}")


async def take(ctx: JobContext, call: DispatchedCall, *, caller: str | None = None) -> None:
    """Answer in the job's room (listening to `caller` when given); the conversation ends
    with the job."""
    # The job's task is the call's: every line the session logs from here names it.
    bind_conversation(call.conversation_id)
    try:
        await call.start(ctx.room, caller=caller)
    except Exception:
        await call.finish("The agent could not join the LiveKit room")
        raise

    async def finish() -> None:
        await call.finish()

    # Registered after the session's own shutdown callback: the session closes first.
    ctx.add_shutdown_callback(finish)


async def screen(request: JobRequest, resources: Resources) -> None:
    """LiveKit offers this worker a job: taken only when its metadata may name one of our
    calls in its room (see `_load`). A forged dispatch is turned down before anything joins
    the room; a call of ours that cannot be answered is taken, so the caller is told why."""
    try:
        dispatch = dispatch_metadata(request.job.metadata)
        await asyncio.to_thread(_load, resources, dispatch, request.room.name)
    except ValueError as exc:
        refused: CallRefused | None = CallRefused(str(exc))
    except CallRefused as exc:
        refused = exc
    else:
        refused = None
    if refused is not None and refused.told is None:
        log.warning(
            "turned down LiveKit job %s in room %s: %s", request.id, request.room.name, refused
        )
        await request.reject()
        return
    await request.accept()
