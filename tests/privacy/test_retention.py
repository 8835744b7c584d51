"""Transcript retention: the setting, its validation and who may change it, and the hourly
job deleting exactly the transcripts past the period while analytics stay the same; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Agent, Conversation, ConversationTurn
from frontdesk.privacy.retention import TranscriptRetention
from frontdesk.resources import Resources
from tests.factories import make_member, make_owner, make_receptionist, sign_in
from tests.privacy import records

RANGE = {"from": (records.NOW - timedelta(days=90)).date().isoformat()}


def test_retention_deletes_exactly_the_old_transcripts_and_keeps_analytics(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, owner = make_owner(resources)
    client = sign_in(app_client, owner)
    agent_id = make_receptionist(client)["id"]
    _, other_owner = make_owner(resources, workspace_name="Elsewhere")
    with TestClient(app_client.app) as other_client:
        other_agent_id = make_receptionist(sign_in(other_client, other_owner))["id"]

    rosa = {"name": "Rosa", "phone": "5550142398", "email": None}
    with transaction(resources.sessionmaker) as db:
        agent, other = db.get(Agent, agent_id), db.get(Agent, other_agent_id)
        old = records.conversation(db, agent, ended_days_ago=40, caller=rosa, outcome="lead")
        # Phone calls: the number the network gave is the caller's too.
        just_old = records.conversation(
            db, agent, ended_days_ago=30.5, caller=rosa, caller_number="+15550142398"
        )
        recent = records.conversation(
            db, agent, ended_days_ago=29, caller=rosa, caller_number="+15550142398"
        )
        active = records.conversation(db, agent, ended_days_ago=None)
        elsewhere = records.conversation(db, other, ended_days_ago=400, caller=rosa)

    assert client.get("/api/privacy/retention").json() == {
        "transcript_retention_days": None,
        "transcripts_due": 0,
        "transcripts_deleted": 0,
    }
    for wrong in (0, 3651, "thirty"):
        refused = client.put("/api/privacy/retention", json={"transcript_retention_days": wrong})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == "ValidationFailed"
    member = make_member(resources, workspace)
    with TestClient(app_client.app) as member_client:
        sign_in(member_client, member)
        for response in (
            member_client.get("/api/privacy/retention"),
            member_client.put("/api/privacy/retention", json={"transcript_retention_days": 1}),
        ):
            assert response.status_code == 403, response.text

    analytics_before = client.get("/api/analytics", params=RANGE).json()
    saved = client.put("/api/privacy/retention", json={"transcript_retention_days": 30})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        "transcript_retention_days": 30,
        "transcripts_due": 2,
        "transcripts_deleted": 0,
    }

    # Batches of one: the loop must go on until the workspace has nothing left.
    assert TranscriptRetention(resources.sessionmaker, batch_size=1).run() == 2
    with transaction(resources.sessionmaker) as db:
        for conversation_id in (old, just_old):
            row = db.get(Conversation, conversation_id)
            assert row is not None
            assert records.count(db, ConversationTurn, conversation_id=conversation_id) == 0
            assert (row.summary, row.caller_details, row.unanswered) == (None, None, None)
            assert row.caller_number is None
            assert row.transcript_deleted_at is not None
            # What analytics read stays.
            assert row.status == "ended" and row.channel in ("voice", "phone")
            assert row.ended_at is not None and row.analyzed_at is not None
        assert db.get(Conversation, old).outcome == "lead"  # type: ignore[union-attr]
        for conversation_id in (recent, active, elsewhere):
            row = db.get(Conversation, conversation_id)
            assert row is not None and row.transcript_deleted_at is None
            assert records.count(db, ConversationTurn, conversation_id=conversation_id) == 3
        assert db.get(Conversation, recent).summary is not None  # type: ignore[union-attr]
        assert db.get(Conversation, elsewhere).caller_details == rosa  # type: ignore[union-attr]
        assert db.get(Conversation, recent).caller_number == "+15550142398"  # type: ignore[union-attr]

    # Counts, outcomes, durations and channels stay; only the topics read from what callers
    # said lose the deleted words.
    analytics_after = client.get("/api/analytics", params=RANGE).json()
    assert analytics_after.pop("topics") != analytics_before.pop("topics")
    assert analytics_after == analytics_before
    assert client.get("/api/privacy/retention").json()["transcripts_deleted"] == 2
    # The queue's hourly task is the same job; nothing is left to do, so it does nothing.
    assert resources.queue._run_retention() == 0
    with transaction(resources.sessionmaker) as db:
        late = records.conversation(db, db.get(Agent, agent_id), ended_days_ago=31)
    assert resources.queue._run_retention() == 1
    with transaction(resources.sessionmaker) as db:
        assert records.count(db, ConversationTurn, conversation_id=late) == 0

    # null keeps everything from now on.
    kept = client.put("/api/privacy/retention", json={"transcript_retention_days": None})
    assert kept.json()["transcript_retention_days"] is None
    with transaction(resources.sessionmaker) as db:
        records.conversation(db, db.get(Agent, agent_id), ended_days_ago=90)
    assert resources.queue._run_retention() == 0
