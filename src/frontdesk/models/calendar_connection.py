from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class CalendarConnection(IdMixin, TimestampMixin, Base):
    """An agent's CalDAV calendar: its busy times limit availability, bookings are written
    there. At most one per agent."""

    __tablename__ = "calendar_connections"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), unique=True)
    server_url: Mapped[str] = mapped_column(String(2000))
    username: Mapped[str] = mapped_column(String(320))
    # The server needs the password itself on every request, so it cannot be hashed; the API
    # never returns it.
    password: Mapped[str] = mapped_column(Text)
    calendar_url: Mapped[str] = mapped_column(String(2000))
    calendar_name: Mapped[str] = mapped_column(String(500))
    # "connected" after a successful check, "error" after a failed one (see last_error).
    status: Mapped[str] = mapped_column(String(20), default="connected")
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
