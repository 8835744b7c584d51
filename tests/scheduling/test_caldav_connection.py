"""Connecting an agent to a real Radicale server: discovery, saving checked for real, answers
in plain words for each way it goes wrong, a write-only password, roles and workspaces."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.factories import make_member, make_owner, make_signed_in_client, sign_in
from tests.radicale_server import PASSWORD, USERNAME, RadicaleServer, free_port, running_radicale
from tests.scheduling.clinic import connect, make_clinic, new_calendar, next_monday


def _path(agent: dict) -> str:
    return f"/api/agents/{agent['id']}/calendar-connection"


def _form(radicale: RadicaleServer, **changes: str | None) -> dict:
    return {"server_url": radicale.url, "username": USERNAME, "password": PASSWORD, **changes}


class _PlainWebsite(BaseHTTPRequestHandler):
    """An ordinary website: pages for GET, 405 for WebDAV's methods."""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        body = b"<html><body>Welcome to our clinic</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PROPFIND(self) -> None:  # noqa: N802
        self.send_response(405)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def website() -> Iterator[str]:
    yield from _serve(_PlainWebsite)


@pytest.mark.usefixtures("loopback_allowed")
def test_discover_then_connect_then_disconnect(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    assert client.get(_path(agent)).json() is None
    front, back = new_calendar(radicale), new_calendar(radicale)

    found = client.post(f"{_path(agent)}/discover", json=_form(radicale))
    assert found.status_code == 200, found.text
    names = {c["name"]: c["url"] for c in found.json()}
    assert names[front.get_display_name()] == str(front.url)
    assert names[back.get_display_name()] == str(back.url)

    # Several calendars and none chosen: the owner is asked to choose, by name.
    unchosen = client.put(_path(agent), json=_form(radicale))
    assert unchosen.status_code == 422, unchosen.text
    assert unchosen.json()["detail"].startswith("Choose which calendar to use:")
    assert back.get_display_name() in unchosen.json()["detail"]

    saved = client.put(_path(agent), json=_form(radicale, calendar_url=str(back.url)))
    assert saved.status_code == 200, saved.text
    shown = client.get(_path(agent))
    assert shown.json()["calendar_name"] == back.get_display_name()
    assert shown.json()["status"] == "connected" and shown.json()["last_error"] is None
    assert shown.json()["checked_at"] is not None
    # The password is write-only.
    assert shown.json()["password"] == "…" and PASSWORD not in shown.text
    assert PASSWORD not in saved.text

    # Switching calendars without retyping the password keeps the stored one...
    switched = client.put(
        _path(agent), json=_form(radicale, password=None, calendar_url=str(front.url))
    )
    assert switched.status_code == 200, switched.text
    assert switched.json()["calendar_name"] == front.get_display_name()
    # ...but only for the same account.
    other = client.put(_path(agent), json=_form(radicale, username="someone-else", password=None))
    assert other.status_code == 422 and "Enter the password" in other.json()["detail"]

    checked = client.post(f"{_path(agent)}/check")
    assert checked.status_code == 200 and checked.json()["status"] == "connected"

    assert client.delete(_path(agent)).status_code == 204
    assert client.get(_path(agent)).json() is None
    assert client.post(f"{_path(agent)}/check").status_code == 404
    assert client.delete(_path(agent)).status_code == 204  # disconnecting twice is harmless


@pytest.mark.usefixtures("loopback_allowed")
def test_an_account_with_one_calendar_needs_no_choice(
    app_client: TestClient, resources: Resources, tmp_path: Path
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    for own in running_radicale(tmp_path / "one-calendar"):
        only = own.make_calendar("The only one")
        saved = client.put(_path(agent), json=_form(own))
        assert saved.status_code == 200, saved.text
        assert saved.json()["calendar_name"] == "The only one"
        assert saved.json()["calendar_url"] == str(only.url)


@pytest.mark.usefixtures("loopback_allowed")
def test_each_failure_is_explained(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer, website: str
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    calendar = new_calendar(radicale)

    cases = [
        (
            _form(radicale, password="wrong"),
            "CalendarAuthFailed",
            "refused the username or password",
        ),
        (_form(radicale, server_url=website), "NotACalendarServer", "CalDAV"),
        (
            _form(radicale, server_url=f"http://127.0.0.1:{free_port()}/"),
            "CalendarUnreachable",
            "Could not reach the calendar server",
        ),
        (
            _form(radicale, calendar_url=f"{radicale.url}{USERNAME}/no-such-calendar/"),
            "CalendarGone",
            "not on the server",
        ),
        (_form(radicale, server_url="ftp://127.0.0.1/"), "UnsafeURL", "https://"),
    ]
    for form, error, words in cases:
        for call in (
            client.put(_path(agent), json=form),
            client.post(f"{_path(agent)}/discover", json=form),
        ):
            if error == "CalendarGone" and call.request.url.path.endswith("/discover"):
                assert call.status_code == 200  # discovery does not look at the choice
                continue
            assert call.status_code == 422, (form, call.text)
            assert call.json()["error"] == error, call.text
            assert words in call.json()["detail"], call.text
    assert client.get(_path(agent)).json() is None  # nothing was saved along the way

    blank = client.put(_path(agent), json=_form(radicale, server_url="  "))
    assert blank.status_code == 422 and blank.json()["error"] == "ValidationFailed"

    # A calendar deleted on the server after connecting: the check says so, and availability
    # refuses to guess.
    connect(client, agent["id"], radicale, calendar)
    calendar.delete()
    checked = client.post(f"{_path(agent)}/check").json()
    assert checked["status"] == "error" and "no longer exists" in checked["last_error"]
    availability = client.get(
        f"/api/agents/{agent['id']}/availability", params={"day": next_monday().isoformat()}
    )
    assert availability.status_code == 502 and availability.json()["error"] == "CalendarGone"


def test_private_addresses_need_the_allow_list(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer, settings: Settings
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    for host in ("127.0.0.1", "localhost"):
        refused = client.put(
            _path(agent), json=_form(radicale, server_url=f"http://{host}:{radicale.port}/")
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == "UnsafeURL"
        assert "not a public internet address" in refused.json()["detail"]
        assert "FRONTDESK_OUTBOUND_ALLOWED_HOSTS" in refused.json()["detail"]

    # An allowed server cannot send Frontdesk on to a host that is not allowed.
    settings.outbound_allowed_hosts = ["127.0.0.1"]

    class Redirect(BaseHTTPRequestHandler):
        def _elsewhere(self) -> None:
            self.send_response(301)
            self.send_header("Location", f"http://localhost:{radicale.port}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PROPFIND = _elsewhere  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    for redirector in _serve(Redirect):
        bounced = client.put(_path(agent), json=_form(radicale, server_url=redirector))
        assert bounced.status_code == 422, bounced.text
        assert bounced.json()["error"] == "UnsafeURL"
        assert "localhost" in bounced.json()["detail"]


@pytest.mark.usefixtures("loopback_allowed")
def test_names_are_checked_where_the_connection_resolves_them(
    app_client: TestClient,
    resources: Resources,
    radicale: RadicaleServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name whose DNS answer is 127.0.0.1 (as a rebinding attacker's answer turns into) is
    refused by the lookup the connection itself makes, so it never reaches Radicale, even
    with 127.0.0.1 itself on the allow-list."""
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_clinic(client)
    real_lookup = socket.getaddrinfo
    lookups: list[str] = []

    def hostile_dns(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in ("calendar.example", b"calendar.example"):
            lookups.append("calendar.example")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", int(port)))]
        return real_lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hostile_dns)
    refused = client.put(
        _path(agent), json=_form(radicale, server_url=f"http://calendar.example:{radicale.port}/")
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "UnsafeURL"
    assert "calendar.example (it resolves to 127.0.0.1)" in refused.json()["detail"]
    assert lookups  # the refusal came from the connection's own lookup


@pytest.mark.usefixtures("loopback_allowed")
def test_only_owners_and_admins_change_it_and_only_in_their_workspace(
    app_client: TestClient, resources: Resources, radicale: RadicaleServer
) -> None:
    workspace, owner = make_owner(resources)
    sign_in(app_client, owner)
    agent = make_clinic(app_client)
    url = connect(app_client, agent["id"], radicale, new_calendar(radicale))["calendar_url"]

    sign_in(app_client, make_member(resources, workspace, role="member"))
    assert app_client.get(_path(agent)).json()["status"] == "connected"  # members may look
    for call in (
        app_client.put(_path(agent), json=_form(radicale)),
        app_client.post(f"{_path(agent)}/discover", json=_form(radicale)),
        app_client.delete(_path(agent)),
    ):
        assert call.status_code == 403, call.text
        assert "owner and admins" in call.json()["detail"]

    sign_in(app_client, make_member(resources, workspace, role="admin"))
    kept = app_client.put(_path(agent), json=_form(radicale, password=None, calendar_url=url))
    assert kept.status_code == 200, kept.text

    make_signed_in_client(app_client, resources)  # someone from another workspace
    for call in (
        app_client.get(_path(agent)),
        app_client.put(_path(agent), json=_form(radicale)),
        app_client.post(f"{_path(agent)}/check"),
        app_client.delete(_path(agent)),
    ):
        assert call.status_code == 404, call.text
