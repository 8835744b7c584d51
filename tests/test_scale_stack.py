"""The scale path end to end, as docs/scale.md runs it: two `frontdesk serve` processes
(no workers of their own) and one `frontdesk worker`, on PostgreSQL, a Chroma server and
Redis. A sign-in, an agent, its knowledge and a conversation all work whichever process a
request reaches."""

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

from tests.conftest import POSTGRES_URL
from tests.reliability.processes import OWNER_PASSWORD, Server, wait_until, worker
from tests.reliability.scripted_openai import Request, ScriptedOpenAIServer
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


def _reply(request: Request) -> str:
    # The model's answer counts what it was told before (one "x" per caller message), so a
    # test can read the history each process gave it; in letters, as the grounding check
    # withholds a number nothing on file states.
    return f"Reply {_tally(len(request.caller_texts))} to: {request.last_user_text}"


def _tally(n: int) -> str:
    return "x" * n


def test_two_api_processes_and_one_worker_on_postgres_chroma_redis(
    tmp_path: Path, postgres_url: str, chroma_url: str
) -> None:
    queue_name = f"frontdesk-scale-{uuid.uuid4().hex[:8]}"
    with ScriptedOpenAIServer(_reply) as model, juniper_site() as site:
        shared = {
            "FRONTDESK_DATABASE_URL": postgres_url,
            "FRONTDESK_CHROMA_URL": chroma_url,
            "FRONTDESK_QUEUE_URL": REDIS_URL,
            "FRONTDESK_QUEUE_NAME": queue_name,
            "FRONTDESK_SECRET_KEY": "scale-test-secret-key-shared-by-every-process",
            "FRONTDESK_OWNER_PASSWORD": OWNER_PASSWORD,
            "FRONTDESK_LLM_BASE_URL": model.base_url,
            "FRONTDESK_LLM_API_KEY": "test-key",
            "FRONTDESK_LLM_MODEL": "scripted",
            "FRONTDESK_EMBEDDED_LLM": "false",
            "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
            "FRONTDESK_CRAWL_DELAY_S": "0",
        }

        def env(name: str, **extra: str) -> dict[str, str]:
            return {**shared, "FRONTDESK_DATA_DIR": str(tmp_path / name), **extra}

        # All three start at once on an empty database: they migrate in turn.
        jobs = worker(env("worker"), tmp_path / "worker.log")
        no_workers = {"FRONTDESK_EMBEDDED_WORKERS": "0"}
        first = Server(env("api-1", **no_workers), tmp_path / "api-1.log")
        second = Server(env("api-2", **no_workers), tmp_path / "api-2.log")
        try:
            a, b = first.client, second.client
            for api in (a, b):
                ready = api.get("/api/ready")
                assert ready.status_code == 200, ready.text
                checks = ready.json()["checks"]
                assert [checks[n]["backend"] for n in ("database", "vector_store", "queue")] == [
                    "postgresql",
                    "chroma server",
                    "redis",
                ]

            # A session made by one process is good on the other (sessions live in the
            # database); signing out on one ends it on both.
            cookie_of_a = dict(a.cookies)
            with httpx.Client(base_url=b.base_url, cookies=cookie_of_a, timeout=30) as as_a:
                assert as_a.get("/api/auth/me").status_code == 200

            # A document uploaded to one API process is read by the worker, whose disk
            # never saw it.
            parking = b"# Parking\n\nTwelve free spaces behind the clinic, on Birch Lane."
            agent = a.post(
                "/api/agents",
                data={"name": "Vet", "website_url": site.url("/")},
                files=[("files", ("parking.md", parking, "text/markdown"))],
            )
            assert agent.status_code == 201, agent.text
            agent_id = agent.json()["id"]

            # Neither API process runs jobs: the worker crawls and indexes the site.
            def ingested() -> dict | None:
                row = b.get(f"/api/agents/{agent_id}").json()
                return row if row["status"] not in ("draft", "ingesting") else None

            agent_row = wait_until(ingested, 180, lambda: jobs.tail())
            assert agent_row["status"] == "interviewing", jobs.tail()
            hits = b.get(
                f"/api/agents/{agent_id}/knowledge/search",
                params={"q": "how much is a rabies vaccination"},
            ).json()["results"]
            assert any("$32" in h["text"] for h in hits)
            hits = b.get(
                f"/api/agents/{agent_id}/knowledge/search", params={"q": "where can I park"}
            ).json()["results"]
            assert any("Birch Lane" in h["text"] for h in hits)
            done = "frontdesk.jobs: source "  # a job's last line
            assert done in jobs.tail(200_000)
            for api_log in ("api-1.log", "api-2.log"):
                assert done not in (tmp_path / api_log).read_text()
            # The vectors live in the Chroma server, not in any local data dir.
            for name in ("worker", "api-1", "api-2"):
                assert not (tmp_path / name / "chroma").exists()

            # A conversation whose messages alternate between the processes, as a load
            # balancer sends them: each reply is made with everything said before.
            started = a.post(f"/api/agents/{agent_id}/conversations")
            assert started.status_code == 201, started.text
            conversation_id = started.json()["id"]
            questions = ["Do you see cats?", "And rabbits?", "What about parrots?", "Parking?"]
            for number, (api, question) in enumerate(zip([b, a, b, a], questions, strict=True)):
                answer = api.post(
                    f"/api/conversations/{conversation_id}/messages", json={"text": question}
                )
                assert answer.status_code == 200, answer.text
                assert answer.json()["reply"] == f"Reply {_tally(number + 1)} to: {question}"
            # The last reply was made (on A) seeing every earlier question once, two of
            # them asked through B.
            shown = model.requests[-1].caller_texts
            assert [q for q in questions if any(q in text for text in shown)] == questions
            assert len(shown) == len(questions)
            transcript = b.get(f"/api/conversations/{conversation_id}").json()["turns"]
            said = [(t["role"], t["text"]) for t in transcript[1:]]
            assert said == [
                pair
                for number, question in enumerate(questions)
                for pair in (
                    ("caller", question),
                    ("agent", f"Reply {_tally(number + 1)} to: {question}"),
                )
            ]
            assert a.post(f"/api/conversations/{conversation_id}/end").status_code in (200, 204)
            refused = b.post(
                f"/api/conversations/{conversation_id}/messages", json={"text": "Hello?"}
            )
            assert refused.status_code == 409, refused.text

            assert a.post("/api/auth/logout").status_code in (200, 204)
            with httpx.Client(base_url=b.base_url, cookies=cookie_of_a, timeout=30) as as_a:
                assert as_a.get("/api/auth/me").status_code == 401
        finally:
            for process in (second, first, jobs):
                process.stop()
            client_redis = redis.Redis.from_url(REDIS_URL)
            for key in client_redis.scan_iter(f"*{queue_name}*"):
                client_redis.delete(key)
