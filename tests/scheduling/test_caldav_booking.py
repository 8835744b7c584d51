"""Bookings land in a real Radicale calendar (read back with caldav, parsed with icalendar):
through the API and through the agent's own booking tool; reschedule moves the event, cancel
removes it, an owner's newer event wins the slot, and a dead server books nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.db import transaction
from frontdesk.models import Agent, Appointment
from frontdesk.resources import Resources
from frontdesk.scheduling.service import Customer, SchedulingService
from tests.factories import make_signed_in_client
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.radicale_server import (
    RadicaleServer,
    add_events,
    events_with_uid,
    running_radicale,
    vevent,
)
from tests.scheduling.clinic import (
    connect,
    free_times,
    local,
    make_clinic,
    new_calendar,
    next_monday,
)

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _book(client: TestClient, agent_id: str, start: datetime, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/agents/{agent_id}/appointments",
        json={
            "starts_at": start.isoformat(),
            "customer_name": "Ann Lee",
            "customer_phone": "(555) 014-2398",
            "customer_email": "ann@example.com",
            "notes": "first visit",
            **extra,
        },
    )


def _appointments(resources: Resources, agent_id: str) -> list[Appointment]:
    with transaction(resources.sessionmaker) as db:
        return list(db.query(Appointment).filter_by(agent_id=agent_id))


def test_book_reschedule_cancel_through_the_api(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    calendar = new_calendar(radicale)
    connect(client, agent["id"], radicale, calendar)
    tuesday = next_monday() + timedelta(days=1)

    booked = _book(client, agent["id"], local(tuesday, 10))
    assert booked.status_code == 201, booked.text
    uid = f"{booked.json()['id']}@frontdesk"
    [event] = events_with_uid(calendar, uid)
    assert event.start == local(tuesday, 10).astimezone(UTC)
    assert event.start.tzinfo is not None and event.start.utcoffset() == timedelta(0)
    assert event.end == local(tuesday, 10, 30).astimezone(UTC)
    assert str(event["SUMMARY"]) == "Visit: Ann Lee"
    description = str(event["DESCRIPTION"])
    assert "5550142398" in description and "ann@example.com" in description
    assert "first visit" in description
    # The booked time is gone from availability, once (not twice: calendar and local agree).
    assert local(tuesday, 10).time() not in free_times(client, agent["id"], tuesday)

    moved = client.post(
        f"/api/agents/{agent['id']}/appointments/{booked.json()['id']}/reschedule",
        json={"starts_at": local(tuesday, 15, 30).isoformat()},
    )
    assert moved.status_code == 200, moved.text
    [event] = events_with_uid(calendar, uid)  # the same event, moved: not a second one
    assert event.start == local(tuesday, 15, 30).astimezone(UTC)
    assert event.end == local(tuesday, 16).astimezone(UTC)
    free = free_times(client, agent["id"], tuesday)
    assert local(tuesday, 10).time() in free and local(tuesday, 15, 30).time() not in free

    # Moving by half an hour overlaps the appointment's own event, which must not block it.
    nudged = client.post(
        f"/api/agents/{agent['id']}/appointments/{booked.json()['id']}/reschedule",
        json={"starts_at": local(tuesday, 15).isoformat()},
    )
    assert nudged.status_code == 200, nudged.text
    [event] = events_with_uid(calendar, uid)
    assert event.start == local(tuesday, 15).astimezone(UTC)

    cancelled = client.post(f"/api/agents/{agent['id']}/appointments/{booked.json()['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert events_with_uid(calendar, uid) == []
    assert local(tuesday, 15).time() in free_times(client, agent["id"], tuesday)


def test_an_event_added_after_listing_wins_the_slot(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    calendar = new_calendar(radicale)
    connect(client, agent["id"], radicale, calendar)
    wednesday = next_monday() + timedelta(days=2)
    assert local(wednesday, 11).time() in free_times(client, agent["id"], wednesday)

    # Meanwhile the owner puts a meeting at 11:15-11:45 on their phone.
    add_events(
        calendar, vevent("owner-meeting", local(wednesday, 11, 15), local(wednesday, 11, 45))
    )
    refused = _book(client, agent["id"], local(wednesday, 11))
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "SlotTaken"
    assert "no longer free in the calendar" in refused.json()["detail"]
    assert _appointments(resources, agent["id"]) == []
    assert len(calendar.events()) == 1  # only the owner's meeting

    # Rescheduling into the owner's event is refused the same way, and the old time is kept.
    booked = _book(client, agent["id"], local(wednesday, 9))
    assert booked.status_code == 201, booked.text
    moved = client.post(
        f"/api/agents/{agent['id']}/appointments/{booked.json()['id']}/reschedule",
        json={"starts_at": local(wednesday, 11, 30).isoformat()},
    )
    assert moved.status_code == 409, moved.text
    [event] = events_with_uid(calendar, f"{booked.json()['id']}@frontdesk")
    assert event.start == local(wednesday, 9).astimezone(UTC)


@pytest.fixture
def doomed_radicale(tmp_path) -> Iterator[RadicaleServer]:  # type: ignore[no-untyped-def]
    """A Radicale of this test's own, since the test stops it."""
    yield from running_radicale(tmp_path / "doomed")


