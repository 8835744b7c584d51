from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

GAP_STATUSES = ("open", "answered", "dismissed")
# waiting: the answer is being indexed; running: the exam questions are being asked.
RERUN_STATUSES = ("waiting", "running", "done", "failed")


class KnowledgeGap(IdMixin, TimestampMixin, Base):
    """A group of similar questions callers asked that the agent could not answer.

    Groups are stored, not computed on read, so a gap keeps its id, status and answer while
    new questions join it (knowledge_gaps/grouping.py says how they are grouped).
    """

    __tablename__ = "knowledge_gaps"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # The member closest to the group's centre: the question the owner reads and answers.
    question: Mapped[str] = mapped_column(String(500))
    # Conversations the group's questions come from (one caller asking twice counts once).
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The mean of the members' unit vectors, and the embedder that made them: a question's
    # dot product with the mean is its average cosine similarity to every member.
    centroid: Mapped[list[float]] = mapped_column(JSON, default=list)
    embedder: Mapped[str] = mapped_column(String(100))

    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The text knowledge source the answer became; null again if the owner deletes it.
    source_id: Mapped[str | None] = mapped_column(
        ForeignKey("knowledge_sources.id", ondelete="SET NULL"), nullable=True
    )
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    dismissed_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # The exam questions re-asked after the answer: [{"question", "expected", "answerable",
    # "source", "written_by_model", "similarity", "reply", "passed", "why"}]; before they
    # are asked, the same without reply, passed and why.
    rerun_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rerun_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rerun_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    rerun_started_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    rerun_finished_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
