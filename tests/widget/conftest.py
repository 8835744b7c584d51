"""A deployed receptionist with a widget allowed on one website, and a browser on it.

The owner works through the API like the dashboard does. The caller's browser is a client
without cookies that sends the website's Origin, as a page embedding the widget would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.db import transaction
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.models import Agent
from frontdesk.resources import Resources
from tests.factories import make_receptionist, make_signed_in_client
from tests.knowledge.waiting import wait_for_agent

SITE = "https://juniper.example"


def make_ready(client: TestClient, resources: Resources, agent_id: str) -> None:
    """An agent whose sources are read and whose onboarding generated it: "ready".
    (The interview itself is tested in tests/onboarding; here only its outcome matters.)"""
    wait_for_agent(client, agent_id)
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        assert agent is not None
        agent.onboarded_at = datetime.now(UTC)
        KnowledgeRepository(db).refresh_agent_status(agent_id)
    assert client.get(f"/api/agents/{agent_id}").json()["status"] == "ready"


def browser(app: FastAPI, *, ip: str = "198.51.100.7", origin: str | None = SITE) -> TestClient:
    """A caller's browser on `origin` at `ip` (no cookies, never signed in). Not entered, so
    it must not hold live text conversations: use it for config, voice sessions, refusals."""
    headers = {"Origin": origin} if origin else {}
    return TestClient(app, client=(ip, 50000), headers=headers)


@dataclass
class Widget:
    owner: TestClient
    caller: TestClient  # entered: live conversations stay on its event loop
    agent: dict
    key: str
    resources: Resources

    @property
    def app(self) -> FastAPI:
        return self.caller.app  # type: ignore[return-value]

    @property
    def workspace_id(self) -> str:
        with transaction(self.resources.sessionmaker) as db:
            agent = db.get(Agent, self.agent["id"])
            assert agent is not None
            return agent.workspace_id

    def settings(self, **changes: object) -> dict:
        response = self.owner.patch(f"/api/agents/{self.agent['id']}/widget", json=changes)
        assert response.status_code == 200, response.text
        return response.json()

    def session(self, mode: str = "text", client: TestClient | None = None):  # type: ignore[no-untyped-def]
        return (client or self.caller).post(f"/api/widget/{self.key}/sessions", json={"mode": mode})

    def say(self, conversation_id: str, token: str, text: str):  # type: ignore[no-untyped-def]
        return self.caller.post(
            f"/api/widget/conversations/{conversation_id}/messages",
            json={"text": text},
            headers={"Authorization": f"Bearer {token}"},
        )


@pytest.fixture
def widget(chat_resources: Resources) -> Iterator[Widget]:
    """Juniper Vet, ready and deployed, its widget allowed on SITE."""
    app = create_app(resources=chat_resources)
    with TestClient(app, client=("198.51.100.7", 50000), headers={"Origin": SITE}) as caller:
        owner, _ = make_signed_in_client(TestClient(app), chat_resources)
        agent = make_receptionist(owner)
        make_ready(owner, chat_resources, agent["id"])
        state = owner.patch(f"/api/agents/{agent['id']}/widget", json={"allowed_origins": [SITE]})
        assert state.status_code == 200, state.text
        deployed = owner.post(f"/api/agents/{agent['id']}/deploy")
        assert deployed.status_code == 200, deployed.text
        yield Widget(owner, caller, agent, state.json()["public_key"], chat_resources)
