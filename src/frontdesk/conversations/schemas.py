from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ConversationStarted(BaseModel):
    id: str
    agent_id: str
    greeting: str


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class ToolCallOut(BaseModel):
    name: str
    arguments: dict[str, Any]
    result: str | None
    error: bool


class MessageOut(BaseModel):
    conversation_id: str
    reply: str
    tool_calls: list[ToolCallOut]
    timings: dict[str, float] = Field(description="Milliseconds: first_token_ms, reply_ms")
    ended: bool


class TurnOut(BaseModel):
    seq: int
    role: str
    text: str
    tool_calls: list[ToolCallOut]
    timings: dict[str, float]
    at: datetime


class TranscriptOut(BaseModel):
    id: str
    agent_id: str
    channel: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    turns: list[TurnOut]
