"""The per-agent ICS feed and the dashboard's appointment actions, through the real app.

The feed is read back with `icalendar`'s parser, the way a calendar app would read it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import update

from frontdesk.db import transaction
from frontdesk.models import Agent, Appointment
from frontdesk.resources import Resources
from frontdesk.scheduling.service import Customer, SchedulingService, SlotTaken
from tests.factories import make_owner, make_signed_in_client, sign_in

ZONE = ZoneInfo("America/New_York")
EVERY_DAY = {
    d: [{"opens": "09:00", "closes": "17:00"}]
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
}
SCHEDULING = {
    "timezone": "America/New_York",
    "hours": EVERY_DAY,
    "appointment_types": [{"key": "checkup", "name": "Checkup", "duration_minutes": 30}],
    "slot_minutes": 15,
    "buffer_minutes": 15,
    "min_notice_minutes": 0,
}
FACTS = {
    "business_name": "Juniper Vet",
    "address": "12 Elm Street, Springfield",
    "phone": "+1 555 010 2000",
}


def local(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """A business-local time `days_ahead` days from today (in the business's zone), in UTC."""
    day = datetime.now(ZONE).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def make_vet(client: TestClient, name: str = "Juniper Vet") -> str:
    agent = client.post("/api/agents", data={"name": name})
    assert agent.status_code == 201, agent.text
    patched = client.patch(
        f"/api/agents/{agent.json()['id']}",
        json={"scheduling": SCHEDULING, "business_facts": FACTS},
    )
    assert patched.status_code == 200, patched.text
    return agent.json()["id"]


def book(
    resources: Resources, agent_id: str, start: datetime, name: str = "Anna Berg", **extra: str
) -> str:
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        assert agent is not None
        return (
            SchedulingService(db, agent)
            .book(start=start, customer=Customer(name=name, phone="(555) 014-2398"), **extra)
            .id
        )


def feed_path(client: TestClient, agent_id: str) -> str:
    response = client.get(f"/api/agents/{agent_id}/calendar")
    assert response.status_code == 200, response.text
    url = response.json()["ics_url"]
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    assert parts.path.startswith(f"/calendar/{agent_id}/") and parts.path.endswith(".ics")
    assert len(parts.path.rsplit("/", 1)[1].removesuffix(".ics")) == 32
    return parts.path


def read_feed(client: TestClient, path: str) -> Calendar:
    # A calendar app has no session: a client of the same app without cookies.
    response = TestClient(client.app).get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, max-age=300"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, dict]:
    return {
        str(e["UID"]): {
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
            "status": str(e["STATUS"]),
            "sequence": int(e["SEQUENCE"]),
        }
        for e in calendar.walk("VEVENT")
    }


@pytest.fixture
def owner(app_client: TestClient, resources: Resources) -> tuple[TestClient, str]:
    client, _ = make_signed_in_client(app_client, resources)
    return client, make_vet(client)


def test_feed_lists_appointments_in_utc_with_stable_uids(
    owner: tuple[TestClient, str], resources: Resources
) -> None:
    client, agent_id = owner
    first = book(
        resources,
        agent_id,
        local(3, 9, 30),
        notes="Limping; bring x-rays",
        conversation_id="c0ffee",
    )
    second = book(resources, agent_id, local(4, 14), name="Bo, Jr; the 2nd")
    # Outside the window: a month and more ago, and a very old one.
    with transaction(resources.sessionmaker) as db:
        for days_ago, name in [(10, "Recent Past"), (40, "Long Ago")]:
            start = datetime.now(UTC) - timedelta(days=days_ago)
            db.add(
                Appointment(
                    workspace_id=db.get(Agent, agent_id).workspace_id,  # type: ignore[union-attr]
                    agent_id=agent_id,
                    appointment_type="checkup",
                    starts_at=start,
                    ends_at=start + timedelta(minutes=30),
                    customer_name=name,
                    customer_phone="+15550100000",
                )
            )

    path = feed_path(client, agent_id)
    raw = TestClient(client.app).get(path).content
    calendar = Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0" and "Frontdesk" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Juniper Vet"
    assert str(calendar["X-WR-TIMEZONE"]) == "America/New_York"

    found = events(calendar)
    assert set(found) == {f"{first}@frontdesk", f"{second}@frontdesk"} | {
        uid for uid, e in found.items() if "Recent Past" in e["summary"]
    }
    assert not any("Long Ago" in e["summary"] for e in found.values())
    assert len(found) == 3
    one = found[f"{first}@frontdesk"]
    assert one["start"] == local(3, 9, 30) and one["start"].utcoffset() == timedelta(0)
    assert one["end"] == local(3, 10)
    assert one["summary"] == "Checkup — Anna Berg"
    assert "Phone: +15550142398" in one["description"]  # the clinic is in New York: E.164
    assert "Limping; bring x-rays" in one["description"]
    assert "Conversation: c0ffee" in one["description"]
    assert one["status"] == "CONFIRMED" and one["sequence"] == 0
    # Commas and semicolons are escaped on the wire and come back intact.
    assert found[f"{second}@frontdesk"]["summary"] == "Checkup — Bo, Jr; the 2nd"
    assert b"Bo\\, Jr\\; the 2nd" in raw
    assert f"DTSTART:{local(3, 9, 30):%Y%m%dT%H%M%SZ}".encode() in raw
    # RFC 5545 lines are CRLF-terminated and at most 75 octets.
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))

    # Same feed on every request: calendar apps keep events by UID and do not duplicate them.
    assert TestClient(client.app).get(path).content == raw
    assert feed_path(client, agent_id) == path


