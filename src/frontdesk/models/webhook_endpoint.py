from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class WebhookEndpoint(IdMixin, TimestampMixin, Base):
    """An address of the business's own system that Frontdesk notifies of events."""

    __tablename__ = "webhook_endpoints"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    # `whsec_…`: the receiver checks each request's signature with it (webhooks/signing.py).
    secret: Mapped[str] = mapped_column(String(100))
    # After a rotation the old secret signs too, until `previous_secret_until`, so the
    # receiver can switch to the new one without refusing anything meanwhile.
    previous_secret: Mapped[str | None] = mapped_column(String(100), nullable=True)
    previous_secret_until: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    # Event type names (webhooks/events.py); a delivery is written only for these.
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(String(500), nullable=True)
