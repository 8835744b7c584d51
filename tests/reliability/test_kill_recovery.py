"""kill -9 recovery on the scale path (PostgreSQL, Redis queue, real processes).

1. A `frontdesk worker` killed mid-crawl: a new worker finishes the source; no page indexed
   before the kill is fetched again, no chunk is duplicated.
2. `frontdesk serve` killed while a message is in flight: every acknowledged turn, the lead
   and the booking survive exactly once, and the conversation goes on after a restart.
3. A worker killed while it analyses an ended conversation: the analysis completes once,
   and the business hears `conversation.ended` once.

The figures (restart to ready, pages fetched again) are printed; run with `-s` to see them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
import redis
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from frontdesk.config import Settings
from frontdesk.knowledge.vector_store import VectorStore, connect_chroma, source_gen
from frontdesk.models import Appointment, ConversationTurn, CrawlPage, Lead, WebhookDelivery
from tests.conftest import POSTGRES_URL
from tests.factories import make_receptionist
from tests.reliability.processes import (
    OWNER_PASSWORD,
    Process,
    Server,
    wait_until,
    worker,
)
from tests.reliability.scripted_openai import Request, ScriptedOpenAIServer, ToolCall
from tests.test_scale_stack import REDIS_URL, chroma_url, postgres_url  # noqa: F401 - fixtures
from tests.webhooks.receiver import webhook_receiver
from tests.website.juniper_site import juniper_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.redis,
    pytest.mark.skipif(
        not (POSTGRES_URL and REDIS_URL),
        reason="needs FRONTDESK_TEST_POSTGRES_URL and FRONTDESK_TEST_REDIS_URL",
    ),
]

# The test site's redirects (tests/website/juniper_site.py), old address -> target.
REDIRECTS = {"/old-services": "/services/"}
# A dead worker's claim is taken over once its heartbeat is this old.
STALE_AFTER_S = 2


@pytest.fixture
def queue_name() -> Iterator[str]:
    name = f"frontdesk-kill-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:  # noqa: F811 - the imported fixture
    engine = create_engine(postgres_url)
    yield engine
    engine.dispose()


def _env(tmp_path: Path, name: str, postgres_url: str, queue_name: str) -> dict[str, str]:  # noqa: F811
    return {
        "FRONTDESK_DATA_DIR": str(tmp_path / f"{name}-data"),
        "FRONTDESK_DATABASE_URL": postgres_url,
        "FRONTDESK_QUEUE_URL": REDIS_URL,
        "FRONTDESK_QUEUE_NAME": queue_name,
        "FRONTDESK_OWNER_PASSWORD": OWNER_PASSWORD,
        "FRONTDESK_EMBEDDED_LLM": "false",
        "FRONTDESK_JOB_STALE_AFTER_S": str(STALE_AFTER_S),
        "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        "FRONTDESK_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
    }


# -- 1. a worker killed mid-crawl ---------------------------------------------------------


def test_killed_worker_resumes_the_crawl_without_refetching_or_duplicates(
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
    chroma_url: str,  # noqa: F811
    queue_name: str,
    engine: Engine,
) -> None:
    shared = {
        "FRONTDESK_CHROMA_URL": chroma_url,
        # Slow and sequential, so there is a midway to kill the worker in.
        "FRONTDESK_CRAWL_DELAY_S": "0.5",
        "FRONTDESK_CRAWL_CONCURRENCY": "1",
    }
    api_env = {
        **_env(tmp_path, "api", postgres_url, queue_name),
        **shared,
        "FRONTDESK_EMBEDDED_WORKERS": "0",
    }
    worker_env = {**_env(tmp_path, "worker", postgres_url, queue_name), **shared}
    with juniper_site() as site:
        api = Server(api_env, tmp_path / "api.log")
        first = worker(worker_env, tmp_path / "worker-1.log")
        second: Process | None = None
        try:
            agent = api.client.post(
                "/api/agents", data={"name": "Vet", "website_url": site.url("/")}
            ).json()
            source = wait_until(
                lambda: _indexed_at_least(api.client, agent["id"], 3),
                120,
                lambda: first.tail(),
            )
            first.kill9()
            killed_at = _source(api.client, agent["id"])
            assert killed_at["status"] == "running", killed_at
            assert killed_at["pages_indexed"] < killed_at["pages_found"], killed_at
            indexed_before = _indexed_paths(engine, source["id"])
            served_before = Counter(site.requested_paths)

            restarted = time.monotonic()
            second = worker(worker_env, tmp_path / "worker-2.log")
            done = wait_until(
                lambda: _finished(api.client, agent["id"]), 180, lambda: second.tail()
            )
            restart_to_ready = time.monotonic() - restarted
        finally:
            for process in (first, second):
                if process is not None:
                    process.stop()
            api.stop()

    source = done["sources"][0]
    assert source["status"] == "ready" and source["generation"] == 1, source
    assert done["status"] == "interviewing", done
    served = Counter(site.requested_paths)
    after_kill = served - served_before
    # No page indexed before the kill was fetched after it. The one allowance: a redirect
    # followed after the kill requests its target again (the crawler follows redirects
    # before it knows where they lead), which an uninterrupted crawl does too.
    for path in indexed_before:
        hops = sum(after_kill[old] for old, new in REDIRECTS.items() if new == path)
        assert after_kill[path] <= hops, (path, served_before, served)
    # What was fetched twice is what the killed worker had fetched but not yet indexed.
    fetched_again = sorted(
        path
        for path in served_before
        if after_kill[path] and path not in ("/robots.txt", "/sitemap.xml", *REDIRECTS.values())
    )
    assert not set(fetched_again) & set(indexed_before)

    # No duplicates: one crawl row per URL, and in Chroma one chunk per (url, ordinal),
    # exactly as many as the pages report, plus the site-wide ones (header and footer,
    # stored once for the site with no page of their own).
    with engine.connect() as db:
        rows = db.execute(
            select(CrawlPage.url, CrawlPage.chunk_count).where(
                CrawlPage.source_id == source["id"], CrawlPage.generation == 1
            )
        ).all()
    urls = [url for url, _ in rows]
    assert len(urls) == len(set(urls))
    settings = Settings(data_dir=tmp_path / "reader", chroma_url=chroma_url)
    store = VectorStore(connect_chroma(settings))
    chunks = store.chunks(agent["id"], [source_gen(source["id"], 1)])
    page_chunks = [c for c in chunks if not c.metadata.get("site_wide")]
    keys = [(c.metadata.get("url"), c.metadata.get("ordinal")) for c in page_chunks]
    assert len(keys) == len(set(keys)) and len(chunks) == len({c.id for c in chunks})
    assert len(page_chunks) == sum(count for _, count in rows)
    assert len(chunks) == source["chunk_count"]
    assert store.count(agent["id"]) == len(chunks)
    print(
        f"\nkill-9 worker mid-crawl: {len(indexed_before)} pages indexed before the kill, "
        f"restart to ready {restart_to_ready:.1f} s (stale after {STALE_AFTER_S} s), "
        f"pages fetched again: {len(fetched_again)} {fetched_again}, "
        f"chunks {len(chunks)}"
    )


def _source(client: httpx.Client, agent_id: str) -> dict[str, Any]:
    return client.get(f"/api/agents/{agent_id}").json()["sources"][0]


def _indexed_at_least(client: httpx.Client, agent_id: str, pages: int) -> dict[str, Any] | None:
    source = _source(client, agent_id)
    return source if source["pages_indexed"] >= pages else None


def _finished(client: httpx.Client, agent_id: str) -> dict[str, Any] | None:
    agent = client.get(f"/api/agents/{agent_id}").json()
    done = all(s["status"] in ("ready", "failed") for s in agent["sources"])
    return agent if done and agent["status"] != "ingesting" else None


def _indexed_paths(engine: Engine, source_id: str) -> list[str]:
    with engine.connect() as db:
        urls = db.scalars(
            select(CrawlPage.url).where(
                CrawlPage.source_id == source_id, CrawlPage.status == "indexed"
            )
        ).all()
    return [urlparse(url).path or "/" for url in urls]


# -- 2. the API killed during a conversation ------------------------------------------------


class Receptionist:
    """The model's side of the conversation: tools when asked, a held reply on request."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.held = threading.Event()

    def __call__(self, request: Request) -> str | ToolCall:
        if request.wants_json:
            return json.dumps({"summary": "Ann Lee booked a checkup for her dog."})
        if request.last_role == "tool":
            return f"Done: {request.last_tool_output}"
        said = request.last_user_text
        if "my name is Ann Lee" in said:
            return ToolCall(
                "capture_lead",
                {"name": "Ann Lee", "phone": "555-014-2398", "interest": "dog checkup"},
            )
        if "book me" in said:
            return ToolCall(
                "book_appointment",
                {"day": "tomorrow", "time": "10am", "name": "Ann Lee", "phone": "555-014-2398"},
            )
        if "hold on" in said:
            self.held.set()
            self.release.wait(60)
            return "Sorry for the wait."
        if "what have I said" in said:
            return "You said: " + " | ".join(request.caller_texts)
        return f"Noted: {said}"


