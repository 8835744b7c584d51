from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from frontdesk.timestamps import UtcDatetime

QuestionKind = Literal["ask", "confirm", "conflict", "follow_up"]


class InterviewQuestion(BaseModel):
    id: str
    topic: str
    topic_label: str
    kind: QuestionKind = Field(
        description="ask: the site does not say; confirm: is the quoted text still right; "
        "conflict: two pages disagree; follow_up: builds on an earlier answer"
    )
    text: str
    quote: str | None = Field(description="What the website or documents say, when quoted")
    answer: str | None
    skipped: bool


class InterviewState(BaseModel):
    status: Literal["active", "completed"]
    position: int = Field(description="Index of the current question")
    total: int
    answered: int
    skipped: int
    done: bool = Field(description="Every question answered or skipped: ready to finish")
    current: InterviewQuestion | None
    questions: list[InterviewQuestion]
    updated_at: UtcDatetime


class StartInterview(BaseModel):
    restart: bool = Field(default=False, description="Plan a new interview over the old one")


class AnswerBody(BaseModel):
    question_id: str = Field(min_length=1, max_length=100)
    answer: str = Field(min_length=1, max_length=4000)


class SkipBody(BaseModel):
    question_id: str = Field(min_length=1, max_length=100)


class FinishBody(BaseModel):
    overwrite: bool = Field(
        default=False, description="Replace fields the owner edited since the last generation"
    )
