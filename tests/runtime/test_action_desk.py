"""The action desk carries out bookings, callbacks and messages in code for a model that asks
for it (the embedded one), over the real text API and database. The scripted model here has
no steps for these turns: a reply from it ("(script exhausted)") means the desk let go."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import cast

import pytest
from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Appointment, CallerMessage, Lead
from frontdesk.models.base import as_utc
from frontdesk.resources import Resources
from frontdesk.runtime.action_desk import ActionDesk
from frontdesk.runtime.errands import has_content, intent, name_in
from frontdesk.runtime.grounding import UNKNOWN
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.tools import ReceptionTools
from tests.factories import EVERY_DAY, make_receptionist
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.test_booking_actions import LONDON, RULES, _restaurant, _say, _start, _this

EXHAUSTED = "(script exhausted)"


@pytest.fixture
def guided(fake_llm: ScriptedLLM) -> ScriptedLLM:
    fake_llm.guided_actions = True  # type: ignore[attr-defined]
    return fake_llm


@pytest.fixture
def restaurant(chat: tuple[TestClient, dict]) -> tuple[TestClient, dict]:
    """The London restaurant of the booking tests: 90-minute tables, groups up to 7."""
    client, agent = chat
    _restaurant(client, agent)
    return client, agent


def test_a_booking_in_two_turns_lands_at_the_callers_time(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = restaurant
    conversation_id = _start(client, agent)
    saturday = _this(5, LONDON)
    said = f"Saturday {saturday.day} {saturday:%B}"
    asked = _say(client, conversation_id, "Hi, can I get a table for four this Saturday at 7pm?")
    assert asked["reply"].startswith(f"7 pm on {said} is free.")
    assert "name and a phone number" in asked["reply"]
    assert [c["name"] for c in asked["tool_calls"]] == ["check_availability"]
    booked = _say(client, conversation_id, "Dana Whitfield, and my cell is 07700 900123.")
    assert [c["name"] for c in booked["tool_calls"]] == ["book_appointment"]
    assert booked["reply"].startswith(
        "You're booked: a 90-minute table for Dana Whitfield, party of 4, "
        f"on {said} at 7 pm (until 8:30 pm)"
    )
    assert "held for 15 minutes" in booked["reply"] and "appointment" not in booked["reply"]
    assert guided.seen == []  # the model was never asked
    with transaction(chat_resources.sessionmaker) as db:
        row = db.query(Appointment).filter_by(agent_id=agent["id"]).one()
        starts = as_utc(row.starts_at).astimezone(LONDON)
        assert (starts.date(), starts.hour) == (saturday, 19)
        assert as_utc(row.ends_at) - as_utc(row.starts_at) == timedelta(minutes=90)
        assert row.party_size == 4 and row.customer_phone == "+447700900123"
        assert row.customer_name == "Dana Whitfield"


def test_a_group_over_the_limit_hears_the_rule_and_leaves_its_number(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = restaurant
    conversation_id = _start(client, agent)
    refused = _say(
        client, conversation_id, "We're a group of ten, can you book us in for Friday at 8?"
    )
    assert refused["tool_calls"] == []
    assert "group of 10" in refused["reply"] and RULES in refused["reply"]
    assert "call you back" in refused["reply"]
    kept = _say(client, conversation_id, "Sure, it's Cian Byrne, +353 87 123 4567.")
    assert [c["name"] for c in kept["tool_calls"]] == ["capture_lead"]
    assert kept["reply"].startswith("Thank you, Cian Byrne.")
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 0
        lead = db.query(Lead).filter_by(agent_id=agent["id"]).one()
        assert lead.name == "Cian Byrne" and lead.phone == "+353871234567"
        assert "group of ten" in (lead.notes or "")


def test_a_callback_request_stores_a_lead(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = restaurant
    conversation_id = _start(client, agent)
    asked = _say(
        client, conversation_id,
        "I'm planning a rehearsal dinner for about 30 people in June and I'd like someone to "
        "call me back about renting the place.",
    )  # fmt: skip
    assert asked["reply"].startswith("Could I have your name and a phone number or email")
    only_name = _say(client, conversation_id, "Sure, it's Marcus Lee.")
    assert "phone number or email" in only_name["reply"]
    stored = _say(client, conversation_id, "020 7946 0958")
    assert [c["name"] for c in stored["tool_calls"]] == ["capture_lead"]
    with transaction(chat_resources.sessionmaker) as db:
        lead = db.query(Lead).filter_by(agent_id=agent["id"]).one()
        assert lead.name == "Marcus Lee" and lead.phone == "+442079460958"
        assert "rehearsal dinner" in (lead.notes or "")
    assert guided.seen == []


def test_a_message_is_asked_for_then_stored_with_who_left_it(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = restaurant
    conversation_id = _start(client, agent)
    assert _say(client, conversation_id, "Can I leave a message?")["reply"] == (
        "Of course. What would you like me to pass on?"
    )
    _say(client, conversation_id, "Tell Sophie I left my navy blue scarf at table six last night.")
    stored = _say(client, conversation_id, "My name's Elena Park, email is elena.park@gmail.com.")
    assert [c["name"] for c in stored["tool_calls"]] == ["take_message"]
    assert stored["reply"].startswith("Thank you")
    with transaction(chat_resources.sessionmaker) as db:
        message = db.query(CallerMessage).filter_by(agent_id=agent["id"]).one()
        assert message.caller_name == "Elena Park"
        assert message.caller_contact == "elena.park@gmail.com" and "scarf" in message.body


def test_a_taken_time_offers_the_nearest_and_the_pick_is_booked(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = restaurant
    conversation_id = _start(client, agent)
    friday = _this(4, LONDON)
    first = _say(
        client, conversation_id,
        "I'd like a table for 2 on Friday at 7pm. I'm Ann Lee, 07700 900123.",
    )  # fmt: skip
    assert "You're booked" in first["reply"]
    other = _start(client, agent)
    taken = _say(client, other, "Can I book a table for two this Friday at 7pm, please?")
    assert "7 pm on Friday" in taken["reply"] and "is not free" in taken["reply"]
    assert taken["reply"].endswith("Which time would suit you?")
    assert "Offer" not in taken["reply"]  # what the tool tells the model stays with the model
    # Details without another time: the taken time is not checked (and refused) again.
    details = _say(client, other, "Bo Chan, 07700 900555.")
    assert details["reply"] == "Which other time or day would suit you?"
    assert details["tool_calls"] == []
    picked = _say(client, other, "20:30 then. Bo Chan, 07700 900555.")
    assert "8:30 pm" in picked["reply"] and "You're booked" in picked["reply"]
    with transaction(chat_resources.sessionmaker) as db:
        starts = sorted(
            as_utc(r.starts_at).astimezone(LONDON)
            for r in db.query(Appointment).filter_by(agent_id=agent["id"])
        )
        assert [(s.date(), s.hour, s.minute) for s in starts] == [(friday, 19, 0), (friday, 20, 30)]


def _knowing(client: TestClient, name: str, knowledge: str) -> tuple[dict, str]:
    """An agent whose one source is `knowledge`, indexed, and a conversation with it."""
    agent = make_receptionist(client, name=name, knowledge=knowledge)
    wait_for_agent(client, agent["id"])
    return agent, _start(client, agent)


def test_what_the_knowledge_says_about_a_booking_is_read_out_first(  # type: ignore[no-untyped-def]
    chat, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, _ = chat
    agent, conversation_id = _knowing(
        client, "Align Physio",
        "Hannah Brooks is our pelvic health physiotherapist. Hannah sees patients on "
        "Tuesdays and Thursdays only.",
    )  # fmt: skip
    out = _say(
        client, conversation_id,
        "I'd like an appointment with Hannah Brooks this Monday at 10am. I'm Ann Lee, "
        "ann@example.com.",
    )  # fmt: skip
    assert "Before I book it, please note:" in out["reply"]
    assert "Tuesdays and Thursdays only" in out["reply"] and "Shall I book it?" in out["reply"]
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 0
    # The caller heard it and still wants the time: it is theirs to decide.
    assert "You're booked" in _say(client, conversation_id, "Yes please.")["reply"]
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Appointment).filter_by(agent_id=agent["id"]).count() == 1


def test_a_kind_kept_to_weekdays_is_not_offered_on_a_sunday(  # type: ignore[no-untyped-def]
    chat, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, _ = chat
    agent, _ = _knowing(
        client, "Lotus Flow",
        "Private sessions\n\nOne-to-one with the teacher of your choice. Private sessions are "
        "available Monday to Friday between 10:00 and 17:00 and need to be cancelled at least "
        "24 hours in advance.",
    )  # fmt: skip
    hours = {day: [{"opens": "09:00", "closes": "21:00"}] for day in EVERY_DAY}
    kinds = [{"key": "private", "name": "Private session", "duration_minutes": 60}]
    scheduling = {"timezone": "UTC", "hours": hours, "appointment_types": kinds}
    patched = client.patch(f"/api/agents/{agent['id']}", json={"scheduling": scheduling})
    assert patched.status_code == 200, patched.text
    conversation_id = _start(client, agent)  # (a conversation reads the settings it began with)
    out = _say(client, conversation_id, "Can I book a private session this Sunday at 8pm?")
    assert out["reply"] == (
        "I'm sorry: Private sessions are available Monday to Friday between 10 am and 5 pm and "
        "need to be cancelled at least 24 hours in advance. Would another day suit you?"
    ), out["reply"]
    assert out["tool_calls"] == []  # no Sunday times looked up, none offered
    # A weekday goes on to the times.
    weekday = _say(client, conversation_id, "Wednesday at 11am then.")
    assert "is free" in weekday["reply"], weekday["reply"]


def test_the_callers_matter_outweighs_what_every_booking_shares(  # type: ignore[no-untyped-def]
    chat, guided: ScriptedLLM
) -> None:
    client, _ = chat
    _, conversation_id = _knowing(
        client, "Hartley Law",
        "Initial consultations are 60 minutes and are booked Monday to Thursday, $250, "
        "credited to your retainer. Consultations can be by phone or in the office. What we "
        "don't handle: we do not take criminal defense (including DUI) or personal injury cases.",
    )  # fmt: skip
    out = _say(
        client, conversation_id,
        "I got arrested for a DUI last weekend and I need a lawyer. Can I book a consultation "
        "for Thursday at 11am?",
    )  # fmt: skip
    assert "we do not take criminal defense (including DUI)" in out["reply"], out["reply"]


def test_a_fine_grid_offers_the_whole_day(  # type: ignore[no-untyped-def]
    chat, guided: ScriptedLLM
) -> None:
    client, agent = chat
    hours = {d: [{"opens": "08:00", "closes": "19:00"}] for d in ("mon", "tue", "wed", "thu",
             "fri", "sat", "sun")}  # fmt: skip
    patched = client.patch(
        f"/api/agents/{agent['id']}",
        json={"scheduling": {"timezone": "UTC", "hours": hours, "min_notice_minutes": 0,
                             "slot_minutes": 5}},
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Can I come in for an appointment on Friday at 3:30pm?")
    assert out["reply"].startswith("3:30 pm on Friday") and "is free" in out["reply"], out


def test_a_closed_day_is_named_as_closed(  # type: ignore[no-untyped-def]
    chat, guided: ScriptedLLM
) -> None:
    client, agent = chat
    hours = {d: [{"opens": "09:00", "closes": "17:00"}] for d in ("tue", "wed", "thu", "fri")}
    patched = client.patch(
        f"/api/agents/{agent['id']}",
        json={"scheduling": {"timezone": "UTC", "hours": hours, "min_notice_minutes": 0}},
    )
    assert patched.status_code == 200, patched.text
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Can I come in for an appointment on Monday at 2pm?")
    assert "We're closed on Mondays." in out["reply"] and "another day" in out["reply"]


def test_questions_stay_with_the_model_even_mid_errand(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM
) -> None:
    client, agent = restaurant
    guided.script(Say("Happy to help with that."))
    conversation_id = _start(client, agent)
    # The instructions speak of booking, though no page does: the model answers.
    assert _say(client, conversation_id, "Do you take reservations?")["reply"] == (
        "Happy to help with that."
    )
    assert "Which day" in _say(client, conversation_id, "I'd like to book a table please.")["reply"]
    # Nothing on file speaks of it: not known, said in code, and the errand waits.
    assert _say(client, conversation_id, "Do you have a jukebox?")["reply"] == UNKNOWN
    assert len(guided.seen) == 1
    # The errand waited: the day and time continue it.
    assert _say(client, conversation_id, "Saturday at 7pm for two")["reply"].startswith("7 pm on")


def test_a_model_without_guidance_drives_the_tools_itself(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    _restaurant(client, agent)
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Can I get a table for four this Saturday at 7pm?")
    assert out["reply"] == EXHAUSTED and out["tool_calls"] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hi, can I get a table for four this Saturday at 7pm?", "booking"),
        ("We're a group of ten, can you book us in for Friday at 8?", "booking"),
        ("I'd like a deep tissue massage on Tuesday at 3pm, please.", "booking"),
        ("Could someone call me back about a quote for a new boiler?", "callback"),
        ("Can you have the manager ring me about my bill?", "callback"),
        ("Could you pass a message on to Dr Patel? The cream isn't working.", "message"),
        ("Please let Sophie know I'll be ten minutes late.", "message"),
        ("Could you tell Niamh I won't make Wednesday yoga? I've hurt my wrist.", "message"),
        ("Could you let Dr Nguyen know that Biscuit is eating again?", "message"),
        ("I need to book my dog in to get desexed. Could we do Thursday at 2pm?", "booking"),
        ("Do I need to book ahead?", None),
        ("Our water heater is leaking. Could someone come take a look Tuesday at 1pm?", "booking"),
        ("Can I bring my car in for new brakes on Friday at 9am?", "booking"),
        ("Can you do a massage for two?", None),  # what is done, no day or time: a question
        ("Can you tell me your hours?", None),
        ("Could you tell if the class is full?", None),
        ("Do you take reservations?", None),
        ("Can I book online?", None),
        ("How far in advance can I book?", None),
        ("How much is a massage?", None),
        ("Are you open Saturday at 7?", None),
        ("Can you see my eight-year-old daughter?", None),
        ("Let me know your hours.", None),
        ("Do I need an appointment for a nail trim?", None),
        ("Can I come in without an appointment?", None),
        ("What days can I bring my cockatiel in?", None),
        ("Which day can we come in for the tasting?", None),
    ],
)
def test_what_a_turn_asks_for(text: str, kind: str | None) -> None:
    assert intent(text, frozenset({"massage"})) == kind


def test_names_as_callers_give_them() -> None:
    assert name_in("Dana Whitfield, and my cell is (917) 555-0142.", answering=True) == (
        "Dana Whitfield"
    )
    assert name_in("Sure, it's Marcus Lee, 718-555-0173.") == "Marcus Lee"
    assert name_in("My name's Elena Park, email is elena.park@gmail.com.") == "Elena Park"
    assert name_in("It's Saturday I want") is None
    assert name_in("Saturday works, 07700 900123", answering=True) is None
    assert name_in("Dana Whitfield, 555 0142") is None  # not asked for: not read as a name
    assert name_in("my name is john smith and my number is 555 0142") == "John Smith"
    for name in ("Liam O'Connor", "Sean McDonald", "Ann D'Angelo", "Jean-Luc Picard"):
        assert name_in(f"{name}, 0400 123 456.", answering=True) == name
    assert name_in("I", answering=True) is None
    assert not has_content("Can I leave a message for Sophie?")
    assert not has_content("I'd like to leave a message for Dr Patel, please.")
    assert has_content("Could you leave a message for Sophie? My surgeon cleared me to run.")


def test_the_kind_the_caller_means_and_one_question_at_most(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = restaurant
    kinds = [
        {"key": "dinner", "name": "Dinner tables", "duration_minutes": 90},
        {"key": "tasting", "name": "Tasting menu tables", "duration_minutes": 150},
    ]
    scheduling = client.get(f"/api/agents/{agent['id']}").json()["scheduling"]
    patched = client.patch(
        f"/api/agents/{agent['id']}",
        json={"scheduling": {**scheduling, "appointment_types": kinds}},
    )
    assert patched.status_code == 200, patched.text
    # "A table" is the plain kind, not the one with more words the caller did not say.
    table = _start(client, agent)
    assert (
        "is free"
        in _say(client, table, "Can I get a table for four this Saturday at 7pm?")["reply"]
    )
    booked = _say(client, table, "Dana Whitfield, and my cell is 07700 900123.")
    assert "90-minute" in booked["reply"]
    # Nothing says which: asked once, then the first kind rather than asking again.
    other = _start(client, agent)
    asked = _say(client, other, "I'd like to book for Friday at 1pm, please.")
    assert (
        asked["reply"] == "Certainly. Which would you like: Dinner tables or Tasting menu tables?"
    )
    assert _say(client, other, "Whatever you have.")["reply"].startswith("1 pm on Friday")


def test_a_closed_day_is_said_before_the_kind_is_asked(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM
) -> None:
    client, agent = restaurant
    scheduling = client.get(f"/api/agents/{agent['id']}").json()["scheduling"]
    hours = {**scheduling["hours"], "mon": []}
    kinds = [
        {"key": "dinner", "name": "Dinner tables", "duration_minutes": 90},
        {"key": "tasting", "name": "Tasting menu tables", "duration_minutes": 150},
    ]
    patched = client.patch(
        f"/api/agents/{agent['id']}",
        json={"scheduling": {**scheduling, "hours": hours, "appointment_types": kinds}},
    )
    assert patched.status_code == 200, patched.text
    conversation = _start(client, agent)
    closed = _say(client, conversation, "Could I book something for Monday at 1pm?")
    assert closed["reply"] == "I'm sorry, we're closed on Mondays. Would another day suit you?"
    assert closed["tool_calls"] == [] and guided.seen == []
    # Another day goes on to the choice of kind.
    asked = _say(client, conversation, "Tuesday at 1pm then.")
    assert "Which would you like: Dinner tables or Tasting menu tables?" in asked["reply"]


def test_a_problem_with_a_thing_is_not_a_request_to_install_one(  # type: ignore[no-untyped-def]
    restaurant, guided: ScriptedLLM
) -> None:
    client, agent = restaurant
    scheduling = client.get(f"/api/agents/{agent['id']}").json()["scheduling"]
    kinds = [
        {"key": "service", "name": "Service call", "duration_minutes": 60},
        {"key": "install", "name": "Water heater install", "duration_minutes": 240},
    ]
    patched = client.patch(
        f"/api/agents/{agent['id']}",
        json={"scheduling": {**scheduling, "appointment_types": kinds}},
    )
    assert patched.status_code == 200, patched.text
    leak = _start(client, agent)
    asked = "Our water heater is leaking a little. Could someone come take a look Tuesday at 1pm?"
    assert "is free" in _say(client, leak, asked)["reply"]
    booked = _say(client, leak, "Megan Carter, 07700 900123.")
    assert "60-minute" in booked["reply"], booked["reply"]
    # Asked for, the install is booked as one.
    new = _start(client, agent)
    _say(client, new, "Could you install a new water heater for us Wednesday at 1pm?")
    installed = _say(client, new, "Megan Carter, 07700 900123.")
    assert "240-minute" in installed["reply"], installed["reply"]


def test_what_a_business_sells_is_no_request_to_book_it() -> None:
    spec = AgentSpec(
        agent_id="a", workspace_id="w", name="Golden Crust", persona_name="", instructions="",
        greeting="", timezone="America/Los_Angeles", hours_text="",
        appointment_types=[{"key": "cake-tasting", "name": "Cake tasting", "duration_minutes": 45},
                           {"key": "massage", "name": "Deep tissue massage"}],
    )  # fmt: skip
    words = ActionDesk(cast(ReceptionTools, SimpleNamespace(spec=spec)))._kind_words()
    assert {"tasting", "massage"} <= words and not {"cake", "deep", "tissue"} & words
    # A cake is what the bakery sells; a tasting is what callers book.
    assert intent("Can you make the cake gluten-free? Is that extra?", words) is None
    assert intent("Can you bring the cake to our house?", words) is None
    assert intent("Could I come for a tasting on Friday at 1pm?", words) == "booking"
