"""A deployed receptionist with its widget on one website, served by the real app on a
loopback port, reached the way an attacker reaches it: the owner works over HTTP as the
dashboard does, and callers are plain HTTP clients with no account, only the public key and
the Origin of the page that embeds the widget, from whichever loopback address a test picks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from frontdesk.resources import Resources
from tests.factories import make_receptionist
from tests.live_server import owner_client, serving
from tests.widget.conftest import SITE, make_ready


def open_session(caller: httpx.Client, key: str, mode: str = "text") -> httpx.Response:
    return caller.post(f"/api/widget/{key}/sessions", json={"mode": mode})


def say(caller: httpx.Client, session: dict, text: str) -> httpx.Response:
    return caller.post(
        f"/api/widget/conversations/{session['conversation_id']}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {session['token']}"},
    )


@dataclass
class WidgetChat:
    """One anonymous caller's text conversation through the widget's public API. The caller
    sees only the reply; what the agent's tools did is read from the owner's transcript."""

    caller: httpx.Client
    owner: httpx.Client
    session: dict[str, Any]

    @property
    def conversation_id(self) -> str:
        return str(self.session["conversation_id"])

    def say(self, text: str) -> dict[str, Any]:
        """The widget's answer, with `tool_calls`: the tool calls of the agent's reply, as
        the owner's transcript records them."""
        response = say(self.caller, self.session, text)
        assert response.status_code == 200, response.text
        out = response.json()
        self.session["token"] = out["token"] or self.session["token"]
        transcript = self.owner.get(f"/api/conversations/{self.conversation_id}")
        assert transcript.status_code == 200, transcript.text
        last = transcript.json()["turns"][-1]
        assert last["role"] == "agent", last
        return {**out, "tool_calls": last["tool_calls"]}


@dataclass
class LiveWidget:
    url: str
    owner: httpx.Client
    agent: dict
    key: str
    resources: Resources

    def caller(self, ip: str = "127.0.0.1") -> httpx.Client:
        """A browser on SITE whose connections come from `ip` (any 127.x.y.z address: the
        server sees it as the client's address, as it would see another visitor)."""
        transport = httpx.HTTPTransport(local_address=ip)
        return httpx.Client(
            base_url=self.url, transport=transport, headers={"Origin": SITE}, timeout=60
        )

    def settings(self, **changes: object) -> dict:
        response = self.owner.patch(f"/api/agents/{self.agent['id']}/widget", json=changes)
        assert response.status_code == 200, response.text
        return response.json()

    def open_chat(self, caller: httpx.Client) -> WidgetChat:
        started = open_session(caller, self.key)
        assert started.status_code == 201, started.text
        return WidgetChat(caller, self.owner, started.json())

    def caller_changes(self, **changes: bool) -> Any:
        """Set where callers may cancel and move their bookings, as the dashboard does; the
        setting as saved."""
        agent = self.owner.get(f"/api/agents/{self.agent['id']}").json()
        scheduling = {**agent["scheduling"], "caller_changes": changes}
        saved = self.owner.patch(f"/api/agents/{self.agent['id']}", json={"scheduling": scheduling})
        assert saved.status_code == 200, saved.text
        return saved.json()["scheduling"].get("caller_changes")


@contextmanager
def live_widget(
    resources: Resources, url: str, *, knowledge: str = "We see cats and dogs."
) -> Iterator[LiveWidget]:
    """Juniper Vet, ready and deployed on the server at `url`, its widget allowed on SITE,
    its calendar open every day 09:00-17:00 UTC; `knowledge` is its one text source."""
    with owner_client(resources, url) as owner:
        agent = make_receptionist(owner, knowledge=knowledge)
        make_ready(owner, resources, agent["id"])  # type: ignore[arg-type]
        state = owner.patch(f"/api/agents/{agent['id']}/widget", json={"allowed_origins": [SITE]})
        assert state.status_code == 200, state.text
        deployed = owner.post(f"/api/agents/{agent['id']}/deploy")
        assert deployed.status_code == 200, deployed.text
        yield LiveWidget(url, owner, agent, state.json()["public_key"], resources)


@contextmanager
def live_reception(
    resources: Resources, *, knowledge: str = "We see cats and dogs."
) -> Iterator[LiveWidget]:
    """`live_widget` on a real server of its own, started for the `with` block."""
    with serving(resources) as url, live_widget(resources, url, knowledge=knowledge) as widget:
        yield widget
