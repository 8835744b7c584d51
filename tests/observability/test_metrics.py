"""/metrics, parsed with prometheus-client's parser: requests by route template, jobs,
conversations and turn latency; who may read it; several processes adding up."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.conversations.service import ConversationHub
from frontdesk.db import build_sessionmaker, transaction
from frontdesk.models import Agent, Conversation, ConversationTurn
from frontdesk.observability.conversation_metrics import watch_conversations
from frontdesk.resources import Resources
from frontdesk.runtime.call_recorder import VoiceTurn
from frontdesk.workspace.service import Principal
from tests.fake_llm import Say, ScriptedLLM
from tests.observability.conftest import LOOPBACK, LOOPBACK_URL
from tests.observability.scrape import scrape, value

AGENT_ROUTE = "/api/agents/{agent_id}"


def test_requests_are_counted_by_route_template(local_chat: tuple[TestClient, dict]) -> None:
    client, agent = local_chat
    before = scrape(client)
    assert client.get(f"/api/agents/{agent['id']}").status_code == 200
    assert client.get(f"/api/agents/{agent['id']}").status_code == 200
    assert client.get("/api/agents/0123456789abcdef0123456789abcdef").status_code == 404
    assert client.get("/no/such/page/wp-admin.php").status_code == 404
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "frontdesk_http_requests_total"
    assert delta(requests, method="GET", route=AGENT_ROUTE, status="200") == 2
    assert delta(requests, method="GET", route=AGENT_ROUTE, status="404") == 1
    assert delta(requests, method="GET", route="unmatched", status="404") == 1
    assert (
        delta("frontdesk_http_request_duration_seconds_count", method="GET", route=AGENT_ROUTE) == 3
    )
    # Never a raw path: ids would make a new series per agent.
    assert not any(agent["id"] in str(labels) for _, labels in after)
    assert not any("wp-admin" in str(labels) for _, labels in after)


def test_a_text_conversation_counts_its_start_end_turns_and_job(
    local_chat: tuple[TestClient, dict], fake_llm: ScriptedLLM
) -> None:
    client, agent = local_chat
    before = scrape(client)
    fake_llm.script(Say("We see cats and dogs."), Say("Mondays to Fridays."))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    for text in ("Do you treat cats?", "When are you open?"):
        said = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
        assert said.status_code == 200, said.text
    replies_ms = [
        t["timings"]["reply_ms"]
        for t in client.get(f"/api/conversations/{conversation_id}").json()["turns"][1:]
        if t["role"] == "agent"
    ]
    assert client.post(f"/api/conversations/{conversation_id}/end").status_code == 204

    job = {"job": "analyze_conversation", "outcome": "complete"}
    deadline = time.monotonic() + 20
    while value(after := scrape(client), "frontdesk_jobs_total", **job) <= value(
        before, "frontdesk_jobs_total", **job
    ):
        assert time.monotonic() < deadline, "the analysis job was never counted"
        time.sleep(0.2)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("frontdesk_jobs_total", **job) == 1
    assert delta("frontdesk_job_duration_seconds_count", job="analyze_conversation") == 1
    assert delta("frontdesk_conversations_started_total", channel="text") == 1
    assert delta("frontdesk_conversations_ended_total", channel="text") == 1
    # Two replies (the greeting answers nobody), observed in seconds as the turns stored them.
    assert delta("frontdesk_turn_latency_seconds_count", channel="text") == 2
    assert (
        abs(delta("frontdesk_turn_latency_seconds_sum", channel="text") - sum(replies_ms) / 1000)
        < 1e-6
    )
    assert delta("frontdesk_turn_latency_seconds_bucket", channel="text", le="+Inf") == 2


def test_a_failed_job_is_counted_as_an_error(chat_resources: Resources) -> None:
    """A job that raises is counted with outcome "error" (here: an ingestion job in a
    process whose queue has no ingestion runner bound)."""
    with TestClient(
        create_app(resources=chat_resources), client=LOOPBACK, base_url=LOOPBACK_URL
    ) as client:
        before = scrape(client)
        chat_resources.queue.bind(None)  # type: ignore[arg-type]
        chat_resources.queue.enqueue_ingest("0" * 32)
        labels = {"job": "ingest_source", "outcome": "error"}
        deadline = time.monotonic() + 20
        while value(scrape(client), "frontdesk_jobs_total", **labels) == value(
            before, "frontdesk_jobs_total", **labels
        ):
            assert time.monotonic() < deadline, "the failed job was never counted"
            time.sleep(0.2)


def test_metrics_need_the_token_when_one_is_set(chat_resources: Resources) -> None:
    chat_resources.settings = chat_resources.settings.model_copy(
        update={"metrics_token": "scrape-me-0123456789"}
    )
    with TestClient(
        create_app(resources=chat_resources), client=LOOPBACK, base_url=LOOPBACK_URL
    ) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "Unauthorized"
        assert "FRONTDESK_METRICS_TOKEN" in wrong.json()["detail"]
        scrape(client, Authorization="Bearer scrape-me-0123456789")


def test_without_a_token_metrics_answer_this_machine_only(resources: Resources) -> None:
    with TestClient(create_app(resources=resources), client=("203.0.113.9", 40000)) as remote:
        refused = remote.get("/metrics")
        assert refused.status_code == 401
        assert "FRONTDESK_METRICS_TOKEN" in refused.json()["detail"]
    with TestClient(
        create_app(resources=resources), client=LOOPBACK, base_url=LOOPBACK_URL
    ) as local:
        scrape(local)
        # Through a proxy on this machine the client is elsewhere, whatever the socket says.
        proxied = local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
        assert proxied.status_code == 401


PROCESS = """
import sys
from frontdesk.observability import metrics
for _ in range(int(sys.argv[1])):
    metrics.JOBS.labels("ingest_source", "complete").inc()
