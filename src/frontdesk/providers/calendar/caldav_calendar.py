"""The CalDAV adapter (Nextcloud, Fastmail, iCloud, Radicale, Baikal…) over the `caldav` library.

Reading goes through the library (principal and calendar discovery, the time-range REPORT);
recurring events are expanded here with `recurring_ical_events`, so a server that does not
expand (or expands differently) still gives the same busy times. Writing is one PUT or DELETE
of a known address per appointment (`<calendar>/<uid>.ics`), so replacing an event never
depends on a search finding it first.

The address is the owner's to type, and the server's answers name further addresses
(principal, calendar home, redirects). Every request, whatever its origin, is checked: a
host that resolves to a private, loopback or link-local address is refused unless
`FRONTDESK_OUTBOUND_ALLOWED_HOSTS` names it, the rule the crawler follows.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import icalendar
import niquests
import recurring_ical_events
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error
from lxml import etree
from niquests.packages.urllib3.contrib.resolver.system import SystemResolver

from frontdesk.errors import UnsafeURL
from frontdesk.providers.calendar.base import (
    BookingEvent,
    BusyTime,
    CalendarAuthFailed,
    CalendarChoice,
    CalendarError,
    CalendarGone,
    CalendarUnreachable,
    ExternalCalendar,
    NotACalendarServer,
)
from frontdesk.providers.crawl.ssrf import is_public_address

__all__ = ["CaldavCalendar", "check_address", "discover_calendars"]

ALLOW_LIST_SETTING = "FRONTDESK_OUTBOUND_ALLOWED_HOSTS"
# A caller is waiting on the line while we ask; a slow server must fail fast, not hang the call.
DEFAULT_TIMEOUT_S = 5


def _canonical(host: str) -> str:
    host = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _refusal(host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> UnsafeURL:
    what = host if _canonical(host) == str(ip) else f"{host} (it resolves to {ip})"
    return UnsafeURL(
        f"Refused to connect to {what}: that is not a public internet address. Add the host "
        f"to {ALLOW_LIST_SETTING} if this server is meant to be reached."
    )


def check_address(url: str, allowed_hosts: Iterable[str]) -> None:
    """Raise `UnsafeURL` unless `url` is http(s) with a host, and that host, when written as
    an IP address, is public or allowed.

    Names are checked when the connection resolves them (`_PublicOnlyResolver`), so the
    address checked is the address connected to; looking them up here as well would only
    add a lookup whose answer could differ.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise UnsafeURL(f"{url!r} is not a valid address ({exc}).") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURL(
            f"A calendar server address starts with https:// (or http://); {url!r} does not."
        )
    host = parts.hostname
    if not host:
        raise UnsafeURL(f"{url!r} has no host name; enter e.g. https://caldav.example.com/.")
    if _canonical(host) in {_canonical(h) for h in allowed_hosts if h.strip()}:
        return
    try:
        ip = ipaddress.ip_address(_canonical(host))
    except ValueError:
        return
    if not is_public_address(ip):
        raise _refusal(host, ip)


class _PublicOnlyResolver(SystemResolver):
    """The HTTP client's own name resolution, refusing non-public answers.

    The connection goes to exactly the addresses checked here, on every request and every
    redirect, so a name that answers with a public address once and with 127.0.0.1 the next
    time (DNS rebinding) gets nowhere.
    """

    def __init__(self, allowed_hosts: tuple[str, ...]) -> None:
        super().__init__()
        self._allowed = {_canonical(h) for h in allowed_hosts if h.strip()}

    def getaddrinfo(  # type: ignore[override]
        self, host: bytes | str | None, port: str | int | None, *args: Any, **kwargs: Any
    ) -> list[Any]:
        answers = super().getaddrinfo(host, port, *args, **kwargs)
        name = host.decode("ascii") if isinstance(host, bytes) else (host or "")
        if _canonical(name) in self._allowed:
            return answers
        for *_, sockaddr in answers:
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if not is_public_address(ip):
                raise _refusal(name, ip)
        return answers


