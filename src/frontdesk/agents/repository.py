"""All queries about agents; every one is scoped by workspace."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.models import Agent


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
