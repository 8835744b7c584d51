"""The days and times named in free text: what a caller asked for, in their own words.

A small model reads "a table this Saturday at 7pm" and may still book Saturday 10:00, the
first free slot it saw. The booking tool therefore reads the caller's messages itself, in
code, against today in the business's time zone, and compares. Only phrases that are
clearly a day or a time count: "at 7", "7pm", "19:00", "half past three", "noon", "this
Saturday", "December 3", "3/12"; a bare number ("a table for 4") is never a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from frontdesk.runtime.when import (
    EVENING,
    MONTHS,
    MORNING,
    WEEKDAYS,
    UnclearWhen,
    resolve_date,
    spoken_clock,
)


@dataclass(frozen=True)
class SaidTime:
    """A time of day as said: "at 8" leaves the half of the day open (`either_half`)."""

    hour: int
    minute: int
    either_half: bool = False

    def matches(self, moment: time) -> bool:
        if moment.minute != self.minute:
            return False
        if self.either_half:
            return moment.hour % 12 == self.hour % 12
        return moment.hour == self.hour

    def readings(self) -> list[time]:
        """The clock times this could mean, the likelier first (a bare 1 to 7 is afternoon,
        as `resolve_time` reads it)."""
        if not self.either_half:
            return [time(self.hour, self.minute)]
        low, high = time(self.hour % 12, self.minute), time(self.hour % 12 + 12, self.minute)
        return [high, low] if 1 <= self.hour % 12 <= 7 else [low, high]

    def __str__(self) -> str:
        return f"{self.readings()[0]:%H:%M}"


@dataclass
class Mentions:
    days: list[date] = field(default_factory=list)
    times: list[SaidTime] = field(default_factory=list)


_MONTH = "|".join([*MONTHS, *(m[:3] for m in MONTHS if m != "may"), "sept"])
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
# Explicit dates first: a weekday said with one ("Saturday 12 December") only names it.
_DAYS = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(rf"\b{_ORDINAL}\s+(?:of\s+)?(?:{_MONTH})\b\.?(?:,?\s+\d{{4}})?"),
    re.compile(rf"\b(?:{_MONTH})\b\.?\s+(?:the\s+)?{_ORDINAL}\b(?:,?\s+\d{{4}})?"),
    # Slashes only: "7.30" is a time and "7.50" a price.
    re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?:/\d{2}(?:\d{2})?)?(?![\d/])"),
    re.compile(r"\b(?:the\s+)?day after tomorrow\b"),
    re.compile(r"\b(?:today|tomorrow|tonight)\b"),
    re.compile(rf"\b(?:(?:this|next|coming)\s+)?(?:{'|'.join(WEEKDAYS)})\b(?:,?\s+(?:the\s+)?)?"),
]
_SUFFIX = r"\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])"
_NOT_AFTER = r"(?<![\d£$€.,/:])"
_CROWD = r"(?!\s*(?:people|persons|guests|adults|kids|children|of us|pax|covers|diners|seats))"
_TIMES = [
    # (pattern, hour group, minute group, suffix group)
    (re.compile(rf"{_NOT_AFTER}(\d{{1,2}}):(\d{{2}})(?:{_SUFFIX})?(?!\d)"), 1, 2, 3),
    (re.compile(rf"{_NOT_AFTER}(\d{{1,2}})\.(\d{{2}}){_SUFFIX}"), 1, 2, 3),
    (re.compile(rf"{_NOT_AFTER}(\d{{1,2}}){_SUFFIX}"), 1, None, 2),
    (re.compile(r"\b(\d{1,2})\s*o'?clock\b"), 1, None, None),
    (
        re.compile(
            rf"\b(?:at|around|about|by|make it|how about|what about|say)\s+(\d{{1,2}})\b"
            rf"(?![:./]\d){_CROWD}"
        ),
        1,
        None,
        None,
    ),
    (
        re.compile(rf"\b(\d{{1,2}})\s+(?:instead|then|works|would work|is fine|is good){_CROWD}"),
        1,
        None,
        None,
    ),  # fmt: skip
]
_NOON = re.compile(r"\b(?:noon|midday)\b")
# A phone number said in pairs ("030 12 34 56 78") must not read as times or dates.
_PHONE = re.compile(r"\+?\d[\d\s().\-]{5,}\d")


def _days(text: str, today: date, month_first: bool | None) -> list[tuple[int, date]]:
    found: list[tuple[int, date]] = []
    taken: list[range] = []
    for pattern in _DAYS:
        for match in pattern.finditer(text):
            span = range(*match.span())
            if any(span.start in t or t.start in span or t.start == span.stop for t in taken):
                continue  # "Saturday 12 December": one day, read once
            try:
                day = resolve_date(match.group(0), today, month_first)
            except UnclearWhen:
                continue
            taken.append(span)
            found.append((match.start(), day))
    return found


def _times(text: str) -> list[tuple[int, SaidTime]]:
    evening, morning = EVENING.search(text), MORNING.search(text)
    found: list[tuple[int, SaidTime]] = [(m.start(), SaidTime(12, 0)) for m in _NOON.finditer(text)]
    taken: list[range] = []
    for pattern, hour_at, minute_at, suffix_at in _TIMES:
        for match in pattern.finditer(text):
            span = range(*match.span())
            if any(span.start in t or t.start in span for t in taken):
                continue
            hour = int(match.group(hour_at))
            minute = int(match.group(minute_at)) if minute_at else 0
            suffix = (match.group(suffix_at) or "").replace(".", "") if suffix_at else ""
            if hour > 23 or minute > 59:
                continue
            either = False
            if suffix == "pm" and hour < 12:
                hour += 12
            elif suffix == "am" and hour == 12:
                hour = 0
            elif (
                not suffix
                and 1 <= hour <= 12
                and not (minute_at and match.group(hour_at)[0] == "0")
            ):
                if evening and hour < 12:
                    hour += 12
                elif not morning:
                    either = True
            taken.append(span)
            found.append((match.start(), SaidTime(hour, minute, either)))
    return found


def mentions(text: str, today: date, month_first: bool | None = None) -> Mentions:
    """The days and times `text` names, in the order said."""
    lowered = " ".join(text.lower().split())
    lowered = _PHONE.sub(
        lambda m: " " if len(re.sub(r"\D", "", m.group(0))) >= 7 else m.group(0), lowered
    )
    lowered = spoken_clock(lowered)
    days = sorted(_days(lowered, today, month_first), key=lambda hit: hit[0])
    times = sorted(_times(lowered), key=lambda hit: hit[0])
    return Mentions(
        days=list(dict.fromkeys(d for _, d in days)),
        times=list(dict.fromkeys(t for _, t in times)),
    )
