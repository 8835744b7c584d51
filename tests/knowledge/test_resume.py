"""A `frontdesk serve` killed (SIGKILL) in the middle of a crawl resumes after restart: pages
indexed before the kill are not fetched again, and no chunk is duplicated."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from frontdesk.config import Settings
from frontdesk.knowledge.vector_store import VectorStore, connect_chroma, source_gen
from tests.website.juniper_site import juniper_site

pytestmark = pytest.mark.slow
PASSWORD = "resume-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "frontdesk", "serve", "--port", str(port)],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def _client(port: int, log: Path, timeout: float = 60.0) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get("/api/health").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("server did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)
    login = client.post(
        "/api/auth/login", json={"email": "owner@frontdesk.local", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    return client


def test_killed_server_resumes_ingestion(tmp_path: Path, database_url: str) -> None:
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_OWNER_PASSWORD": PASSWORD,
        "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        # Slow and sequential, so there is a "midway" to kill the server in.
        "FRONTDESK_CRAWL_DELAY_S": "0.5",
        "FRONTDESK_CRAWL_CONCURRENCY": "1",
        "FRONTDESK_JOB_STALE_AFTER_S": "2",
        "FRONTDESK_EMBEDDED_LLM": "false",
    }
    log = tmp_path / "serve.log"
    with juniper_site() as site:
        port = _free_port()
        server = _start(env, port, log)
        try:
            client = _client(port, log)
            agent = client.post(
                "/api/agents", data={"name": "Vet", "website_url": site.url("/")}
            ).json()
            deadline = time.monotonic() + 60
            while True:
                source = client.get(f"/api/agents/{agent['id']}").json()["sources"][0]
                if source["pages_indexed"] >= 3:
                    break
                assert time.monotonic() < deadline, source
                time.sleep(0.1)
        finally:
            server.send_signal(signal.SIGKILL)
            server.wait()
        assert source["status"] == "running"
        assert source["pages_indexed"] < source["pages_found"]
        served_before = Counter(site.requested_paths)

        port = _free_port()
        server = _start(env, port, log)
        try:
            client = _client(port, log)
            deadline = time.monotonic() + 120
            while True:
                agent_now = client.get(f"/api/agents/{agent['id']}").json()
                if agent_now["status"] == "interviewing":
                    break
                assert time.monotonic() < deadline, agent_now
                time.sleep(0.2)
            source = agent_now["sources"][0]
            assert source["status"] == "ready" and source["generation"] == 1
            hits = client.get(
                f"/api/agents/{agent['id']}/knowledge/search", params={"q": "emergency phone"}
            ).json()["results"]
            assert any("014-9911" in h["text"] for h in hits)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    # The home page was indexed before the kill and was not fetched a second time.
    served_after = Counter(site.requested_paths)
    assert served_before["/"] == 1 and served_after["/"] == 1
    assert served_after["/robots.txt"] >= 2  # the resumed run reads robots.txt again
    # Every live chunk once, and exactly as many as the pages report.
    settings = Settings(data_dir=data_dir, database_url=database_url)
    store = VectorStore(connect_chroma(settings))
    chunks = store.chunks(agent["id"], [source_gen(source["id"], 1)])
    assert len(chunks) == len({c.id for c in chunks}) == source["chunk_count"]
    assert store.count(agent["id"]) == len(chunks)
