"""An agent's calendar rules: opening hours, time zone, appointment types and booking limits."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AppointmentType(BaseModel):
    key: str = Field(min_length=1, max_length=64, description="Short id, e.g. 'checkup'")
    name: str = Field(min_length=1, max_length=200)
    duration_minutes: int = Field(ge=5, le=8 * 60)
    description: str = Field(default="", max_length=1000)
    min_notice_minutes: int | None = Field(
        default=None,
        ge=0,
        le=60 * 24 * 90,
        description="Notice this kind needs (e.g. 72 hours for a custom cake); the calendar's "
        "own min_notice_minutes when left out",
    )

    @field_validator("key")
    @classmethod
    def _slug(cls, value: str) -> str:
        value = value.strip().lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
            raise ValueError("use lowercase letters, digits, '-' and '_'")
        return value


def _local(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a time without an offset, e.g. 09:00: the agent's timezone applies")
    return value


# A wall-clock time in the agent's timezone. JSON Schema's "time" format means a time with
# an offset (RFC 3339), which these are not, so the document says what they are instead.
WallClock = Annotated[
    time,
    AfterValidator(_local),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "HH:MM in the agent's timezone",
        }
    ),
]


class OpeningInterval(BaseModel):
    opens: WallClock
    closes: WallClock

    @model_validator(mode="after")
    def _ordered(self) -> OpeningInterval:
        if self.closes <= self.opens:
            raise ValueError(f"closes ({self.closes}) must be after opens ({self.opens})")
        return self


def _default_hours() -> dict[Weekday, list[OpeningInterval]]:
    weekday = [OpeningInterval(opens=time(9), closes=time(17))]
    return {d: list(weekday) for d in WEEKDAYS[:5]}


class CallerChanges(BaseModel):
    """On which channels callers may cancel or move their own bookings themselves.

    Even where it is on, a caller changes only a booking they proved is theirs (made earlier
    in the same conversation, or booked with the number a phone call comes from); where it
    is off, the agent takes a message for the business instead. Anyone on the internet can
    open the public widget, so it starts off there.
    """

    owner: bool = Field(
        default=True,
        description="Conversations opened with the owner's sign-in or API key: the "
        "dashboard's test console, the API, exams",
    )
    widget_text: bool = Field(default=False, description="The public widget's text chat")
    widget_voice: bool = Field(default=False, description="The public widget's voice calls")
    phone: bool = Field(
        default=True,
        description="Calls to the business's phone number; a booking is the caller's when it "
        "was made with the number they call from",
    )

    def allows(self, *, channel: str, source: str) -> bool:
        """Whether a conversation of `channel` opened by `source` may change bookings."""
        if source == "widget":
            return self.widget_text if channel == "text" else self.widget_voice
        if source == "owner":
            return self.owner
        if source == "phone":
            return self.phone
        return False  # a channel nobody has decided on yet


class SchedulingConfig(BaseModel):
    """Everything the built-in calendar needs; stored as JSON on the agent."""

    timezone: str = "UTC"
    hours: dict[Weekday, list[OpeningInterval]] = Field(default_factory=_default_hours)
    closed_dates: list[date] = Field(default_factory=list)
    appointment_types: list[AppointmentType] = Field(
        default_factory=lambda: [
            AppointmentType(key="appointment", name="Appointment", duration_minutes=30)
        ]
    )
    slot_minutes: int = Field(default=15, ge=5, le=120, description="Calendar granularity")
    buffer_minutes: int = Field(default=0, ge=0, le=240, description="Gap after each booking")
    min_notice_minutes: int = Field(default=120, ge=0, le=60 * 24 * 30)
    horizon_days: int = Field(default=60, ge=1, le=366)
    # Rules the business states ("groups of 8 or more must call", "tables are held for 15
    # minutes"), confirmed by the owner in the interview; the booking tool enforces them.
    max_party_size: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="The largest group callers may book; a larger one is asked to call",
    )
    hold_minutes: int | None = Field(
        default=None,
        ge=1,
        le=24 * 60,
        description="How long a booking is held for a late arrival; told in the confirmation",
    )
    booking_rules: str = Field(
        default="",
        max_length=1000,
        description="The booking rules in the business's own words, read to callers",
    )
    caller_changes: CallerChanges = Field(default_factory=CallerChanges)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use a name like 'Europe/London'"
            ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SchedulingConfig:
        keys = [t.key for t in self.appointment_types]
        if len(keys) != len(set(keys)):
            raise ValueError("appointment type keys must be unique")
        if 60 % self.slot_minutes and self.slot_minutes % 60:
            raise ValueError("slot_minutes must divide an hour (5, 10, 15, 20, 30, 60…)")
        for t in self.appointment_types:
            if t.duration_minutes % self.slot_minutes:
                raise ValueError(
                    f"{t.name}: duration must be a multiple of slot_minutes ({self.slot_minutes})"
                )
        if self.buffer_minutes % self.slot_minutes:
            raise ValueError("buffer_minutes must be a multiple of slot_minutes")
        for day, intervals in self.hours.items():
            ordered = sorted(intervals, key=lambda i: i.opens)
            for a, b in zip(ordered, ordered[1:], strict=False):
                if b.opens < a.closes:
                    raise ValueError(f"opening hours on {day} overlap")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def appointment_type(self, key: str) -> AppointmentType | None:
        key = key.strip().lower()
        for t in self.appointment_types:
            if t.key == key or t.name.lower() == key:
                return t
        return None

    def describe_hours(self) -> str:
        """Opening hours as one line a receptionist can read out."""
        names = {
            "mon": "Mon",
            "tue": "Tue",
            "wed": "Wed",
            "thu": "Thu",
            "fri": "Fri",
            "sat": "Sat",
            "sun": "Sun",
        }
        parts = []
        for day in WEEKDAYS:
            intervals = self.hours.get(day) or []
            if intervals:
                spans = ", ".join(f"{i.opens:%H:%M}-{i.closes:%H:%M}" for i in intervals)
                parts.append(f"{names[day]} {spans}")
            else:
                parts.append(f"{names[day]} closed")
        return "; ".join(parts)