metrics.TURN_LATENCY.labels("voice").observe(0.4)
"""

SCRAPE = """
import sys
from frontdesk.observability.metrics import exposition
body, content_type = exposition()
sys.stdout.write(body.decode())
"""


def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """Two worker processes count into PROMETHEUS_MULTIPROC_DIR; a third process's page shows
    their sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count in ("3", "4"):
        subprocess.run([sys.executable, "-c", PROCESS, count], env=env, check=True, timeout=60)
    page = subprocess.run(
        [sys.executable, "-c", SCRAPE], env=env, check=True, timeout=60, capture_output=True
    ).stdout.decode()
    from prometheus_client.parser import text_string_to_metric_families

    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(page)
        for s in family.samples
    }
    assert value(samples, "frontdesk_jobs_total", job="ingest_source", outcome="complete") == 7
    assert value(samples, "frontdesk_turn_latency_seconds_count", channel="voice") == 2


def test_call_turns_and_endings_are_counted_by_channel(
    local_chat: tuple[TestClient, dict], chat_resources: Resources
) -> None:
    """Calls store their turns through the hub's turn writer, whichever channel carries
    them; an ending written by the agent's end_conversation tool is an ending too, and a
    rolled-back one is not."""
    client, agent = local_chat
    hub = ConversationHub(chat_resources)
    with transaction(chat_resources.sessionmaker) as db:
        workspace_id = db.get(Agent, agent["id"]).workspace_id  # type: ignore[union-attr]
    principal = Principal(workspace_id=workspace_id, user_id=None, via="test", role="owner")
    before = scrape(client)

    async def call() -> str:
        conversation_id = await hub.open_call(principal, agent["id"], "livekit")
        store = hub.turn_writer(conversation_id)
        await store(VoiceTurn("agent", "Juniper Vet, how can I help?"))
        await store(VoiceTurn("caller", "Are you open on Sunday?"))
        await store(VoiceTurn("agent", "Yes, 9 to 5.", {"end_of_speech_to_audio_ms": 640.0}))
        # The agent hangs up through its tool: the row is ended by the tool's own session.
        services = DatabaseReceptionServices(chat_resources, agent["id"], conversation_id)
        await services.end(reason="caller said goodbye")
        return await hub.open_call(principal, agent["id"], "livekit")

    unended = asyncio.run(call())
    with pytest.raises(RuntimeError), transaction(chat_resources.sessionmaker) as db:
        row = db.get(Conversation, unended)
        assert row is not None
        row.status = "ended"
        db.flush()
        raise RuntimeError("the ending is rolled back")
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("frontdesk_conversations_started_total", channel="livekit") == 2
    assert delta("frontdesk_conversations_ended_total", channel="livekit") == 1
    assert delta("frontdesk_turn_latency_seconds_count", channel="livekit") == 1
    assert delta("frontdesk_turn_latency_seconds_sum", channel="livekit") == pytest.approx(0.64)
    assert delta("frontdesk_turn_latency_seconds_bucket", channel="livekit", le="0.5") == 0
    assert delta("frontdesk_turn_latency_seconds_bucket", channel="livekit", le="0.75") == 1


def test_a_turn_of_a_conversation_another_process_opened_finds_its_channel(
    local_chat: tuple[TestClient, dict], chat_resources: Resources
) -> None:
    """A text conversation resumed by another API process: its channel is read from the
    database for the first turn this process stores."""
    client, agent = local_chat
    hub = ConversationHub(chat_resources)
    with transaction(chat_resources.sessionmaker) as db:
        workspace_id = db.get(Agent, agent["id"]).workspace_id  # type: ignore[union-attr]
    principal = Principal(workspace_id=workspace_id, user_id=None, via="test", role="owner")
    conversation_id = asyncio.run(hub.open_call(principal, agent["id"], "exam"))
    # The other process: its own sessions over the same database, watched from scratch.
    other = build_sessionmaker(chat_resources.engine)
    watch_conversations(other)
    before = scrape(client)
    with transaction(other) as db:
        for seq, role, timings in ((0, "caller", {}), (1, "agent", {"reply_ms": 1500.0})):
            db.add(
                ConversationTurn(
                    conversation_id=conversation_id, seq=seq, role=role, text="…", timings=timings
                )
            )
    after = scrape(client)
    count = "frontdesk_turn_latency_seconds_count"
    assert value(after, count, channel="exam") - value(before, count, channel="exam") == 1
    assert value(after, count, channel="unknown") == value(before, count, channel="unknown")
