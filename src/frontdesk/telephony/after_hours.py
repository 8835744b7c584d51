"""The greeting of a call that comes in while the business is closed: callers ring at any
hour, and a phone receptionist says when the business opens before offering what it can
still do (answer, book, take a message)."""

from __future__ import annotations

from datetime import datetime, timedelta

from frontdesk.scheduling.config import WEEKDAYS, SchedulingConfig

LOOK_AHEAD_DAYS = 14  # a closure longer than this: "we are closed right now" alone


def opening_now_or_next(config: SchedulingConfig, now: datetime) -> datetime | None:
    """`now` if the business is open, else when it next opens (local time); None when no
    opening falls within LOOK_AHEAD_DAYS."""
    local = now.astimezone(config.zone)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if day in config.closed_dates:
            continue
        for interval in sorted(
            config.hours.get(WEEKDAYS[day.weekday()]) or [], key=lambda i: i.opens
        ):
            opens = datetime.combine(day, interval.opens, tzinfo=config.zone)
            closes = datetime.combine(day, interval.closes, tzinfo=config.zone)
            if opens <= local < closes:
                return local
            if local < opens:
                return opens
    return None


def _when(opens: datetime, local: datetime) -> str:
    clock = f"{opens:%-I:%M %p}".replace(":00", "").replace("AM", "am").replace("PM", "pm")
    days = (opens.date() - local.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days < 7:
        return f"on {opens:%A} at {clock}"
    return f"on {opens:%A %B} {opens.day} at {clock}"


def phone_greeting(greeting: str, config: SchedulingConfig, now: datetime) -> str:
    """`greeting` as it is, or with the closed notice before its closing question."""
    local = now.astimezone(config.zone)
    opens = opening_now_or_next(config, now)
    if opens == local:
        return greeting
    closed = (
        f"We're closed right now and open again {_when(opens, local)}."
        if opens is not None
        else "We're closed right now."
    )
    notice = f"{closed} I can still answer questions, book an appointment or take a message."
    head, question = _last_question(greeting)
    return " ".join(part for part in (head, notice, question) if part)


def _last_question(greeting: str) -> tuple[str, str]:
    """("Juniper Vet, Maya speaking.", "How can I help?") from a greeting that ends in a
    question; the whole greeting and "" otherwise."""
    text = greeting.strip()
    if not text.endswith("?"):
        return text, ""
    cut = max(text.rfind(". ", 0, len(text) - 1), text.rfind("! ", 0, len(text) - 1))
    if cut < 0:
        return "", text
    return text[: cut + 1], text[cut + 2 :]
