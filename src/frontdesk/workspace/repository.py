"""All queries about workspaces, users, sessions and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from frontdesk.models import Agent, ApiKey, AuthSession, CalendarFeed, User, Workspace


class WorkspaceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count_users(self) -> int:
        return self.session.scalar(select(func.count()).select_from(User)) or 0

    def first_workspace(self) -> Workspace | None:
        return self.session.scalars(select(Workspace).order_by(Workspace.created_at)).first()

    def user_by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == email.lower())).first()

    def user(self, user_id: str) -> User | None:
        return self.session.get(User, user_id)

    def session_by_token_hash(self, token_hash: str) -> AuthSession | None:
        return self.session.scalars(
            select(AuthSession).where(AuthSession.token_hash == token_hash)
        ).first()

    def sessions_of(self, user_id: str) -> list[AuthSession]:
        return list(self.session.scalars(select(AuthSession).where(AuthSession.user_id == user_id)))

    def api_key_by_hash(self, key_hash: str) -> ApiKey | None:
        return self.session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()

    def api_keys(self, workspace_id: str) -> list[ApiKey]:
        return list(
            self.session.scalars(
                select(ApiKey)
                .where(ApiKey.workspace_id == workspace_id)
                .order_by(ApiKey.created_at)
            )
        )

    def api_key(self, workspace_id: str, key_id: str) -> ApiKey | None:
        return self.session.scalars(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.workspace_id == workspace_id)
        ).first()

    def delete_expired_sessions(self, now: datetime) -> None:
        for row in self.session.scalars(select(AuthSession).where(AuthSession.expires_at < now)):
            self.session.delete(row)

    def users(self, workspace_id: str) -> list[User]:
        return list(
            self.session.scalars(
                select(User)
                .where(User.workspace_id == workspace_id)
                .order_by(User.created_at, User.id)
            )
        )

    def member(self, workspace_id: str, user_id: str) -> User | None:
        return self.session.scalars(
            select(User).where(User.id == user_id, User.workspace_id == workspace_id)
        ).first()

    def api_keys_made_by(self, user_id: str) -> list[ApiKey]:
        return list(self.session.scalars(select(ApiKey).where(ApiKey.created_by == user_id)))

    def workspace(self, workspace_id: str) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def settings_of(self, workspace_id: str) -> dict[str, Any]:
        """A workspace's own settings (the dashboard's), `{}` when it has none."""
        stored = self.session.scalar(select(Workspace.settings).where(Workspace.id == workspace_id))
        return dict(stored or {})

    def drop_calendar_feeds(self, workspace_id: str) -> None:
        """Every agent's feed address in the workspace stops working (new ones are made when
        the dashboard next asks for them)."""
        agents = select(Agent.id).where(Agent.workspace_id == workspace_id)
        self.session.execute(delete(CalendarFeed).where(CalendarFeed.agent_id.in_(agents)))
