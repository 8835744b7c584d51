from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

APPOINTMENT_STATUSES = ("booked", "cancelled")


class Appointment(IdMixin, TimestampMixin, Base):
    """A booking in an agent's calendar; times are stored in UTC."""

    __tablename__ = "appointments"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    appointment_type: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="booked", index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    customer_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    # How many people the booking is for, when the caller said (a table for four).
    party_size: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CalendarSlot(Base):
    """One occupied unit (slot_minutes long) of an agent's calendar.

    A booking inserts a row per unit it covers, buffer included; the primary key on
    (agent, unit start) is what makes a double booking impossible on SQLite and PostgreSQL
    alike, however many requests race for the same time.
    """

    __tablename__ = "calendar_slots"
    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    appointment_id: Mapped[str] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
