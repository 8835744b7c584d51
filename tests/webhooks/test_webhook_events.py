"""Every event type from its real flow, signed and delivered to a loopback receiver, with
retries after failures seen through the delivery log; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.leads.service import capture_lead
from frontdesk.models import Agent, Conversation, WebhookDelivery
from frontdesk.resources import Resources
from frontdesk.scheduling.service import Customer, SchedulingService
from frontdesk.webhooks.delivery import MAX_ATTEMPTS, RETRY_STEPS, WebhookSender
from frontdesk.webhooks.events import EVENT_TYPES, emit_conversation_ended
from frontdesk.webhooks.signing import InvalidSignature, verify_headers
from tests.factories import make_owner, make_receptionist, make_signed_in_client, sign_in
from tests.fake_llm import Call, Say, ScriptedLLM, ScriptedStructuredModel, last_tool_output
from tests.webhooks.receiver import Receiver


def add_endpoint(client: TestClient, receiver: Receiver, events: list[str] | None = None) -> dict:
    response = client.post(
        "/api/webhooks",
        json={"url": receiver.url, "events": events or list(EVENT_TYPES), "description": "CRM"},
    )
    assert response.status_code == 201, response.text
    endpoint = response.json()
    receiver.secret = endpoint["secret"]
    return endpoint


def deliveries(client: TestClient, endpoint_id: str, **params: str) -> list[dict]:
    response = client.get(f"/api/webhooks/{endpoint_id}/deliveries", params=params)
    assert response.status_code == 200, response.text
    return response.json()["deliveries"]


def settled(client: TestClient, endpoint_id: str, count: int, timeout: float = 30.0) -> list[dict]:
    """The log once `count` deliveries are no longer pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = deliveries(client, endpoint_id)
        if len(rows) >= count and all(r["status"] != "pending" for r in rows):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"deliveries did not settle: {deliveries(client, endpoint_id)}")


