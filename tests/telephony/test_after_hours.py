"""A call while the business is closed is told when it opens, then offered what the agent
can still do; a call in opening hours hears the owner's greeting as written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from frontdesk.scheduling.config import OpeningInterval, SchedulingConfig
from frontdesk.telephony.after_hours import phone_greeting

GREETING = "Harbor Table, Sam speaking. How can I help?"
NEW_YORK = SchedulingConfig(
    timezone="America/New_York",
    hours={
        day: [OpeningInterval(opens=time(11), closes=time(22))]
        for day in ("mon", "tue", "wed", "thu", "fri")
    }
    | {"sat": [OpeningInterval(opens=time(10), closes=time(23))]},
)


def at(local: str) -> datetime:
    """A New York wall-clock time, as the server's UTC clock reads it."""
    return (
        datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    )


def test_open_hours_keep_the_owners_greeting() -> None:
    # Tuesday 8 December 2026, 15:00 in New York.
    assert phone_greeting(GREETING, NEW_YORK, at("2026-12-08T15:00")) == GREETING


def test_before_opening_says_today_and_keeps_the_question_last() -> None:
    greeting = phone_greeting(GREETING, NEW_YORK, at("2026-12-08T08:30"))
    assert greeting == (
        "Harbor Table, Sam speaking. We're closed right now and open again today at 11 am. "
        "I can still answer questions, book an appointment or take a message. How can I help?"
    )


def test_late_evening_says_tomorrow_and_a_weekend_names_the_day() -> None:
    assert "open again tomorrow at 11 am" in phone_greeting(
        GREETING, NEW_YORK, at("2026-12-08T22:15")
    )
    # Saturday night: Sunday is closed, so Monday.
    assert "open again on Monday at 11 am" in phone_greeting(
        GREETING, NEW_YORK, at("2026-12-12T23:30")
    )


def test_closed_dates_are_skipped_and_a_long_closure_says_only_closed() -> None:
    holiday = NEW_YORK.model_copy(update={"closed_dates": [date(2026, 12, 9)]})
    assert "open again on Thursday at 11 am" in phone_greeting(
        GREETING, holiday, at("2026-12-08T23:00")
    )
    shut = NEW_YORK.model_copy(update={"hours": {}})
    closed = phone_greeting("Welcome to Harbor Table.", shut, at("2026-12-08T12:00"))
    assert closed == (
        "Welcome to Harbor Table. We're closed right now. I can still answer questions, book "
        "an appointment or take a message."
    )
