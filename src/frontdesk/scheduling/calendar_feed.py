"""The per-agent ICS feed that the owner's calendar app subscribes to.

Calendar apps cannot sign in, so the feed's URL carries a secret token: an HMAC, under the
server's signing key, of the agent id and a random per-agent secret kept in the database
(models/calendar_feed.py). A new secret revokes the old address: the owner's "Regenerate",
and removing a team member (for every agent of the workspace). A copy of the database alone
does not give the addresses, and rotating FRONTDESK_SECRET_KEY still changes them all.

Cancelled appointments stay in the feed with STATUS:CANCELLED (and do not block time), so a
subscribed calendar that already shows the booking learns that it was cancelled instead of
only seeing it vanish.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from frontdesk.errors import NotFound
from frontdesk.models import Agent, Appointment
from frontdesk.models.base import as_utc
from frontdesk.scheduling.config import SchedulingConfig
from frontdesk.scheduling.repository import SchedulingRepository
from frontdesk.scheduling.service import config_of

# Part of the HMAC input, so a feed token can never double as another signed value.
_TOKEN_LABEL = b"frontdesk-calendar-feed:v2:"
# Past appointments stay visible for a month; older ones are history, not schedule.
PAST_DAYS = 30


def feed_token(signing_key: bytes, agent_id: str, secret: str) -> str:
    """The secret part of an agent's feed URL: 32 url-safe characters (192 bits)."""
    message = _TOKEN_LABEL + agent_id.encode() + b":" + secret.encode()
    digest = hmac.new(signing_key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def feed_path(db: Session, signing_key: bytes, agent_id: str, *, regenerate: bool = False) -> str:
    """The agent's feed address (path). Its secret is made on first use; `regenerate`
    replaces it, so the address given out before stops working."""
    repo = SchedulingRepository(db)
    feed = repo.calendar_feed(agent_id)
    if feed is None or regenerate:
        feed = repo.replace_calendar_feed(agent_id, secrets.token_urlsafe(32))
    return f"/calendar/{agent_id}/{feed_token(signing_key, agent_id, feed.secret)}.ics"


def _event(appointment: Appointment, config: SchedulingConfig) -> Event:
    kind = config.appointment_type(appointment.appointment_type)
    kind_name = kind.name if kind else appointment.appointment_type
    created, updated = as_utc(appointment.created_at), as_utc(appointment.updated_at)
    cancelled = appointment.status == "cancelled"
    summary = f"{kind_name} — {appointment.customer_name}"
    details = [
        f"Phone: {appointment.customer_phone}" if appointment.customer_phone else "",
        f"Email: {appointment.customer_email}" if appointment.customer_email else "",
        f"Notes: {appointment.notes}" if appointment.notes else "",
        f"Conversation: {appointment.conversation_id}" if appointment.conversation_id else "",
    ]
    event = Event()
    event.add("uid", f"{appointment.id}@frontdesk")
    # Without a METHOD, DTSTAMP is the time the event was last revised (RFC 5545 3.8.7.2),
    # which also keeps the feed byte-identical between requests when nothing changed.
    event.add("dtstamp", updated)
    event.add("last-modified", updated)
    event.add("created", created)
    event.add("dtstart", as_utc(appointment.starts_at))
    event.add("dtend", as_utc(appointment.ends_at))
    event.add("summary", f"Cancelled: {summary}" if cancelled else summary)
    event.add("description", "\n".join(line for line in details if line))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    # Only reschedule and cancel change an appointment, and updated_at only grows, so whole
    # seconds since creation is an ever-increasing revision number without a stored counter
    # (two changes within one second share a number; DTSTAMP still tells them apart).
    event.add("sequence", max(0, int((updated - created).total_seconds())))
    return event


def build_feed(agent: Agent, appointments: list[Appointment]) -> bytes:
    """The agent's appointments as one VCALENDAR (RFC 5545), times in UTC."""
    config = config_of(agent)
    calendar = Calendar()
    calendar.add("prodid", "-//Frontdesk//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", agent.name)
    calendar.add("x-wr-timezone", config.timezone)
    # Hints for clients that honour them; the Cache-Control header says the same to the rest.
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    for appointment in appointments:
        calendar.add_component(_event(appointment, config))
    return calendar.to_ical()


def agent_feed(
    db: Session, signing_key: bytes, agent_id: str, token: str, *, now: datetime | None = None
) -> bytes:
    """The feed behind a public URL. A wrong token, a revoked one and an unknown agent all
    answer the same 404; an agent without a feed is checked against a throwaway secret, so
    the answer's timing does not tell them apart either."""
    feed = SchedulingRepository(db).calendar_feed(agent_id)
    expected = feed_token(signing_key, agent_id, feed.secret if feed else secrets.token_urlsafe())
    if not hmac.compare_digest(token.encode(), expected.encode()) or feed is None:
        raise NotFound("No such calendar.")
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise NotFound("No such calendar.")
    now = now or datetime.now(UTC)
    horizon = config_of(agent).horizon_days
    appointments = SchedulingRepository(db).appointments(
        agent.id, since=now - timedelta(days=PAST_DAYS), until=now + timedelta(days=horizon)
    )
    return build_feed(agent, appointments)
