"""Events and the outbox: what happened, written beside the change that caused it.

`emit()` runs inside the caller's transaction and adds one pending delivery per enabled
endpoint that subscribes to the event type. If the transaction rolls back, the event never
existed; once it commits, the delivery is handed to the job queue (and the queue's sweep
finds it anyway if that hand-off is lost with the process).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from frontdesk.db import on_commit
from frontdesk.models import Agent, Appointment, Conversation, Lead, WebhookDelivery
from frontdesk.models.base import as_utc, utcnow
from frontdesk.webhooks.repository import WebhookRepository

EventType = Literal[
    "conversation.ended",
    "lead.created",
    "appointment.booked",
    "appointment.rescheduled",
    "appointment.cancelled",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
# Sent only by the "send test event" action, to whatever the endpoint subscribes to.
TEST_EVENT = "webhook.test"
# The session info key under which the process puts "send this delivery" (resources.py), so
# a service that only holds a session can still hand its events to the queue.
DISPATCH_KEY = "frontdesk.webhook_dispatch"
# Exam questions are conversations too; nobody outside wants to hear about them.
SILENT_CHANNELS = ("exam",)

Dispatch = Callable[[str], None]


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


def envelope(
    event_id: str, event_type: str, workspace_id: str, at: datetime, data: dict[str, Any]
) -> dict[str, Any]:
    """The JSON body every event is sent as (docs/webhooks.md)."""
    return {
        "id": event_id,
        "type": event_type,
        "created_at": _iso(at),
        "workspace_id": workspace_id,
        "data": data,
    }


def emit(
    db: Session,
    workspace_id: str,
    event_type: EventType,
    data: dict[str, Any],
    *,
    conversation_id: str | None = None,
    event_id: str | None = None,
) -> str | None:
    """Write the event's deliveries in `db`'s transaction; the event id, or None when no
    endpoint wants it (or it comes from an exam conversation). An `event_id` given by the
    caller makes the event happen once: if deliveries with that id exist, nothing is added."""
    if conversation_id is not None:
        conversation = db.get(Conversation, conversation_id)
        if conversation is not None and conversation.channel in SILENT_CHANNELS:
            return None
    endpoints = WebhookRepository(db).subscribed(workspace_id, event_type)
    if not endpoints:
        return None
    if event_id is not None and WebhookRepository(db).event_exists(workspace_id, event_id):
        return None
    event_id, now = event_id or new_event_id(), utcnow()
    body = envelope(event_id, event_type, workspace_id, now, data)
    rows = [
        WebhookDelivery(
            workspace_id=workspace_id,
            endpoint_id=endpoint.id,
            event_id=event_id,
            event_type=event_type,
            payload=body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    db.add_all(rows)
    db.flush()
    dispatch: Dispatch | None = db.info.get(DISPATCH_KEY)
    if dispatch is not None:
        ids = [row.id for row in rows]

        def hand_off() -> None:
            for delivery_id in ids:
                dispatch(delivery_id)

        on_commit(db, hand_off)
    return event_id


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def _agent(agent: Agent | None, agent_id: str) -> dict[str, Any]:
    return {"id": agent_id, "name": agent.name if agent is not None else None}


def appointment_data(
    appointment: Appointment, agent: Agent, *, previous_starts_at: datetime | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "appointment": {
            "id": appointment.id,
            "status": appointment.status,
            "appointment_type": appointment.appointment_type,
            "starts_at": _iso(appointment.starts_at),
            "ends_at": _iso(appointment.ends_at),
            "customer": {
                "name": appointment.customer_name,
                "phone": appointment.customer_phone,
                "email": appointment.customer_email,
            },
            "notes": appointment.notes,
            "conversation_id": appointment.conversation_id,
        },
        "agent": _agent(agent, appointment.agent_id),
    }
    if previous_starts_at is not None:
        data["previous_starts_at"] = _iso(previous_starts_at)
    return data


def lead_data(lead: Lead, agent: Agent) -> dict[str, Any]:
    return {
        "lead": {
            "id": lead.id,
            "name": lead.name,
            "phone": lead.phone,
            "email": lead.email,
            "interest": lead.interest,
            "notes": lead.notes,
            "score": lead.score,
            "category": lead.category,
            "conversation_id": lead.conversation_id,
            "created_at": _iso(lead.created_at or utcnow()),
        },
        "agent": _agent(agent, lead.agent_id),
    }


def conversation_data(conversation: Conversation, agent: Agent | None) -> dict[str, Any]:
    started, ended = conversation.created_at, conversation.ended_at
    duration = (
        round((as_utc(ended) - as_utc(started)).total_seconds())
        if started is not None and ended is not None
        else None
    )
    details = conversation.caller_details or {}
    return {
        "conversation": {
            "id": conversation.id,
            "channel": conversation.channel,
            "source": conversation.source,
            "started_at": _iso(started),
            "ended_at": _iso(ended),
            "duration_seconds": duration,
            "end_reason": conversation.end_reason,
            "outcome": conversation.outcome,
            "summary": conversation.summary,
            "caller": {
                "name": details.get("name"),
                "phone": details.get("phone"),
                "email": details.get("email"),
            },
            "unanswered_questions": list(conversation.unanswered or []),
        },
        "agent": _agent(agent, conversation.agent_id),
    }


def ping_data(endpoint_url: str) -> dict[str, Any]:
    return {"message": "A test event from Frontdesk.", "endpoint_url": endpoint_url}


def emit_conversation_ended(db: Session, conversation: Conversation) -> str | None:
    """Once per conversation: the analysis job calls this on its first analysis only, and
    the event id derived from the conversation stops a second one that raced it."""
    agent = db.get(Agent, conversation.agent_id)
    digest = hashlib.sha256(f"conversation.ended:{conversation.id}".encode()).hexdigest()
    return emit(
        db,
        conversation.workspace_id,
        "conversation.ended",
        conversation_data(conversation, agent),
        conversation_id=conversation.id,
        event_id="evt_" + digest[:32],
    )


def emit_lead_created(db: Session, lead: Lead, agent: Agent) -> str | None:
    return emit(
        db,
        lead.workspace_id,
        "lead.created",
        lead_data(lead, agent),
        conversation_id=lead.conversation_id,
    )


def emit_appointment(
    db: Session,
    event_type: EventType,
    appointment: Appointment,
    agent: Agent,
    *,
    previous_starts_at: datetime | None = None,
) -> str | None:
    return emit(
        db,
        appointment.workspace_id,
        event_type,
        appointment_data(appointment, agent, previous_starts_at=previous_starts_at),
        conversation_id=appointment.conversation_id,
    )
