from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontdesk.knowledge.schemas import SourcePublic
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.scheduling.config import SchedulingConfig
from frontdesk.timestamps import UtcDatetime

AgentStatus = Literal["draft", "ingesting", "interviewing", "ready", "deployed", "paused"]


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("the name cannot be blank")
    return value


class AgentCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    website_url: str | None = Field(default=None, max_length=2048)

    _name = field_validator("name")(_clean_name)

    @field_validator("website_url")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class Service(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    price: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=1000)


class HandoffContact(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=320)
    when: str | None = Field(default=None, max_length=500, description="When to hand off to them")


class BusinessFacts(BaseModel):
    """Structured facts the agent always knows (they sit in the stable prompt prefix)."""

    business_name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=320)
    website: str | None = Field(default=None, max_length=2048)
    hours_note: str | None = Field(default=None, max_length=1000)
    services: list[Service] = Field(default_factory=list, max_length=100)
    handoff_contacts: list[HandoffContact] = Field(default_factory=list, max_length=20)
    extra: dict[str, str] = Field(default_factory=dict, max_length=50)
    country: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="Two-letter ISO 3166 country code, e.g. GB: how callers' phone numbers and "
        "short dates are read; derived from the phone, time zone or address when left out",
    )


class AgentUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    website_url: str | None = Field(default=None, max_length=2048)
    persona_name: str | None = Field(default=None, max_length=100)
    instructions: str | None = Field(default=None, max_length=20_000)
    greeting: str | None = Field(default=None, max_length=1000)
    business_facts: BusinessFacts | None = None
    enabled_tools: list[str] | None = None
    scheduling: SchedulingConfig | None = None

    @field_validator("enabled_tools")
    @classmethod
    def _known_tools(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - set(TOOL_NAMES))
        if unknown:
            raise ValueError(f"unknown tools {unknown}; known: {list(TOOL_NAMES)}")
        return [t for t in TOOL_NAMES if t in value]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _clean_name(value) if value is not None else None


class AgentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    website_url: str | None
    status: AgentStatus
    exam_score: float | None = None
    onboarded_at: UtcDatetime | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class AgentCounts(BaseModel):
    source_count: int = Field(description="Knowledge sources (websites, files, texts)")
    chunk_count: int = Field(description="Chunks the knowledge sources were cut into")
    conversations_this_week: int = Field(
        description="Conversations started in the last 7 days (exam questions not counted)"
    )


class AgentListed(AgentPublic, AgentCounts):
    """An agent as the agents list shows it."""


class AgentSettings(AgentPublic):
    persona_name: str | None
    instructions: str | None
    greeting: str | None
    business_facts: BusinessFacts
    enabled_tools: list[str]
    scheduling: SchedulingConfig

    @field_validator("business_facts", mode="before")
    @classmethod
    def _facts(cls, value: object) -> object:
        return value or {}

    @field_validator("scheduling", mode="before")
    @classmethod
    def _scheduling(cls, value: object) -> object:
        return value or {}

    @field_validator("enabled_tools", mode="before")
    @classmethod
    def _tools(cls, value: object) -> object:
        # None means "every tool": new tools reach agents that never chose.
        return list(TOOL_NAMES) if value is None else value


class AgentDetail(AgentSettings, AgentCounts):
    sources: list[SourcePublic]
