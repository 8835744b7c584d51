"""A clinic in New York with a CalDAV calendar, set up through the API as an owner would."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import caldav
import httpx
from fastapi.testclient import TestClient

from tests.radicale_server import PASSWORD, USERNAME, RadicaleServer

ZONE = ZoneInfo("America/New_York")
WEEKDAYS = {d: [{"opens": "09:00", "closes": "17:00"}] for d in ["mon", "tue", "wed", "thu", "fri"]}
SCHEDULING = {
    "timezone": "America/New_York",
    "hours": WEEKDAYS,
    "appointment_types": [{"key": "visit", "name": "Visit", "duration_minutes": 30}],
    "slot_minutes": 30,
    "buffer_minutes": 0,
    "min_notice_minutes": 0,
    "horizon_days": 90,
}
# Every start the opening hours allow on a weekday: 09:00, 09:30 … 16:30.
ALL_DAY_STARTS = [time(9 + m // 60, m % 60) for m in range(0, 8 * 60, 30)]


def next_monday() -> date:
    """A Monday 1-2 weeks ahead: in the future whenever the tests run, inside the horizon."""
    today = datetime.now(ZONE).date()
    days_to_next_monday = (7 - today.weekday()) % 7 or 7
    return today + timedelta(days=days_to_next_monday + 7)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def make_clinic(client: TestClient | httpx.Client, name: str = "Hudson Clinic") -> dict:
    agent = client.post("/api/agents", data={"name": name, "text": "We see patients."})
    assert agent.status_code == 201, agent.text
    patched = client.patch(f"/api/agents/{agent.json()['id']}", json={"scheduling": SCHEDULING})
    assert patched.status_code == 200, patched.text
    return patched.json()


def new_calendar(radicale: RadicaleServer) -> caldav.Calendar:
    return radicale.make_calendar(f"Clinic {uuid.uuid4().hex[:8]}")


def connect(
    client: TestClient, agent_id: str, radicale: RadicaleServer, calendar: caldav.Calendar
) -> dict:
    response = client.put(
        f"/api/agents/{agent_id}/calendar-connection",
        json={
            "server_url": radicale.url,
            "username": USERNAME,
            "password": PASSWORD,
            "calendar_url": str(calendar.url),
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def free_times(client: TestClient, agent_id: str, day: date) -> list[time]:
    """The local start times the availability endpoint offers on `day`."""
    response = client.get(f"/api/agents/{agent_id}/availability", params={"day": day.isoformat()})
    assert response.status_code == 200, response.text
    return [datetime.fromisoformat(s).astimezone(ZONE).time() for s in response.json()["starts"]]
