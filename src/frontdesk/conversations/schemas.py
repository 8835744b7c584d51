from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from frontdesk.timestamps import UtcDatetime


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


Channel = Literal["text", "voice", "livekit", "exam"]


class ConversationListed(BaseModel):
    id: str
    channel: str = Field(description='"text", "voice" (browser call), "livekit" or "exam"')
    source: str = Field(description='Who opened it: "owner" (dashboard, API) or "widget"')
    status: str = Field(description='"active" or "ended"')
    created_at: UtcDatetime
    ended_at: UtcDatetime | None
    end_reason: str | None
    turn_count: int
    preview: str | None = Field(description="The caller's first words (≤120 characters)")


class ConversationPage(BaseModel):
    total: int = Field(description="Conversations matching the filters")
    conversations: list[ConversationListed]
