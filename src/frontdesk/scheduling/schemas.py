from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


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
