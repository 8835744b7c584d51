"""All analytics queries: the counting happens in SQL that runs on SQLite and PostgreSQL.

Days, weeks and hours belong to the owner's time zone, which neither database can apply
the same way (SQLite has no time zones at all). So SQL groups rows by UTC quarter hour
("slot": seconds since 1970 divided by 900) and the service maps each slot to its local
day, week and hour. That is exact: every time zone's offset from UTC is a whole number of
quarter hours, so a quarter hour never straddles a local midnight or hour, daylight saving
changes included. A month of conversations is at most ~3,000 slots, however many rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from frontdesk.models import Appointment, Conversation, ConversationTurn, Lead

SLOT_SECONDS = 900
# Topics read caller messages one by one (text cannot be counted in SQL honestly); this
# bounds that read, newest first, whatever the range holds.
MAX_TOPIC_MESSAGES = 5_000
EXAM = "exam"


@dataclass(frozen=True)
class Scope:
    """Which rows count: one workspace, maybe one agent, created in [start, end) UTC."""

    workspace_id: str
    agent_id: str | None
    start: datetime
    end: datetime


@dataclass(frozen=True)
class ConversationGroup:
    slot: int
    channel: str
    outcome: str | None
    conversations: int
    seconds: float


@dataclass(frozen=True)
class ReplyTiming:
    slot: int
    channel: str
    reply_ms: float | None  # text: message received to reply ready
    speech_ms: float | None  # calls: end of the caller's speech to the agent's first audio


class AnalyticsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    # -- SQL that differs between the two databases -------------------------------------

    def _slot(self, column: InstrumentedAttribute[datetime]) -> ColumnElement[int]:
        if self.sqlite:
            # strftime('%s') is whole seconds since 1970 (the column holds UTC); integer
            # division then floors, as the times are after 1970.
            seconds = cast(func.strftime("%s", column), Integer)
            return cast(seconds / literal_column(str(SLOT_SECONDS)), Integer)
        return cast(
            func.floor(extract("epoch", column) / literal_column(str(SLOT_SECONDS))), Integer
        )

    def _seconds(self, later: Any, earlier: Any) -> ColumnElement[float]:
        if self.sqlite:
            return (func.julianday(later) - func.julianday(earlier)) * literal_column("86400.0")
        return cast(extract("epoch", later - earlier), Float)

    # -- which rows count ------------------------------------------------------------

    def _counted_conversations(self, scope: Scope) -> list[ColumnElement[bool]]:
        where = [
            Conversation.workspace_id == scope.workspace_id,
            Conversation.created_at >= scope.start,
            Conversation.created_at < scope.end,
            Conversation.channel != EXAM,
            Conversation.source != EXAM,
        ]
        if scope.agent_id:
            where.append(Conversation.agent_id == scope.agent_id)
        return where

    def _not_from_an_exam(
        self, conversation_id: InstrumentedAttribute[str | None]
    ) -> ColumnElement[bool]:
        # An exam's simulated caller may leave details or book; those are not the business's.
        exam = exists().where(
            Conversation.id == conversation_id,
            or_(Conversation.channel == EXAM, Conversation.source == EXAM),
        )
        return or_(conversation_id.is_(None), ~exam)

    # -- the counts --------------------------------------------------------------------

    def conversation_groups(self, scope: Scope) -> list[ConversationGroup]:
        """Conversations and their talk time, by slot, channel and outcome."""
        last_turn = (
            select(func.max(ConversationTurn.created_at))
            .where(ConversationTurn.conversation_id == Conversation.id)
            .correlate(Conversation)
            .scalar_subquery()
        )
        seconds = case(
            (Conversation.channel == "text", self._seconds(last_turn, Conversation.created_at)),
            (
                and_(Conversation.connected_at.is_not(None), Conversation.ended_at.is_not(None)),
                self._seconds(Conversation.ended_at, Conversation.connected_at),
            ),
            else_=literal_column("0.0"),
        )
        rows = (
            select(
                self._slot(Conversation.created_at).label("slot"),
                Conversation.channel.label("channel"),
                Conversation.outcome.label("outcome"),
                seconds.label("seconds"),
            )
            .where(*self._counted_conversations(scope))
            .subquery()
        )
        grouped = select(
            rows.c.slot,
            rows.c.channel,
            rows.c.outcome,
            func.count(),
            func.coalesce(func.sum(rows.c.seconds), 0.0),
        ).group_by(rows.c.slot, rows.c.channel, rows.c.outcome)
        return [
            ConversationGroup(int(slot), channel, outcome, int(count), max(0.0, float(total)))
            for slot, channel, outcome, count, total in self.session.execute(grouped)
        ]

    def _slot_counts(self, model: type[Lead] | type[Appointment], scope: Scope) -> dict[int, int]:
        where = [
            model.workspace_id == scope.workspace_id,
            model.created_at >= scope.start,
            model.created_at < scope.end,
            self._not_from_an_exam(model.conversation_id),
        ]
        if scope.agent_id:
            where.append(model.agent_id == scope.agent_id)
        rows = select(self._slot(model.created_at).label("slot")).where(*where).subquery()
        grouped = select(rows.c.slot, func.count()).group_by(rows.c.slot)
        return {int(slot): int(count) for slot, count in self.session.execute(grouped)}

    def lead_slots(self, scope: Scope) -> dict[int, int]:
        """Leads created, by slot of their creation."""
        return self._slot_counts(Lead, scope)

    def booking_slots(self, scope: Scope) -> dict[int, int]:
        """Appointments booked (when they were booked, not when they take place), by slot."""
        return self._slot_counts(Appointment, scope)

    def reply_timings(self, scope: Scope) -> list[ReplyTiming]:
        """Each agent reply's latency, by the slot its conversation started in.

        One row per reply, two numbers each: percentiles need the values themselves."""
        reply = ConversationTurn.timings["reply_ms"].as_float()
        speech = ConversationTurn.timings["end_of_speech_to_audio_ms"].as_float()
        query = (
            select(self._slot(Conversation.created_at), Conversation.channel, reply, speech)
            .join(Conversation, Conversation.id == ConversationTurn.conversation_id)
            .where(
                *self._counted_conversations(scope),
                ConversationTurn.role == "agent",
                # The greeting opens every conversation as fixed text: it answers nobody.
                ConversationTurn.seq > 0,
                or_(reply.is_not(None), speech.is_not(None)),
            )
        )
        return [
            ReplyTiming(
                int(slot),
                channel,
                float(r) if r is not None else None,
                float(s) if s is not None else None,
            )
            for slot, channel, r, s in self.session.execute(query)
        ]

    def caller_messages(self, scope: Scope) -> Sequence[tuple[str, str, str | None]]:
        """(conversation id, text, caller's name if known) of the range's latest caller
        messages."""
        query = (
            select(
                ConversationTurn.conversation_id,
                ConversationTurn.text,
                Conversation.caller_details,
            )
            .join(Conversation, Conversation.id == ConversationTurn.conversation_id)
            .where(*self._counted_conversations(scope), ConversationTurn.role == "caller")
            .order_by(ConversationTurn.created_at.desc())
            .limit(MAX_TOPIC_MESSAGES)
        )
        return [(cid, text, _name(details)) for cid, text, details in self.session.execute(query)]


def _name(details: object) -> str | None:
    name = details.get("name") if isinstance(details, dict) else None
    return name if isinstance(name, str) else None
