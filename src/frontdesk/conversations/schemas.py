from __future__ import annotations

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
    at: UtcDatetime


Outcome = Literal["booked", "handed_off", "lead_captured", "message_taken", "answered", "abandoned"]
OUTCOME_HELP = (
    "How the conversation ended, decided from the tools the agent used (the first that "
    'applies): "booked", "handed_off", "lead_captured", "message_taken", then "answered" '
    '(the caller spoke and the agent replied) or "abandoned". Null until it is analysed.'
)


class CallerDetails(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


class TranscriptOut(BaseModel):
    id: str
    agent_id: str
    channel: str
    status: str
    started_at: UtcDatetime
    ended_at: UtcDatetime | None
    end_reason: str | None
    outcome: str | None = Field(description=OUTCOME_HELP)
    summary: str | None = Field(
        description="A language model's summary (≤400 characters); null when none could be made"
    )
    caller_details: CallerDetails | None = Field(
        description="What the caller gave: from the agent's tool calls first, then what the "
        "summary's model heard in the caller's own words"
    )
    caller_number: str | None = Field(
        default=None,
        description="Phone calls: the number the call came from (E.164), as the phone "
        "network reported it; null when withheld and on other channels",
    )
    transfer_to: str | None = Field(
        default=None, description="Phone calls: the number the agent put the caller through to"
    )
    unanswered: list[str] | None = Field(
        description="Questions the caller asked that the agent could not answer"
    )
    analyzed_at: UtcDatetime | None
    analysis_error: str | None = Field(description="Why the summary is missing, if it is")
    turns: list[TurnOut]


Channel = Literal["text", "voice", "livekit", "phone", "exam"]


class ConversationListed(BaseModel):
    id: str
    channel: str = Field(
        description='"text", "voice" (browser call), "livekit", "phone" (a call to the '
        'business\'s number) or "exam"'
    )
    source: str = Field(
        description='Who opened it: "owner" (dashboard, API), "widget" or "phone" (a caller '
        "on the business's number)"
    )
    status: str = Field(description='"active" or "ended"')
    created_at: UtcDatetime
    ended_at: UtcDatetime | None
    end_reason: str | None
    turn_count: int
    preview: str | None = Field(description="The caller's first words (≤120 characters)")
    outcome: str | None = Field(description=OUTCOME_HELP)
    summary: str | None


class ConversationPage(BaseModel):
    total: int = Field(description="Conversations matching the filters")
    conversations: list[ConversationListed]
