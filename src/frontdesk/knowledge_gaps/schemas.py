from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.knowledge.schemas import SourcePublic
from frontdesk.knowledge_gaps.service import ANSWER_MAX_CHARS, REASON_MAX_CHARS
from frontdesk.models import KnowledgeGap, KnowledgeGapQuestion
from frontdesk.timestamps import UtcDatetime

GapStatus = Literal["open", "answered", "dismissed"]
RerunStatus = Literal["waiting", "running", "done", "failed"]


class GapExample(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    conversation_id: str
    question: str = Field(description="The caller's words")
    kind: Literal["unanswered", "low_confidence", "unsupported"] = Field(
        description="unanswered: the analysis found it; low_confidence: the agent's reply "
        "showed it did not know; unsupported: the agent's answer stated something its "
        "knowledge did not support, and was withheld"
    )
    reason: str | None = Field(
        default=None, description='What was withheld, e.g. "unsupported: $50 per pound"'
    )
    asked_at: UtcDatetime


class RerunQuestion(BaseModel):
    question: str
    expected: list[str] = Field(description="Facts the reply must contain")
    answerable: bool
    source: str = Field(description="Where the exam question came from")
    similarity: float | None = Field(description="Average cosine similarity to the gap")
    reply: str | None = Field(default=None, description="The agent's reply, once asked")
    passed: bool | None = None
    why: str | None = None


class GapRerun(BaseModel):
    status: RerunStatus = Field(
        description="waiting for the answer to be indexed, running, done or failed"
    )
    questions: list[RerunQuestion]
    answered: int
    passed: int
    error: str | None
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None


class KnowledgeGapPublic(BaseModel):
    id: str
    agent_id: str
    status: GapStatus
    question: str = Field(description="The question closest to the group's centre")
    count: int = Field(description="Conversations that asked it")
    first_seen_at: UtcDatetime
    last_seen_at: UtcDatetime
    examples: list[GapExample] = Field(description="The newest, one per conversation")
    answer: str | None
    source_id: str | None = Field(description="The knowledge source the answer became")
    answered_at: UtcDatetime | None
    dismissed_reason: str | None
    dismissed_at: UtcDatetime | None
    rerun: GapRerun | None = Field(description="The exam questions re-asked after the answer")


class KnowledgeGapList(BaseModel):
    gaps: list[KnowledgeGapPublic]
    counts: dict[str, int] = Field(description="Gaps of the agent by status, whatever the filter")


class GapAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(
        max_length=ANSWER_MAX_CHARS, description="What the agent should tell callers"
    )


class GapDismiss(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=REASON_MAX_CHARS, description="Why it needs no answer")


class GapAnswered(BaseModel):
    gap: KnowledgeGapPublic
    source: SourcePublic


def rerun_public(gap: KnowledgeGap) -> GapRerun | None:
    if gap.rerun_status is None:
        return None
    results: list[dict[str, Any]] = list(gap.rerun_results or [])
    return GapRerun(
        status=gap.rerun_status,  # type: ignore[arg-type]
        questions=[RerunQuestion.model_validate(r) for r in results],
        answered=sum(r.get("passed") is not None for r in results),
        passed=sum(r.get("passed") is True for r in results),
        error=gap.rerun_error,
        started_at=gap.rerun_started_at,
        finished_at=gap.rerun_finished_at,
    )


def gap_public(gap: KnowledgeGap, examples: list[KnowledgeGapQuestion]) -> KnowledgeGapPublic:
    return KnowledgeGapPublic(
        id=gap.id,
        agent_id=gap.agent_id,
        status=gap.status,  # type: ignore[arg-type]
        question=gap.question,
        count=gap.count,
        first_seen_at=gap.first_seen_at,
        last_seen_at=gap.last_seen_at,
        examples=[GapExample.model_validate(e) for e in examples],
        answer=gap.answer,
        source_id=gap.source_id,
        answered_at=gap.answered_at,
        dismissed_reason=gap.dismissed_reason,
        dismissed_at=gap.dismissed_at,
        rerun=rerun_public(gap),
    )
