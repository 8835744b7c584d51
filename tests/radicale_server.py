"""A real Radicale CalDAV server on loopback, for the calendar tests.

`python -m radicale` runs as a subprocess with its own config: a free loopback port, htpasswd
auth from a plain-text user file, file storage in a temporary folder. Tests create calendars
and events with the `caldav` library, as an owner's calendar app would.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import caldav
import httpx
import icalendar

USERNAME = "owner"
PASSWORD = "radicale-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RadicaleServer:
    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        config = self.root / "config"
        users = self.root / "users"
        users.write_text(f"{USERNAME}:{PASSWORD}\n", encoding="utf-8")
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            # Radicale waits after a failed login by default; the wrong-password test would too.
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {self.root / 'collections'}\n"
            "[logging]\n"
            "level = warning\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "radicale.log").open("wb"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.root / "radicale.log").read_text(errors="replace")
                raise RuntimeError(f"Radicale exited at start:\n{log}")
            try:
                httpx.get(self.url, timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("Radicale did not answer within 30 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def client(self) -> caldav.DAVClient:
        return caldav.DAVClient(url=self.url, username=USERNAME, password=PASSWORD, timeout=5)

    def make_calendar(self, name: str) -> caldav.Calendar:
        """A new calendar in the owner's account, as a calendar app would create it."""
        principal = self.client().principal()
        return principal.make_calendar(name=name)


def running_radicale(root: Path) -> Iterator[RadicaleServer]:
    server = RadicaleServer(root=root, port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def vevent(uid: str, start: date | datetime, end: date | datetime, **props: str) -> icalendar.Event:
    """One event as a calendar app writes it: aware times keep their zone (TZID), dates
    make an all-day event, and `props` adds e.g. rrule="FREQ=WEEKLY" or transp="TRANSPARENT"."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", props.pop("summary", uid))
    for name, value in props.items():
        if name == "rrule":
            event.add("rrule", icalendar.vRecur.from_ical(value))
        else:
            event.add(name, value)
    return event


def add_events(calendar: caldav.Calendar, *events: icalendar.Event) -> None:
    """Store each event as its own calendar object, with the VTIMEZONEs it needs."""
    for event in events:
        document = icalendar.Calendar()
        document.add("prodid", "-//Frontdesk tests//EN")
        document.add("version", "2.0")
        document.add_component(event)
        document.add_missing_timezones()
        calendar.add_event(document.to_ical().decode("utf-8"))


def events_with_uid(calendar: caldav.Calendar, uid: str) -> list[icalendar.Event]:
    """Every VEVENT in `calendar` whose UID is `uid`, read back from the server."""
    found = []
    for item in calendar.events():
        for component in icalendar.Calendar.from_ical(item.data).walk("VEVENT"):
            if str(component.get("UID")) == uid:
                found.append(component)
    return found
