"""A receptionist deployed on a real server (tests/live_server.py) with its widget allowed on
one website, reached the way an attacker reaches it: over HTTP, with no account, only the
public key and the Origin of the page that embeds the widget."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from frontdesk.resources import Resources
from tests.factories import EVERY_DAY, PASSWORD, make_owner
from tests.knowledge.waiting import wait_for_agent
from tests.live_server import serving
from tests.widget.conftest import make_ready

SITE = "https://juniper.example"


@dataclass
class WidgetChat:
    """One anonymous caller's text conversation through the widget's public API."""

    caller: httpx.Client
    conversation_id: str
    token: str
    replies: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str) -> dict[str, Any]:
        response = self.caller.post(
            f"/api/widget/conversations/{self.conversation_id}/messages",
            json={"text": text},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        out = response.json()
        self.token = out["token"] or self.token
        self.replies.append(out)
        return out


@dataclass
class LiveReception:
    url: str
    owner: httpx.Client
    agent: dict[str, Any]
    key: str
    resources: Resources

    @contextmanager
    def caller(self) -> Iterator[httpx.Client]:
        """A stranger's browser on the business's website: no cookies, never signed in."""
        with httpx.Client(base_url=self.url, timeout=60, headers={"Origin": SITE}) as client:
            yield client

    def open_chat(self, caller: httpx.Client) -> WidgetChat:
        started = caller.post(f"/api/widget/{self.key}/sessions", json={"mode": "text"})
        assert started.status_code == 201, started.text
        session = started.json()
        return WidgetChat(caller, session["conversation_id"], session["token"])

    def caller_changes(self, **changes: bool) -> Any:
        """Set where callers may cancel and move their bookings, as the dashboard does; the
        setting as saved."""
        agent = self.owner.get(f"/api/agents/{self.agent['id']}").json()
        scheduling = {**agent["scheduling"], "caller_changes": changes}
        saved = self.owner.patch(f"/api/agents/{self.agent['id']}", json={"scheduling": scheduling})
        assert saved.status_code == 200, saved.text
        return saved.json()["scheduling"].get("caller_changes")


@contextmanager
def live_reception(
    resources: Resources, *, knowledge: str = "We see cats and dogs."
) -> Iterator[LiveReception]:
    """Juniper Vet on a real server, ready and deployed, its widget allowed on SITE, its
    calendar open every day 09:00-17:00 UTC; `knowledge` is its one text source."""
    _, owner = make_owner(resources)
    with serving(resources) as url, httpx.Client(base_url=url, timeout=60) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        created = api.post("/api/agents", data={"name": "Juniper Vet", "text": knowledge})
        assert created.status_code == 201, created.text
        agent = created.json()
        settings = api.patch(
            f"/api/agents/{agent['id']}",
            json={
                "greeting": "Juniper Vet, Maya speaking. How can I help?",
                "scheduling": {"timezone": "UTC", "hours": EVERY_DAY, "min_notice_minutes": 0},
            },
        )
        assert settings.status_code == 200, settings.text
        wait_for_agent(api, agent["id"])  # type: ignore[arg-type]
        make_ready(api, resources, agent["id"])  # type: ignore[arg-type]
        widget = api.patch(f"/api/agents/{agent['id']}/widget", json={"allowed_origins": [SITE]})
        assert widget.status_code == 200, widget.text
        deployed = api.post(f"/api/agents/{agent['id']}/deploy")
        assert deployed.status_code == 200, deployed.text
        yield LiveReception(url, api, agent, widget.json()["public_key"], resources)
