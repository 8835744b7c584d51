from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class LeadPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agent_id: str
    conversation_id: str | None
    name: str
    phone: str | None
    email: str | None
    interest: str | None
    notes: str | None
    created_at: datetime
