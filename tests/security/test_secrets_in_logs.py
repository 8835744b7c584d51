"""Secrets read back from the server's log, and a calendar feed address that never dies.

Attack: whoever can read the server's log (a log collector, a support engineer, a leaked
log archive) collects the secrets that travel in URLs: the calendar feed's token (in the
access log's path) and the widget call's session token (in uvicorn's `"WebSocket
/api/widget/calls/ws?token=…"` line). A feed address, once copied (by a team member who has
since left, or from such a log), used to work for ever, since it was derived from the agent
id alone.

A real `frontdesk serve` process, its log captured: the owner's feed is fetched and a widget
call socket is opened with a token; neither token is in the log. The old feed address is dead
after "Regenerate", and again after a team member is removed.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.factories import make_receptionist
from tests.reliability.processes import OWNER_PASSWORD, Server, wait_until


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    env = {
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_DATABASE_URL": "",
        "FRONTDESK_QUEUE_URL": "",
        "FRONTDESK_CHROMA_URL": "",
        "FRONTDESK_OWNER_PASSWORD": OWNER_PASSWORD,
        "FRONTDESK_EMBEDDED_LLM": "false",
        "FRONTDESK_LOG_LEVEL": "INFO",
        "FRONTDESK_LOG_FORMAT": "text",
    }
    process = Server(env, tmp_path / "serve.log")
    try:
        yield process
    finally:
        process.stop()


def _token(ics_url: str) -> str:
    return ics_url.rsplit("/", 1)[1].removesuffix(".ics")


def _feed(client: httpx.Client, ics_url: str) -> int:
    return client.get(ics_url).status_code


def test_tokens_stay_out_of_the_log(server: Server) -> None:
    owner = server.client
    agent = make_receptionist(owner)
    feed = owner.get(f"/api/agents/{agent['id']}/calendar").json()["ics_url"]
    with httpx.Client(timeout=30) as calendar_app:
        assert _feed(calendar_app, feed) == 200
    # A widget call socket with its session token in the query string, as the widget opens
    # it (whether the token is valid does not change what uvicorn logs of the handshake).
    call_token = "wt_" + secrets.token_urlsafe(24)
    ws = f"ws://127.0.0.1:{server.port}/api/widget/calls/ws?token={call_token}"
    with contextlib.suppress(InvalidStatus), connect(ws, origin="http://shop.example"):
        pass

    # Both requests were logged (so this is the right log), without their secrets.
    wait_until(lambda: "WebSocket /api/widget/calls/ws" in server.tail(200_000), 10)
    log = server.log.read_text(errors="replace")
    assert "GET /calendar/" in log
    for secret in (_token(feed), call_token):
        assert secret not in log, f"{secret} is in the log:\n{server.tail()}"


def test_feed_addresses_can_be_revoked(server: Server) -> None:
    owner = server.client
    agent = make_receptionist(owner)
    calendar = f"/api/agents/{agent['id']}/calendar"
    first = owner.get(calendar).json()["ics_url"]
    assert owner.get(calendar).json()["ics_url"] == first  # stable until regenerated
    with httpx.Client(timeout=30) as calendar_app:
        assert _feed(calendar_app, first) == 200

        regenerated = owner.post(f"{calendar}/regenerate")
        assert regenerated.status_code == 200, regenerated.text
        second = regenerated.json()["ics_url"]
        assert second != first
        assert _feed(calendar_app, first) == 404
        assert _feed(calendar_app, second) == 200
        assert owner.get(calendar).json()["ics_url"] == second

        # A member who could read the address leaves: every feed address of the workspace
        # is replaced.
        member = owner.post(
            "/api/workspace/members",
            json={"email": "temp@example.com", "name": "Temp", "password": "temp-password-1"},
        )
        assert member.status_code == 201, member.text
        removed = owner.delete(f"/api/workspace/members/{member.json()['id']}")
        assert removed.status_code == 204, removed.text
        assert _feed(calendar_app, second) == 404
        third = owner.get(calendar).json()["ics_url"]
        assert third not in (first, second)
        assert _feed(calendar_app, third) == 200