def _tomorrow_at(hour: int) -> datetime:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_failures_are_retried_with_backoff_until_the_receiver_accepts(
    app_client: TestClient, resources: Resources, receiver: Receiver
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_receptionist(client)
    endpoint = add_endpoint(client, receiver, ["appointment.booked"])
    receiver.fail_first = 2

    with transaction(resources.sessionmaker) as db:
        booked = SchedulingService(db, db.get(Agent, agent["id"])).book(
            start=_tomorrow_at(10), customer=Customer(name="Ann Lee", phone="555 014 2398")
        )

    [delivery] = settled(client, endpoint["id"], 1)
    got = receiver.wait_for(3)
    assert [r.answered for r in got] == [500, 500, 200]
    assert all(r.verified for r in got), [r.problem for r in got]
    # One delivery, tried three times: same id and body, a fresh signature each time.
    assert {r.headers["Frontdesk-Delivery"] for r in got} == {delivery["id"]}
    assert {r.body for r in got} == {got[0].body}
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 3
    assert delivery["response_status"] == 200 and delivery["last_error"] is None
    assert delivery["response_excerpt"] == '{"ok": true}' and delivery["next_attempt_at"] is None
    assert json.loads(got[0].body)["data"]["appointment"]["id"] == booked.id
    assert deliveries(client, endpoint["id"], status="failed") == []

    # A captured request replayed later than five minutes is refused by the documented check.
    sent_at = int(got[0].headers["Frontdesk-Timestamp"])
    with pytest.raises(InvalidSignature, match="too old"):
        verify_headers(receiver.secret, got[0].body, got[0].headers, now=sent_at + 301)


def test_a_delivery_that_keeps_failing_ends_failed_and_can_be_retried_now(
    resources: Resources, settings: Settings, receiver: Receiver
) -> None:
    _, owner = make_owner(resources)
    with TestClient(create_app(resources=resources)) as app_client:
        client = sign_in(app_client, owner)
        agent = make_receptionist(client)
        endpoint = add_endpoint(client, receiver, ["lead.created"])
    # With the server stopped this test is the only sender, so it sees every try and the
    # wait before the next, on the real schedule scaled down to milliseconds.
    receiver.fail_first = 100
    with transaction(resources.sessionmaker) as db:
        capture_lead(db, db.get(Agent, agent["id"]), name="Bo Park", email="bo@example.com")
    with transaction(resources.sessionmaker) as db:
        [delivery_id] = [d.id for d in db.query(WebhookDelivery)]
    fast = settings.model_copy(update={"webhook_retry_base_s": 0.002})
    sender = WebhookSender(fast, resources.sessionmaker)
    waits = []
    while (wait := sender.deliver(delivery_id)) is not None:
        waits.append(wait)
        time.sleep(wait)
    assert len(waits) == MAX_ATTEMPTS - 1
    assert waits == pytest.approx([0.002 * step for step in RETRY_STEPS], abs=0.01)
    assert waits == sorted(waits)
    assert [r.answered for r in receiver.wait_for(MAX_ATTEMPTS)] == [500] * MAX_ATTEMPTS

    receiver.fail_first = 0
    with TestClient(create_app(resources=resources)) as app_client:
        client = sign_in(app_client, owner)
        [failed] = deliveries(client, endpoint["id"], status="failed")
        assert failed["id"] == delivery_id and failed["attempts"] == MAX_ATTEMPTS
        assert failed["response_status"] == 500 and failed["next_attempt_at"] is None
        assert failed["last_error"] == "The endpoint answered 500."
        assert failed["response_excerpt"] == "receiver says no"

        retried = client.post(f"/api/webhooks/{endpoint['id']}/deliveries/{delivery_id}/retry")
        assert retried.status_code == 202, retried.text
        assert retried.json()["status"] == "pending"
        [done] = settled(client, endpoint["id"], 1)
        assert done["status"] == "succeeded" and done["attempts"] == MAX_ATTEMPTS + 1
        assert done["response_status"] == 200 and done["last_error"] is None
        again = client.post(f"/api/webhooks/{endpoint['id']}/deliveries/{delivery_id}/retry")
        assert again.status_code == 409


def test_each_event_comes_from_its_real_flow_with_its_payload(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources, receiver: Receiver
) -> None:
    client, agent = chat
    endpoint = add_endpoint(client, receiver)
    chat_resources.structured_factory = lambda: ScriptedStructuredModel(
        [
            {
                "summary": "Ann Lee left her details and booked a check-up.",
                "unanswered": [],
                "caller_name": "Ann Lee",
                "caller_phone": None,
                "caller_email": None,
            }
        ]
    )
    fake_llm.script(
        Call("capture_lead", {"name": "Ann Lee", "phone": "555-014-2398",
                              "interest": "check-up for her dog"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398", "notes": "limping dog"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    for text in ["I'm Ann Lee, 555-014-2398, call me about a check-up", "Book tomorrow 10am"]:
        said = client.post(f"/api/conversations/{conversation}/messages", json={"text": text})
        assert said.status_code == 200, said.text
    assert client.post(f"/api/conversations/{conversation}/end").status_code == 204

    lead = receiver.wait_for(1) and _one(receiver, "lead.created")
    assert lead["data"]["lead"]["name"] == "Ann Lee"
    assert lead["data"]["lead"]["phone"] == "5550142398"
    assert lead["data"]["lead"]["conversation_id"] == conversation
    assert lead["data"]["agent"] == {"id": agent["id"], "name": agent["name"]}
    booked = _one(receiver, "appointment.booked")["data"]["appointment"]
    assert booked["status"] == "booked" and booked["customer"]["name"] == "Ann Lee"
    assert booked["starts_at"] == _tomorrow_at(10).isoformat()

    ended = _one(receiver, "conversation.ended")
    call = ended["data"]["conversation"]
    assert call["id"] == conversation and call["channel"] == "text"
    assert call["outcome"] == "booked"
    assert call["summary"] == "Ann Lee left her details and booked a check-up."
    assert call["caller"]["name"] == "Ann Lee" and call["caller"]["phone"] == "5550142398"
    assert isinstance(call["duration_seconds"], int) and call["ended_at"] is not None
    assert ended["data"]["agent"]["id"] == agent["id"]

    # The dashboard's reschedule and cancel.
    moved = client.post(
        f"/api/agents/{agent['id']}/appointments/{booked['id']}/reschedule",
        json={"starts_at": _tomorrow_at(14).isoformat()},
    )
    assert moved.status_code == 200, moved.text
    rescheduled = _one(receiver, "appointment.rescheduled")["data"]
    assert rescheduled["appointment"]["starts_at"] == _tomorrow_at(14).isoformat()
    assert rescheduled["previous_starts_at"] == _tomorrow_at(10).isoformat()
    cancel = client.post(f"/api/agents/{agent['id']}/appointments/{booked['id']}/cancel")
    assert cancel.status_code == 200
    assert _one(receiver, "appointment.cancelled")["data"]["appointment"]["status"] == "cancelled"
    # Cancelling twice is harmless, and says nothing twice.
    client.post(f"/api/agents/{agent['id']}/appointments/{booked['id']}/cancel")

    # A re-run analysis replaces the summary but the ending was already announced.
    analysed_at = client.get(f"/api/conversations/{conversation}").json()["analyzed_at"]
    chat_resources.structured_factory = lambda: ScriptedStructuredModel(
        [{"summary": "Again.", "unanswered": [], "caller_name": None,
          "caller_phone": None, "caller_email": None}]
    )  # fmt: skip
    assert client.post(f"/api/conversations/{conversation}/analysis").status_code in (202, 204)
    deadline = time.monotonic() + 30
    while client.get(f"/api/conversations/{conversation}").json()["analyzed_at"] == analysed_at:
        assert time.monotonic() < deadline, "the re-run did not finish"
        time.sleep(0.1)

    rows = settled(client, endpoint["id"], 5)
    assert sorted(r["event_type"] for r in rows) == sorted(EVENT_TYPES)
    assert all(r["status"] == "succeeded" and r["response_status"] == 200 for r in rows)
    assert len(receiver.requests) == 5 and all(r.verified for r in receiver.requests)


def _one(receiver: Receiver, event_type: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while not receiver.of_type(event_type):
        assert time.monotonic() < deadline, f"no {event_type} arrived"
        time.sleep(0.05)
    [request] = receiver.of_type(event_type)
    assert request.verified, request.problem
    body = json.loads(request.body)
    assert body["type"] == event_type and body["id"].startswith("evt_")
    assert request.headers["Frontdesk-Event"] == event_type
    return body


def test_exam_conversations_never_emit_events(
    resources: Resources, app_client: TestClient, receiver: Receiver
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_receptionist(client)
    add_endpoint(client, receiver)
    with transaction(resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        exam = Conversation(workspace_id=row.workspace_id, agent_id=row.id, channel="exam")
        db.add(exam)
        db.flush()
        capture_lead(db, row, name="Exam Caller", phone="555 000 1111", conversation_id=exam.id)
        SchedulingService(db, row).book(
            start=_tomorrow_at(11),
            customer=Customer(name="Exam Caller", phone="555 000 1111"),
            conversation_id=exam.id,
        )
        assert db.query(WebhookDelivery).count() == 0


def test_a_conversation_ends_once_even_when_two_analyses_race(
    resources: Resources, app_client: TestClient, receiver: Receiver
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_receptionist(client)
    add_endpoint(client, receiver, ["conversation.ended"])
    with transaction(resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        call = Conversation(workspace_id=row.workspace_id, agent_id=row.id, status="ended")
        db.add(call)
        db.flush()
        first = emit_conversation_ended(db, call)
    with transaction(resources.sessionmaker) as db:
        again = emit_conversation_ended(db, db.get(Conversation, call.id))
        assert first is not None and again is None
        assert [d.event_id for d in db.query(WebhookDelivery)] == [first]
