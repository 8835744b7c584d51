"""What the agents list shows beside each agent: knowledge size and this week's
conversations, counted for all agents at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event

from frontdesk.db import transaction
from frontdesk.models import Conversation
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent


def _conversation(resources: Resources, agent: dict, *, days_ago: float, channel: str) -> None:
    with transaction(resources.sessionmaker) as db:
        db.add(
            Conversation(
                workspace_id=agent["workspace_id"],
                agent_id=agent["id"],
                channel=channel,
                created_at=datetime.now(UTC) - timedelta(days=days_ago),
            )
        )


def test_agents_show_knowledge_size_and_weekly_conversations(
    app_client: TestClient, resources: Resources
) -> None:
    client, user = make_signed_in_client(app_client, resources)
    busy = client.post("/api/agents", data={"name": "Busy", "text": "Open daily 8 to 6."}).json()
    client.post(
        f"/api/agents/{busy['id']}/knowledge/sources",
        json={"kind": "text", "title": "Prices", "text": "A check-up costs $55."},
    )
    quiet = client.post("/api/agents", data={"name": "Quiet"}).json()
    ready = wait_for_agent(client, busy["id"])
    chunks = sum(s["chunk_count"] for s in ready["sources"])
    assert chunks >= 2

    busy["workspace_id"] = quiet["workspace_id"] = user.workspace_id
    for days_ago, channel in [(0, "text"), (2, "voice"), (6.9, "livekit"), (8, "text")]:
        _conversation(resources, busy, days_ago=days_ago, channel=channel)
    _conversation(resources, busy, days_ago=0, channel="exam")  # the agent's own test

    listed = {a["name"]: a for a in client.get("/api/agents").json()}
    assert {k: listed["Busy"][k] for k in ("source_count", "chunk_count")} == {
        "source_count": 2,
        "chunk_count": chunks,
    }
    assert listed["Busy"]["conversations_this_week"] == 3
    assert [listed["Quiet"][k] for k in ("source_count", "chunk_count")] == [0, 0]
    assert listed["Quiet"]["conversations_this_week"] == 0

    one = client.get(f"/api/agents/{busy['id']}").json()
    assert (one["source_count"], one["chunk_count"], one["conversations_this_week"]) == (
        2,
        chunks,
        3,
    )


def test_counting_takes_the_same_queries_for_one_agent_or_many(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    def queries_to_list() -> int:
        statements.clear()
        event.listen(resources.engine, "before_cursor_execute", count)
        try:
            assert client.get("/api/agents").status_code == 200
        finally:
            event.remove(resources.engine, "before_cursor_execute", count)
        return len(statements)

    client.post("/api/agents", data={"name": "First"})
    with_one = queries_to_list()
    for n in range(6):
        client.post("/api/agents", data={"name": f"Agent {n}"})
    assert len(client.get("/api/agents").json()) == 7
    assert queries_to_list() == with_one
