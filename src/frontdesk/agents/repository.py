"""All queries about agents; every one is scoped by workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdesk.models import Agent, Conversation, KnowledgeSource


@dataclass(frozen=True)
class AgentCounts:
    source_count: int = 0
    chunk_count: int = 0
    conversations_this_week: int = 0


class AgentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: str, agent_id: str) -> Agent | None:
        return self.session.scalars(
            select(Agent).where(Agent.id == agent_id, Agent.workspace_id == workspace_id)
        ).first()

    def list(self, workspace_id: str, *, q: str | None, status: str | None) -> list[Agent]:
        query = select(Agent).where(Agent.workspace_id == workspace_id)
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Agent.name.ilike(f"%{escaped}%", escape="\\"))
        if status:
            query = query.where(Agent.status == status)
        return list(self.session.scalars(query.order_by(Agent.created_at.desc(), Agent.id)))

    def counts(self, agent_ids: Sequence[str]) -> dict[str, AgentCounts]:
        """Knowledge size and the past seven days' conversations of many agents, in two
        grouped queries. Exam conversations are the agent's own test, not callers."""
        if not agent_ids:
            return {}
        ids = list(agent_ids)
        knowledge = self.session.execute(
            select(
                KnowledgeSource.agent_id,
                func.count(),
                func.coalesce(func.sum(KnowledgeSource.chunk_count), 0),
            )
            .where(KnowledgeSource.agent_id.in_(ids))
            .group_by(KnowledgeSource.agent_id)
        )
        week_ago = datetime.now(UTC) - timedelta(days=7)
        recent = {
            agent_id: int(n)
            for agent_id, n in self.session.execute(
                select(Conversation.agent_id, func.count())
                .where(
                    Conversation.agent_id.in_(ids),
                    Conversation.created_at >= week_ago,
                    Conversation.channel != "exam",
                )
                .group_by(Conversation.agent_id)
            )
        }
        sizes = {agent_id: (int(n), int(chunks)) for agent_id, n, chunks in knowledge}
        return {
            agent_id: AgentCounts(
                source_count=sizes.get(agent_id, (0, 0))[0],
                chunk_count=sizes.get(agent_id, (0, 0))[1],
                conversations_this_week=recent.get(agent_id, 0),
            )
            for agent_id in ids
        }