class _GuardedClient(DAVClient):
    """`DAVClient` whose every request and redirect goes to http(s) only, to an IP address
    only when it is public (or allowed), and to a name only through `_PublicOnlyResolver`."""

    def __init__(self, allowed_hosts: tuple[str, ...], **kwargs: Any) -> None:
        # RFC 6764 discovery would look up DNS SRV records and follow them unchecked.
        super().__init__(enable_rfc6764=False, **kwargs)
        self._allowed_hosts = allowed_hosts
        self.session.close()
        self.session = niquests.Session(resolver=_PublicOnlyResolver(allowed_hosts))
        # Proxies from the environment would make the address check meaningless.
        self.session.trust_env = False
        self.session.hooks["response"].append(self._check_redirect)

    def _check_redirect(self, response: Any, **_: Any) -> Any:
        location = response.headers.get("Location")
        if response.is_redirect and location:
            check_address(urljoin(str(response.url), location), self._allowed_hosts)
        return response

    def request(self, url: str, *args: Any, **kwargs: Any) -> Any:
        check_address(urljoin(str(self.url), str(url)), self._allowed_hosts)
        return super().request(url, *args, **kwargs)


@contextmanager
def _explained(server_url: str, *, timeout: float, missing: CalendarError) -> Iterator[None]:
    """Turn the library's and the network's exceptions into words for the owner."""
    host = urlsplit(server_url).netloc or server_url
    try:
        yield
    except CalendarError:
        raise
    except caldav_error.AuthorizationError:
        raise CalendarAuthFailed(
            f"The calendar server at {host} refused the username or password; check them "
            "(some providers want an app password) and save again."
        ) from None
    except caldav_error.NotFoundError:
        raise missing from None
    except niquests.exceptions.Timeout:
        raise CalendarUnreachable(
            f"The calendar server at {host} did not answer within {timeout:g} seconds; "
            "try again shortly."
        ) from None
    except (niquests.exceptions.ConnectionError, OSError):
        raise CalendarUnreachable(
            f"Could not reach the calendar server at {host}: nothing answered there. Check "
            "the address, or try again if the server is down."
        ) from None
    except (caldav_error.DAVError, etree.LxmlError, niquests.exceptions.RequestException) as exc:
        raise NotACalendarServer(
            f"{host} did not answer as a CalDAV calendar server ({_reason(exc)}); check the "
            "address your calendar provider gives for CalDAV."
        ) from None


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "…") if len(text) > 200 else (text or type(exc).__name__)


def _client(
    url: str, username: str, password: str, allowed_hosts: Iterable[str], timeout: float
) -> _GuardedClient:
    check_address(url, allowed_hosts)
    return _GuardedClient(
        tuple(allowed_hosts), url=url, username=username, password=password, timeout=timeout
    )


def discover_calendars(
    url: str,
    username: str,
    password: str,
    *,
    allowed_hosts: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT_S,
) -> list[CalendarChoice]:
    """The calendars `username` can see on the server at `url`, sorted by display name."""
    not_dav = NotACalendarServer(
        f"{url} answers, but not as a CalDAV server; check the address your calendar "
        "provider gives for CalDAV."
    )
    with (
        _explained(url, timeout=timeout, missing=not_dav),
        _client(url, username, password, allowed_hosts, timeout) as client,
    ):
        found = client.principal().calendars()
        choices = []
        for calendar in found:
            name = calendar.get_display_name() or str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
            choices.append(CalendarChoice(url=str(calendar.url), name=str(name)))
    return sorted(choices, key=lambda c: (c.name.casefold(), c.url))


_CALDAV = "urn:ietf:params:xml:ns:caldav"


def _events_between(start: datetime, end: datetime) -> str:
    """An RFC 4791 calendar-query for the events overlapping [start, end), with their data."""

    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<C:calendar-query xmlns:D="DAV:" xmlns:C="{_CALDAV}">'
        "<D:prop><C:calendar-data/></D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{stamp(start)}" end="{stamp(end)}"/>'
        "</C:comp-filter></C:comp-filter></C:filter>"
        "</C:calendar-query>"
    )