def test_unreachable_calendar_books_nothing(
    app_client: TestClient, resources: Resources, doomed_radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    calendar = new_calendar(doomed_radicale)
    connect(client, agent["id"], doomed_radicale, calendar)
    thursday = next_monday() + timedelta(days=3)
    booked = _book(client, agent["id"], local(thursday, 9))
    assert booked.status_code == 201, booked.text

    doomed_radicale.stop()
    availability = client.get(
        f"/api/agents/{agent['id']}/availability", params={"day": thursday.isoformat()}
    )
    assert availability.status_code == 502, availability.text
    assert availability.json()["error"] == "CalendarUnreachable"
    assert "Could not reach the calendar server" in availability.json()["detail"]
    # A day the clinic is closed needs no calendar to say so.
    assert free_times(client, agent["id"], thursday + timedelta(days=2)) == []

    refused = _book(client, agent["id"], local(thursday, 10), customer_name="Bo Chen")
    assert refused.status_code == 502, refused.text
    assert "Could not reach the calendar server" in refused.json()["detail"]
    # Nothing half-made: the only appointment is the one from before, still where it was.
    [kept] = _appointments(resources, agent["id"])
    assert kept.id == booked.json()["id"] and kept.status == "booked"
    moved = client.post(
        f"/api/agents/{agent['id']}/appointments/{kept.id}/reschedule",
        json={"starts_at": local(thursday, 14).isoformat()},
    )
    cancelled = client.post(f"/api/agents/{agent['id']}/appointments/{kept.id}/cancel")
    assert (moved.status_code, cancelled.status_code) == (502, 502)
    [kept] = _appointments(resources, agent["id"])
    assert kept.status == "booked" and kept.starts_at.replace(tzinfo=UTC) == local(
        thursday, 9
    ).astimezone(UTC)

    # The failures were recorded on the connection for the owner, though each request
    # rolled back.
    shown = client.get(f"/api/agents/{agent['id']}/calendar-connection").json()
    assert shown["status"] == "error" and "Could not reach" in shown["last_error"]
    checked = client.post(f"/api/agents/{agent['id']}/calendar-connection/check")
    assert checked.status_code == 200, checked.text
    assert checked.json()["status"] == "error"
    assert "Could not reach" in checked.json()["last_error"]

    # Back up: the next use says so, and booking works again.
    doomed_radicale.start()
    assert free_times(client, agent["id"], thursday)
    shown = client.get(f"/api/agents/{agent['id']}/calendar-connection").json()
    assert shown["status"] == "connected" and shown["last_error"] is None
    assert _book(client, agent["id"], local(thursday, 10)).status_code == 201


def test_a_unit_of_work_that_fails_later_leaves_the_calendar_as_it_was(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    """The calendar is written inside the caller's unit of work; when something after it
    fails and the unit rolls back, the calendar change is undone too."""
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    calendar = new_calendar(radicale)
    connect(client, agent["id"], radicale, calendar)
    friday = next_monday() + timedelta(days=4)

    def service(db):  # type: ignore[no-untyped-def]
        return SchedulingService(db, db.get(Agent, agent["id"]), settings=resources.settings)

    customer = Customer(name="Ann Lee", phone="5550142398")
    with pytest.raises(RuntimeError), transaction(resources.sessionmaker) as db:
        lost = service(db).book(start=local(friday, 9), customer=customer)
        assert len(events_with_uid(calendar, f"{lost.id}@frontdesk")) == 1
        raise RuntimeError("a later step failed")
    assert events_with_uid(calendar, f"{lost.id}@frontdesk") == []
    assert _appointments(resources, agent["id"]) == []

    with transaction(resources.sessionmaker) as db:
        kept = service(db).book(start=local(friday, 10), customer=customer).id
    uid = f"{kept}@frontdesk"
    with pytest.raises(RuntimeError), transaction(resources.sessionmaker) as db:
        service(db).reschedule(kept, local(friday, 14))
        assert events_with_uid(calendar, uid)[0].start == local(friday, 14).astimezone(UTC)
        raise RuntimeError("a later step failed")
    assert events_with_uid(calendar, uid)[0].start == local(friday, 10).astimezone(UTC)

    with pytest.raises(RuntimeError), transaction(resources.sessionmaker) as db:
        service(db).cancel(kept)
        assert events_with_uid(calendar, uid) == []
        raise RuntimeError("a later step failed")
    [event] = events_with_uid(calendar, uid)
    assert event.start == local(friday, 10).astimezone(UTC)
    assert str(event["SUMMARY"]) == "Visit: Ann Lee"


@pytest.fixture
def clinic_chat(
    chat_resources: Resources, radicale: RadicaleServer
) -> Iterator[tuple[TestClient, dict, object]]:
    """A signed-in client, a New York clinic connected to a fresh Radicale calendar, and
    that calendar; the agent's model is the scripted one."""
    chat_resources.settings.outbound_allowed_hosts = ["127.0.0.1"]
    with TestClient(create_app(resources=chat_resources)) as app_client:
        client, _ = make_signed_in_client(app_client, chat_resources)
        agent = make_clinic(client)
        calendar = new_calendar(radicale)
        connect(client, agent["id"], radicale, calendar)
        yield client, agent, calendar


def _say(client: TestClient, conversation_id: str, text: str) -> dict:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_agent_books_into_the_calendar(
    clinic_chat, fake_llm: ScriptedLLM, chat_resources: Resources, radicale: RadicaleServer
) -> None:  # type: ignore[no-untyped-def]
    client, agent, calendar = clinic_chat
    friday = next_monday() + timedelta(days=4)
    day = f"{friday:%B} {friday.day}"
    add_events(calendar, vevent("lunch", local(friday, 12), local(friday, 13)))
    fake_llm.script(
        Call("check_availability", {"day": day}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": day, "time": "12:30", "name": "Ann Lee",
                                  "phone": "555-014-2398"}),
        lambda ctx: Say(last_tool_output(ctx)),
        Call("book_appointment", {"day": day, "time": "2 pm", "name": "Ann Lee",
                                  "phone": "555-014-2398", "notes": "limping dog"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    conversation_id = started.json()["id"]

    free = _say(client, conversation_id, f"What's free on {day}?")["reply"]
    # The day is offered hour by hour; the calendar's lunch hour is not among them.
    assert "11:00" in free and "12:00" not in free and "12:30" not in free and "13:00" in free

    refused = _say(client, conversation_id, "12:30 please, Ann Lee, 555 014 2398")
    assert refused["tool_calls"][0]["error"] is True
    assert "no longer free in the calendar" in refused["reply"]

    booked = _say(client, conversation_id, "Then 2 pm")
    assert booked["tool_calls"][0]["error"] is False, booked
    [appointment] = _appointments(chat_resources, agent["id"])
    assert appointment.conversation_id == conversation_id
    [event] = events_with_uid(calendar, f"{appointment.id}@frontdesk")
    assert event.start == local(friday, 14).astimezone(UTC)
    assert str(event["SUMMARY"]) == "Visit: Ann Lee" and "limping dog" in str(event["DESCRIPTION"])


def test_the_agent_tells_the_caller_when_the_calendar_is_down(
    chat_resources: Resources, fake_llm: ScriptedLLM, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    chat_resources.settings.outbound_allowed_hosts = ["127.0.0.1"]
    server = running_radicale(tmp_path / "down")
    radicale = next(server)
    with TestClient(create_app(resources=chat_resources)) as app_client:
        client, _ = make_signed_in_client(app_client, chat_resources)
        agent = make_clinic(client)
        connect(client, agent["id"], radicale, new_calendar(radicale))
        server.close()  # stops Radicale
        monday = next_monday()
        day = f"{monday:%B} {monday.day}"
        fake_llm.script(
            Call("check_availability", {"day": day}),
            lambda ctx: Say(last_tool_output(ctx)),
            Call("book_appointment", {"day": day, "time": "10:00", "name": "Ann Lee",
                                      "phone": "555-014-2398"}),
            lambda ctx: Say(last_tool_output(ctx)),
        )  # fmt: skip
        conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
        for text in (f"What's free on {day}?", "10 am, Ann Lee, 555 014 2398"):
            out = _say(client, conversation_id, text)
            assert out["tool_calls"][0]["error"] is True
            assert "Could not reach the calendar server" in out["reply"]
        assert _appointments(chat_resources, agent["id"]) == []
