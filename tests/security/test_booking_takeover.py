"""The attack: a stranger opens the public widget (no account) and asks the agent to cancel
or move "my appointment", giving someone else's phone number. The model obliges and calls
cancel_appointment / reschedule_appointment with that number. Before the fix the booking
was found by the number alone, changed, and the tool result read out the victim's name and
time. Now a booking changes only for a caller who proved it is theirs (booked in the same
conversation; on phone channels, the caller ID), only on channels where the owner allows
self-service, and tool results describe no booking the caller has not proved is theirs.

The scripted model is the worst case: it calls the tools with whatever the caller said and
reads the tool's result out word for word."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from livekit.agents.llm import ToolError

from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.conversations.service import spec_for
from frontdesk.db import transaction
from frontdesk.models import Agent, Appointment, CallerMessage
from frontdesk.models.base import as_utc
from frontdesk.resources import Resources
from frontdesk.runtime.tools import ReceptionTools
from frontdesk.scheduling.service import Customer, SchedulingService
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.security.live_widget import LiveWidget, WidgetChat, live_reception

VICTIM_PHONE = "415 555 0100"


def _tomorrow_at(hour: int) -> datetime:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _alices_booking(reception: LiveWidget) -> str:
    """Alice booked tomorrow 10:00 in a conversation of her own, days ago."""
    with transaction(reception.resources.sessionmaker) as db:
        agent = db.get(Agent, reception.agent["id"])
        assert agent is not None
        booked = SchedulingService(db, agent).book(
            start=_tomorrow_at(10),
            customer=Customer(name="Alice Moreau", phone=VICTIM_PHONE, email="alice@example.com"),
        )
        return booked.id


def _appointment(resources: Resources, appointment_id: str) -> tuple[str, datetime]:
    with transaction(resources.sessionmaker) as db:
        row = db.get(Appointment, appointment_id)
        assert row is not None
        return row.status, as_utc(row.starts_at)


def _echo_tool_result(ctx) -> Say:  # type: ignore[no-untyped-def]
    return Say(last_tool_output(ctx))


def _attack(chat: WidgetChat, fake_llm: ScriptedLLM) -> list[dict]:
    fake_llm.script(
        Call("cancel_appointment", {"phone": VICTIM_PHONE}),
        _echo_tool_result,
        Call("reschedule_appointment", {"new_day": "tomorrow", "new_time": "3 pm",
                                        "phone": VICTIM_PHONE}),
        _echo_tool_result,
        Call("cancel_appointment", {"email": "alice@example.com"}),
        _echo_tool_result,
    )  # fmt: skip
    return [
        chat.say(f"Please cancel my appointment, my phone is {VICTIM_PHONE}"),
        chat.say("Then move it to tomorrow at 3 pm instead"),
        chat.say("Try my email, alice@example.com"),
    ]


def _leaks(out: dict) -> list[str]:
    """Anything of Alice's booking the caller got to see: the reply and every tool result."""
    seen = json.dumps([out["reply"], [c["result"] for c in out["tool_calls"]]])
    return [w for w in ("Alice", "Moreau", "10:00", "10 am", _tomorrow_at(10).strftime("%B"))
            if w in seen]  # fmt: skip


def _refused_with_a_message_offer(out: dict) -> None:
    [call] = out["tool_calls"]
    assert call["error"] is True, call
    assert "take_message" in call["result"], call


