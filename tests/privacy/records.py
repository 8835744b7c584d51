"""Rows a privacy test needs, written straight to the database as the runtime would have."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdesk.models import (
    Appointment,
    CallerMessage,
    Conversation,
    ConversationTurn,
    KnowledgeGap,
    KnowledgeGapQuestion,
    Lead,
)

NOW = datetime.now(UTC)


def conversation(
    db: Session,
    agent: Any,
    *,
    ended_days_ago: float | None,
    caller: dict[str, Any] | None = None,
    turns: int = 3,
    outcome: str = "answered",
    caller_number: str | None = None,
) -> str:
    """A conversation with `turns` turns and an analysis; still active when `ended_days_ago`
    is None (then it started 60 days ago)."""
    ended = NOW - timedelta(days=ended_days_ago) if ended_days_ago is not None else None
    started = (ended or NOW - timedelta(days=60)) - timedelta(minutes=4)
    row = Conversation(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        channel="phone" if caller_number else "voice",
        caller_number=caller_number,
        status="ended" if ended else "active",
        created_at=started,
        ended_at=ended,
        summary="Rosa asked about a checkup for her cat." if ended else None,
        outcome=outcome if ended else None,
        caller_details=caller,
        unanswered=["Do you board rabbits?"] if ended else None,
        analyzed_at=ended,
    )
    db.add(row)
    db.flush()
    for seq in range(turns):
        db.add(
            ConversationTurn(
                conversation_id=row.id,
                seq=seq,
                role="caller" if seq % 2 == 0 else "agent",
                text=f"turn {seq}",
            )
        )
    db.flush()
    return row.id


def lead(
    db: Session, agent: Any, *, name: str, conversation_id: str | None = None, **kw: Any
) -> str:
    row = Lead(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        conversation_id=conversation_id,
        name=name,
        **kw,
    )
    db.add(row)
    db.flush()
    return row.id


def message(
    db: Session, agent: Any, *, contact: str | None, conversation_id: str | None = None
) -> str:
    row = CallerMessage(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        conversation_id=conversation_id,
        kind="message",
        caller_name="Someone",
        caller_contact=contact,
        body="Please call me back.",
    )
    db.add(row)
    db.flush()
    return row.id


def appointment(db: Session, agent: Any, *, days_from_now: float, name: str, **kw: Any) -> str:
    starts = NOW + timedelta(days=days_from_now)
    row = Appointment(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        appointment_type="visit",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        status="booked",
        customer_name=name,
        **kw,
    )
    db.add(row)
    db.flush()
    return row.id


def gap(db: Session, agent: Any, question: str, conversation_ids: list[str]) -> str:
    row = KnowledgeGap(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        question=question,
        count=len(set(conversation_ids)),
        first_seen_at=NOW,
        last_seen_at=NOW,
        centroid=[1.0, 0.0],
        embedder="test",
    )
    db.add(row)
    db.flush()
    for conversation_id in conversation_ids:
        db.add(
            KnowledgeGapQuestion(
                workspace_id=agent.workspace_id,
                agent_id=agent.id,
                gap_id=row.id,
                conversation_id=conversation_id,
                question=question,
                kind="unanswered",
                asked_at=NOW,
                embedding=[1.0, 0.0],
            )
        )
    db.flush()
    return row.id


def count(db: Session, model: Any, **where: Any) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        column = getattr(model, key)
        query = query.where(
            column.in_(value) if isinstance(value, (list, set)) else column == value
        )
    return int(db.scalar(query) or 0)


def noise(size: int) -> str:
    """Text that does not compress (hex of random bytes)."""
    return os.urandom(size // 2).hex()
