"""An embedding model that fails or answers garbage costs one source or one search, in
words, never the agent or the server: the source fails alone with a message naming the
model, the search endpoint answers 503/502 in the error shape, and a caller still gets a
reply (the search tool's failure reaches the model as a tool error)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.migrate import upgrade
from frontdesk.providers.embeddings.base import Embedder
from frontdesk.resources import build_resources
from frontdesk.runtime.tools import KNOWLEDGE_DOWN
from tests.factories import make_signed_in_client
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.knowledge.waiting import wait_for_agent

pytestmark = pytest.mark.timeout(180)

POISON = "pangolin"  # texts with this word make the faulty model misbehave


class FaultyEmbedder(Embedder):
    """The real model, except on poisoned texts (or on every text once `broken`): then it
    raises, or answers NaN rows, or rows of the wrong length, as `mode` says."""

    def __init__(self, inner: Embedder, mode: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimensions = inner.dimensions
        self.mode = mode
        self.broken = False

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.inner.embed_documents(texts)
        if not self.broken and not any(POISON in t for t in texts):
            return vectors
        if self.mode == "raise":
            raise RuntimeError("onnxruntime: bad allocation")
        if self.mode == "nan":
            vectors[-1, 0] = np.nan
            return vectors
        return vectors[:, : self.dimensions // 2]


@pytest.fixture(params=["raise", "nan", "short"])
def faulty(request: pytest.FixtureRequest, embedder: Embedder) -> FaultyEmbedder:
    return FaultyEmbedder(embedder, request.param)


@pytest.fixture
def faulty_chat(
    settings: Settings, faulty: FaultyEmbedder, fake_llm: ScriptedLLM
) -> Iterator[tuple[TestClient, dict]]:
    """A signed-in client and an agent whose knowledge base holds one good and one poisoned
    file, ingested by the faulty model."""
    upgrade(settings.sqlalchemy_url)
    resources = build_resources(settings, embedder=faulty, llm_factory=lambda: fake_llm)
    try:
        with TestClient(create_app(resources=resources)) as app_client:
            client, _ = make_signed_in_client(app_client, resources)
            created = client.post(
                "/api/agents",
                data={"name": "Juniper Vet", "text": "We see cats and dogs. Rabies shots $32."},
                files=[("files", ("exotic.txt", f"We do not treat a {POISON}.", "text/plain"))],
            )
            assert created.status_code == 201, created.text
            agent = wait_for_agent(client, created.json()["id"])
            yield client, agent
    finally:
        resources.close()


def test_a_faulty_embedder_fails_only_the_source_it_choked_on(faulty_chat, faulty) -> None:  # type: ignore[no-untyped-def]
    client, agent = faulty_chat
    by_kind = {s["kind"]: s for s in agent["sources"]}
    assert by_kind["file"]["status"] == "failed"
    error = by_kind["file"]["error"]
    assert f"The embedding model {faulty.name}" in error
    if faulty.mode == "raise":
        assert "failed: onnxruntime: bad allocation" in error
    elif faulty.mode == "nan":
        assert "NaN" in error
    else:
        assert f"instead of (1, {faulty.dimensions})" in error
    # The other source and the agent are fine, and searchable.
    assert by_kind["text"]["status"] == "ready"
    assert agent["status"] != "failed"
    found = client.get(f"/api/agents/{agent['id']}/knowledge/search", params={"q": "rabies"})
    assert found.status_code == 200, found.text
    assert "Rabies shots" in found.json()["results"][0]["text"]


def test_search_answers_in_the_error_shape_when_the_embedder_fails(faulty_chat, faulty) -> None:  # type: ignore[no-untyped-def]
    client, agent = faulty_chat
    faulty.broken = True
    response = client.get(f"/api/agents/{agent['id']}/knowledge/search", params={"q": "rabies"})
    assert response.status_code == (503 if faulty.mode == "raise" else 502), response.text
    body = response.json()
    assert body["error"] == "EmbeddingError"
    assert body["detail"].startswith(f"The embedding model {faulty.name}")
    # It recovers with the model.
    faulty.broken = False
    again = client.get(f"/api/agents/{agent['id']}/knowledge/search", params={"q": "rabies"})
    assert again.status_code == 200


def test_the_agent_still_replies_when_knowledge_search_fails(  # type: ignore[no-untyped-def]
    faulty_chat, faulty, fake_llm: ScriptedLLM
) -> None:
    client, agent = faulty_chat
    faulty.broken = True
    fake_llm.script(
        Call("search_knowledge", {"query": "Do you treat rabbits?"}),
        lambda ctx: Say(f"Let me take a message. ({last_tool_output(ctx)})"),
    )
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    reply = client.post(
        f"/api/conversations/{started.json()['id']}/messages",
        json={"text": "Do you treat rabbits?"},
    )
    assert reply.status_code == 200, reply.text
    out = reply.json()
    [call] = out["tool_calls"]
    assert call["name"] == "search_knowledge"
    assert call["error"] is True and call["result"] == KNOWLEDGE_DOWN
    assert out["reply"] == f"Let me take a message. ({KNOWLEDGE_DOWN})"
