from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class Lead(IdMixin, TimestampMixin, Base):
    """A caller who left their details."""

    __tablename__ = "leads"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    interest: Mapped[str | None] = mapped_column(String(500), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The owner's workflow: new -> contacted -> won | lost (see leads/schemas.py).
    status: Mapped[str] = mapped_column(String(20), default="new", server_default="new", index=True)
    # Decided in code from what the caller said and did (leads/scoring.py), never by a model.
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    score_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    owner_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
