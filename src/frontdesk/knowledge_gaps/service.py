"""Knowledge gaps for the owner: list, answer (the answer becomes knowledge), dismiss."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from frontdesk.agents.service import AgentService
from frontdesk.errors import Conflict, NotFound, ValidationFailed
from frontdesk.knowledge.service import KnowledgeService
from frontdesk.knowledge_gaps.repository import KnowledgeGapRepository
from frontdesk.knowledge_gaps.rerun import plan_rerun
from frontdesk.models import Agent, KnowledgeGap, KnowledgeGapQuestion, KnowledgeSource
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal

ANSWER_MAX_CHARS = 4000
REASON_MAX_CHARS = 500
EXAMPLES_PER_GAP = 5
RERUN_ACTIVE = ("waiting", "running")


def knowledge_text(question: str, answer: str) -> str:
    """What the agent's knowledge holds for an answered gap. The question is kept beside
    the answer so a caller's wording finds it by keywords as well as by meaning."""
    return f"Q: {question}\nA: {answer}"


class KnowledgeGapService:
    def __init__(self, db: Session, resources: Resources, principal: Principal) -> None:
        self.db = db
        self.resources = resources
        self.principal = principal
        self.repo = KnowledgeGapRepository(db)
        self.agents = AgentService(db, resources, principal)

    def agent(self, agent_id: str) -> Agent:
        """The principal's agent; another workspace's is a 404."""
        return self.agents.get(agent_id)

    def find(
        self, agent: Agent, status: str | None
    ) -> tuple[Sequence[KnowledgeGap], dict[str, list[KnowledgeGapQuestion]], dict[str, int]]:
        """Gaps (most asked first), their example questions, and how many of each status."""
        gaps = self.repo.for_agent(agent.id, status)
        examples = self.repo.examples([g.id for g in gaps], EXAMPLES_PER_GAP)
        return gaps, examples, self.repo.counts_by_status(agent.id)

    def get(self, agent: Agent, gap_id: str) -> KnowledgeGap:
        gap = self.repo.get(self.principal.workspace_id, agent.id, gap_id)
        if gap is None:
            raise NotFound("No such knowledge gap on this agent.")
        return gap

    def examples(self, gap: KnowledgeGap) -> list[KnowledgeGapQuestion]:
        return self.repo.examples([gap.id], EXAMPLES_PER_GAP)[gap.id]

    def answer(
        self, agent: Agent, gap_id: str, answer: str
    ) -> tuple[KnowledgeGap, KnowledgeSource]:
        """Store the answer as a text knowledge source (indexed by the ingestion queue) and
        plan the exam re-run, which the caller starts once this transaction commits."""
        gap = self.get(agent, gap_id)
        text = answer.strip()
        if not text:
            raise ValidationFailed("Write the answer the agent should give before saving it.")
        if len(text) > ANSWER_MAX_CHARS:
            raise ValidationFailed(
                f"The answer is {len(text)} characters; keep it under {ANSWER_MAX_CHARS}, or "
                "add a longer text as a knowledge source."
            )
        if gap.rerun_status in RERUN_ACTIVE:
            raise Conflict(
                "The previous answer is still being checked; wait for its re-run to finish."
            )
        knowledge = KnowledgeService(self.db, self.resources)
        content = knowledge_text(gap.question, text)
        source = knowledge.repo.source(agent.workspace_id, agent.id, gap.source_id or "")
        if source is not None and source.kind == "text":
            # Answering again replaces the earlier answer's text rather than adding a second
            # source the agent would have to choose between.
            if source.status in ("queued", "running"):
                raise Conflict("The earlier answer is still being indexed; try again shortly.")
            source.title, source.text = gap.question[:300], content
            source = knowledge.recrawl(agent, source.id)
        else:
            source = knowledge.add_text(agent, gap.question[:300], content)
        now = datetime.now(UTC)
        gap.status, gap.answer, gap.source_id, gap.answered_at = "answered", text, source.id, now
        gap.dismissed_reason = gap.dismissed_at = None
        gap.rerun_results = plan_rerun(self.resources, self.db, agent, gap, text)
        gap.rerun_status, gap.rerun_error = "waiting", None
        gap.rerun_started_at, gap.rerun_finished_at = now, None
        self.db.flush()
        return gap, source

    def dismiss(self, agent: Agent, gap_id: str, reason: str) -> KnowledgeGap:
        gap = self.get(agent, gap_id)
        reason = " ".join(reason.split())
        if not reason:
            raise ValidationFailed(
                'Say why this gap is dismissed (e.g. "not something we offer"), so the team '
                "knows later."
            )
        if len(reason) > REASON_MAX_CHARS:
            raise ValidationFailed(f"Keep the reason under {REASON_MAX_CHARS} characters.")
        gap.status, gap.dismissed_reason, gap.dismissed_at = "dismissed", reason, datetime.now(UTC)
        self.db.flush()
        return gap

    def reopen(self, agent: Agent, gap_id: str) -> KnowledgeGap:
        """Back to open; an earlier answer and its knowledge source stay."""
        gap = self.get(agent, gap_id)
        gap.status, gap.dismissed_reason, gap.dismissed_at = "open", None, None
        self.db.flush()
        return gap
