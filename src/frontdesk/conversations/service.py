"""Text conversations: start, talk, read back; every turn is stored as it happens.

Live sessions are kept in this process (`ConversationHub`). A conversation whose session is
gone (the server restarted) is resumed from its stored turns, so nothing said is lost and
the agent still knows what was said. Behind a load balancer the next message may reach
another API process: each session remembers the last turn it saw stored, and one that
finds a newer turn in the database is rebuilt from the stored turns before it answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from livekit.agents import llm
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from frontdesk.agents.country import business_country
from frontdesk.agents.service import AgentService
from frontdesk.conversations.analysis_job import SKIPPED_CHANNELS
from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.db import transaction
from frontdesk.errors import ConfigurationError, Conflict, NotFound
from frontdesk.mcp_servers.service import specs_for_agent
from frontdesk.models import Agent, Conversation, ConversationTurn
from frontdesk.observability.context import bind_conversation, conversation_scope
from frontdesk.resources import Resources
from frontdesk.runtime.call_recorder import OnTurn, SendEvent, VoiceTurn
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.runtime.reception_agent import MODEL_APOLOGY, build_agent
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.text_channel import AgentTurn, TextConversation, ToolCallRecord
from frontdesk.runtime.voice_channel import PcmOutput, SendAudio, VoiceConversation
from frontdesk.runtime.voice_session import SpokenPhrases
from frontdesk.scheduling.service import config_of
from frontdesk.telephony.after_hours import phone_greeting
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)


def spec_for(
    agent: Agent, *, source: str | None = None, allowed_hosts: Sequence[str] = ()
) -> AgentSpec:
    """The agent as the runtime needs it, for a conversation opened by `source` (its
    `Conversation.source`), which decides the MCP tools it may be offered. Without a source
    (greeting, warm-up) no MCP server is connected."""
    config = config_of(agent)
    # Loaded through the agent's own session: every caller holds the agent in one.
    db = object_session(agent)
    facts = dict(agent.business_facts or {})
    return AgentSpec(
        agent_id=agent.id,
        workspace_id=agent.workspace_id,
        name=agent.name,
        persona_name=agent.persona_name or "",
        instructions=agent.instructions or "",
        greeting=agent.greeting or f"Hello, thanks for contacting {agent.name}. How can I help?",
        timezone=config.timezone,
        hours_text=config.describe_hours(),
        business_facts=facts,
        appointment_types=[t.model_dump() for t in config.appointment_types],
        enabled_tools=tuple(agent.enabled_tools) if agent.enabled_tools is not None else TOOL_NAMES,
        mcp_servers=(
            specs_for_agent(db, agent.id, source=source, allowed_hosts=allowed_hosts)
            if db is not None and source is not None
            else ()
        ),
        country=business_country(facts, config.timezone),
        max_party_size=config.max_party_size,
        hold_minutes=config.hold_minutes,
        booking_rules=config.booking_rules,
    )


# Two processes writing a turn of one conversation at once both pick the next number; the
# loser of the unique (conversation, seq) key writes again with the number after.
STORE_ATTEMPTS = 3


@dataclass
class _Live:
    conversation: TextConversation
    services: DatabaseReceptionServices
    # The number of the last stored turn this session has seen (-1: none yet).
    seq: int = -1


def _store_turn(
    db: Session, conversation_id: str, role: str, turn: AgentTurn | str
) -> ConversationTurn:
    last = db.scalar(
        select(func.max(ConversationTurn.seq)).where(
            ConversationTurn.conversation_id == conversation_id
        )
    )
    seq = -1 if last is None else int(last)
    if isinstance(turn, str):
        row = ConversationTurn(conversation_id=conversation_id, seq=seq + 1, role=role, text=turn)
    else:
        row = ConversationTurn(
            conversation_id=conversation_id,
            seq=seq + 1,
            role=role,
            text=turn.text,
            tool_calls=[asdict(c) for c in turn.tool_calls],
            timings=turn.timings,
        )
    db.add(row)
    db.flush()
    return row


class ConversationHub:
    """The live conversations of this process."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._live: dict[str, _Live] = {}
        # One lock per conversation while a message is handled; gone when nobody holds it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._background: set[asyncio.Task[None]] = set()
        self.phrases = SpokenPhrases()

    async def _db(self, work):  # type: ignore[no-untyped-def]
        def call():  # type: ignore[no-untyped-def]
            with transaction(self.resources.sessionmaker) as db:
                return work(db)

        return await asyncio.to_thread(call)

    def call_spec(self, agent: Agent, conversation: Conversation) -> AgentSpec:
        """The spec for one conversation: who opened it decides its MCP tools; a phone call
        brings the caller's number."""
        spec = spec_for(
            agent,
            source=conversation.source,
            allowed_hosts=self.resources.settings.outbound_allowed_hosts,
        )
        if conversation.channel == "phone":
            greeting = phone_greeting(spec.greeting, config_of(agent), datetime.now(UTC))
            spec = replace(
                spec, phone_call=True, caller_number=conversation.caller_number, greeting=greeting
            )
        return spec

    async def _model_for(self, workspace_id: str) -> llm.LLM:
        """The model for a new conversation of this workspace: its own endpoint when its
        settings name one, else this process's."""
        stored = await self._db(lambda db: WorkspaceRepository(db).settings_of(workspace_id))
        return self.resources.llm_for(stored)

    def _session_for(self, spec: AgentSpec, conversation_id: str, model: llm.LLM) -> _Live:
        services = DatabaseReceptionServices(self.resources, spec.agent_id, conversation_id)
        agent = build_agent(spec, services)
        return _Live(TextConversation(agent, model), services)

    async def _append(self, conversation_id: str, role: str, turn: AgentTurn | str) -> int:
        """Store one turn after the last stored one; its number."""
        for attempt in range(STORE_ATTEMPTS):
            try:
                return await self._db(lambda db: _store_turn(db, conversation_id, role, turn).seq)
            except IntegrityError:
                if attempt == STORE_ATTEMPTS - 1:
                    raise Conflict(
                        "Another message of this conversation is being answered right now; "
                        "send yours again in a moment."
                    ) from None
        raise AssertionError("unreachable")

    def _lock_for(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conversation_id] = lock
        return lock

    async def start(
        self,
        principal: Principal,
        agent_id: str,
        channel: str = "text",
        *,
        source: str = "owner",
        caller_key: str | None = None,
    ) -> dict[str, Any]:
        def create(db: Session) -> tuple[AgentSpec, str]:
            agent = AgentService(db, self.resources, principal).get(agent_id)
            row = _new_conversation(agent, channel, source, caller_key=caller_key)
            db.add(row)
            db.flush()
            return self.call_spec(agent, row), row.id

        # The model first: if none is configured, no conversation row is left behind.
        model = await self._model_for(principal.workspace_id)
        spec, conversation_id = await self._db(create)
        with conversation_scope(conversation_id):
            log.info("conversation started on %s (%s)", channel, source)
            live = self._session_for(spec, conversation_id, model)
            self._warm(live)
            greeting = await live.conversation.start(spec.greeting)
            self._live[conversation_id] = live
            live.seq = await self._append(conversation_id, "agent", greeting)
        return {"id": conversation_id, "agent_id": agent_id, "greeting": greeting.text}

    async def start_call(
        self,
        principal: Principal,
        agent_id: str,
        send_audio: SendAudio,
        send_event: SendEvent,
        *,
        source: str = "owner",
        conversation_id: str | None = None,
        output: PcmOutput | None = None,
    ) -> tuple[str, VoiceConversation, DatabaseReceptionServices]:
        """A voice call over a socket: the same agent, fed with audio. Every finished turn
        (caller or agent) is stored as the session reports it.

        With `conversation_id`, the call answers that conversation (opened earlier by
        `open_call`, e.g. for the widget) instead of a new one; a conversation is answered
        once. A phone call passes its line's `output` and answers the conversation its
        webhook opened, which knows the caller's number."""
        if self.resources.speech is None:
            raise ConfigurationError("Voice is not available: no speech models configured.")
        model = await self._model_for(principal.workspace_id)
        speech = await asyncio.to_thread(self.resources.speech)

        def create(db: Session) -> tuple[AgentSpec, str]:
            agent = AgentService(db, self.resources, principal).get(agent_id)
            if conversation_id is not None:
                _answer(db, agent, conversation_id)
                opened = db.get(Conversation, conversation_id)
                assert opened is not None  # just answered
                return self.call_spec(agent, opened), conversation_id
            row = _new_conversation(agent, "voice", source)
            db.add(row)
            db.flush()
            return self.call_spec(agent, row), row.id

        spec, conversation_id = await self._db(create)
        # For the rest of the call's task (its socket) and the tasks its session starts.
        bind_conversation(conversation_id)
        log.info("conversation started on voice (%s)", source)
        services = DatabaseReceptionServices(
            self.resources, spec.agent_id, conversation_id, caller_id=spec.caller_number
        )

        call = VoiceConversation(
            build_agent(spec, services),
            model=model,
            speech_to_text=speech.speech_to_text,
            text_to_speech=speech.text_to_speech,
            activity=speech.activity,
            send_audio=send_audio,
            send_event=send_event,
            on_turn=self.turn_writer(conversation_id),
            phrases=self.phrases,
            output=output,
        )
        self._warm_agent(call.agent)
        await call.start(spec.greeting)
        return conversation_id, call, services

    def turn_writer(self, conversation_id: str) -> OnTurn:
        """Stores a call's finished turns (any voice channel) as they are reported."""

        async def store(turn: VoiceTurn) -> None:
            record = AgentTurn(
                text=turn.text,
                tool_calls=[_tool_record(c) for c in turn.tool_calls],
                timings=turn.timings,
            )
            await self._append(conversation_id, turn.role, record)

        return store

    def _warm(self, live: _Live) -> None:
        self._warm_agent(live.conversation.agent)

    def _warm_agent(self, agent: Any) -> None:
        """While the caller reads the greeting, let the embedded model compute the agent's
        stable prompt prefix (a cache hit, and cheap, when it already has)."""
        embedded = self.resources.embedded_llm
        if embedded is None:
            return

        async def warm() -> None:
            try:
                await asyncio.to_thread(embedded.warm_agent, agent)
            except Exception:  # noqa: BLE001 - warming is an optimisation only
                log.warning("warming the embedded model failed", exc_info=True)

        task = asyncio.get_running_loop().create_task(warm())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _load(self, db: Session, principal: Principal, conversation_id: str) -> Conversation:
        row = db.scalars(
            select(Conversation).where(
                Conversation.id == conversation_id,
                Conversation.workspace_id == principal.workspace_id,
            )
        ).first()
        if row is None:
            raise NotFound("No such conversation in your workspace.")
        return row

    async def _live_for(self, principal: Principal, conversation_id: str) -> _Live:
        """The conversation's session in this process, up to date with the stored turns.
        Called with the conversation's lock held."""

        def load(db: Session) -> tuple[AgentSpec, list[ConversationTurn], dict[str, Any], bool]:
            row = self._load(db, principal, conversation_id)
            agent = db.get(Agent, row.agent_id)
            if agent is None:
                raise NotFound("The agent of this conversation was deleted.")
            settings = WorkspaceRepository(db).settings_of(row.workspace_id)
            spec = self.call_spec(agent, row)
            return spec, _turns(db, conversation_id), settings, row.status == "active"

        spec, turns, workspace_settings, active = await self._db(load)
        live = self._live.get(conversation_id)
        last_seq = turns[-1].seq if turns else -1
        if live is not None and (not active or live.seq != last_seq):
            # Ended, or answered meanwhile by another API process: this copy is stale.
            await self.close(conversation_id)
            live = None
        if not active:
            raise Conflict("This conversation has ended; start a new one.")
        if live is None:
            model = self.resources.llm_for(workspace_settings)
            live = self._session_for(spec, conversation_id, model)
            await live.conversation.resume([(t.role, t.text) for t in turns])
            live.seq = last_seq
            self._live[conversation_id] = live
        return live

    async def message(
        self, principal: Principal, conversation_id: str, text: str
    ) -> dict[str, Any]:
        with conversation_scope(conversation_id):
            async with self._lock_for(conversation_id):
                live = await self._live_for(principal, conversation_id)
                live.seq = await self._append(conversation_id, "caller", text)
                # Shielded: a caller who hangs up mid-turn does not cancel the agent's work,
                # and its reply is stored all the same.
                turn = await asyncio.shield(self._agent_turn(live, conversation_id, text))
        return {
            "conversation_id": conversation_id,
            "reply": turn.text,
            "tool_calls": [asdict(c) for c in turn.tool_calls],
            "timings": turn.timings,
            "ended": live.services.ended is not None,
        }

    async def _agent_turn(self, live: _Live, conversation_id: str, text: str) -> AgentTurn:
        turn = await live.conversation.reply(text)
        if not turn.text and live.services.ended is None:
            # The model said nothing: it spent every tool step (e.g. on calls whose
            # arguments were not JSON) or answered empty. A caller never gets silence.
            log.warning("the model produced no reply; the caller gets an apology")
            turn.text = (await live.conversation.say(MODEL_APOLOGY)).text
        log.info(
            "agent replied in %.0f ms with %d tool call(s)",
            turn.timings.get("reply_ms", 0),
            len(turn.tool_calls),
        )
        live.seq = await self._append(conversation_id, "agent", turn)
        if live.services.ended is not None:
            # The agent hung up (end_conversation): its goodbye is stored now, so the
            # analysis sees the whole conversation.
            await self.close(conversation_id)
            self.resources.queue.enqueue_analysis(conversation_id)
        return turn

    async def transcript(self, principal: Principal, conversation_id: str) -> dict[str, Any]:
        def read(db: Session) -> dict[str, Any]:
            row = self._load(db, principal, conversation_id)
            return {
                "id": row.id,
                "agent_id": row.agent_id,
                "channel": row.channel,
                "status": row.status,
                "started_at": row.created_at,
                "ended_at": row.ended_at,
                "end_reason": row.end_reason,
                "outcome": row.outcome,
                "summary": row.summary,
                "caller_details": row.caller_details,
                "caller_number": row.caller_number,
                "transfer_to": row.transfer_to,
                "unanswered": row.unanswered,
                "analyzed_at": row.analyzed_at,
                "analysis_error": row.analysis_error,
                "turns": [
                    {
                        "seq": t.seq,
                        "role": t.role,
                        "text": t.text,
                        "tool_calls": t.tool_calls or [],
                        "timings": t.timings or {},
                        "at": t.created_at,
                    }
                    for t in _turns(db, conversation_id)
                ],
            }

        return await self._db(read)

    async def end(self, principal: Principal, conversation_id: str, reason: str) -> None:
        """End the conversation (the first ending's reason stands) and enqueue its analysis.

        Every channel calls this once its turns are stored (the text endpoint, a voice
        socket closing, the LiveKit worker), so the analysis is enqueued here even when the
        row had already ended: a LiveKit webhook may have ended it before the last turns
        were written."""

        def finish(db: Session) -> str:
            row = self._load(db, principal, conversation_id)
            if row.status == "active":
                row.status, row.end_reason, row.ended_at = "ended", reason, datetime.now(UTC)
            return row.channel

        with conversation_scope(conversation_id):
            channel = await self._db(finish)
            log.info("conversation ended: %s", reason)
            await self.close(conversation_id)
        if channel not in SKIPPED_CHANNELS:
            self.resources.queue.enqueue_analysis(conversation_id)

    async def reanalyse(self, principal: Principal, conversation_id: str) -> None:
        """Enqueue the analysis of an ended conversation again (it replaces the last one)."""

        def check(db: Session) -> None:
            row = self._load(db, principal, conversation_id)
            if row.status == "active":
                raise Conflict("This conversation is still going; it is analysed once it ends.")
            if row.channel in SKIPPED_CHANNELS:
                raise Conflict("Exam questions are not analysed.")

        await self._db(check)
        self.resources.queue.enqueue_analysis(conversation_id, force=True)

    async def close(self, conversation_id: str) -> None:
        live = self._live.pop(conversation_id, None)
        if live is not None:
            await live.conversation.close()

    async def close_all(self) -> None:
        for conversation_id in list(self._live):
            try:
                await self.close(conversation_id)
            except Exception:  # noqa: BLE001 - shutting down: log and go on
                log.warning("closing conversation %s failed", conversation_id, exc_info=True)

    async def open_call(
        self,
        principal: Principal,
        agent_id: str,
        channel: str,
        *,
        source: str = "owner",
        caller_key: str | None = None,
        livekit_project: str | None = None,
        caller_number: str | None = None,
    ) -> str:
        """The conversation of a call that is answered later or elsewhere (a LiveKit room,
        where `frontdesk agent-worker` runs the session; a widget's call socket): the agent
        is checked, the row created. A LiveKit call names its project (`livekit_project`,
        the API key its token is minted with): only a worker of that project answers it."""

        def create(db: Session) -> str:
            agent = AgentService(db, self.resources, principal).get(agent_id)
            row = _new_conversation(
                agent, channel, source, caller_key=caller_key, livekit_project=livekit_project
            )
            row.caller_number = caller_number
            db.add(row)
            db.flush()
            return row.id

        return await self._db(create)


