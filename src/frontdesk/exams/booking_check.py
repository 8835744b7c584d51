"""The exam's booking: a caller asks for a stated day and time; the database is the judge.

A receptionist that says "You're booked!" without a row in the calendar, or books the first
free slot instead of the time asked for, fails. The request names a day the agent is open,
a few days ahead (past any notice rule), an hour after opening, and the first appointment
type; the caller gives a name and an international number, and confirms when asked. The
appointment the exam made is cancelled afterwards, so the owner's calendar is as it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.exams.question_bank import ExamQuestion
from frontdesk.models import Agent, Appointment
from frontdesk.models.base import as_utc
from frontdesk.scheduling.config import WEEKDAYS, SchedulingConfig
from frontdesk.scheduling.service import SchedulingService

CALLER_NAME = "Sam Rivera"
CALLER_PHONE = "+1 202 555 0147"
FOLLOW_UPS = ("Yes, please book it.", "Yes, that's right. Please go ahead.")


def _spoken(hour: int, minute: int) -> str:
    half = "am" if hour < 12 else "pm"
    return f"{hour % 12 or 12}:{minute:02d} {half}" if minute else f"{hour % 12 or 12} {half}"


def booking_question(agent: Agent, now: datetime) -> ExamQuestion | None:
    """A booking request the agent's calendar can take, or None when it takes none."""
    tools = agent.enabled_tools
    if tools is not None and "book_appointment" not in tools:
        return None
    try:
        config = SchedulingConfig.model_validate(agent.scheduling or {})
    except ValueError:
        return None
    if not config.appointment_types:
        return None
    kind = config.appointment_types[0]
    today = now.astimezone(config.zone).date()
    first = max(2, -(-config.min_notice_minutes // (24 * 60)) + 1)
    for offset in range(first, min(first + 14, config.horizon_days)):
        day = today + timedelta(days=offset)
        if day in config.closed_dates:
            continue
        for interval in config.hours.get(WEEKDAYS[day.weekday()]) or []:
            opens = datetime.combine(day, interval.opens)
            closes = datetime.combine(day, interval.closes)
            start = opens + timedelta(hours=1)
            if start + timedelta(minutes=kind.duration_minutes) > closes:
                start = opens
            if start + timedelta(minutes=kind.duration_minutes) > closes:
                continue
            weekday = day.strftime("%A")
            when = (
                f"{weekday}, {day.strftime('%B')} {day.day}, at {_spoken(start.hour, start.minute)}"
            )
            text = (
                f"I'd like to book a {kind.name.lower()} on {when}. My name is {CALLER_NAME} "
                f"and my number is {CALLER_PHONE}."
            )
            return ExamQuestion(
                text,
                [],
                source="booking",
                booking={
                    "type": kind.key,
                    "weekday": weekday,
                    "date": day.isoformat(),
                    "time": f"{start:%H:%M}",
                },
            )
    return None


def booked(db: Session, agent_id: str, conversation_id: str) -> list[Appointment]:
    return list(
        db.scalars(
            select(Appointment).where(
                Appointment.agent_id == agent_id,
                Appointment.conversation_id == conversation_id,
                Appointment.status == "booked",
            )
        )
    )


def judge_and_undo(
    db: Session, agent_id: str, conversation_id: str, wanted: dict[str, Any]
) -> tuple[bool, str]:
    """(passed, why) from the rows the conversation stored; its bookings are cancelled."""
    agent = db.get(Agent, agent_id)
    rows = booked(db, agent_id, conversation_id)
    if agent is None or not rows:
        return False, "nothing was booked"
    zone = SchedulingConfig.model_validate(agent.scheduling or {}).zone
    said = [as_utc(r.starts_at).astimezone(zone) for r in rows]
    ok = any(
        s.date().isoformat() == wanted["date"] and f"{s:%H:%M}" == wanted["time"] for s in said
    )
    scheduling = SchedulingService(db, agent)
    for row in rows:
        scheduling.cancel(row.id)
    if ok:
        return True, f"booked {wanted['weekday']} {wanted['date']} {wanted['time']}"
    got = ", ".join(f"{s:%A %Y-%m-%d %H:%M}" for s in said)
    return False, f"booked {got} instead of {wanted['weekday']} {wanted['date']} {wanted['time']}"
