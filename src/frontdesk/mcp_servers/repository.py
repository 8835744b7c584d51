"""All queries on MCP servers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdesk.models import McpServer


class McpServerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_agent(self, workspace_id: str, agent_id: str) -> list[McpServer]:
        return list(
            self.session.scalars(
                select(McpServer)
                .where(McpServer.workspace_id == workspace_id, McpServer.agent_id == agent_id)
                .order_by(McpServer.created_at, McpServer.id)
            )
        )

    def get(self, workspace_id: str, agent_id: str, server_id: str) -> McpServer | None:
        return self.session.scalar(
            select(McpServer).where(
                McpServer.id == server_id,
                McpServer.agent_id == agent_id,
                McpServer.workspace_id == workspace_id,
            )
        )

    def count(self, agent_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(McpServer).where(McpServer.agent_id == agent_id)
            )
            or 0
        )

    def enabled_for(self, agent_id: str) -> list[McpServer]:
        return list(
            self.session.scalars(
                select(McpServer)
                .where(McpServer.agent_id == agent_id, McpServer.enabled.is_(True))
                .order_by(McpServer.created_at, McpServer.id)
            )
        )

    def of_agent_by_id(self, agent_id: str, server_id: str) -> McpServer | None:
        """A server found by the runtime, which knows the agent but not a principal."""
        return self.session.scalar(
            select(McpServer).where(McpServer.id == server_id, McpServer.agent_id == agent_id)
        )
