"""What the booking tools check in code before anything is booked, and what they say back.

A 1.5B model books the first free slot it saw, forgets the party size and reads a 90-minute
table back as "your appointment". So the tools compare the model's call with the caller's
own words and the business's rules (`AgentSpec`), and every refusal tells the model what
to do next: offer what is free, or take a message. A booking request never ends with
nothing stored.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.agents.country import month_first
from frontdesk.runtime.caller_words import AskedWhen
from frontdesk.runtime.services import BookingInfo
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.when_said import SaidTime

OR_MESSAGE = (
    " If nothing suits the caller, take a message with take_message (their name, number and "
    "what they wanted) so the business can call them back; never leave the request unsaved."
)
NEAREST = 3  # free times offered around the one the caller asked for


def say_day(day: date, country: str | None) -> str:
    """ "Saturday 12 December", or "Saturday December 12" where dates are said month first."""
    if month_first(country):
        return f"{day:%A %B} {day.day}"
    return f"{day:%A} {day.day} {day:%B}"


def say_clock(hhmm: str) -> str:
    """ "17:00" → "5 pm", "09:30" → "9:30 am": how a receptionist says a time."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    half = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}{f':{minute:02d}' if minute else ''} {half}"


# A 24-hour clock time not already followed by am/pm ("19:00", "(until 20:30)").
_HHMM = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])(?!\s?[ap]\.?m\b)", re.I)


def say_clocks(text: str) -> str:
    """Every 24-hour time in a sentence for the caller said the way people say it: a voice
    reads "19:00" as "nineteen hundred", and callers say "7 pm"."""
    return _HHMM.sub(lambda m: say_clock(m.group(0)), text)