ACKNOWLEDGED = [
    "Hello, is the vet open tomorrow?",
    "my name is Ann Lee, 555-014-2398, I'd like a checkup for my dog",
    "please book me tomorrow at 10am",
    "thanks, one more thing",
]


def test_killed_api_keeps_every_acknowledged_turn_lead_and_booking(
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
    queue_name: str,
    engine: Engine,
) -> None:
    model = Receptionist()
    with ScriptedOpenAIServer(model) as endpoint:
        env = {
            **_env(tmp_path, "api", postgres_url, queue_name),
            "FRONTDESK_LLM_BASE_URL": endpoint.base_url,
            "FRONTDESK_LLM_API_KEY": "sk-fake",
        }
        api = Server(env, tmp_path / "api.log")
        try:
            agent = make_receptionist(api.client)
            started = api.client.post(f"/api/agents/{agent['id']}/conversations")
            assert started.status_code == 201, started.text
            conversation_id = started.json()["id"]
            replies = [_say(api.client, conversation_id, text) for text in ACKNOWLEDGED]
            assert replies[1]["tool_calls"][0]["name"] == "capture_lead"
            assert replies[2]["tool_calls"][0]["name"] == "book_appointment"
            assert not replies[2]["tool_calls"][0]["error"], replies[2]

            in_flight: dict[str, Any] = {}

            def send() -> None:
                try:
                    in_flight["response"] = _post_message(
                        api.client, conversation_id, "hold on, let me check my calendar"
                    )
                except httpx.TransportError as exc:
                    in_flight["error"] = exc

            sender = threading.Thread(target=send)
            sender.start()
            assert model.held.wait(30), api.tail()
            api.kill9()
            sender.join(30)
            model.release.set()
            assert "error" in in_flight, in_flight  # never acknowledged

            api = Server(env, tmp_path / "api.log")
            before = api.client.get(f"/api/conversations/{conversation_id}").json()
            after_restart = _say(api.client, conversation_id, "what have I said so far?")
            transcript = api.client.get(f"/api/conversations/{conversation_id}").json()
        finally:
            model.release.set()
            api.stop()

    turns = before["turns"]
    # Every acknowledged exchange, in order, once; the greeting first.
    assert [t["seq"] for t in turns] == list(range(len(turns)))
    expected = [("agent", started.json()["greeting"])]
    for text, reply in zip(ACKNOWLEDGED, replies, strict=True):
        expected += [("caller", text), ("agent", reply["reply"])]
    assert [(t["role"], t["text"]) for t in turns[: len(expected)]] == expected
    # The message in flight was heard (its caller turn is stored, as every caller turn is
    # before the agent answers) but never answered: it is the last turn, once, and the next
    # message carries on from it.
    dangling = turns[len(expected) :]
    assert [(t["role"], t["text"]) for t in dangling] == [
        ("caller", "hold on, let me check my calendar")
    ]
    assert before["status"] == "active"
    # The conversation continues, and the model sees the whole history, the unanswered
    # message included.
    heard = after_restart["reply"]
    for text in [*ACKNOWLEDGED, "hold on, let me check my calendar", "what have I said"]:
        assert text in heard, heard
    final = transcript["turns"]
    assert [t["seq"] for t in final] == list(range(len(final)))
    assert [(t["role"], t["text"]) for t in final[len(turns) :]] == [
        ("caller", "what have I said so far?"),
        ("agent", heard),
    ]
    with engine.connect() as db:
        leads = db.scalars(select(Lead.phone).where(Lead.agent_id == agent["id"])).all()
        bookings = db.execute(
            select(Appointment.starts_at, Appointment.status).where(
                Appointment.agent_id == agent["id"]
            )
        ).all()
        stored = db.scalar(
            select(func.count())
            .select_from(ConversationTurn)
            .where(ConversationTurn.conversation_id == conversation_id)
        )
    assert leads == ["5550142398"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    assert len(bookings) == 1 and bookings[0][0].date() == tomorrow, bookings
    assert stored == len(final)


def _post_message(client: httpx.Client, conversation_id: str, text: str) -> httpx.Response:
    return client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, timeout=90
    )


