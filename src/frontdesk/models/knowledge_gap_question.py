from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

# "unanswered": the post-conversation analysis said so; "low_confidence": the agent's own
# turn showed it; "unsupported": the grounding check withheld what the agent said
# (knowledge_gaps/collecting.py).
QUESTION_KINDS = ("unanswered", "low_confidence", "unsupported")


class KnowledgeGapQuestion(IdMixin, TimestampMixin, Base):
    """One question of one conversation, member of one knowledge gap."""

    __tablename__ = "knowledge_gap_questions"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    gap_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_gaps.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    # Why it is a gap, where code knows: "unsupported: $50 per pound".
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Kept so the gap's centre can be recomputed when a conversation is analysed again.
    embedding: Mapped[list[float]] = mapped_column(JSON, default=list)