def _singular(name: str) -> str:
    words = name.split()
    if not words:
        return name
    last = words[-1]
    for plural, single in (("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if last.lower().endswith(plural):
            words[-1] = last[: -len(plural)] + single
            return " ".join(words)
    if len(last) > 3 and last.endswith("s") and not last.lower().endswith(("ss", "us", "is")):
        words[-1] = last[:-1]
    return " ".join(words)


def kind_label(name: str) -> str:
    """ "Tables" → "table", "Check-ups" → "check-up": how a booking of it is named."""
    single = _singular(name.strip())
    # Keep proper capitals ("MRI scan"), lower a capitalised first word ("Table").
    return single[:1].lower() + single[1:] if single[1:2].islower() else single


def _words(text: str) -> set[str]:
    return {_singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def match_kind(spec: AgentSpec, asked: str) -> dict[str, Any] | None:
    """The appointment type the model meant: its key or name, a word of its name ("dinner
    table" → "Tables"), or the only type there is. None when it cannot tell."""
    kinds = spec.appointment_types
    wanted = asked.strip().lower()
    if not kinds:
        return None
    if not wanted:
        return kinds[0]
    for kind in kinds:
        if wanted in (str(kind["key"]).lower(), str(kind["name"]).lower()):
            return kind
    said = _words(wanted)
    overlapping = [k for k in kinds if said & _words(f"{k['key']} {k['name']}")]
    if len(overlapping) == 1:
        return overlapping[0]
    return kinds[0] if len(kinds) == 1 else None


def party_refusal(spec: AgentSpec, party: int | None) -> str | None:
    """Why a group this size cannot be booked here, for the model to explain."""
    if party is None or spec.max_party_size is None or party <= spec.max_party_size:
        return None
    rule = f' The business says: "{spec.booking_rules}".' if spec.booking_rules else ""
    return (
        f"Not booked: a party of {party} is more than the {spec.max_party_size} people that "
        f"can be booked here.{rule} Explain that to the caller, and offer to take a message "
        "with take_message (their name, number, the day, time and party size) so the team "
        "can call them back about a large group. Do not offer times."
    )


def nearest(starts: list[datetime], wanted: datetime, count: int = NEAREST) -> list[datetime]:
    return sorted(sorted(starts, key=lambda s: abs(s - wanted))[:count])


def spread(starts: list[datetime], zone: ZoneInfo, count: int = 8) -> list[datetime]:
    """Free starts across the whole day (the first of each hour), not only its first hour:
    offered "10:00, 10:15, 10:30…" a model books 10:00 whatever the caller wanted."""
    by_hour: dict[int, datetime] = {}
    for start in starts:
        by_hour.setdefault(start.astimezone(zone).hour, start)
    picked = list(by_hour.values())
    if len(picked) <= count:
        return picked
    step = len(picked) / count
    return [picked[int(i * step)] for i in range(count)]


def _hhmm(moments: list[datetime], zone: ZoneInfo) -> str:
    times = [f"{m.astimezone(zone):%H:%M}" for m in moments]
    return ", ".join(times[:-1]) + f" and {times[-1]}" if len(times) > 1 else "".join(times)


def best_reading(said: SaidTime, day: date, zone: ZoneInfo, starts: list[datetime]) -> datetime:
    """The clock time "at 8" means on `day`: the reading nearest a bookable time (a
    restaurant's 8 is 20:00), the likelier one when nothing is free."""
    readings = [datetime.combine(day, t, tzinfo=zone) for t in said.readings()]
    if not starts:
        return readings[0]
    return min(readings, key=lambda r: min(abs(s - r) for s in starts))


def free_at(
    wanted: datetime, starts: list[datetime], zone: ZoneInfo, country: str | None
) -> tuple[bool, str]:
    """Whether `wanted` is free, and a sentence saying so or naming the nearest free times."""
    local = wanted.astimezone(zone)
    day = say_day(local.date(), country)
    if any(s == wanted for s in starts):
        return True, f"{local:%H:%M} on {day} is free."
    if not starts:
        return False, f"Nothing is free on {day}."
    return False, (
        f"{local:%H:%M} on {day} is not free; the nearest free times that day are "
        f"{_hhmm(nearest(starts, wanted), zone)}."
    )


def differs(asked: AskedWhen, start: datetime, zone: ZoneInfo) -> tuple[date, SaidTime | None]:
    """The day and time the caller asked for where the booked `start` is not it; (the day
    itself, None) when both agree."""
    local = start.astimezone(zone)
    day, moment = local.date(), local.time()
    day_ok = not asked.days or day in asked.days or day in asked.offered_days
    time_ok = not asked.times or any(t.matches(moment) for t in asked.times + asked.offered_times)
    want_day = day if day_ok else asked.days[0]
    if day_ok and time_ok:
        return want_day, None
    want_time = SaidTime(local.hour, local.minute) if time_ok else asked.times[-1]
    return want_day, want_time


def mismatch(
    wanted: datetime, start: datetime, starts: list[datetime], zone: ZoneInfo,
    country: str | None,
) -> str:  # fmt: skip
    """The refusal of a booking at `start` when the caller asked for `wanted`."""
    asked_local, got = wanted.astimezone(zone), start.astimezone(zone)
    asked_day = say_day(asked_local.date(), country)
    head = (
        f"Not booked: the caller asked for {asked_day} at {asked_local:%H:%M}, not "
        f"{say_day(got.date(), country)} at {got:%H:%M}. "
    )
    free, sentence = free_at(wanted, starts, zone, country)
    if free:
        return head + (
            f'{sentence} Call book_appointment again with day "{asked_day}" and time '
            f'"{asked_local:%H:%M}".'
        )
    return (
        head + sentence + " Offer these to the caller and book the one they choose." + (OR_MESSAGE)
    )


def confirmation(info: BookingInfo, spec: AgentSpec, verb: str = "Booked") -> str:
    """ "Booked a 90-minute table for Dana Wu, party of 4, on Saturday 12 December at 19:00
    (until 20:30)." The day, date, time and length, for the model to read back."""
    zone = ZoneInfo(spec.timezone)
    local = info.starts_at.astimezone(zone)
    label = kind_label(info.type_name or info.appointment_type)
    length = f"{info.duration_minutes}-minute " if info.duration_minutes else ""
    party = f", party of {info.party_size}," if info.party_size else ""
    on = "now on" if verb == "Moved" else "on"
    text = (
        f"{verb}{':' if verb == 'Moved' else ''} a {length}{label} for {info.customer_name}"
        f"{party} {on} {say_day(local.date(), spec.country)} at {local:%H:%M}"
    )
    if info.duration_minutes:
        text += f" (until {local + timedelta(minutes=info.duration_minutes):%H:%M})"
    text += f"; appointment {info.appointment_id}."
    if verb != "Cancelled":
        if spec.hold_minutes:
            text += f" The {label} is held for {spec.hold_minutes} minutes after that time."
        text += " Read the day, date, time and length back to the caller."
    return text
