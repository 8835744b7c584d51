"""All queries about appointments, calendar units, calendar feeds and leads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from frontdesk.models import Appointment, CalendarFeed, CalendarSlot, Lead
from frontdesk.models.base import as_utc


class SchedulingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def taken_units(self, agent_id: str, start: datetime, end: datetime) -> set[datetime]:
        rows = self.session.scalars(
            select(CalendarSlot.starts_at).where(
                CalendarSlot.agent_id == agent_id,
                CalendarSlot.starts_at >= start,
                CalendarSlot.starts_at < end,
            )
        )
        return {as_utc(r) for r in rows}

    def release_units(self, appointment_id: str) -> None:
        self.session.execute(
            delete(CalendarSlot).where(CalendarSlot.appointment_id == appointment_id)
        )

    def appointment(
        self, workspace_id: str, agent_id: str, appointment_id: str
    ) -> Appointment | None:
        return self.session.scalars(
            select(Appointment).where(
                Appointment.id == appointment_id,
                Appointment.agent_id == agent_id,
                Appointment.workspace_id == workspace_id,
            )
        ).first()

    def appointments(
        self,
        agent_id: str,
        *,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Appointment]:
        query = select(Appointment).where(Appointment.agent_id == agent_id)
        if status:
            query = query.where(Appointment.status == status)
        if since:
            query = query.where(Appointment.starts_at >= since)
        if until:
            query = query.where(Appointment.starts_at <= until)
        return list(self.session.scalars(query.order_by(Appointment.starts_at)))

    def upcoming_of_caller(
        self,
        agent_id: str,
        *,
        conversation_id: str | None,
        caller_phone_tail: str | None,
        since: datetime,
    ) -> list[Appointment]:
        """Upcoming bookings a caller may be able to prove are theirs: made in their
        conversation, or booked with a number ending like the one their call comes from (the
        caller checks the whole number). Never found by what a caller says."""
        proofs = []
        if conversation_id:
            proofs.append(Appointment.conversation_id == conversation_id)
        if caller_phone_tail:
            proofs.append(Appointment.customer_phone.endswith(caller_phone_tail, autoescape=True))
        if not proofs:
            return []
        query = select(Appointment).where(
            Appointment.agent_id == agent_id,
            Appointment.status == "booked",
            Appointment.starts_at >= since,
            or_(*proofs),
        )
        return list(self.session.scalars(query.order_by(Appointment.starts_at)))

    def leads(self, agent_id: str) -> list[Lead]:
        return list(
            self.session.scalars(
                select(Lead).where(Lead.agent_id == agent_id).order_by(Lead.created_at.desc())
            )
        )

    def calendar_feed(self, agent_id: str) -> CalendarFeed | None:
        return self.session.get(CalendarFeed, agent_id)

    def replace_calendar_feed(self, agent_id: str, secret: str) -> CalendarFeed:
        feed = self.calendar_feed(agent_id)
        if feed is None:
            feed = CalendarFeed(agent_id=agent_id, secret=secret)
            self.session.add(feed)
        else:
            feed.secret = secret
        self.session.flush()
        return feed
