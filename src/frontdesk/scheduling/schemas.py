from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class AppointmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agent_id: str
    conversation_id: str | None
    appointment_type: str
    starts_at: datetime
    ends_at: datetime
    status: str
    customer_name: str
    customer_phone: str | None
    customer_email: str | None
    notes: str | None
    created_at: datetime


class AvailabilityPublic(BaseModel):
    appointment_type: str
    timezone: str
    starts: list[datetime]


class AppointmentDetail(AppointmentPublic):
    confirmation: str = Field(
        description="What to read out or send the caller: type, business, local date and "
        "time, address, and how to cancel"
    )


class RescheduleIn(BaseModel):
    starts_at: AwareDatetime = Field(
        description="The new start, with its UTC offset (e.g. 2026-12-01T09:30:00-05:00)"
    )


class CalendarFeedPublic(BaseModel):
    ics_url: str = Field(
        description="Secret address of the agent's ICS feed; anyone who has it can read the "
        "appointments, so share it only with a calendar app"
    )
