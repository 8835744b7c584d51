"""Booking, rescheduling and cancelling in an agent's built-in calendar.

The database decides races: every booking inserts one `calendar_slots` row per unit it
covers, and the primary key refuses a second claim on any unit. A losing request gets
`SlotTaken`, never a double booking.

When the agent has a CalDAV calendar connected, its busy times are taken out of availability
too, and every booking, reschedule and cancellation is written there inside the same unit of
work: if the calendar cannot be reached the whole operation fails (and rolls back) with a
message to pass on, rather than booking a time the owner may already have given away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.agents.country import agent_country
from frontdesk.config import Settings
from frontdesk.errors import Conflict, NotFound, ValidationFailed
from frontdesk.leads.contact_details import InvalidContact, normalize_email, normalize_phone
from frontdesk.models import Agent, Appointment, CalendarSlot
from frontdesk.providers.calendar.base import BookingEvent, BusyTime
from frontdesk.scheduling.calendar_rules import (
    SlotRejected,
    candidate_starts,
    check_start,
    occupied_units,
)
from frontdesk.scheduling.calendar_sync import (
    UnitOfWorkCalendar,
    booking_event,
    clashes,
    connected_calendar,
    event_uid,
)
from frontdesk.scheduling.config import AppointmentType, SchedulingConfig
from frontdesk.scheduling.repository import SchedulingRepository
from frontdesk.webhooks.events import emit_appointment


class SlotTaken(Conflict):
    """That time has just been booked by someone else."""


class SlotUnavailable(ValidationFailed):
    """That time cannot be booked (outside hours, too soon, too far ahead…)."""


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str | None = None
    email: str | None = None


def config_of(agent: Agent) -> SchedulingConfig:
    try:
        return SchedulingConfig.model_validate(agent.scheduling or {})
    except ValidationError as exc:  # stored before a stricter rule: still explain it
        raise ValidationFailed(f"The agent's scheduling settings are invalid: {exc}") from exc


def _now() -> datetime:
    return datetime.now(UTC)


class SchedulingService:
    def __init__(
        self,
        db: Session,
        agent: Agent,
        *,
        now: datetime | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.db = db
        self.agent = agent
        self.config = config_of(agent)
        self.repo = SchedulingRepository(db)
        self.now = now or _now()
        # `settings` says which private hosts a connected calendar may live on; without it
        # only public ones are reached (a connected calendar is never silently skipped).
        self.settings = settings
        self._external: UnitOfWorkCalendar | None = None
        self._external_loaded = False

    def external_calendar(self) -> UnitOfWorkCalendar | None:
        """The agent's connected CalDAV calendar, if any (looked up once)."""
        if not self._external_loaded:
            self._external = connected_calendar(self.db, self.agent, self.settings)
            self._external_loaded = True
        return self._external

    def _busy(self, start: datetime, end: datetime) -> list[BusyTime]:
        external = self.external_calendar()
        return external.busy(start, end, self.config.zone) if external else []

    def _write_event(
        self, appointment: Appointment, kind: AppointmentType, previous: BookingEvent | None
    ) -> None:
        """Put the appointment in the connected calendar, unless the owner has meanwhile
        put something of their own at that time (then the slot is taken after all).
        `previous` is what the calendar held for it before, restored on a rollback."""
        external = self.external_calendar()
        if external is None:
            return
        buffer = timedelta(minutes=self.config.buffer_minutes)
        start, end = appointment.starts_at, appointment.ends_at
        busy = external.busy(start - buffer, end + buffer, self.config.zone)
        if clashes(busy, start, end, buffer, ignore_uid=event_uid(appointment.id)):
            raise SlotTaken(
                f"{start.astimezone(self.config.zone):%A %B %-d at %H:%M} is no longer free "
                "in the calendar; please choose another time."
            )
        external.put(booking_event(appointment, kind.name), previous=previous)

    def appointment_type(self, key: str | None) -> AppointmentType:
        if not key:
            return self.config.appointment_types[0]
        kind = self.config.appointment_type(key)
        if kind is None:
            names = ", ".join(t.name for t in self.config.appointment_types)
            raise ValidationFailed(f"Unknown appointment type {key!r}; we offer: {names}.")
        return kind

    def available_starts(
        self, kind: AppointmentType, first_day: date, days: int = 1, limit: int = 50
    ) -> list[datetime]:
        """Free starts for `kind` from `first_day` (business-local) over `days` days."""
        found: list[datetime] = []
        buffer = timedelta(minutes=self.config.buffer_minutes)
        duration = timedelta(minutes=kind.duration_minutes)
        per_day = [
            list(candidate_starts(self.config, kind, first_day + timedelta(days=d), self.now))
            for d in range(days)
        ]
        # One read of the external calendar for the whole range, and none when the rules
        # leave nothing to offer (a closed day needs no calendar to say so).
        busy: list[BusyTime] = []
        if any(per_day):
            first = min(starts[0] for starts in per_day if starts)
            last = max(starts[-1] for starts in per_day if starts)
            busy = self._busy(first - buffer, last + duration + buffer)
        for starts in per_day:
            if not starts:
                continue
            span_end = starts[-1] + timedelta(
                minutes=kind.duration_minutes + self.config.buffer_minutes
            )
            taken = self.repo.taken_units(self.agent.id, starts[0] - timedelta(days=1), span_end)
            for start in starts:
                units = occupied_units(self.config, start, kind.duration_minutes)
                # The unit before a start must not be a booking whose buffer runs into it.
                if not taken.intersection(units) and not clashes(
                    busy, start, start + duration, buffer
                ):
                    found.append(start)
                    if len(found) >= limit:
                        return found
        return found

    def _customer(self, customer: Customer) -> Customer:
        name = " ".join(customer.name.split())
        if not name:
            raise ValidationFailed("The caller's name is needed for a booking.")
        try:
            phone = normalize_phone(customer.phone, agent_country(self.agent))
            email = normalize_email(customer.email)
        except InvalidContact as exc:
            raise ValidationFailed(str(exc)) from exc
        if not phone and not email:
            raise ValidationFailed("A phone number or an email is needed for a booking.")
        return Customer(name=name[:200], phone=phone, email=email)

    def _claim(self, appointment: Appointment, kind: AppointmentType, start: datetime) -> None:
        try:
            check_start(self.config, kind, start, self.now)
        except SlotRejected as exc:
            raise SlotUnavailable(str(exc)) from exc
        units = occupied_units(self.config, start, kind.duration_minutes)
        # A savepoint, so a lost race leaves the rest of the transaction usable.
        try:
            with self.db.begin_nested():
                self.db.add_all(
                    CalendarSlot(agent_id=self.agent.id, starts_at=u, appointment_id=appointment.id)
                    for u in units
                )
        except IntegrityError:
            raise SlotTaken(
                f"{start.astimezone(self.config.zone):%A %B %-d at %H:%M} was just taken; "
                "please choose another time."
            ) from None

    def book(
        self,
        *,
        start: datetime,
        customer: Customer,
        appointment_type: str | None = None,
        notes: str | None = None,
        conversation_id: str | None = None,
        party_size: int | None = None,
    ) -> Appointment:
        kind = self.appointment_type(appointment_type)
        who = self._customer(customer)
        start = start.astimezone(UTC)
        appointment = Appointment(
            workspace_id=self.agent.workspace_id,
            agent_id=self.agent.id,
            conversation_id=conversation_id,
            appointment_type=kind.key,
            starts_at=start,
            ends_at=start + timedelta(minutes=kind.duration_minutes),
            status="booked",
            customer_name=who.name,
            customer_phone=who.phone,
            customer_email=who.email,
            notes=notes,
            party_size=party_size,
        )
        self.db.add(appointment)
        self.db.flush()
        self._claim(appointment, kind, start)
        self._write_event(appointment, kind, previous=None)
        emit_appointment(self.db, "appointment.booked", appointment, self.agent)
        return appointment

    def get(self, appointment_id: str) -> Appointment:
        appointment = self.repo.appointment(self.agent.workspace_id, self.agent.id, appointment_id)
        if appointment is None:
            raise NotFound("No such appointment.")
        return appointment

    def reschedule(self, appointment_id: str, start: datetime) -> Appointment:
        appointment = self.get(appointment_id)
        if appointment.status != "booked":
            raise Conflict("That appointment was cancelled; book a new one instead.")
        kind = self.appointment_type(appointment.appointment_type)
        before = booking_event(appointment, kind.name)
        previous_start = appointment.starts_at
        start = start.astimezone(UTC)
        self.repo.release_units(appointment.id)
        self.db.flush()
        self._claim(appointment, kind, start)
        appointment.starts_at = start
        appointment.ends_at = start + timedelta(minutes=kind.duration_minutes)
        self._write_event(appointment, kind, previous=before)
        emit_appointment(
            self.db,
            "appointment.rescheduled",
            appointment,
            self.agent,
            previous_starts_at=previous_start,
        )
        return appointment

    def cancel(self, appointment_id: str) -> Appointment:
        appointment = self.get(appointment_id)
        if appointment.status == "cancelled":
            return appointment
        appointment.status = "cancelled"
        self.repo.release_units(appointment.id)
        external = self.external_calendar()
        if external is not None:
            # The type may have been renamed or removed since; the event only needs a name.
            kind = self.config.appointment_type(appointment.appointment_type)
            name = kind.name if kind else appointment.appointment_type
            external.take_out(booking_event(appointment, name))
        emit_appointment(self.db, "appointment.cancelled", appointment, self.agent)
        return appointment
