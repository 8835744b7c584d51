"""A deployed receptionist with its widget on one website, served by the real app on a
loopback port: the owner works over HTTP as the dashboard does, and callers are plain HTTP
clients that send the website's Origin, from whichever loopback address a test picks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.widget.conftest import SITE, make_ready


@dataclass
class LiveWidget:
    base: str
    owner: httpx.Client
    agent: dict
    key: str

    def caller(self, ip: str = "127.0.0.1") -> httpx.Client:
        """A browser on SITE whose connections come from `ip` (any 127.x.y.z address: the
        server sees it as the client's address, as it would see another visitor)."""
        transport = httpx.HTTPTransport(local_address=ip)
        return httpx.Client(
            base_url=self.base, transport=transport, headers={"Origin": SITE}, timeout=30
        )

    def settings(self, **changes: object) -> dict:
        response = self.owner.patch(f"/api/agents/{self.agent['id']}/widget", json=changes)
        assert response.status_code == 200, response.text
        return response.json()


def open_session(caller: httpx.Client, key: str, mode: str = "text") -> httpx.Response:
    return caller.post(f"/api/widget/{key}/sessions", json={"mode": mode})


def say(caller: httpx.Client, session: dict, text: str) -> httpx.Response:
    return caller.post(
        f"/api/widget/conversations/{session['conversation_id']}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {session['token']}"},
    )


@contextmanager
def live_widget(resources: Resources, base: str) -> Iterator[LiveWidget]:
    """Juniper Vet, ready and deployed on the server at `base`, its widget allowed on SITE."""
    _, user = make_owner(resources)
    with httpx.Client(base_url=base, timeout=60) as owner:
        signed_in = owner.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        agent = make_receptionist(owner)
        make_ready(owner, resources, agent["id"])  # type: ignore[arg-type]
        state = owner.patch(f"/api/agents/{agent['id']}/widget", json={"allowed_origins": [SITE]})
        assert state.status_code == 200, state.text
        deployed = owner.post(f"/api/agents/{agent['id']}/deploy")
        assert deployed.status_code == 200, deployed.text
        yield LiveWidget(base, owner, agent, state.json()["public_key"])
