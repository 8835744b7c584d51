"""Keyword factories for conversations, turns, leads and bookings at times a test chooses.

Analytics is about *when* things happened, which the services stamp with the present; these
write the same ORM rows the services write, with the times given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.models import Appointment, Conversation, ConversationTurn, Lead


@dataclass(frozen=True)
class T:
    """One turn, `at_s` seconds after the conversation started."""

    role: str
    text: str
    at_s: float
    timings: dict[str, float] = field(default_factory=dict)


def add_conversation(
    db: Session,
    *,
    workspace_id: str,
    agent_id: str,
    at: datetime,
    channel: str = "text",
    outcome: str | None = None,
    connected_s: float | None = None,
    ended_s: float | None = None,
    turns: Sequence[T] = (),
) -> Conversation:
    at = at.astimezone(UTC)
    row = Conversation(
        workspace_id=workspace_id,
        agent_id=agent_id,
        channel=channel,
        source="owner",
        status="active" if ended_s is None else "ended",
        created_at=at,
        connected_at=at + timedelta(seconds=connected_s) if connected_s is not None else None,
        ended_at=at + timedelta(seconds=ended_s) if ended_s is not None else None,
        outcome=outcome,
    )
    db.add(row)
    db.flush()
    for seq, turn in enumerate(turns):
        db.add(
            ConversationTurn(
                conversation_id=row.id,
                seq=seq,
                role=turn.role,
                text=turn.text,
                timings=turn.timings,
                tool_calls=[],
                created_at=at + timedelta(seconds=turn.at_s),
            )
        )
    db.flush()
    return row


def add_lead(
    db: Session,
    *,
    workspace_id: str,
    agent_id: str,
    at: datetime,
    conversation_id: str | None = None,
) -> Lead:
    lead = Lead(
        workspace_id=workspace_id,
        agent_id=agent_id,
        conversation_id=conversation_id,
        name="Ann Lee",
        phone="5550142398",
        created_at=at.astimezone(UTC),
    )
    db.add(lead)
    db.flush()
    return lead


def add_booking(
    db: Session,
    *,
    workspace_id: str,
    agent_id: str,
    at: datetime,
    conversation_id: str | None = None,
    status: str = "booked",
    **extra: Any,
) -> Appointment:
    starts = at.astimezone(UTC) + timedelta(days=2)
    appointment = Appointment(
        workspace_id=workspace_id,
        agent_id=agent_id,
        conversation_id=conversation_id,
        appointment_type="checkup",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        status=status,
        customer_name="Ann Lee",
        created_at=at.astimezone(UTC),
        **extra,
    )
    db.add(appointment)
    db.flush()
    return appointment