def _new_conversation(
    agent: Agent,
    channel: str,
    source: str,
    *,
    caller_key: str | None = None,
    livekit_project: str | None = None,
) -> Conversation:
    return Conversation(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        channel=channel,
        source=source,
        caller_key=caller_key,
        livekit_project=livekit_project,
    )


def _answer(db: Session, agent: Agent, conversation_id: str) -> None:
    """Mark an opened call as answered. One conditional UPDATE, so two sockets racing for
    the same conversation cannot both get it."""
    answered = db.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.agent_id == agent.id,
            Conversation.channel.in_(("voice", "phone")),
            Conversation.status == "active",
            Conversation.connected_at.is_(None),
        )
        .values(connected_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    if getattr(answered, "rowcount", 0) != 1:
        raise Conflict("This call was already answered or has ended; start a new one.")


def _tool_record(call: dict[str, Any]) -> ToolCallRecord:
    try:
        arguments = json.loads(call.get("arguments") or "{}")
    except (TypeError, json.JSONDecodeError):
        arguments = {"_raw": call.get("arguments")}
    return ToolCallRecord(call["name"], arguments, call.get("result"), bool(call.get("error")))


def _turns(db: Session, conversation_id: str) -> list[ConversationTurn]:
    return list(
        db.scalars(
            select(ConversationTurn)
            .where(ConversationTurn.conversation_id == conversation_id)
            .order_by(ConversationTurn.seq)
        )
    )
