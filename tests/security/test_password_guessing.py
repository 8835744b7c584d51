"""Password guessing against the sign-in form.

Attack: an attacker who can reach the server posts guess after guess to /api/auth/login for
the owner's email, from one address, then from others, and tries to look like other clients
by sending X-Forwarded-For. Each guess also costs the server an Argon2 verification. Over
real HTTP to a real server (uvicorn), from distinct loopback source addresses (127.0.0.x):
past the failed-attempt limit the attacker gets 429 with Retry-After in the house shape, even
for the right password (it is not checked at all), whatever X-Forwarded-For says; another
user signing in from another address is not affected.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_member, make_owner
from tests.live_server import serving


def _client(base: str, source: str) -> httpx.Client:
    """A client whose connections come from the loopback address `source`."""
    return httpx.Client(
        base_url=base, transport=httpx.HTTPTransport(local_address=source), timeout=30
    )


@pytest.fixture
def server(resources: Resources) -> Iterator[str]:
    with serving(resources) as base:
        yield base


def test_guessing_passwords_is_throttled(server: str, resources: Resources) -> None:
    workspace, owner = make_owner(resources)
    colleague = make_member(resources, workspace)
    limit = 10  # FRONTDESK_LOGIN_FAILURES_PER_IP / _PER_EMAIL default: 10 a minute

    with _client(server, "127.0.0.2") as attacker:
        for n in range(limit):
            guess = attacker.post(
                "/api/auth/login", json={"email": owner.email, "password": f"guess-{n}"}
            )
            assert guess.status_code == 401, guess.text
        refused = attacker.post(
            "/api/auth/login", json={"email": owner.email, "password": "guess-next"}
        )
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "TooManyRequests"
        assert "failed sign-ins" in refused.json()["detail"]
        assert int(refused.headers["Retry-After"]) >= 1
        # Refused before the password is verified: even the right one does not sign in.
        right = attacker.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert right.status_code == 429
        assert "frontdesk_session" not in right.cookies
        # Claiming to be someone else changes nothing: the attacker is no trusted proxy.
        for n in range(3):
            spoofed = attacker.post(
                "/api/auth/login",
                json={"email": colleague.email, "password": "guess"},
                headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            )
            assert spoofed.status_code == 429, spoofed.text

    with _client(server, "127.0.0.3") as elsewhere:
        # The owner's email has used up its failed attempts, from whatever address.
        assert (
            elsewhere.post(
                "/api/auth/login", json={"email": owner.email, "password": "guess-x"}
            ).status_code
            == 429
        )
        # Another user, from another address, signs in as usual.
        ok = elsewhere.post(
            "/api/auth/login", json={"email": colleague.email, "password": PASSWORD}
        )
        assert ok.status_code == 200, ok.text
        assert elsewhere.get("/api/auth/me").status_code == 200
