"""The external calendar port: busy times in a range, and one event per appointment.

An agent's built-in calendar knows only its own bookings; an owner also has a dentist, a
holiday and a standing Friday meeting in the calendar they actually use. An adapter reads
those as busy times and writes each booking there, so both calendars tell the same story.

Adapters are synchronous (the CalDAV client is), so callers run them in a worker thread, as
every scheduling call already is. Every failure is a `CalendarError` whose message says what
the owner (or, through the agent, the caller) can do about it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, tzinfo

from frontdesk.errors import FrontdeskError

__all__ = [
    "BookingEvent",
    "BusyTime",
    "CalendarAuthFailed",
    "CalendarChoice",
    "CalendarError",
    "CalendarGone",
    "CalendarUnreachable",
    "ExternalCalendar",
    "NotACalendarServer",
]


class CalendarError(FrontdeskError):
    """The connected calendar could not be used; nothing was booked."""

    # The calendar server, not the request, is at fault: a gateway error.
    status = 502


class CalendarAuthFailed(CalendarError):
    """The calendar server refused the username or password."""


class NotACalendarServer(CalendarError):
    """The address answers, but not as a CalDAV calendar server."""


class CalendarUnreachable(CalendarError):
    """The calendar server did not answer in time."""


class CalendarGone(CalendarError):
    """The chosen calendar no longer exists on the server."""


@dataclass(frozen=True)
class CalendarChoice:
    """A calendar found on a server, for the owner to pick."""

    url: str
    name: str


@dataclass(frozen=True)
class BusyTime:
    """A span the owner is not free, in UTC; `uid` is the event's UID (each recurrence of a
    repeating event carries its series' UID)."""

    start: datetime
    end: datetime
    uid: str | None = None


@dataclass(frozen=True)
class BookingEvent:
    """What an appointment looks like in the owner's calendar. Times are aware (UTC)."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str


class ExternalCalendar(ABC):
    """One calendar on an external server, already chosen and authorized."""

    @abstractmethod
    def check(self) -> None:
        """Raise a `CalendarError` unless the calendar can be read right now."""

    @abstractmethod
    def busy(self, start: datetime, end: datetime, zone: tzinfo) -> list[BusyTime]:
        """Every busy span overlapping [start, end): one-off and repeating events, all-day
        events (taken as whole days in `zone`, the business's time zone) and events written
        in any time zone. Free ("transparent") and cancelled events are not busy."""

    @abstractmethod
    def write_event(self, event: BookingEvent) -> None:
        """Create the event, or replace the one with the same UID."""

    @abstractmethod
    def remove_event(self, uid: str) -> None:
        """Delete the event with this UID; an event already gone is not an error."""
