from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

AGENT_STATUSES = ("draft", "ingesting", "ready")


class Agent(IdMixin, TimestampMixin, Base):
    __tablename__ = "agents"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    website_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Bumped whenever the set of searchable chunks changes; keyword indexes cached in any
    # process compare it to know they are stale.
    kb_version: Mapped[int] = mapped_column(Integer, default=0)