def test_wrong_or_foreign_tokens_are_not_found(
    owner: tuple[TestClient, str], resources: Resources
) -> None:
    client, agent_id = owner
    other_agent = make_vet(client, name="Second Clinic")
    path = feed_path(client, agent_id)
    token = path.rsplit("/", 1)[1]
    other_token = feed_path(client, other_agent).rsplit("/", 1)[1]
    anonymous = TestClient(client.app)
    for wrong in [
        f"/calendar/{agent_id}/{'A' * 32}.ics",
        f"/calendar/{agent_id}/{other_token}",  # another agent's token
        f"/calendar/{other_agent}/{token}",
        f"/calendar/{'0' * 32}/{token}",  # an agent that does not exist
    ]:
        response = anonymous.get(wrong)
        assert response.status_code == 404, wrong
        assert response.json() == {"error": "NotFound", "detail": "No such calendar."}

    # The feed URL is handed only to people of the agent's workspace.
    _, stranger = make_owner(resources)
    client.post("/api/auth/logout")
    sign_in(client, stranger)
    assert client.get(f"/api/agents/{agent_id}/calendar").status_code == 404


def test_cancel_and_reschedule_change_the_feed_and_the_calendar(
    owner: tuple[TestClient, str], resources: Resources
) -> None:
    client, agent_id = owner
    path = feed_path(client, agent_id)
    kept = book(resources, agent_id, local(3, 10))
    moved = book(resources, agent_id, local(3, 11), name="Cy Moved")
    cancelled = book(resources, agent_id, local(3, 12), name="Di Gone")
    # Booked an hour ago, so the change below is a later revision.
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with transaction(resources.sessionmaker) as db:
        db.execute(
            update(Appointment)
            .where(Appointment.id.in_([moved, cancelled]))
            .values(created_at=hour_ago, updated_at=hour_ago)
        )
    base = f"/api/agents/{agent_id}/appointments"

    response = client.post(f"{base}/{cancelled}/cancel")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled" and response.json()["id"] == cancelled
    assert client.post(f"{base}/{cancelled}/cancel").json()["status"] == "cancelled"
    # The freed time can be booked again.
    book(resources, agent_id, local(3, 12), name="Ed Next")

    # 10:00 is taken (and 10:15 is its buffer): the move is refused and nothing changes.
    for taken in [local(3, 10), local(3, 10, 15)]:
        response = client.post(f"{base}/{moved}/reschedule", json={"starts_at": taken.isoformat()})
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "SlotTaken" and "taken" in response.json()["detail"]
    night = local(3, 22).isoformat()
    response = client.post(f"{base}/{moved}/reschedule", json={"starts_at": night})
    assert response.status_code == 409 and response.json()["error"] == "Conflict"
    assert "outside our hours" in response.json()["detail"]
    naive = local(3, 15).replace(tzinfo=None).isoformat()
    assert client.post(f"{base}/{moved}/reschedule", json={"starts_at": naive}).status_code == 422
    response = client.post(f"{base}/{cancelled}/reschedule", json={"starts_at": night})
    assert response.status_code == 409 and "cancelled" in response.json()["detail"]

    new_start = local(3, 15, 30)
    response = client.post(f"{base}/{moved}/reschedule", json={"starts_at": new_start.isoformat()})
    assert response.status_code == 200, response.text
    assert datetime.fromisoformat(response.json()["starts_at"]) == new_start

    found = events(read_feed(client, path))
    assert found[f"{moved}@frontdesk"]["start"] == new_start
    assert found[f"{moved}@frontdesk"]["sequence"] >= 3500
    assert found[f"{cancelled}@frontdesk"]["status"] == "CANCELLED"
    assert found[f"{cancelled}@frontdesk"]["summary"] == "Cancelled: Checkup — Di Gone"
    assert found[f"{kept}@frontdesk"]["status"] == "CONFIRMED"
    # The old time of the moved booking is free again, its new time is not.
    book(resources, agent_id, local(3, 11), name="Fay Freed")
    with pytest.raises(SlotTaken):
        book(resources, agent_id, new_start, name="Gus Late")


def test_confirmation_and_workspace_scoping(
    owner: tuple[TestClient, str], resources: Resources
) -> None:
    client, agent_id = owner
    appointment_id = book(resources, agent_id, local(5, 9, 45))
    response = client.get(f"/api/agents/{agent_id}/appointments/{appointment_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == appointment_id and body["status"] == "booked"
    text = body["confirmation"]
    day = datetime.now(ZONE).date() + timedelta(days=5)
    assert f"{day:%A %B} {day.day}, {day.year} at 09:45" in text
    assert "(America/New_York)" in text
    assert "your Checkup at Juniper Vet is booked" in text
    assert "12 Elm Street, Springfield" in text and "+1 555 010 2000" in text
    assert "To cancel or reschedule" in text

    client.post(f"/api/agents/{agent_id}/appointments/{appointment_id}/cancel")
    cancelled = client.get(f"/api/agents/{agent_id}/appointments/{appointment_id}").json()
    assert "has been cancelled" in cancelled["confirmation"]

    # Another workspace's ids are simply not found, through its own agent or this one.
    _, stranger = make_owner(resources)
    client.post("/api/auth/logout")
    sign_in(client, stranger)
    own_agent = make_vet(client, name="Stranger Clinic")
    for agent in [own_agent, agent_id]:
        base = f"/api/agents/{agent}/appointments/{appointment_id}"
        assert client.get(base).status_code == 404
        assert client.post(f"{base}/cancel").status_code == 404
        later = local(6, 10).isoformat()
        assert client.post(f"{base}/reschedule", json={"starts_at": later}).status_code == 404