def test_a_stranger_cannot_cancel_or_move_a_booking_by_its_phone_number(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    with live_reception(chat_resources) as reception, reception.caller() as caller:
        alices = _alices_booking(reception)
        before = _appointment(chat_resources, alices)
        chat = reception.open_chat(caller)
        for out in _attack(chat, fake_llm):
            _refused_with_a_message_offer(out)
            assert _leaks(out) == [], out
        assert _appointment(chat_resources, alices) == before == ("booked", _tomorrow_at(10))

        # What the agent may do instead: take a message for the business.
        fake_llm.script(
            Call("take_message", {"message": "Please cancel my appointment", "name": "Alice",
                                  "contact": VICTIM_PHONE}),
            _echo_tool_result,
        )  # fmt: skip
        message = chat.say("OK, please pass it on")
        assert message["tool_calls"][0]["error"] is False, message
    with transaction(chat_resources.sessionmaker) as db:
        [left] = db.query(CallerMessage).filter_by(agent_id=reception.agent["id"]).all()
        assert left.body == "Please cancel my appointment" and left.conversation_id == (
            chat.conversation_id
        )


def test_self_service_switched_on_still_needs_proof(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    """The owner lets widget callers change their bookings: a stranger still cannot change
    one that was not booked in their own conversation."""
    with live_reception(chat_resources) as reception, reception.caller() as caller:
        reception.caller_changes(widget_text=True)
        alices = _alices_booking(reception)
        chat = reception.open_chat(caller)
        for out in _attack(chat, fake_llm):
            _refused_with_a_message_offer(out)
            assert _leaks(out) == [], out
        assert _appointment(chat_resources, alices) == ("booked", _tomorrow_at(10))


def _book_in_this_conversation(chat: WidgetChat, fake_llm: ScriptedLLM) -> None:
    fake_llm.script(
        Call("book_appointment", {"day": "tomorrow", "time": "11am", "name": "Ann Lee",
                                  "phone": "555-014-2398"}),
        _echo_tool_result,
    )  # fmt: skip
    booked = chat.say("Book me tomorrow at 11am, Ann Lee, 555 014 2398")
    assert booked["tool_calls"][0]["error"] is False, booked


def test_a_caller_changes_the_booking_made_in_their_own_conversation(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    with live_reception(chat_resources) as reception, reception.caller() as caller:
        reception.caller_changes(widget_text=True)
        alices = _alices_booking(reception)  # the same agent's other booking stays put
        chat = reception.open_chat(caller)
        _book_in_this_conversation(chat, fake_llm)
        fake_llm.script(
            Call("reschedule_appointment", {"new_day": "tomorrow", "new_time": "2:30 pm"}),
            _echo_tool_result,
            Call("cancel_appointment", {"phone": "555 014 2398"}),
            _echo_tool_result,
        )
        moved = chat.say("Can we make it 2:30 pm instead?")
        assert moved["tool_calls"][0]["error"] is False and "14:30" in moved["reply"], moved
        cancelled = chat.say("Actually, cancel it, my number is 555 014 2398")
        assert cancelled["tool_calls"][0]["error"] is False, cancelled
        assert cancelled["reply"].startswith("Cancelled")
    with transaction(chat_resources.sessionmaker) as db:
        [own] = db.query(Appointment).filter_by(conversation_id=chat.conversation_id).all()
        assert own.status == "cancelled" and as_utc(own.starts_at) == _tomorrow_at(14) + timedelta(
            minutes=30
        )
    assert _appointment(chat_resources, alices) == ("booked", _tomorrow_at(10))


def test_a_channel_with_self_service_off_refuses_even_the_callers_own_booking(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    """Anonymous widget chat starts with self-service off: the caller who just booked is
    offered a message for the business, and the booking stays."""
    with live_reception(chat_resources) as reception, reception.caller() as caller:
        chat = reception.open_chat(caller)
        _book_in_this_conversation(chat, fake_llm)
        fake_llm.script(
            Call("reschedule_appointment", {"new_day": "tomorrow", "new_time": "2 pm"}),
            _echo_tool_result,
            Call("cancel_appointment", {}),
            _echo_tool_result,
        )
        for text in ("Move it to 2 pm please", "Then cancel it"):
            out = chat.say(text)
            _refused_with_a_message_offer(out)
            assert "cannot be cancelled or moved in this conversation" in out["reply"], out
    with transaction(chat_resources.sessionmaker) as db:
        [own] = db.query(Appointment).filter_by(conversation_id=chat.conversation_id).all()
        assert own.status == "booked" and as_utc(own.starts_at) == _tomorrow_at(11)


def test_the_owner_sets_where_callers_may_change_bookings(chat_resources: Resources) -> None:
    """Off for the anonymous widget unless the owner turns it on; nonsense is a 422 in the
    one error shape."""
    with live_reception(chat_resources) as reception:
        agent = reception.owner.get(f"/api/agents/{reception.agent['id']}").json()
        assert agent["scheduling"]["caller_changes"]["widget_text"] is False
        assert reception.caller_changes(widget_voice=True) == {
            "owner": True,
            "widget_text": False,
            "widget_voice": True,
            "phone": True,
        }
        assert reception.caller_changes() == {
            "owner": True,
            "widget_text": False,
            "widget_voice": False,
            "phone": True,
        }
        scheduling = {**agent["scheduling"], "caller_changes": {"widget_text": "sometimes"}}
        refused = reception.owner.patch(
            f"/api/agents/{reception.agent['id']}", json={"scheduling": scheduling}
        )
        assert refused.status_code == 422, refused.text
        assert set(refused.json()) == {"error", "detail"}
        [problem] = refused.json()["detail"]
        assert problem["loc"][-2:] == ["caller_changes", "widget_text"], problem


def test_a_phone_caller_id_proves_the_booking_made_with_that_number(
    chat, chat_resources: Resources
) -> None:  # type: ignore[no-untyped-def]
    """No phone channel exists yet; this drives the hook a SIP or Twilio channel will use:
    the caller ID the network reports (never a number the caller says) proves a booking
    made with that number, written with or without the country code."""
    client, agent = chat
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        assert row is not None
        alices = (
            SchedulingService(db, row)
            .book(
                start=_tomorrow_at(10), customer=Customer(name="Alice Moreau", phone=VICTIM_PHONE)
            )
            .id
        )
        spec = spec_for(row)

    def tools(caller_id: str) -> ReceptionTools:
        services = DatabaseReceptionServices(
            chat_resources, agent["id"], conversation_id, caller_id=caller_id
        )
        return ReceptionTools(spec, services)

    for stranger in ("+1 212 555 0199", "anonymous"):
        with pytest.raises(ToolError) as refused:
            asyncio.run(tools(stranger).cancel_appointment(phone=VICTIM_PHONE))
        assert "take_message" in str(refused.value) and "Alice" not in str(refused.value)
    assert _appointment(chat_resources, alices) == ("booked", _tomorrow_at(10))

    done = asyncio.run(tools("+1 (415) 555-0100").cancel_appointment())
    assert done.startswith("Cancelled") and "Alice Moreau" in done
    assert _appointment(chat_resources, alices)[0] == "cancelled"
