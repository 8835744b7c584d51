from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontdesk.knowledge.schemas import SourcePublic

AgentStatus = Literal["draft", "ingesting", "ready"]


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


class AgentUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    website_url: str | None = Field(default=None, max_length=2048)

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
    created_at: datetime
    updated_at: datetime


class AgentDetail(AgentPublic):
    sources: list[SourcePublic]
