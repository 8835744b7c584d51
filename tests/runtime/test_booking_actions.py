"""Bookings do what the caller said, over the real text API with a scripted model and the
real database: the caller's day and time, the owner's durations, the business's rules, the
caller's number in E.164, a confirmation that names day, date, time and length, and a
message stored whenever the booking cannot be made."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Agent, Appointment, CallerMessage, Lead
from frontdesk.models.base import as_utc
from frontdesk.resources import Resources
from frontdesk.scheduling.service import Customer, SchedulingService
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
OPEN_LATE = {d: [{"opens": "12:00", "closes": "23:00"}] for d in
             ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}  # fmt: skip
RULES = "Groups of 8 or more must call us to book. Reservations are held for 15 minutes."


def _restaurant(client: TestClient, agent: dict) -> None:
    """A London restaurant: 90-minute tables, groups of 8 or more call, tables held 15 min."""
    response = client.patch(
        f"/api/agents/{agent['id']}",
        json={
            "scheduling": {
                "timezone": "Europe/London",
                "hours": OPEN_LATE,
                "min_notice_minutes": 0,
                "appointment_types": [{"key": "table", "name": "Tables", "duration_minutes": 90}],
                "max_party_size": 7,
                "hold_minutes": 15,
                "booking_rules": RULES,
            }
        },
    )
    assert response.status_code == 200, response.text


def _start(client: TestClient, agent: dict) -> str:
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    return started.json()["id"]


def _say(client: TestClient, conversation_id: str, text: str) -> dict:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def _this(weekday: int, zone: ZoneInfo) -> date:
    today = datetime.now(zone).date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def test_the_callers_time_is_booked_with_the_owners_length(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    _restaurant(client, agent)
    fake_llm.script(
        # The small model's mistake: the first free slot instead of the caller's 7pm.
        Call("book_appointment", {"day": "Saturday", "time": "10:00", "name": "Dana Wu",
                                  "phone": "+44 7700 900123"}),
        Call("book_appointment", {"day": "Saturday", "time": "19:00", "name": "Dana Wu",
                                  "phone": "+44 7700 900123"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    out = _say(
        client, conversation_id,
        "A table for four this Saturday at 7pm please. I'm Dana Wu, 07700 900123.",
    )  # fmt: skip
    saturday = _this(5, LONDON)
    said = f"Saturday {saturday.day} {saturday:%B}"
    refused, booked = out["tool_calls"]
    assert refused["error"] is True
    assert f"the caller asked for {said} at 19:00, not {said} at 10:00" in refused["result"]
    assert f"19:00 on {said} is free" in refused["result"]
    assert booked["error"] is False
    assert out["reply"].startswith(
        f"Booked a 90-minute table for Dana Wu, party of 4, on {said} at 19:00 (until 20:30)"
    )
    assert "held for 15 minutes" in out["reply"]
    with transaction(chat_resources.sessionmaker) as db:
        row = db.query(Appointment).filter_by(agent_id=agent["id"]).one()
        starts = as_utc(row.starts_at).astimezone(LONDON)
        assert (starts.date(), starts.hour, starts.minute) == (saturday, 19, 0)
        assert as_utc(row.ends_at) - as_utc(row.starts_at) == timedelta(minutes=90)
        assert row.party_size == 4 and row.customer_phone == "+447700900123"
    # The rules the business states reach the model with the facts.
    system = fake_llm.seen[0].items[0].text_content or ""
    assert RULES in system and "Tables (90 min)" in system


def test_a_taken_time_offers_the_nearest_and_a_message_is_kept(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    _restaurant(client, agent)
    friday = _this(4, LONDON)
    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        assert row is not None
        SchedulingService(db, row).book(
            start=datetime(friday.year, friday.month, friday.day, 19, tzinfo=LONDON),
            customer=Customer(name="Bo", phone="+447700900555"),
        )
    fake_llm.script(
        Call("check_availability", {"day": "Friday"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": "Friday", "time": "12:00", "name": "Ann Lee",
                                  "phone": "07700 900123"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("take_message", {"message": "Table for 2 on Friday around 7pm", "name": "Ann Lee",
                              "contact": "07700 900123"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    free = _say(client, conversation_id, "Any table for 2 on Friday at 7pm?")
    # The caller's 7pm is checked, not the day's first free slots listed.
    assert "19:00 on Friday" in free["reply"] and "is not free" in free["reply"]
    assert "17:30" in free["reply"] and "20:30" in free["reply"]
    offered = _say(client, conversation_id, "Hmm. I'm Ann Lee, 07700 900123.")
    assert offered["tool_calls"][0]["error"] is True
    assert "the caller asked for" in offered["reply"] and "take_message" in offered["reply"]
    kept = _say(client, conversation_id, "None of those work, please pass it on")
    assert kept["tool_calls"][0]["error"] is False
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 1  # Bo's
        message = db.query(CallerMessage).filter_by(agent_id=agent["id"]).one()
        assert message.caller_contact == "+447700900123" and "7pm" in message.body


def test_a_group_over_the_limit_is_refused_in_code(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    _restaurant(client, agent)
    fake_llm.script(
        Call("check_availability", {"day": "Saturday"}),  # no party size: the caller's counts
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": "Saturday", "time": "8pm", "name": "Cian Byrne",
                                  "phone": "+353 87 123 4567", "party_size": 6}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("take_message", {"message": "Group of ten, Saturday 8pm", "name": "Cian Byrne",
                              "contact": "+353 87 123 4567"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    asked = _say(client, conversation_id, "We're a group of ten, can we come Saturday at 8pm?")
    assert asked["tool_calls"][0]["error"] is True
    assert "party of 10" in asked["reply"] and RULES in asked["reply"]
    assert "Do not offer times" in asked["reply"]
    # A model that writes a smaller party does not get past what the caller said.
    again = _say(client, conversation_id, "I'm Cian Byrne, +353 87 123 4567")
    assert again["tool_calls"][0]["error"] is True and "party of 10" in again["reply"]
    _say(client, conversation_id, "OK, take a message then")
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 0
        message = db.query(CallerMessage).filter_by(agent_id=agent["id"]).one()
        assert message.caller_contact == "+353871234567"


def test_notice_rules_are_enforced_and_numbers_read_in_the_country(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    response = client.patch(
        f"/api/agents/{agent['id']}",
        json={
            "scheduling": {
                "timezone": "Australia/Sydney",
                "hours": OPEN_LATE,
                "min_notice_minutes": 0,
                "appointment_types": [
                    {"key": "cake", "name": "Custom cakes", "duration_minutes": 30,
                     "min_notice_minutes": 72 * 60},
                    {"key": "tasting", "name": "Tastings", "duration_minutes": 30},
                ],
            }
        },
    )  # fmt: skip
    assert response.status_code == 200, response.text
    fake_llm.script(
        Call("book_appointment", {"day": "tomorrow", "time": "noon", "name": "Mia Chen",
                                  "phone": "0412 345 678", "appointment_type": "custom cake"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": "tomorrow", "time": "noon", "name": "Mia Chen",
                                  "phone": "0412 345 67", "appointment_type": "tasting"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("capture_lead", {"name": "Mia Chen", "phone": "0412 345 678",
                              "interest": "custom cake"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation_id = _start(client, agent)
    cake = _say(
        client, conversation_id, "A custom cake for tomorrow at noon? Mia Chen, 0412 345 678"
    )
    assert cake["tool_calls"][0]["error"] is True
    assert "custom cakes need 72 hours' notice" in cake["reply"]
    assert "take_message" in cake["reply"]
    # A digit short: the caller is asked again (and a message offered), nothing stored.
    short = _say(client, conversation_id, "Then a tasting tomorrow at noon, 0412 345 67")
    assert short["tool_calls"][0]["error"] is True
    assert "wrong number of digits for a phone number in Australia (AU)" in short["reply"]
    _say(client, conversation_id, "Just call me back about the cake")
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 0
        lead = db.query(Lead).filter_by(agent_id=agent["id"]).one()
        assert lead.phone == "+61412345678"