def _as_utc(value: date | datetime, zone: tzinfo) -> datetime:
    """A DTSTART/DTEND in UTC: an all-day date is midnight in the business's zone, and so is
    a floating time (no zone given)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=zone)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


class CaldavCalendar(ExternalCalendar):
    def __init__(
        self,
        *,
        server_url: str,
        username: str,
        password: str,
        calendar_url: str,
        allowed_hosts: Iterable[str] = (),
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.server_url = server_url
        self.username = username
        self.password = password
        self.calendar_url = calendar_url if calendar_url.endswith("/") else calendar_url + "/"
        self.allowed_hosts = tuple(allowed_hosts)
        self.timeout = timeout

    def _gone(self) -> CalendarGone:
        return CalendarGone(
            "The connected calendar no longer exists on the server; choose another one in the "
            "agent's Integrations."
        )

    @contextmanager
    def _session(self) -> Iterator[_GuardedClient]:
        with (
            _explained(self.server_url, timeout=self.timeout, missing=self._gone()),
            _client(
                self.calendar_url, self.username, self.password, self.allowed_hosts, self.timeout
            ) as client,
        ):
            yield client

    def _event_url(self, uid: str) -> str:
        return self.calendar_url + quote(uid, safe="@-_.") + ".ics"

    def check(self) -> None:
        with self._session() as client:
            client.calendar(url=self.calendar_url).get_display_name()

    def busy(self, start: datetime, end: datetime, zone: tzinfo) -> list[BusyTime]:
        # All-day and floating events only become instants in the business's zone, which the
        # server does not know: ask for a day more on each side, then cut exactly below.
        window = (start - timedelta(days=1), end + timedelta(days=1))
        with self._session() as client:
            # One calendar-query REPORT, read straight from the multistatus: the library's
            # search() parses and filters every event again client-side, which tripled the
            # time of an availability check.
            answer = client.report(self.calendar_url, _events_between(*window), depth=1)
            if answer.status == 404:
                raise self._gone()
            if answer.status != 207 or answer.tree is None:
                raise NotACalendarServer(
                    f"The calendar server answered a calendar query with HTTP {answer.status}; "
                    "try again shortly."
                )
            texts = [n.text for n in answer.tree.iter(f"{{{_CALDAV}}}calendar-data") if n.text]
        spans: list[BusyTime] = []
        for text in texts:
            parsed = icalendar.Calendar.from_ical(text)
            for occurrence in recurring_ical_events.of(parsed).between(*window):
                if str(occurrence.get("TRANSP", "")).upper() == "TRANSPARENT":
                    continue
                if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                    continue
                if occurrence.get("DTSTART") is None:
                    continue
                begins = _as_utc(occurrence.start, zone)
                ends = _as_utc(occurrence.end, zone)
                if ends <= begins:
                    # A point in time (no DTEND, no DURATION) still blocks the slot it falls in.
                    ends = begins + timedelta(minutes=1)
                if begins < end and start < ends:
                    uid = occurrence.get("UID")
                    spans.append(BusyTime(begins, ends, str(uid) if uid else None))
        return sorted(spans, key=lambda s: (s.start, s.end))

    def write_event(self, event: BookingEvent) -> None:
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Frontdesk//Appointments//EN")
        calendar.add("version", "2.0")
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", datetime.now(UTC))
        vevent.add("dtstart", event.start.astimezone(UTC))
        vevent.add("dtend", event.end.astimezone(UTC))
        vevent.add("summary", event.summary)
        vevent.add("description", event.description)
        vevent.add("status", "CONFIRMED")
        calendar.add_component(vevent)
        with self._session() as client:
            answer = client.put(
                self._event_url(event.uid),
                calendar.to_ical().decode("utf-8"),
                {"Content-Type": "text/calendar; charset=utf-8"},
            )
        self._raise_for(answer.status, "save the appointment in")

    def remove_event(self, uid: str) -> None:
        with self._session() as client:
            answer = client.delete(self._event_url(uid))
        if answer.status != 404:
            self._raise_for(answer.status, "remove the appointment from")

    def _raise_for(self, status: int, action: str) -> None:
        if 200 <= status < 300:
            return
        if status in (404, 409):  # the collection the event would live in is gone
            raise self._gone()
        raise CalendarError(
            f"The calendar server would not {action} the calendar (HTTP {status}); nothing "
            "was changed here, try again shortly."
        )
