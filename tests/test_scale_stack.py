"""The scale path end to end: PostgreSQL, a Chroma server, jobs on Redis consumed by a
separate `frontdesk worker` process, and an API process that runs no workers itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.migrate import upgrade
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import build_resources
from tests.conftest import POSTGRES_URL
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")
CHROMA = Path(sys.executable).parent / "chroma"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.redis,
    pytest.mark.skipif(
        not (POSTGRES_URL and REDIS_URL),
        reason="needs FRONTDESK_TEST_POSTGRES_URL and FRONTDESK_TEST_REDIS_URL",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "chroma did not start"
        time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    from tests.conftest import _postgres_database

    yield from _postgres_database()


def test_api_and_separate_worker_on_postgres_chroma_redis(
    tmp_path: Path, postgres_url: str, chroma_url: str, embedder: MiniLMOnnxEmbedder
) -> None:
    queue_name = f"frontdesk-scale-{uuid.uuid4().hex[:8]}"
    env = {
        "FRONTDESK_DATA_DIR": str(tmp_path / "worker-data"),
        "FRONTDESK_DATABASE_URL": postgres_url,
        "FRONTDESK_CHROMA_URL": chroma_url,
        "FRONTDESK_QUEUE_URL": REDIS_URL,
        "FRONTDESK_QUEUE_NAME": queue_name,
        "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        "FRONTDESK_CRAWL_DELAY_S": "0",
    }
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "api-data",
        database_url=postgres_url,
        chroma_url=chroma_url,
        queue_url=REDIS_URL,
        queue_name=queue_name,
        crawl_allowed_hosts=["127.0.0.1"],
        embedded_workers=0,
    )
    upgrade(settings.sqlalchemy_url)
    resources = build_resources(settings, embedder=embedder)
    worker_log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "frontdesk", "worker", "--workers", "2"],
        env={**os.environ, **env},
        stdout=worker_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        with juniper_site() as site, TestClient(create_app(resources=resources)) as app_client:
            client, _ = make_signed_in_client(app_client, resources)
            agent = client.post(
                "/api/agents", data={"name": "Vet", "website_url": site.url("/")}
            ).json()
            agent = wait_for_agent(client, agent["id"], timeout=180)
            assert agent["status"] == "interviewing", worker_log.read_text()[-3000:]
            hits = client.get(
                f"/api/agents/{agent['id']}/knowledge/search",
                params={"q": "how much is a rabies vaccination"},
            ).json()["results"]
            assert any("$32" in h["text"] for h in hits)
            # The vectors live in the Chroma server, not in any local data dir.
            assert not (tmp_path / "api-data" / "chroma").exists()
            assert not (tmp_path / "worker-data" / "chroma").exists()
            assert client.delete(f"/api/agents/{agent['id']}").status_code == 204
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        resources.close()
        client_redis = redis.Redis.from_url(REDIS_URL)
        for key in client_redis.scan_iter(f"*{queue_name}*"):
            client_redis.delete(key)
