"""The job queue on both backends: the embedded SQLite queue and Redis (the scale path)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from huey import RedisHuey, SqliteHuey

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.jobs import build_huey
from frontdesk.migrate import upgrade
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import build_resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")


def test_default_queue_is_sqlite_in_data_dir(settings: Settings) -> None:
    huey = build_huey(settings)
    assert isinstance(huey, SqliteHuey)
    assert (settings.resolved_data_dir / "queue.db").exists()


def test_unknown_queue_url_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="redis://"):
        build_huey(settings.model_copy(update={"queue_url": "amqp://localhost"}))


@pytest.fixture
def redis_settings(settings: Settings) -> Iterator[Settings]:
    if not REDIS_URL:
        pytest.skip("FRONTDESK_TEST_REDIS_URL is not set")
    name = f"frontdesk-test-{uuid.uuid4().hex[:8]}"
    yield settings.model_copy(update={"queue_url": REDIS_URL, "queue_name": name})
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"huey*{name}*"):
        client.delete(key)


@pytest.mark.redis
def test_ingestion_runs_on_redis_workers(
    redis_settings: Settings, embedder: MiniLMOnnxEmbedder
) -> None:
    upgrade(redis_settings.sqlalchemy_url)
    resources = build_resources(redis_settings, embedder=embedder)
    assert isinstance(resources.queue.huey, RedisHuey)
    with juniper_site() as site, TestClient(create_app(resources=resources)) as app_client:
        client, _ = make_signed_in_client(app_client, resources)
        agent = client.post(
            "/api/agents",
            data={"name": "Vet", "website_url": site.url("/"), "text": "Dogs welcome."},
        ).json()
        agent = wait_for_agent(client, agent["id"])
        assert agent["status"] == "interviewing"
        assert {s["status"] for s in agent["sources"]} == {"ready"}
        hits = client.get(
            f"/api/agents/{agent['id']}/knowledge/search", params={"q": "rabies vaccination price"}
        ).json()["results"]
        assert any("$32" in h["text"] for h in hits)
    # The messages went through Redis, and none is left behind.
    assert resources.queue.huey.pending_count() == 0
    resources.close()
