"""Answered gaps in the agent's exam.

When no exam question was about a gap, its answer's re-run asked the gap's own question;
from then on that question is part of every exam of the agent, expecting the owner's
answer, so a later change to the knowledge that loses the answer shows up as a failure.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontdesk.exams.question_bank import ExamQuestion
from frontdesk.knowledge_gaps.repository import KnowledgeGapRepository

# The `source` of an exam question that a knowledge gap added.
GAP_SOURCE = "knowledge gap"


def answered_gap_questions(
    db: Session, agent_id: str, *, except_gap: str | None = None
) -> list[ExamQuestion]:
    """The questions answered gaps added to the exam, oldest answer first."""
    return [
        ExamQuestion(gap.question, [gap.answer or ""], source=GAP_SOURCE)
        for gap in KnowledgeGapRepository(db).answered(agent_id)
        if gap.id != except_gap
        and any(r.get("source") == GAP_SOURCE for r in gap.rerun_results or [])
    ]
