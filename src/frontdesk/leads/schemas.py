from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.timestamps import UtcDatetime

# The owner's workflow; a lead starts "new".
LeadStatus = Literal["new", "contacted", "won", "lost"]
LeadCategory = Literal["booking", "pricing", "callback", "service question", "other"]


class LeadPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agent_id: str
    conversation_id: str | None
    name: str
    phone: str | None
    email: str | None
    interest: str | None
    notes: str | None = Field(description="What the caller asked the agent to pass on")
    status: LeadStatus
    score: int | None = Field(description="0-100, higher is likelier to buy; see score_reason")
    category: str | None = Field(description="booking, pricing, callback, service question, other")
    score_reason: str | None = Field(description="The signals the score counts, in a sentence")
    owner_notes: str | None = Field(description="The owner's own notes")
    created_at: UtcDatetime


class LeadPage(BaseModel):
    total: int = Field(description="Leads matching the filters, before limit and offset")
    leads: list[LeadPublic]


class LeadUpdate(BaseModel):
    """Only the fields sent change; `owner_notes: null` clears the notes."""

    model_config = ConfigDict(extra="forbid")

    status: LeadStatus | None = None
    owner_notes: str | None = Field(default=None, max_length=10_000)
