"""Tool flows over the text channel, driven by a scripted LLM behind livekit's real
AgentSession: every tool writes to the real database and every turn is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Agent, Appointment, CallerMessage, Lead
from frontdesk.resources import Resources
from frontdesk.scheduling.service import Customer, SchedulingService
from tests.factories import make_owner, sign_in
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output


def _start(client: TestClient, agent: dict) -> str:
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    assert started.json()["greeting"] == "Juniper Vet, Maya speaking. How can I help?"
    return started.json()["id"]


def _say(client: TestClient, conversation_id: str, text: str) -> dict:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_text_reply_is_stored_with_timings(chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    fake_llm.script(Say("We see cats and dogs."))
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Do you treat cats?")
    assert out["reply"] == "We see cats and dogs." and out["tool_calls"] == []
    assert out["timings"]["reply_ms"] >= 0 and "first_token_ms" in out["timings"]
    transcript = client.get(f"/api/conversations/{conversation_id}").json()
    assert [(t["role"], t["text"]) for t in transcript["turns"]] == [
        ("agent", "Juniper Vet, Maya speaking. How can I help?"),
        ("caller", "Do you treat cats?"),
        ("agent", "We see cats and dogs."),
    ]
    assert transcript["turns"][2]["timings"]["reply_ms"] >= 0
    # The model saw the instructions with today's date and the business facts.
    system = fake_llm.seen[0].items[0].text_content or ""
    assert "Juniper Vet" in system and "Today is" in system


def test_lead_is_captured(chat, fake_llm: ScriptedLLM, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    fake_llm.script(
        Call("capture_lead", {"name": "Ann Lee", "phone": "(555) 014-2398", "interest": "puppy"}),
        lambda ctx: Say(f"Done: {last_tool_output(ctx)}"),
    )
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "I'm Ann Lee, 555 014 2398, interested in puppy classes")
    assert out["tool_calls"][0]["name"] == "capture_lead"
    assert out["tool_calls"][0]["error"] is False
    assert out["reply"].startswith("Done: Saved the details of Ann Lee")
    leads = client.get(f"/api/agents/{agent['id']}/leads").json()
    assert leads[0]["phone"] == "5550142398" and leads[0]["conversation_id"] == conversation_id


def test_book_reschedule_cancel(chat, fake_llm: ScriptedLLM, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    fake_llm.script(
        Call("check_availability", {"day": "tomorrow"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398", "notes": "limping dog"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("reschedule_appointment", {"new_day": "tomorrow", "new_time": "2:30 pm",
                                        "phone": "5550142398"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("cancel_appointment", {"phone": "555 014 2398"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    free = _say(client, conversation_id, "What's free tomorrow?")
    assert "Free on" in free["reply"] and "10:00" in free["reply"]

    booked = _say(client, conversation_id, "10am please, Ann Lee, 555-014-2398")
    assert booked["reply"].startswith("Booked a 30-minute appointment for Ann Lee on")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    with transaction(chat_resources.sessionmaker) as db:
        row = db.query(Appointment).filter_by(agent_id=agent["id"]).one()
        assert row.starts_at.replace(tzinfo=UTC) == datetime(
            tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=UTC
        )
        assert row.conversation_id == conversation_id and row.notes == "limping dog"

    moved = _say(client, conversation_id, "Can we make it 2:30 instead?")
    assert "14:30" in moved["reply"]
    cancelled = _say(client, conversation_id, "Actually, cancel it")
    assert cancelled["reply"].startswith("Cancelled")
    appointments = client.get(f"/api/agents/{agent['id']}/appointments").json()
    assert [a["status"] for a in appointments] == ["cancelled"]
    assert appointments[0]["starts_at"].startswith(f"{tomorrow.isoformat()}T14:30")


def test_taken_slot_and_bad_arguments_reach_the_model_as_errors(
    chat,
    fake_llm: ScriptedLLM,
    chat_resources: Resources,  # type: ignore[no-untyped-def]
) -> None:
    client, agent = chat
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    with transaction(chat_resources.sessionmaker) as db:
        SchedulingService(db, db.get(Agent, agent["id"])).book(
            start=datetime(tomorrow.year, tomorrow.month, tomorrow.day, 11, tzinfo=UTC),
            customer=Customer(name="Bo", phone="5550001111"),
        )
    fake_llm.script(
        Call("book_appointment", {"day": "tomorrow", "time": "11", "name": "Ann",
                                  "phone": "5550142398"}),
        lambda ctx: Say(f"Sorry: {last_tool_output(ctx)}"),
        Call("capture_lead", {"name": "Ann", "phone": "call me maybe"}),
        lambda ctx: Say(f"Hmm: {last_tool_output(ctx)}"),
        Call("book_appointment", {"day": "someday", "time": "3pm", "name": "Ann",
                                  "phone": "5550142398"}),
        lambda ctx: Say(f"Which day? {last_tool_output(ctx)}"),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    # The caller says their number: tools accept only contact details the caller gave.
    taken = _say(client, conversation_id, "Tomorrow at 11, I'm Ann, 555 014 2398")
    assert taken["tool_calls"][0]["error"] is True
    assert "booked" in taken["reply"] or "taken" in taken["reply"]
    bad_phone = _say(client, conversation_id, "my number? call me maybe")
    assert bad_phone["tool_calls"][0]["error"] is True and "phone number" in bad_phone["reply"]
    unclear = _say(client, conversation_id, "someday at 3")
    assert unclear["tool_calls"][0]["error"] is True and "date" in unclear["reply"]
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 1
        assert db.query(Lead).filter_by(agent_id=agent["id"]).count() == 0


def test_disabled_tools_are_not_offered(chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    client.patch(f"/api/agents/{agent['id']}", json={"enabled_tools": ["search_knowledge"]})
    fake_llm.script(
        Call("capture_lead", {"name": "Ann", "phone": "5550142398"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "take my number")
    assert fake_llm.tool_names[0] == ["search_knowledge"]
    # livekit refuses a call to a tool the agent does not have; nothing is stored and the
    # conversation goes on.
    assert not [c for c in out["tool_calls"] if c["error"] is False]
    assert client.get(f"/api/agents/{agent['id']}/leads").json() == []
    fake_llm.script(Say("Anything else?"))
    assert _say(client, conversation_id, "ok")["reply"] == "Anything else?"


def test_message_handoff_and_end(chat, fake_llm: ScriptedLLM, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    fake_llm.script(
        Call("take_message", {"message": "Please call about the invoice", "name": "Ann",
                              "contact": "5550142398", "urgent": True}),
        Say("I'll pass that on."),
        Call("handoff_to_human", {"reason": "wants to talk to the vet", "name": "Ann"}),
        Say("Someone will call you back."),
        Call("end_conversation", {"reason": "caller said goodbye"}),
        Say("Goodbye!"),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    _say(client, conversation_id, "Can you take a message? I'm Ann, 555 014 2398")
    _say(client, conversation_id, "I want a person")
    last = _say(client, conversation_id, "bye")
    assert last["ended"] is True and last["reply"] == "Goodbye!"
    with transaction(chat_resources.sessionmaker) as db:
        kinds = sorted(m.kind for m in db.query(CallerMessage).filter_by(agent_id=agent["id"]))
        assert kinds == ["handoff", "message"]
    transcript = client.get(f"/api/conversations/{conversation_id}").json()
    assert transcript["status"] == "ended" and transcript["end_reason"] == "caller said goodbye"
    after = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "hi"})
    assert after.status_code == 409


def test_other_workspace_and_bad_input(
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    conversation_id = _start(client, agent)
    assert (
        client.post(f"/api/conversations/{conversation_id}/messages", json={"text": ""}).status_code
        == 422
    )
    _, other = make_owner(chat_resources)
    client.post("/api/auth/logout")
    sign_in(client, other)
    assert client.get(f"/api/conversations/{conversation_id}").status_code == 404
    assert (
        client.post(
            f"/api/conversations/{conversation_id}/messages", json={"text": "hi"}
        ).status_code
        == 404
    )
    assert client.post(f"/api/agents/{agent['id']}/conversations").status_code == 404
