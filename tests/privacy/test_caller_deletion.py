"""A caller's data deleted on request: by phone, then by email, exactly their rows and
nothing of another caller or another workspace; the dry run; the audit record; who may ask;
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdesk.db import transaction
from frontdesk.models import (
    Agent,
    Appointment,
    CalendarSlot,
    CallerDeletion,
    CallerMessage,
    Conversation,
    ConversationTurn,
    KnowledgeGap,
    KnowledgeGapQuestion,
    Lead,
    WebhookDelivery,
    WebhookEndpoint,
)
from frontdesk.privacy.service import identifier_hash
from frontdesk.resources import Resources
from frontdesk.scheduling.service import Customer, SchedulingService
from tests.factories import make_member, make_owner, make_receptionist, sign_in
from tests.privacy import records

ROSA_PHONE, ROSA_EMAIL = "5550142398", "rosa@example.com"
MODELS = (
    Lead,
    Conversation,
    ConversationTurn,
    CallerMessage,
    Appointment,
    KnowledgeGap,
    KnowledgeGapQuestion,
    WebhookDelivery,
)


def _snapshot(resources: Resources) -> dict[str, set[str]]:
    """Every row id of the tables a deletion touches (turns by conversation and seq)."""
    with transaction(resources.sessionmaker) as db:
        out = {
            model.__name__: set(db.scalars(select(model.id)))  # type: ignore[attr-defined]
            for model in MODELS
        }
        return out


def _delivery(db: Any, workspace_id: str, endpoint_id: str, status: str, data: dict) -> str:
    row = WebhookDelivery(
        workspace_id=workspace_id,
        endpoint_id=endpoint_id,
        event_id="evt_" + status + str(len(str(data))),
        event_type="lead.created",
        payload={"type": "lead.created", "data": data},
        status=status,
    )
    db.add(row)
    db.flush()
    return row.id


def test_a_callers_data_is_deleted_by_phone_and_by_email_and_nothing_else(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, owner = make_owner(resources)
    client = sign_in(app_client, owner)
    agent_id = make_receptionist(client)["id"]
    _, other_owner = make_owner(resources, workspace_name="Elsewhere")
    with TestClient(app_client.app) as other_client:
        other_agent_id = make_receptionist(sign_in(other_client, other_owner))["id"]

    # As the model heard it: stored unnormalised, found all the same.
    rosa_by_phone = {"name": "Rosa", "phone": "555-014-2398", "email": None}
    rosa_by_email = {"name": "Rosa", "phone": None, "email": "Rosa@Example.com"}
    tom = {"name": "Tom", "phone": "5557771234", "email": "tom@example.com"}
    with transaction(resources.sessionmaker) as db:
        agent, other = db.get(Agent, agent_id), db.get(Agent, other_agent_id)
        # Rosa, found by her phone: a call with a lead and a message left in it, a message
        # with her number typed another way, an upcoming booking.
        c1 = records.conversation(db, agent, ended_days_ago=3, caller=rosa_by_phone)
        lead1 = records.lead(db, agent, name="Rosa", phone=ROSA_PHONE, conversation_id=c1)
        m_in_c1 = records.message(db, agent, contact=None, conversation_id=c1)
        m_typed = records.message(db, agent, contact="(555) 014-2398")
        # A call in which only the model heard her number.
        c_heard = records.conversation(db, agent, ended_days_ago=4, caller=rosa_by_phone, turns=2)
        # A phone call whose number only the phone network gave.
        c_rang = records.conversation(
            db, agent, ended_days_ago=6, caller=None, turns=2, caller_number="+15550142398"
        )
        # Rosa, found by her email: a chat, a past appointment (booked from another chat
        # whose details never named her), a webhook log entry naming her.
        c2 = records.conversation(db, agent, ended_days_ago=2, caller=rosa_by_email)
        c3 = records.conversation(db, agent, ended_days_ago=1, caller=None, turns=2)
        past = records.appointment(
            db, agent, days_from_now=-5, name="Rosa", customer_email=ROSA_EMAIL, conversation_id=c3
        )
        # Tom: everything of the same kinds, and a knowledge gap shared with Rosa.
        c_tom = records.conversation(db, agent, ended_days_ago=2, caller=tom)
        lead_tom = records.lead(
            db, agent, name="Tom", phone=tom["phone"], email=tom["email"], conversation_id=c_tom
        )
        m_tom = records.message(db, agent, contact="tom@example.com")
        a_tom = records.appointment(
            db, agent, days_from_now=3, name="Tom", customer_phone=tom["phone"]
        )
        only_rosa_gap = records.gap(db, agent, "Do you board rabbits?", [c2])
        shared_gap = records.gap(db, agent, "Are you open on Sundays?", [c2, c_tom])
        # The business's webhook hears of cancellations (and of nothing else here).
        endpoint = WebhookEndpoint(
            workspace_id=agent.workspace_id,
            url="http://127.0.0.1:9/hooks",
            secret="whsec_test",
            events=["appointment.cancelled"],
        )
        db.add(endpoint)
        db.flush()
        logged_rosa = _delivery(db, workspace.id, endpoint.id, "succeeded", rosa_by_email)
        logged_tom = _delivery(db, workspace.id, endpoint.id, "failed", tom)
        # Another workspace's Rosa: the same phone and email, never touched.
        c_else = records.conversation(db, other, ended_days_ago=1, caller=rosa_by_phone)
        lead_else = records.lead(
            db, other, name="Rosa", phone=ROSA_PHONE, email=ROSA_EMAIL, conversation_id=c_else
        )
        m_else = records.message(db, other, contact=ROSA_EMAIL)
        a_else = records.appointment(
            db, other, days_from_now=4, name="Rosa", customer_phone=ROSA_PHONE
        )
        # Rosa's upcoming booking, made the way the agent makes it: its calendar slots taken.
        upcoming = (
            SchedulingService(db, agent, settings=resources.settings)
            .book(
                start=(records.NOW + timedelta(days=2)).replace(
                    hour=10, minute=0, second=0, microsecond=0
                ),
                customer=Customer(name="Rosa", phone="+1 (555) 014-2398"[3:]),
                conversation_id=c1,
            )
            .id
        )

    # Who may ask, and what a request must hold.
    member = make_member(resources, workspace)
    with TestClient(app_client.app) as member_client:
        sign_in(member_client, member)
        refused = member_client.post("/api/privacy/caller-deletions", json={"phone": ROSA_PHONE})
        assert refused.status_code == 403, refused.text
        assert member_client.get("/api/privacy/caller-deletions").status_code == 403
    for body in ({}, {"phone": " ", "email": ""}, {"phone": "call me"}, {"email": "rosa@"}):
        bad = client.post("/api/privacy/caller-deletions", json=body)
        assert bad.status_code == 422, (body, bad.text)
        assert bad.json()["error"] == "ValidationFailed"

    before = _snapshot(resources)
    expected_by_phone = {
        "leads": 1,
        "conversations": 3,
        "transcript_turns": 7,
        "messages": 2,
        "appointments": 1,
        "appointments_cancelled": 1,
        "knowledge_gap_questions": 0,
        "webhook_log_entries": 0,
    }
    dry = client.post(
        "/api/privacy/caller-deletions", json={"phone": "555.014.2398", "dry_run": True}
    )
    assert dry.status_code == 200, dry.text
    assert dry.json() == {"dry_run": True, "id": None, "counts": expected_by_phone}
    assert _snapshot(resources) == before
    assert client.get("/api/privacy/caller-deletions").json() == []

    by_phone = client.post("/api/privacy/caller-deletions", json={"phone": "(555) 014 2398"})
    assert by_phone.status_code == 200, by_phone.text
    assert by_phone.json()["dry_run"] is False and by_phone.json()["counts"] == expected_by_phone
    after_phone = _snapshot(resources)
    assert before["Lead"] - after_phone["Lead"] == {lead1}
    assert before["Conversation"] - after_phone["Conversation"] == {c1, c_heard, c_rang}
    assert before["CallerMessage"] - after_phone["CallerMessage"] == {m_in_c1, m_typed}
    assert before["Appointment"] - after_phone["Appointment"] == {upcoming}
    with transaction(resources.sessionmaker) as db:
        assert records.count(db, ConversationTurn, conversation_id=c1) == 0
        assert records.count(db, CalendarSlot, appointment_id=upcoming) == 0
        # Cancelled through the scheduling service first: the business's system is told.
        cancelled = db.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_type == "appointment.cancelled")
        ).all()
        assert len(cancelled) == 1
        assert cancelled[0].payload["data"]["appointment"]["id"] == upcoming

    by_email = client.post(
        "/api/privacy/caller-deletions", json={"email": " ROSA@example.COM ", "dry_run": False}
    )
    assert by_email.status_code == 200, by_email.text
    assert by_email.json()["counts"] == {
        "leads": 0,
        "conversations": 2,  # her chat, and the one her past booking came from
        "transcript_turns": 5,
        "messages": 0,
        "appointments": 1,
        "appointments_cancelled": 0,
        "knowledge_gap_questions": 2,
        "webhook_log_entries": 1,
    }
    after_email = _snapshot(resources)
    assert after_phone["Conversation"] - after_email["Conversation"] == {c2, c3}
    assert after_phone["Appointment"] - after_email["Appointment"] == {past}
    assert after_phone["WebhookDelivery"] - after_email["WebhookDelivery"] == {logged_rosa}
    assert after_phone["KnowledgeGap"] - after_email["KnowledgeGap"] == {only_rosa_gap}

    # Tom and the other workspace keep every row.
    for model, ids in {
        "Lead": {lead_tom, lead_else},
        "Conversation": {c_tom, c_else},
        "CallerMessage": {m_tom, m_else},
        "Appointment": {a_tom, a_else},
        "KnowledgeGap": {shared_gap},
        "WebhookDelivery": {logged_tom},
    }.items():
        assert ids <= after_email[model], model
    with transaction(resources.sessionmaker) as db:
        assert records.count(db, ConversationTurn, conversation_id=[c_tom, c_else]) == 6
        shared = db.get(KnowledgeGap, shared_gap)
        assert shared is not None and shared.count == 1
        assert records.count(db, KnowledgeGapQuestion, gap_id=shared_gap) == 1
        audits = db.scalars(select(CallerDeletion).order_by(CallerDeletion.created_at)).all()
        assert [a.workspace_id for a in audits] == [workspace.id, workspace.id]
        assert audits[0].phone_hash == identifier_hash(resources.settings, "phone", ROSA_PHONE)
        assert audits[0].email_hash is None
        assert audits[1].email_hash == identifier_hash(resources.settings, "email", ROSA_EMAIL)
        assert audits[0].requested_by == owner.id and audits[0].requested_via == "session"
        stored = " ".join(f"{a.phone_hash} {a.email_hash} {a.counts}" for a in audits)
        assert ROSA_PHONE not in stored and "rosa" not in stored.lower()

    trail = client.get("/api/privacy/caller-deletions").json()
    assert [(t["matched_phone"], t["matched_email"]) for t in trail] == [
        (False, True),
        (True, False),
    ]
    assert trail[1]["requested_by_email"] == owner.email
    assert trail[1]["counts"] == expected_by_phone
    # Asking again finds nothing: the request is safe to repeat.
    again = client.post("/api/privacy/caller-deletions", json={"phone": ROSA_PHONE})
    assert set(again.json()["counts"].values()) == {0}
