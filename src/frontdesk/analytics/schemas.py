"""What the analytics endpoints answer; every figure's definition is in its description."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Interval = Literal["day", "week"]

OUTCOME_KEYS = (
    "answered",
    "lead_captured",
    "booked",
    "message_taken",
    "handed_off",
    "abandoned",
    "not_analysed",
)


class Outcomes(BaseModel):
    """Conversations by outcome (conversations/analysis.py decides it from the tools used)."""

    answered: int = 0
    lead_captured: int = 0
    booked: int = 0
    message_taken: int = 0
    handed_off: int = 0
    abandoned: int = 0
    not_analysed: int = Field(
        default=0, description="Still going, or ended but not analysed yet (no outcome)"
    )


class Latency(BaseModel):
    turns: int = Field(description="Agent replies measured")
    average_ms: float | None = Field(description="Mean, in milliseconds; null with no turns")
    p95_ms: float | None = Field(
        description="95th percentile by nearest rank (the smallest measured value that at "
        "least 95% of the turns do not exceed); null with no turns"
    )


class LatencyByChannel(BaseModel):
    text: Latency = Field(
        description="Typed conversations: `reply_ms`, the caller's message received to the "
        "agent's whole reply ready (the greeting, fixed text, is not counted)"
    )
    voice: Latency = Field(
        description="Calls (browser and LiveKit): `end_of_speech_to_audio_ms`, the end of the "
        "caller's speech to the agent's first audio sent back"
    )


class Figures(BaseModel):
    conversations: int = Field(description="Conversations started (exams excluded)")
    minutes: float = Field(
        description="Talk time, to 0.1 minute. A call counts from the caller joining "
        "(connected) to its end; a call never answered, or still going, counts 0. A typed "
        "conversation counts from its start to its last message (nobody hangs up a chat)."
    )
    outcomes: Outcomes
    contained: int = Field(
        description="Conversations resolved without a hand-off: answered, lead captured, "
        "booked or message taken"
    )
    containment_base: int = Field(
        description="Conversations containment is measured on: analysed and not abandoned "
        "(contained + handed off)"
    )
    containment: float | None = Field(
        description="contained / containment_base, from 0 to 1; null when the base is 0"
    )
    leads: int = Field(description="Leads created (callers who left their details)")
    bookings: int = Field(description="Appointments booked, including ones cancelled since")
    latency: LatencyByChannel


class Bucket(Figures):
    start: date = Field(description="First day of the bucket (a Monday for weeks)")
    end: date = Field(description="Last day of the bucket counted, clipped to the range")


class AgentFigures(Figures):
    agent_id: str
    name: str


class Topic(BaseModel):
    phrase: str
    conversations: int = Field(description="Conversations in which a caller said it")


class AnalyticsReport(BaseModel):
    agent_id: str | None = Field(description="The agent, or null for the whole workspace")
    from_date: date
    to_date: date = Field(description="Last day included")
    interval: Interval
    timezone: str = Field(description="Days, weeks and hours are counted in this time zone")
    totals: Figures
    buckets: list[Bucket] = Field(description="One per day or week of the range, empty ones too")
    busiest_hours: list[list[int]] = Field(
        description="Conversations started by weekday and hour in the time zone: 7 rows "
        "(Monday first) of 24 counts (hour 0 first)"
    )
    topics: list[Topic] = Field(
        description="The words and two-word phrases callers used in the most conversations "
        "(common words removed), at most 10, from the range's latest 1,000 conversations"
    )
    agents: list[AgentFigures] = Field(
        description="Each agent's figures for the whole range, most conversations first: "
        "every agent of the workspace, or only the one asked for"
    )
