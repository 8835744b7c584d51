"""A workspace that names its own OpenAI-compatible endpoint is answered by it; every other
workspace keeps the server's model."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_receptionist, make_signed_in_client
from tests.fake_llm import Say, ScriptedLLM
from tests.fake_openai_server import FakeOpenAIServer

OWN_KEY = "sk-juniper-own-key-0001"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The workspace's own endpoint is a loopback test server, allowed by the operator.
    return settings.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"]})


def _ask(client: TestClient, agent: dict, text: str) -> str:
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    reply = client.post(f"/api/conversations/{started.json()['id']}/messages", json={"text": text})
    assert reply.status_code == 200, reply.text
    return reply.json()["reply"]


def test_each_workspace_talks_to_its_own_model(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    juniper_owner = client.get("/api/auth/me").json()["email"]

    def sign_in_as(email: str) -> None:
        # One client throughout: live conversations belong to its event loop.
        client.cookies.clear()
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200

    client.cookies.clear()
    _, cedar_owner = make_signed_in_client(client, chat_resources)
    cedar_agent = make_receptionist(client, name="Cedar Dental")
    sign_in_as(juniper_owner)

    with FakeOpenAIServer(reply="Juniper's own model says hello.") as endpoint:
        changed = client.patch(
            "/api/workspace",
            json={
                "settings": {
                    "llm_base_url": endpoint.base_url,
                    "llm_model": "juniper-8b",
                    "llm_api_key": OWN_KEY,
                }
            },
        )
        assert changed.status_code == 200, changed.text

        assert _ask(client, agent, "Do you treat cats?") == "Juniper's own model says hello."
        [request] = endpoint.requests
        assert request.model == "juniper-8b"
        assert request.authorization == f"Bearer {OWN_KEY}"
        assert "Juniper Vet" in request.system_prompt
        assert fake_llm.seen == []

        # Another workspace still gets the server's model.
        sign_in_as(cedar_owner.email)
        fake_llm.script(Say("The server's model answers Cedar."))
        assert _ask(client, cedar_agent, "Are you open?") == "The server's model answers Cedar."
        assert len(endpoint.requests) == 1

        # Cleared: Juniper's new conversations are back on the server's model.
        sign_in_as(juniper_owner)
        client.patch("/api/workspace", json={"settings": {"llm_base_url": None}})
        fake_llm.script(Say("Back on the server's model."))
        assert _ask(client, agent, "Hello?") == "Back on the server's model."
        assert len(endpoint.requests) == 1
