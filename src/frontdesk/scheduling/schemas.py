from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from frontdesk.timestamps import UtcDatetime


class AppointmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agent_id: str
    conversation_id: str | None
    appointment_type: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    status: str
    customer_name: str
    customer_phone: str | None
    customer_email: str | None
    notes: str | None
    party_size: int | None = None
    created_at: UtcDatetime


class AvailabilityPublic(BaseModel):
    appointment_type: str
    timezone: str
    starts: list[UtcDatetime]


class AppointmentDetail(AppointmentPublic):
    confirmation: str = Field(
        description="What to read out or send the caller: type, business, local date and "
        "time, address, and how to cancel"
    )


class RescheduleIn(BaseModel):
    starts_at: AwareDatetime = Field(
        description="The new start, with its UTC offset (e.g. 2026-12-01T09:30:00-05:00)"
    )


class AppointmentCreate(BaseModel):
    starts_at: AwareDatetime = Field(
        description="The start, with its UTC offset (e.g. 2026-12-01T09:30:00-05:00)"
    )
    appointment_type: str | None = Field(
        default=None, max_length=64, description="Key or name; the first type when left out"
    )
    customer_name: str = Field(min_length=1, max_length=200)
    customer_phone: str | None = Field(default=None, max_length=40)
    customer_email: str | None = Field(default=None, max_length=320)
    notes: str | None = Field(default=None, max_length=2000)
    party_size: int | None = Field(
        default=None, ge=1, le=1000, description="How many people, where that matters"
    )


class CalendarFeedPublic(BaseModel):
    ics_url: str = Field(
        description="Secret address of the agent's ICS feed; anyone who has it can read the "
        "appointments, so share it only with a calendar app"
    )


class CalendarDiscoverIn(BaseModel):
    server_url: str = Field(
        min_length=1,
        max_length=2000,
        description="The CalDAV address your calendar provider gives, e.g. "
        "https://caldav.example.com/dav/",
    )
    username: str = Field(min_length=1, max_length=320)
    password: str | None = Field(
        default=None,
        max_length=1000,
        description="Leave empty to keep the stored one (same username, and the server's "
        "scheme, host and port unchanged)",
    )

    @field_validator("server_url", "username")
    @classmethod
    def _stripped(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class CalendarConnectionIn(CalendarDiscoverIn):
    calendar_url: str | None = Field(
        default=None,
        max_length=2000,
        description="One of the calendars `discover` listed; may be left out when the account "
        "has exactly one",
    )


class CalendarChoicePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    url: str
    name: str


class CalendarConnectionPublic(BaseModel):
    # Not from_attributes: the row holds the real password, and this must never read it.
    server_url: str
    username: str
    password: Literal["…"] = Field(
        default="…", description="Never returned; stored for the calendar server only"
    )
    calendar_url: str
    calendar_name: str
    status: Literal["connected", "error"] = Field(
        description="How the last check went: when saving, or with `check`"
    )
    last_error: str | None
    checked_at: UtcDatetime | None
    updated_at: UtcDatetime
