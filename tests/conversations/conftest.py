from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.migrate import upgrade
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import Resources, build_resources
from tests.factories import make_signed_in_client
from tests.fake_llm import ScriptedLLM

EVERY_DAY = {
    d: [{"opens": "09:00", "closes": "17:00"}]
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
}


@pytest.fixture
def fake_llm() -> ScriptedLLM:
    return ScriptedLLM()


@pytest.fixture
def chat_resources(
    settings: Settings, embedder: MiniLMOnnxEmbedder, fake_llm: ScriptedLLM
) -> Iterator[Resources]:
    upgrade(settings.sqlalchemy_url)
    resources = build_resources(settings, embedder=embedder, llm_factory=lambda: fake_llm)
    yield resources
    resources.close()


@pytest.fixture
def chat(chat_resources: Resources) -> Iterator[tuple[TestClient, dict]]:
    """A signed-in client and an agent with a calendar open every day 09:00-17:00 UTC."""
    with TestClient(create_app(resources=chat_resources)) as app_client:
        client, _ = make_signed_in_client(app_client, chat_resources)
        agent = client.post(
            "/api/agents", data={"name": "Juniper Vet", "text": "We see cats and dogs."}
        ).json()
        response = client.patch(
            f"/api/agents/{agent['id']}",
            json={
                "greeting": "Juniper Vet, Maya speaking. How can I help?",
                "scheduling": {"timezone": "UTC", "hours": EVERY_DAY, "min_notice_minutes": 0},
            },
        )
        assert response.status_code == 200, response.text
        yield client, agent
