"""GET /api/ready against real backends: healthy ones, a dead database, a hanging queue."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.db import build_engine
from frontdesk.migrate import upgrade
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import Resources, build_resources

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")


def _dead_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word: a hung backend."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    server.close()


def test_ready_when_every_backend_answers(app_client: TestClient, settings: Settings) -> None:
    response = app_client.get("/api/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "vector_store", "queue"}
    assert all(check["ok"] and check["error"] is None for check in body["checks"].values())
    dialect = "sqlite" if settings.sqlalchemy_url.startswith("sqlite") else "postgresql"
    assert body["checks"]["database"]["backend"] == dialect
    assert body["checks"]["vector_store"]["backend"] == "chroma embedded"
    assert body["checks"]["queue"]["backend"] == "sqlite"
    # Liveness stays the cheap answer it was.
    assert app_client.get("/api/health").json()["status"] == "ok"


def test_not_ready_names_the_dead_database(app_client: TestClient, resources: Resources) -> None:
    """The database goes away under a running app: 503, the database named and why, and no
    credential of its address in the answer."""
    healthy = resources.engine
    resources.engine = build_engine(
        f"postgresql+psycopg://frontdesk:s3cret-pw@127.0.0.1:{_dead_port()}/frontdesk"
    )
    try:
        response = app_client.get("/api/ready")
    finally:
        resources.engine.dispose()
        resources.engine = healthy
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "NotReady"
    assert body["detail"]["failing"] == ["database"]
    database = body["detail"]["checks"]["database"]
    assert database["ok"] is False and database["backend"] == "postgresql"
    assert "OperationalError" in database["error"]
    assert body["detail"]["message"].startswith("Not ready: database: OperationalError")
    # The other backends were still checked, and are fine.
    assert body["detail"]["checks"]["queue"]["ok"] is True
    assert body["detail"]["checks"]["vector_store"]["ok"] is True
    assert "s3cret-pw" not in response.text


def test_a_hanging_queue_answers_within_the_timeout(
    settings: Settings, embedder: MiniLMOnnxEmbedder, silent_server: int
) -> None:
    """A Redis that accepts and never answers: each check gives up after the timeout, and
    while the first one still hangs no second one piles up behind it."""
    hung = settings.model_copy(
        update={
            "queue_url": f"redis://127.0.0.1:{silent_server}/0",
            "ready_timeout_s": 0.3,
            # Consumers would hang on the same Redis at start.
            "embedded_workers": 0,
        }
    )
    upgrade(hung.sqlalchemy_url)
    resources = build_resources(hung, embedder=embedder)
    try:
        with TestClient(create_app(resources=resources)) as client:
            first = client.get("/api/ready")
            second = client.get("/api/ready")
    finally:
        resources.close()
    assert first.status_code == 503, first.text
    queue = first.json()["detail"]["checks"]["queue"]
    assert queue == {**queue, "ok": False, "backend": "redis", "error": "no answer within 0.3 s"}
    assert queue["ms"] < 2000
    assert first.json()["detail"]["failing"] == ["queue"]
    assert second.status_code == 503
    assert "still waits on redis" in second.json()["detail"]["checks"]["queue"]["error"]


@pytest.mark.redis
def test_ready_pings_redis_when_the_queue_is_there(
    settings: Settings, embedder: MiniLMOnnxEmbedder
) -> None:
    if not REDIS_URL:
        pytest.skip("FRONTDESK_TEST_REDIS_URL is not set")
    on_redis = settings.model_copy(
        update={"queue_url": REDIS_URL, "queue_name": f"frontdesk-test-{uuid.uuid4().hex[:8]}"}
    )
    upgrade(on_redis.sqlalchemy_url)
    resources = build_resources(on_redis, embedder=embedder)
    try:
        with TestClient(create_app(resources=resources)) as client:
            response = client.get("/api/ready")
    finally:
        resources.close()
        client_ = redis.Redis.from_url(REDIS_URL)
        for key in client_.scan_iter(f"huey*{on_redis.queue_name}*"):
            client_.delete(key)
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["queue"] == {
        **response.json()["checks"]["queue"],
        "ok": True,
        "backend": "redis",
    }
