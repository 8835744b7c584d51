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
# Topics read what callers said word by word (text cannot be counted in SQL honestly);
# this bounds that read to the range's latest conversations, however many it holds.
MAX_TOPIC_CONVERSATIONS = 1_000
EXAM = "exam"
OUTCOMES = ("answered", "lead_captured", "booked", "message_taken", "handed_off", "abandoned")


@dataclass(frozen=True)
class Scope:
    """Which rows count: one workspace, maybe one agent, created in [start, end) UTC."""

    workspace_id: str
    agent_id: str | None
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SlotConversations:
    slot: int
    agent_id: str
    conversations: int
    seconds: float
    outcomes: dict[str, int]  # conversations by outcome; "not_analysed" has none yet


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

    def conversation_slots(self, scope: Scope) -> list[SlotConversations]:
        """Conversations, their talk time and their outcomes, one row per slot and agent."""
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
                Conversation.agent_id.label("agent_id"),
                Conversation.outcome.label("outcome"),
                seconds.label("seconds"),
            )
            .where(*self._counted_conversations(scope))
            .subquery()
        )
        # One row per slot and agent, an outcome per column: a row per outcome too would
        # be almost one per conversation again.
        per_outcome = [
            func.sum(case((rows.c.outcome == outcome, 1), else_=0)) for outcome in OUTCOMES
        ]
        grouped = select(
            rows.c.slot,
            rows.c.agent_id,
            func.count(),
            func.coalesce(func.sum(rows.c.seconds), 0.0),
            func.sum(case((rows.c.outcome.is_(None), 1), else_=0)),
            *per_outcome,
        ).group_by(rows.c.slot, rows.c.agent_id)
        return [
            SlotConversations(
                slot=int(slot),
                agent_id=agent_id,
                conversations=int(count),
                seconds=max(0.0, float(total)),
                outcomes={
                    "not_analysed": int(unknown),
                    **{o: int(n) for o, n in zip(OUTCOMES, counts, strict=True)},
                },
            )
            for slot, agent_id, count, total, unknown, *counts in self.session.execute(grouped)
        ]

    def _slot_counts(
        self, model: type[Lead] | type[Appointment], scope: Scope
    ) -> list[tuple[int, str, int]]:
        where = [
            model.workspace_id == scope.workspace_id,
            model.created_at >= scope.start,
            model.created_at < scope.end,
            self._not_from_an_exam(model.conversation_id),
        ]
        if scope.agent_id:
            where.append(model.agent_id == scope.agent_id)
        rows = (
            select(self._slot(model.created_at).label("slot"), model.agent_id.label("agent_id"))
            .where(*where)
            .subquery()
        )
        grouped = select(rows.c.slot, rows.c.agent_id, func.count()).group_by(
            rows.c.slot, rows.c.agent_id
        )
        return [
            (int(slot), agent_id, int(count))
            for slot, agent_id, count in self.session.execute(grouped)
        ]

    def lead_slots(self, scope: Scope) -> list[tuple[int, str, int]]:
        """(slot, agent, leads created)."""
        return self._slot_counts(Lead, scope)

    def booking_slots(self, scope: Scope) -> list[tuple[int, str, int]]:
        """(slot, agent, appointments booked): when they were booked, not when they are."""
        return self._slot_counts(Appointment, scope)

    def reply_timings(self, scope: Scope) -> list[tuple[int, str, bool, float]]:
        """(slot, agent, typed, milliseconds) of each agent reply, in the slot its conversation
        started in. Typed conversations give `reply_ms` (the message received to the reply
        ready), calls `end_of_speech_to_audio_ms` (the caller's speech ended to the agent's
        first audio).

        One row per reply: percentiles need the values themselves. Only the one measure
        that applies to the channel is read out of the JSON."""
        typed = Conversation.channel == "text"
        ms = case(
            (typed, ConversationTurn.timings["reply_ms"].as_float()),
            else_=ConversationTurn.timings["end_of_speech_to_audio_ms"].as_float(),
        ).label("ms")
        rows = (
            select(
                self._slot(Conversation.created_at).label("slot"),
                Conversation.agent_id.label("agent_id"),
                typed.label("typed"),
                ms,
            )
            .join(Conversation, Conversation.id == ConversationTurn.conversation_id)
            .where(
                *self._counted_conversations(scope),
                ConversationTurn.role == "agent",
                # The greeting opens every conversation as fixed text: it answers nobody.
                ConversationTurn.seq > 0,
            )
            .subquery()
        )
        query = select(rows.c.slot, rows.c.agent_id, rows.c.typed, rows.c.ms).where(
            rows.c.ms.is_not(None)
        )
        # Plain tuples: a month can hold a hundred thousand replies.
        return [
            (slot, agent_id, bool(is_typed), value)
            for slot, agent_id, is_typed, value in self.session.execute(query)
        ]

    def caller_messages(self, scope: Scope) -> Sequence[tuple[str, str, str | None]]:
        """(conversation id, text, caller's name if known) of what callers said in the
        range's latest conversations."""
        latest = (
            select(Conversation.id)
            .where(*self._counted_conversations(scope))
            .order_by(Conversation.created_at.desc())
            .limit(MAX_TOPIC_CONVERSATIONS)
            .subquery()
        )
        query = (
            select(
                ConversationTurn.conversation_id,
                ConversationTurn.text,
                Conversation.caller_details,
            )
            .join(Conversation, Conversation.id == ConversationTurn.conversation_id)
            .where(Conversation.id.in_(select(latest.c.id)), ConversationTurn.role == "caller")
        )
        return [(cid, text, _name(details)) for cid, text, details in self.session.execute(query)]


def _name(details: object) -> str | None:
    name = details.get("name") if isinstance(details, dict) else None
    return name if isinstance(name, str) else None
