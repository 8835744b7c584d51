from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class Workspace(IdMixin, TimestampMixin, Base):
    """A business (or agency) account; every resource belongs to exactly one."""

    __tablename__ = "workspaces"

    name: Mapped[str] = mapped_column(String(200))
    # Provider choices and keys set in the dashboard (workspace/settings schemas); they take
    # precedence over the environment for this workspace's agents.
    settings: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    # Days after a conversation ends before its transcript and the caller's words in its
    # analysis are deleted (privacy/retention.py); null keeps them for good.
    transcript_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