def _say(client: httpx.Client, conversation_id: str, text: str) -> dict[str, Any]:
    response = _post_message(client, conversation_id, text)
    assert response.status_code == 200, response.text
    return response.json()


# -- 3. a worker killed during a conversation's analysis ----------------------------------


class HeldAnalysis(Receptionist):
    """Chat as above; the first analysis request is held until released."""

    def __init__(self) -> None:
        super().__init__()
        self.analysis_held = threading.Event()
        self.analysis_release = threading.Event()
        self.analyses = 0

    def __call__(self, request: Request) -> str | ToolCall:
        if request.wants_json:
            self.analyses += 1
            if self.analyses == 1:
                self.analysis_held.set()
                self.analysis_release.wait(60)
        return super().__call__(request)


def test_killed_worker_analyses_the_conversation_once(
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
    chroma_url: str,  # noqa: F811
    queue_name: str,
    engine: Engine,
) -> None:
    model = HeldAnalysis()
    with ScriptedOpenAIServer(model) as endpoint, webhook_receiver() as receiver:
        shared = {
            "FRONTDESK_CHROMA_URL": chroma_url,
            "FRONTDESK_LLM_BASE_URL": endpoint.base_url,
            "FRONTDESK_LLM_API_KEY": "sk-fake",
            "FRONTDESK_WEBHOOK_RETRY_BASE_S": "0.05",
        }
        api_env = {
            **_env(tmp_path, "api", postgres_url, queue_name),
            **shared,
            "FRONTDESK_EMBEDDED_WORKERS": "0",
        }
        worker_env = {**_env(tmp_path, "worker", postgres_url, queue_name), **shared}
        api = Server(api_env, tmp_path / "api.log")
        first = worker(worker_env, tmp_path / "worker-1.log")
        second: Process | None = None
        try:
            hook = api.client.post(
                "/api/webhooks", json={"url": receiver.url, "events": ["conversation.ended"]}
            )
            assert hook.status_code == 201, hook.text
            receiver.secret = hook.json()["secret"]
            agent = make_receptionist(api.client)
            conversation_id = api.client.post(f"/api/agents/{agent['id']}/conversations").json()[
                "id"
            ]
            for text in ACKNOWLEDGED[:3]:
                _say(api.client, conversation_id, text)
            ended = api.client.post(f"/api/conversations/{conversation_id}/end")
            assert ended.status_code == 204, ended.text
            assert model.analysis_held.wait(60), first.tail()
            first.kill9()
            model.analysis_release.set()

            second = worker(worker_env, tmp_path / "worker-2.log")
            analysed = wait_until(
                lambda: _analysed(api.client, conversation_id), 120, lambda: second.tail()
            )
            [delivered] = receiver.wait_for(1)
            # Long enough for a duplicate delivery or a second analysis to show up.
            time.sleep(3)
        finally:
            model.analysis_release.set()
            for process in (first, second):
                if process is not None:
                    process.stop()
            api.stop()

    assert analysed["outcome"] == "booked", analysed
    assert analysed["summary"] == "Ann Lee booked a checkup for her dog."
    assert analysed["analysis_error"] is None
    # The killed worker's attempt and the new worker's, nothing more.
    assert model.analyses == 2
    with engine.connect() as db:
        outbox = db.scalars(
            select(WebhookDelivery.event_id).where(
                WebhookDelivery.event_type == "conversation.ended"
            )
        ).all()
        leads = db.scalar(
            select(func.count()).select_from(Lead).where(Lead.agent_id == agent["id"])
        )
    assert len(outbox) == 1
    assert [r.event for r in receiver.requests] == ["conversation.ended"]
    assert delivered.verified and json.loads(delivered.body)["data"]["conversation"]["id"] == (
        conversation_id
    )
    assert leads == 1


def _analysed(client: httpx.Client, conversation_id: str) -> dict[str, Any] | None:
    row = client.get(f"/api/conversations/{conversation_id}").json()
    return row if row["analyzed_at"] else None
