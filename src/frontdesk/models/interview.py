from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class Interview(IdMixin, TimestampMixin, Base):
    """The owner's onboarding interview for one agent, saved after every step so it can be
    resumed from another browser or after a restart."""

    __tablename__ = "interviews"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), unique=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="active")  # active|completed
    # Where the owner is: index into `questions`.
    position: Mapped[int] = mapped_column(Integer, default=0)
    # [{"id", "topic", "text", "found", "follow_up_of", "answer", "skipped"}]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # What the knowledge base already says, by topic (quoted in questions and reused when
    # the agent is generated).
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
