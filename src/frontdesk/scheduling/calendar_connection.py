"""Connecting an agent to a CalDAV calendar: discover, save, check, disconnect.

Saving a connection talks to the server for real (the password, the calendar), so a
connection that says "connected" has worked at least once. What bookings do with it is in
`calendar_sync.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.config import Settings
from frontdesk.errors import Forbidden, NotFound, ValidationFailed
from frontdesk.models import Agent, CalendarConnection
from frontdesk.providers.calendar.base import (
    CalendarChoice,
    CalendarError,
    CalendarGone,
    ExternalCalendar,
)
from frontdesk.providers.calendar.caldav_calendar import (
    CaldavCalendar,
    check_address,
    discover_calendars,
)
from frontdesk.scheduling.schemas import CalendarConnectionIn, CalendarDiscoverIn
from frontdesk.secret_targets import secrets_follow
from frontdesk.workspace.service import Principal


def _allowed_hosts(settings: Settings | None) -> tuple[str, ...]:
    return tuple(settings.outbound_allowed_hosts) if settings else ()


def open_calendar(connection: CalendarConnection, settings: Settings | None) -> ExternalCalendar:
    return CaldavCalendar(
        server_url=connection.server_url,
        username=connection.username,
        password=connection.password,
        calendar_url=connection.calendar_url,
        allowed_hosts=_allowed_hosts(settings),
    )


def connection_of(db: Session, agent_id: str) -> CalendarConnection | None:
    return db.scalars(
        select(CalendarConnection).where(CalendarConnection.agent_id == agent_id)
    ).first()


def _same_calendar(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


class CalendarConnectionService:
    def __init__(self, db: Session, agent: Agent, settings: Settings, principal: Principal) -> None:
        self.db = db
        self.agent = agent
        self.settings = settings
        self.principal = principal

    def _require_admin(self) -> None:
        if not self.principal.is_admin:
            raise Forbidden(
                "Only the workspace's owner and admins can connect or disconnect a calendar."
            )

    def get(self) -> CalendarConnection | None:
        return connection_of(self.db, self.agent.id)

    def _password(self, server_url: str, username: str, password: str | None) -> str:
        """The typed password, or the stored one when the user and the server's origin are
        unchanged (the API never hands it back, so the form cannot send it again). Another
        origin gets no stored password: see `secret_targets`."""
        if password:
            return password
        current = self.get()
        if (
            current
            and secrets_follow(current.server_url, server_url)
            and current.username == username
        ):
            return current.password
        raise ValidationFailed("Enter the password (or app password) for this calendar account.")

    def _discover(self, server_url: str, username: str, password: str) -> list[CalendarChoice]:
        check_address(server_url, self.settings.outbound_allowed_hosts)
        try:
            return discover_calendars(
                server_url, username, password, allowed_hosts=self.settings.outbound_allowed_hosts
            )
        except CalendarError as exc:
            # While saving, the server's refusal is about what the owner typed: a 4xx.
            raise type(exc)(exc.detail, status=422) from None

    def discover(self, data: CalendarDiscoverIn) -> list[CalendarChoice]:
        self._require_admin()
        password = self._password(data.server_url, data.username, data.password)
        found = self._discover(data.server_url, data.username, password)
        if not found:
            raise ValidationFailed(
                f"{data.username} has no calendars on {data.server_url}; create one in your "
                "calendar app first."
            )
        return found

    def save(self, data: CalendarConnectionIn) -> CalendarConnection:
        """Connect (or reconnect) after checking the account and the calendar for real."""
        self._require_admin()
        password = self._password(data.server_url, data.username, data.password)
        found = self._discover(data.server_url, data.username, password)
        names = ", ".join(c.name for c in found)
        if data.calendar_url:
            chosen = next((c for c in found if _same_calendar(c.url, data.calendar_url)), None)
            if chosen is None:
                raise CalendarGone(
                    f"That calendar is not on the server (any more); choose one of: {names}.",
                    status=422,
                )
        elif len(found) == 1:
            chosen = found[0]
        elif not found:
            raise ValidationFailed(
                f"{data.username} has no calendars on {data.server_url}; create one in your "
                "calendar app first."
            )
        else:
            raise ValidationFailed(f"Choose which calendar to use: {names}.")

        connection = self.get() or CalendarConnection(
            workspace_id=self.agent.workspace_id, agent_id=self.agent.id
        )
        connection.server_url = data.server_url
        connection.username = data.username
        connection.password = password
        connection.calendar_url = chosen.url
        connection.calendar_name = chosen.name[:500]
        try:
            open_calendar(connection, self.settings).check()
        except CalendarError as exc:
            raise type(exc)(exc.detail, status=422) from None
        connection.status, connection.last_error = "connected", None
        connection.checked_at = datetime.now(UTC)
        self.db.add(connection)
        self.db.flush()
        return connection

    def check(self) -> CalendarConnection:
        """Try the connection now and record the answer (a failure is recorded, not raised)."""
        connection = self.get()
        if connection is None:
            raise NotFound("This agent has no calendar connected.")
        try:
            open_calendar(connection, self.settings).check()
        except CalendarError as exc:
            connection.status, connection.last_error = "error", str(exc.detail)
        else:
            connection.status, connection.last_error = "connected", None
        connection.checked_at = datetime.now(UTC)
        self.db.flush()
        return connection

    def disconnect(self) -> None:
        """Forget the calendar; events already written there stay, as the owner's."""
        self._require_admin()
        connection = self.get()
        if connection is not None:
            self.db.delete(connection)
            self.db.flush()
