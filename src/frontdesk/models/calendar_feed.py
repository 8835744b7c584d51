from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, utcnow


class CalendarFeed(Base):
    """The random secret behind an agent's ICS feed address (scheduling/calendar_feed.py).

    A new secret is a new address and the old one stops working: the owner regenerates it
    after sharing it by mistake, and removing a team member replaces every feed of the
    workspace, since the member may have copied the address. No row: no feed answers."""

    __tablename__ = "calendar_feeds"

    agent_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
