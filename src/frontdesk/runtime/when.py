"""Dates and times as callers (and small models) say them, resolved against today.

A 1.5B model invents dates; so tools take what the caller said ("tomorrow", "next Friday",
"Dec 3", "3:30 pm") and this module turns it into a real date in the business's time zone,
or explains what it could not read so the model can ask again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip


class UnclearWhen(ValueError):
    """What the caller said is not a date or time we can pin down."""


def _weekday_index(word: str) -> int | None:
    word = word.lower()
    for i, name in enumerate(WEEKDAYS):
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return i
    return None


def _month_index(word: str) -> int | None:
    word = word.lower().rstrip(".")
    for i, name in enumerate(MONTHS):
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return i + 1
    return None


def resolve_date(text: str, today: date) -> date:
    """'2026-12-01', 'today', 'tomorrow', 'friday', 'next friday', 'Dec 3', '3 December'."""
    raw = text
    text = re.sub(r"[,]", " ", text.strip().lower())
    text = re.sub(r"\b(on|the|this)\b", " ", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = " ".join(text.split())
    if not text:
        raise UnclearWhen("No date was given; ask the caller which day they would like.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if text in ("today", "tonight"):
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text in ("day after tomorrow", "the day after tomorrow"):
        return today + timedelta(days=2)
    words = text.split()
    if words and words[0] == "next" and len(words) == 2 and words[1] == "week":
        return today + timedelta(days=7 - today.weekday())
    if words and words[0] in ("next", "coming"):
        words = words[1:]
    if len(words) == 1 and (day := _weekday_index(words[0])) is not None:
        ahead = (day - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    # "dec 3", "december 3 2026", "3 dec", "3 december 2026"
    month = day_of_month = year = None
    for word in words:
        if word.isdigit():
            number = int(word)
            if number > 31:
                year = number
            elif day_of_month is None:
                day_of_month = number
        elif (m := _month_index(word)) is not None:
            month = m
    if month and day_of_month:
        try:
            candidate = date(year or today.year, month, day_of_month)
        except ValueError:
            raise UnclearWhen(f"{raw!r} is not a real date.") from None
        if year is None and candidate < today:
            candidate = candidate.replace(year=today.year + 1)
        return candidate
    raise UnclearWhen(
        f"I could not read the date {raw!r}; ask for a day like 'Tuesday' or 'December 3'."
    )


def resolve_time(text: str) -> time:
    """'15:00', '3pm', '3:30 pm', '9', 'noon'. A bare hour from 1 to 7 means afternoon."""
    raw = text
    text = text.strip().lower().replace(".", "")
    if text in ("noon", "midday"):
        return time(12)
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?\s*(am|pm|a|p)?(?:\s*o'?clock)?", text)
    if not match:
        raise UnclearWhen(f"I could not read the time {raw!r}; ask for a time like '3:30 pm'.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3)
    if suffix in ("pm", "p") and hour < 12:
        hour += 12
    elif suffix in ("am", "a") and hour == 12:
        hour = 0
    elif suffix is None and 1 <= hour <= 7:
        hour += 12  # nobody books a 3 am appointment at a vet
    if hour > 23 or minute > 59:
        raise UnclearWhen(f"{raw!r} is not a time of day.")
    return time(hour, minute)


def resolve_datetime(day_text: str, time_text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Combine a spoken day and time into an aware datetime in the business's zone."""
    today = now.astimezone(zone).date()
    # A model may pass a full ISO datetime in the date field.
    if "t" in day_text.lower() and not time_text.strip():
        try:
            parsed = datetime.fromisoformat(day_text.strip())
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        except ValueError:
            pass
    return datetime.combine(resolve_date(day_text, today), resolve_time(time_text), tzinfo=zone)
