"""The connected CalDAV calendar as one unit of work (a request, a tool call) sees it.

A booking changes two places: the database and the owner's calendar. They must not drift:

- the calendar is written last, after every database check has passed, and an error from it
  fails the whole unit, so there is never a local appointment without its event;
- if the unit still rolls back after the calendar was changed (a later step failed, the
  commit failed), each change is undone on the server, so there is no event without its
  appointment either;
- a calendar error is recorded on the connection (status "error", the message) once the
  unit has rolled back, since a write inside the failing unit would be rolled back with
  it; the next success marks the connection connected again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TypeVar

from sqlalchemy import event, update
from sqlalchemy.orm import Session, SessionTransaction

from frontdesk.config import Settings
from frontdesk.models import Agent, Appointment, CalendarConnection
from frontdesk.models.base import as_utc
from frontdesk.providers.calendar.base import (
    BookingEvent,
    BusyTime,
    CalendarError,
    ExternalCalendar,
)
from frontdesk.scheduling.calendar_connection import connection_of, open_calendar

log = logging.getLogger(__name__)

T = TypeVar("T")

_ON_ROLLBACK = "frontdesk_calendar_on_rollback"


def event_uid(appointment_id: str) -> str:
    """The UID of an appointment's event: stable, so a reschedule replaces the same event."""
    return f"{appointment_id}@frontdesk"


def booking_event(appointment: Appointment, type_name: str) -> BookingEvent:
    contact = [f"Caller: {appointment.customer_name}"]
    if appointment.customer_phone:
        contact.append(f"Phone: {appointment.customer_phone}")
    if appointment.customer_email:
        contact.append(f"Email: {appointment.customer_email}")
    if appointment.notes:
        contact.append(f"Notes: {appointment.notes}")
    contact.append(f"Booked by Frontdesk (appointment {appointment.id}).")
    return BookingEvent(
        uid=event_uid(appointment.id),
        # Read back from SQLite the times are naive UTC.
        start=as_utc(appointment.starts_at),
        end=as_utc(appointment.ends_at),
        summary=f"{type_name}: {appointment.customer_name}",
        description="\n".join(contact),
    )


def clashes(
    busy: Iterable[BusyTime],
    start: datetime,
    end: datetime,
    buffer: timedelta,
    *,
    ignore_uid: str | None = None,
) -> bool:
    """True when [start, end) plus the buffer after it runs into a busy span, or a busy span
    plus the same buffer runs into it: the gap the owner asked for holds around their own
    events too."""
    return any(
        b.uid != ignore_uid and b.start < end + buffer and start < b.end + buffer for b in busy
    )


def on_rollback(db: Session, action: Callable[[], None]) -> None:
    """Run `action` if `db`'s unit of work ends without committing (after the rollback)."""
    db.info.setdefault(_ON_ROLLBACK, []).append(action)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # Savepoints "commit" too (with the savepoint still current); only the outermost commit
    # makes the undo list moot.
    if not session.in_nested_transaction():
        session.info.pop(_ON_ROLLBACK, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    for action in reversed(session.info.pop(_ON_ROLLBACK, [])):
        try:
            action()
        except Exception:  # the unit has already failed; this must not hide why
            log.warning("could not undo a calendar change after a rollback", exc_info=True)


class UnitOfWorkCalendar(ExternalCalendar):
    """The connected calendar, with its failures recorded and its changes undone on rollback."""

    def __init__(self, db: Session, connection: CalendarConnection, inner: ExternalCalendar):
        self.db = db
        self.connection = connection
        self.inner = inner

    def _watch(self, work: Callable[[], T]) -> T:
        try:
            result = work()
        except CalendarError as exc:
            self._record_failure(str(exc.detail))
            raise
        if self.connection.status != "connected":
            self.connection.status, self.connection.last_error = "connected", None
            self.connection.checked_at = datetime.now(UTC)
        return result

    def _record_failure(self, message: str) -> None:
        # In this unit, for the case it commits anyway; after it, for the usual rollback.
        now = datetime.now(UTC)
        self.connection.status, self.connection.last_error = "error", message
        self.connection.checked_at = now
        bind, connection_id = self.db.get_bind(), self.connection.id

        def record() -> None:
            with Session(bind=bind) as side, side.begin():
                side.execute(
                    update(CalendarConnection)
                    .where(CalendarConnection.id == connection_id)
                    .values(status="error", last_error=message, checked_at=now)
                )

        on_rollback(self.db, record)

    def check(self) -> None:
        self._watch(self.inner.check)

    def busy(self, start: datetime, end: datetime, zone: tzinfo) -> list[BusyTime]:
        return self._watch(lambda: self.inner.busy(start, end, zone))

    def write_event(self, event: BookingEvent) -> None:
        self._watch(lambda: self.inner.write_event(event))

    def remove_event(self, uid: str) -> None:
        self._watch(lambda: self.inner.remove_event(uid))

    def put(self, event: BookingEvent, *, previous: BookingEvent | None) -> None:
        """Write `event`; if the unit then rolls back, put `previous` back (or remove the
        event when there was none)."""
        self.write_event(event)
        inner = self.inner
        if previous is None:
            on_rollback(self.db, lambda: inner.remove_event(event.uid))
        else:
            on_rollback(self.db, lambda: inner.write_event(previous))

    def take_out(self, previous: BookingEvent) -> None:
        """Remove `previous`; if the unit then rolls back, write it again."""
        self.remove_event(previous.uid)
        inner = self.inner
        on_rollback(self.db, lambda: inner.write_event(previous))


def connected_calendar(
    db: Session, agent: Agent, settings: Settings | None
) -> UnitOfWorkCalendar | None:
    """The agent's connected calendar for this unit of work, or None when it has none."""
    connection = connection_of(db, agent.id)
    if connection is None:
        return None
    return UnitOfWorkCalendar(db, connection, open_calendar(connection, settings))
