"""The built-in calendar on real databases: rules, booking, rescheduling, cancelling, races."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.db import transaction
from frontdesk.errors import ValidationFailed
from frontdesk.models import Agent, Appointment, CalendarSlot
from frontdesk.resources import Resources
from frontdesk.scheduling.config import SchedulingConfig
from frontdesk.scheduling.service import (
    Customer,
    SchedulingService,
    SlotTaken,
    SlotUnavailable,
)
from tests.factories import make_owner

ZONE = ZoneInfo("America/New_York")
# A Monday morning in the business's zone; tests pass it as "now".
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=ZONE).astimezone(UTC)
ANNA = Customer(name="Anna Berg", phone="(555) 014-2398")

CONFIG = {
    "timezone": "America/New_York",
    "hours": {
        "mon": [{"opens": "08:00", "closes": "12:00"}, {"opens": "13:00", "closes": "18:00"}],
        "tue": [{"opens": "08:00", "closes": "18:00"}],
        "sat": [{"opens": "09:00", "closes": "13:00"}],
    },
    "closed_dates": ["2026-12-25"],
    "appointment_types": [
        {"key": "checkup", "name": "Checkup", "duration_minutes": 30},
        {"key": "surgery", "name": "Surgery consult", "duration_minutes": 60},
    ],
    "slot_minutes": 15,
    "buffer_minutes": 15,
    "min_notice_minutes": 120,
    "horizon_days": 30,
}


def at(days_after_monday: int, hour: int, minute: int = 0) -> datetime:
    """A business-local time, counted in days from Monday November 30, 2026."""
    day = date(2026, 11, 30) + timedelta(days=days_after_monday)
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def agent_id(resources: Resources) -> str:
    workspace, _ = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        agent = Agent(workspace_id=workspace.id, name="Vet", scheduling=CONFIG)
        db.add(agent)
        db.flush()
        return agent.id


def _service(resources: Resources, db, agent_id: str) -> SchedulingService:  # type: ignore[no-untyped-def]
    return SchedulingService(db, db.get(Agent, agent_id), now=NOW)


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="time zone"):
        SchedulingConfig(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="multiple of slot_minutes"):
        SchedulingConfig(appointment_types=[{"key": "x", "name": "X", "duration_minutes": 20}])
    with pytest.raises(ValueError, match="overlap"):
        SchedulingConfig(
            hours={
                "mon": [
                    {"opens": "08:00", "closes": "12:00"},
                    {"opens": "11:00", "closes": "13:00"},
                ]
            }
        )
    config = SchedulingConfig.model_validate(CONFIG)
    assert config.describe_hours().startswith(
        "Mon 08:00-12:00, 13:00-18:00; Tue 08:00-18:00; Wed closed"
    )


def test_availability_respects_hours_notice_buffers_and_bookings(
    resources: Resources, agent_id: str
) -> None:
    with transaction(resources.sessionmaker) as db:
        service = _service(resources, db, agent_id)
        checkup = service.appointment_type("checkup")
        monday = service.available_starts(checkup, date(2026, 11, 30))
        local = [s.astimezone(ZONE).time() for s in monday]
        # Two hours' notice from 08:00; the lunch break and closing time are respected.
        assert local[0] == time(10, 0) and time(11, 30) in local and time(11, 45) not in local
        assert time(12, 30) not in local and local[-1] == time(17, 30)
        assert service.available_starts(checkup, date(2026, 12, 2)) == []  # Wednesday: closed
        assert service.available_starts(checkup, date(2026, 12, 25)) == []  # holiday

        service.book(start=at(1, 10), customer=ANNA, appointment_type="checkup")
    with transaction(resources.sessionmaker) as db:
        service = _service(resources, db, agent_id)
        tuesday = [
            s.astimezone(ZONE).time()
            for s in service.available_starts(
                service.appointment_type("checkup"), date(2026, 12, 1)
            )
        ]
        # 10:00-10:30 booked plus a 15-minute buffer: 10:45 is the next start; 09:30 would
        # run into the booking, 09:15 + 30 min + buffer ends exactly at 10:00.
        assert time(9, 15) in tuesday and time(9, 30) not in tuesday
        assert time(10, 0) not in tuesday and time(10, 30) not in tuesday
        assert time(10, 45) in tuesday


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (at(0, 8, 30), "too soon"),
        (at(1, 10, 5), "15-minute mark"),
        (at(2, 10), "closed on Wednesdays"),
        (at(0, 11, 45), "outside our hours"),
        (at(25, 10), "closed on Friday December 25"),
        (datetime(2027, 2, 2, 10, tzinfo=ZONE), "30 days ahead"),
    ],
)
def test_rule_violations_are_explained(
    resources: Resources, agent_id: str, start: datetime, message: str
) -> None:
    with transaction(resources.sessionmaker) as db, pytest.raises(SlotUnavailable, match=message):
        _service(resources, db, agent_id).book(
            start=start, customer=ANNA, appointment_type="checkup"
        )


def test_contact_details_are_validated(resources: Resources, agent_id: str) -> None:
    with transaction(resources.sessionmaker) as db:
        service = _service(resources, db, agent_id)
        for customer in [
            Customer(name="Ann"),
            Customer(name="", phone="5550142398"),
            Customer(name="Ann", phone="call me maybe"),
            Customer(name="Ann", email="ann@"),
        ]:
            with pytest.raises(ValidationFailed):
                service.book(start=at(1, 9), customer=customer)
        booked = service.book(
            start=at(1, 9), customer=Customer(name=" Ann  Lee ", email="Ann@Example.COM")
        )
        assert booked.customer_name == "Ann Lee" and booked.customer_email == "ann@example.com"
        assert booked.appointment_type == "checkup"  # the first type is the default


def test_book_reschedule_cancel(resources: Resources, agent_id: str) -> None:
    with transaction(resources.sessionmaker) as db:
        booked = _service(resources, db, agent_id).book(
            start=at(1, 14), customer=ANNA, appointment_type="surgery", notes="limping"
        )
        assert booked.customer_phone == "+15550142398"  # the clinic is in New York: E.164
        booked_id = booked.id
    with transaction(resources.sessionmaker) as db, pytest.raises(SlotTaken):
        _service(resources, db, agent_id).book(start=at(1, 14, 30), customer=ANNA)

    with transaction(resources.sessionmaker) as db:
        moved = _service(resources, db, agent_id).reschedule(booked_id, at(1, 16))
        assert moved.starts_at.astimezone(ZONE) == at(1, 16)
        assert moved.ends_at.astimezone(ZONE) == at(1, 17)
    with transaction(resources.sessionmaker) as db:
        # The old time is free again, the new one is not.
        service = _service(resources, db, agent_id)
        service.book(start=at(1, 14), customer=Customer(name="Bo", phone="5550001111"))
        with pytest.raises(SlotTaken):
            service.book(start=at(1, 16, 30), customer=Customer(name="Cy", phone="5550002222"))
    with transaction(resources.sessionmaker) as db:
        cancelled = _service(resources, db, agent_id).cancel(booked_id)
        assert cancelled.status == "cancelled"
        assert db.query(CalendarSlot).filter_by(appointment_id=booked_id).count() == 0
    with transaction(resources.sessionmaker) as db:
        _service(resources, db, agent_id).book(
            start=at(1, 16), customer=Customer(name="Di", phone="5550003333")
        )


def test_failed_reschedule_keeps_the_original(resources: Resources, agent_id: str) -> None:
    with transaction(resources.sessionmaker) as db:
        service = _service(resources, db, agent_id)
        first = service.book(start=at(1, 9), customer=ANNA)
        service.book(start=at(1, 11), customer=Customer(name="Bo", phone="5550001111"))
        first_id = first.id
    with pytest.raises(SlotTaken), transaction(resources.sessionmaker) as db:
        _service(resources, db, agent_id).reschedule(first_id, at(1, 11))
    with transaction(resources.sessionmaker) as db:
        kept = db.get(Appointment, first_id)
        assert kept is not None and kept.starts_at.replace(tzinfo=UTC) == at(1, 9).astimezone(UTC)
        assert db.query(CalendarSlot).filter_by(appointment_id=first_id).count() == 3


def test_fifty_racing_bookings_one_wins(resources: Resources, agent_id: str) -> None:
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            with transaction(resources.sessionmaker) as db:
                _service(resources, db, agent_id).book(
                    start=at(1, 15), customer=Customer(name=f"Caller {i}", phone=f"555010{i:04d}")
                )
            result = "booked"
        except SlotTaken:
            result = "taken"
        except Exception as exc:  # noqa: BLE001 - any other failure is a test failure below
            result = f"error: {exc!r}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(outcomes)) == ["booked", "taken"], outcomes
    assert outcomes.count("booked") == 1 and len(outcomes) == 50
    with transaction(resources.sessionmaker) as db:
        booked = db.query(Appointment).filter_by(agent_id=agent_id, status="booked").all()
        assert len(booked) == 1
        assert db.query(CalendarSlot).filter_by(agent_id=agent_id).count() == 3
