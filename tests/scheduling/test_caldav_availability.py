"""Availability with a real Radicale calendar: the owner's events (one-off, weekly, all-day,
in another time zone) take exactly their slots away; free and cancelled events do not."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Agent
from frontdesk.resources import Resources
from frontdesk.scheduling.service import SchedulingService
from tests.factories import make_signed_in_client
from tests.radicale_server import RadicaleServer, add_events, vevent
from tests.scheduling.clinic import (
    ALL_DAY_STARTS,
    ZONE,
    connect,
    free_times,
    local,
    make_clinic,
    new_calendar,
    next_monday,
)

pytestmark = pytest.mark.usefixtures("loopback_allowed")

TOKYO = ZoneInfo("Asia/Tokyo")


def _owner_week(radicale: RadicaleServer, monday: date):  # type: ignore[no-untyped-def]
    """A calendar with the owner's week in it; returns the calendar."""
    calendar = new_calendar(radicale)
    tuesday_weeks_ago = monday + timedelta(days=1 - 21)
    thursday_2pm = local(monday + timedelta(days=3), 14)
    add_events(
        calendar,
        # Monday 10:00-11:00 New York time, written in UTC.
        vevent("dentist", local(monday, 10).astimezone(UTC), local(monday, 11).astimezone(UTC)),
        # Every Tuesday 13:00-14:00, a series that started three weeks earlier.
        vevent(
            "team-meeting",
            local(tuesday_weeks_ago, 13),
            local(tuesday_weeks_ago, 14),
            rrule="FREQ=WEEKLY",
        ),
        # Wednesday is a holiday: an all-day event.
        vevent("holiday", monday + timedelta(days=2), monday + timedelta(days=3)),
        # A 45-minute call the owner entered in Tokyo time: 14:00-14:45 in New York.
        vevent(
            "tokyo-call",
            thursday_2pm.astimezone(TOKYO),
            (thursday_2pm + timedelta(minutes=45)).astimezone(TOKYO),
        ),
        # Friday: an event marked free, and a cancelled one, take nothing away.
        vevent(
            "reminder",
            local(monday + timedelta(days=4), 9),
            local(monday + timedelta(days=4), 17),
            transp="TRANSPARENT",
        ),
        vevent(
            "called-off",
            local(monday + timedelta(days=4), 12),
            local(monday + timedelta(days=4), 13),
            status="CANCELLED",
        ),
    )
    return calendar


def _all_but(*taken: time) -> list[time]:
    return [t for t in ALL_DAY_STARTS if t not in taken]


def _expected_week() -> list[list[time]]:
    return [
        _all_but(time(10), time(10, 30)),  # Monday: the dentist
        _all_but(time(13), time(13, 30)),  # Tuesday: the weekly meeting
        [],  # Wednesday: the holiday
        _all_but(time(14), time(14, 30)),  # Thursday: 14:00-14:45, so 14:30 too
        ALL_DAY_STARTS,  # Friday: free and cancelled events do not count
    ]


def test_owner_events_take_exactly_their_slots(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    monday = next_monday()
    # Before a calendar is connected every opening-hours slot is free.
    assert free_times(client, agent["id"], monday) == ALL_DAY_STARTS

    connect(client, agent["id"], radicale, _owner_week(radicale, monday))
    week = [free_times(client, agent["id"], monday + timedelta(days=d)) for d in range(5)]
    assert week == _expected_week()

    # The service the agent's check-availability tool calls answers the same, over 5 days.
    with transaction(resources.sessionmaker) as db:
        service = SchedulingService(db, db.get(Agent, agent["id"]), settings=resources.settings)
        starts = service.available_starts(service.appointment_type(None), monday, 5, limit=200)
    by_day: dict[date, list[time]] = {monday + timedelta(days=d): [] for d in range(5)}
    for start in starts:
        by_day[start.astimezone(ZONE).date()].append(start.astimezone(ZONE).time())
    assert list(by_day.values()) == _expected_week()


def test_buffer_keeps_a_gap_around_owner_events(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    monday = next_monday()
    connect(client, agent["id"], radicale, _owner_week(radicale, monday))
    scheduling = {**agent["scheduling"], "buffer_minutes": 30}
    patched = client.patch(f"/api/agents/{agent['id']}", json={"scheduling": scheduling})
    assert patched.status_code == 200, patched.text
    # 09:30 would end at 10:00 with its buffer running into the dentist; 11:00 starts right
    # as the dentist ends, inside the gap after it.
    assert free_times(client, agent["id"], monday) == _all_but(
        time(9, 30), time(10), time(10, 30), time(11)
    )


def test_disconnecting_gives_the_slots_back(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    monday = next_monday()
    connect(client, agent["id"], radicale, _owner_week(radicale, monday))
    assert free_times(client, agent["id"], monday + timedelta(days=2)) == []
    assert client.delete(f"/api/agents/{agent['id']}/calendar-connection").status_code == 204
    assert free_times(client, agent["id"], monday + timedelta(days=2)) == ALL_DAY_STARTS
