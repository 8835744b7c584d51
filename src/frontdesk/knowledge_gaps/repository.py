"""All queries on knowledge gaps and their questions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from frontdesk.models import Agent, KnowledgeGap, KnowledgeGapQuestion


class KnowledgeGapRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_agent(self, agent_id: str) -> None:
        """Serialize grouping per agent: two analyses landing at once must not both start a
        group for the same question. (PostgreSQL row lock; SQLite has one writer anyway.)"""
        self.session.execute(select(Agent.id).where(Agent.id == agent_id).with_for_update())

    def get(self, workspace_id: str, agent_id: str, gap_id: str) -> KnowledgeGap | None:
        return self.session.scalar(
            select(KnowledgeGap).where(
                KnowledgeGap.id == gap_id,
                KnowledgeGap.agent_id == agent_id,
                KnowledgeGap.workspace_id == workspace_id,
            )
        )

    def for_agent(self, agent_id: str, status: str | None = None) -> Sequence[KnowledgeGap]:
        """Most asked first; among equals the most recently asked."""
        query = select(KnowledgeGap).where(KnowledgeGap.agent_id == agent_id)
        if status:
            query = query.where(KnowledgeGap.status == status)
        return self.session.scalars(
            query.order_by(
                KnowledgeGap.count.desc(), KnowledgeGap.last_seen_at.desc(), KnowledgeGap.id
            )
        ).all()

    def counts_by_status(self, agent_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(KnowledgeGap.status, func.count())
            .where(KnowledgeGap.agent_id == agent_id)
            .group_by(KnowledgeGap.status)
        )
        return {status: count for status, count in rows}

    def groups_oldest_first(self, agent_id: str) -> list[KnowledgeGap]:
        return list(
            self.session.scalars(
                select(KnowledgeGap)
                .where(KnowledgeGap.agent_id == agent_id)
                .order_by(KnowledgeGap.created_at, KnowledgeGap.id)
            )
        )

    def members(self, gap_id: str) -> list[KnowledgeGapQuestion]:
        return list(
            self.session.scalars(
                select(KnowledgeGapQuestion)
                .where(KnowledgeGapQuestion.gap_id == gap_id)
                .order_by(KnowledgeGapQuestion.asked_at, KnowledgeGapQuestion.id)
            )
        )

    def examples(
        self, gap_ids: Sequence[str], per_gap: int
    ) -> dict[str, list[KnowledgeGapQuestion]]:
        """The newest `per_gap` questions of each gap, one per conversation."""
        out: dict[str, list[KnowledgeGapQuestion]] = {gap_id: [] for gap_id in gap_ids}
        if not gap_ids:
            return out
        seen: set[tuple[str, str]] = set()
        rows = self.session.scalars(
            select(KnowledgeGapQuestion)
            .where(KnowledgeGapQuestion.gap_id.in_(gap_ids))
            .order_by(KnowledgeGapQuestion.asked_at.desc(), KnowledgeGapQuestion.id)
        )
        for row in rows:
            key = (row.gap_id, row.conversation_id)
            if key in seen or len(out[row.gap_id]) >= per_gap:
                continue
            seen.add(key)
            out[row.gap_id].append(row)
        return out

    def gap_ids_of_conversation(self, conversation_id: str) -> set[str]:
        return set(
            self.session.scalars(
                select(KnowledgeGapQuestion.gap_id).where(
                    KnowledgeGapQuestion.conversation_id == conversation_id
                )
            )
        )

    def forget_conversation(self, conversation_id: str) -> None:
        self.session.execute(
            delete(KnowledgeGapQuestion).where(
                KnowledgeGapQuestion.conversation_id == conversation_id
            )
        )

    def answered(self, agent_id: str) -> list[KnowledgeGap]:
        return list(
            self.session.scalars(
                select(KnowledgeGap)
                .where(
                    KnowledgeGap.agent_id == agent_id,
                    KnowledgeGap.status == "answered",
                    KnowledgeGap.answer.is_not(None),
                )
                .order_by(KnowledgeGap.answered_at, KnowledgeGap.id)
            )
        )
