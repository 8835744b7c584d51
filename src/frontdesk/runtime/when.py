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


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20,
}  # fmt: skip
_MINUTE_WORDS = {"oh five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
                 "forty": 40, "forty five": 45, "fifty": 50}  # fmt: skip
# Words that put a bare hour in the evening or the morning.
EVENING = re.compile(r"\b(?:pm|p\.m\.|evening|tonight|at night|afternoon)\b")
MORNING = re.compile(r"\b(?:am|a\.m\.|morning)\b")


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


def _numeric_date(text: str, today: date, month_first: bool | None) -> date | None:
    """ "3/12", "3.12.", "03/12/2026": the day and month in the country's order. Where the
    order is unknown and both readings are real dates, the caller is asked for the month."""
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\.?", text)
    if not match:
        return None
    a, b = int(match.group(1)), int(match.group(2))
    year = int(match.group(3)) if match.group(3) else None
    if year is not None and year < 100:
        year += 2000
    readings = []
    for month, day in (
        ((a, b), (b, a)) if month_first is None else [(a, b) if month_first else (b, a)]
    ):
        try:
            found = date(year or today.year, month, day)
        except ValueError:
            continue
        if year is None and found < today:
            found = found.replace(year=today.year + 1)
        readings.append(found)
    readings = list(dict.fromkeys(readings))
    if not readings:
        raise UnclearWhen(f"{text!r} is not a real date.")
    if len(readings) > 1:
        raise UnclearWhen(
            f"{text!r} could be {readings[0]:%B} {readings[0].day} or {readings[1]:%B} "
            f"{readings[1].day}; ask the caller for the month by name."
        )
    return readings[0]


def resolve_date(text: str, today: date, month_first: bool | None = None) -> date:
    """'2026-12-01', 'today', 'tomorrow', 'friday', 'next friday', 'Dec 3', '3 December',
    '3/12' (day and month in the order `month_first` says: the business's country's)."""
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
    numeric = _numeric_date(text.split()[-1] if text.split()[0] in WEEKDAYS else text, today,
                            month_first)  # fmt: skip
    if numeric is not None:
        return numeric
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


def spoken_clock(text: str) -> str:
    """ "half past three" → "3:30", "quarter to eight" → "7:45", "seven thirty" → "7:30",
    "19h30" → "19:30": clock words as digits."""
    words = "|".join(NUMBER_WORDS)
    text = re.sub(rf"\b({words})\b", lambda m: str(NUMBER_WORDS[m.group(1)]), text)
    text = re.sub(r"\b(\d{1,2})h(\d{2})?\b", lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)
    past = {"half": 30, "quarter": 15}

    def before(m: re.Match[str]) -> str:
        hour = int(m.group(2))
        minutes = past[m.group(1)]
        if m.group(0).split()[1] == "to":
            return f"{(hour - 1) or 12}:{60 - minutes:02d}"
        return f"{hour}:{minutes:02d}"

    text = re.sub(r"\b(half|quarter)\s+(?:past|to)\s+(\d{1,2})\b", before, text)
    # "7 30", "7 fifteen" (speech-to-text) after the number words became digits.
    minute_words = "|".join(sorted(_MINUTE_WORDS, key=len, reverse=True))
    text = re.sub(
        rf"\b(\d{{1,2}})\s+({minute_words})\b",
        lambda m: f"{m.group(1)}:{_MINUTE_WORDS[m.group(2)]:02d}",
        text,
    )
    return re.sub(r"\b(\d{1,2})\s+(\d{2})\b", r"\1:\2", text)


def resolve_time(text: str) -> time:
    """'15:00', '3pm', '3:30 pm', '9', 'noon', 'at 7', 'half past three', '7 tonight'.
    A bare hour from 1 to 7 means afternoon."""
    raw = text
    text = spoken_clock(text.strip().lower())
    evening, morning = EVENING.search(text), MORNING.search(text)
    text = re.sub(r"\b(in the|at|around|about|tonight|this|evening|morning|afternoon|night)\b",
                  " ", text)  # fmt: skip
    text = " ".join(text.replace(".", "").split())
    if text in ("noon", "midday", "12 noon"):
        return time(12)
    match = re.fullmatch(r"(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm|a|p)?(?:\s*o'?clock)?", text)
    if not match:
        raise UnclearWhen(f"I could not read the time {raw!r}; ask for a time like '3:30 pm'.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3) or ("pm" if evening else "am" if morning else None)
    if suffix in ("pm", "p") and hour < 12:
        hour += 12
    elif suffix in ("am", "a") and hour == 12:
        hour = 0
    elif suffix is None and 1 <= hour <= 7:
        hour += 12  # nobody books a 3 am appointment at a vet
    if hour > 23 or minute > 59:
        raise UnclearWhen(f"{raw!r} is not a time of day.")
    return time(hour, minute)


def resolve_datetime(
    day_text: str, time_text: str, now: datetime, zone: ZoneInfo, month_first: bool | None = None
) -> datetime:
    """Combine a spoken day and time into an aware datetime in the business's zone."""
    today = now.astimezone(zone).date()
    # A model may pass a full ISO datetime in the date field.
    if "t" in day_text.lower() and not time_text.strip():
        try:
            parsed = datetime.fromisoformat(day_text.strip())
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        except ValueError:
            pass
    return datetime.combine(
        resolve_date(day_text, today, month_first), resolve_time(time_text), tzinfo=zone
    )
