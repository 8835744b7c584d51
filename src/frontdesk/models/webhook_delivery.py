from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

DELIVERY_STATUSES = ("pending", "succeeded", "failed")


class WebhookDelivery(IdMixin, TimestampMixin, Base):
    """One event for one endpoint: the outbox row and, once sent, its delivery log entry.

    It is written in the same transaction as the change that caused the event, so an event
    exists exactly when its change does; the queue sends it after the commit.
    """

    __tablename__ = "webhook_deliveries"
    # The sweep's question: which pending deliveries are due?
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    # Shared by the deliveries of one event to several endpoints; receivers dedupe on it.
    event_id: Mapped[str] = mapped_column(String(40), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # While pending: when the next try is due. A sender claims a delivery by moving this
    # forward (webhooks/delivery.py), so two workers never send the same try.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_excerpt: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
