from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class Conversation(IdMixin, TimestampMixin, Base):
    """One call or chat with an agent, on any channel."""

    __tablename__ = "conversations"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="text")
    # Who opened it: "owner" (the dashboard, the API, the exam) or "widget" (a caller on the
    # business's site); the widget's daily minutes cap counts only the latter.
    source: Mapped[str] = mapped_column(String(20), default="owner", server_default="owner")
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # When the caller joined the call's LiveKit room; stays empty for a call that was set up
    # but never answered, and for text conversations.
    connected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # When an agent worker took the LiveKit call; a call still unanswered after
    # FRONTDESK_LIVEKIT_ANSWER_TIMEOUT_S is ended (livekit/unanswered.py).
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Which worker (LiveKit's worker id, logged by the worker when it registers) took it.
    answered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Widget conversations: the caller's network, as a keyed hash of the client IP (never the
    # IP itself), so no one network uses more than its share of the daily minutes cap.
    caller_key: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    # LiveKit calls: the API key of the project the caller's token was minted for; the agent
    # worker answers the call only when it serves that project.
    livekit_project: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Phone calls: the caller's number as the network reports it, in E.164 ("+15550142398");
    # empty for a withheld number and for every other channel.
    caller_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Where the agent put a phone caller through to (a human hand-off), in E.164.
    transfer_to: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # What the owner reads after the conversation (conversations/analysis.py). The outcome
    # and caller details come from the tools the agent used; the summary and the unanswered
    # questions from a language model, so they stay empty (and `analysis_error` says why)
    # when no model could write them.
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    # {"name", "phone", "email"}, each null when the caller did not give it.
    caller_details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    unanswered: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    analyzed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    analysis_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set when the workspace's retention period deleted the turns and the caller's words
    # (privacy/retention.py); the row itself stays so analytics keep counting it.
    transcript_deleted_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class ConversationTurn(IdMixin, TimestampMixin, Base):
    """One utterance, written as soon as it exists so a dropped call loses nothing said."""

    __tablename__ = "conversation_turns"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))  # "caller" | "agent"
    text: Mapped[str] = mapped_column(Text)
    # [{"name", "arguments", "result", "error"}] for agent turns.
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Milliseconds: {"first_token_ms", "reply_ms", ...}.
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    interrupted: Mapped[bool] = mapped_column(default=False)


class CallerMessage(IdMixin, TimestampMixin, Base):
    """A message left for the staff, or a request to speak to a person."""

    __tablename__ = "caller_messages"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "message" | "handoff"
    caller_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    caller_contact: Mapped[str | None] = mapped_column(String(320), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    notify: Mapped[str | None] = mapped_column(String(320), nullable=True)
    urgent: Mapped[bool] = mapped_column(default=False)
