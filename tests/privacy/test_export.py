"""The workspace export: a ZIP read back with zipfile and json, its counts checked against
the rows the test made, secrets masked, another workspace absent, written piece by piece;
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import (
    Agent,
    CalendarConnection,
    Exam,
    McpServer,
    PhoneNumber,
    WebhookEndpoint,
)
from frontdesk.privacy.export import FLUSH_BYTES, workspace_zip
from frontdesk.resources import Resources
from tests.factories import make_member, make_owner, make_receptionist, sign_in
from tests.knowledge.waiting import wait_for_agent
from tests.privacy import records

SECRETS = (
    "sk-llm-secret-0123456789",
    "whsec_current_secret_abc",
    "whsec_previous_secret_def",
    "caldav-password-ghi",
    "Bearer mcp-token-jkl",
    "mcp-env-value-mno",
)


def _jsonl(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return [json.loads(line) for line in archive.read(name).decode().splitlines()]


def test_export_holds_the_workspace_counted_masked_and_nothing_of_another(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, owner = make_owner(resources, workspace_name="Juniper Vet")
    client = sign_in(app_client, owner)
    agent_id = make_receptionist(client)["id"]
    patched = client.patch(
        "/api/workspace", json={"settings": {"llm_api_key": SECRETS[0], "llm_model": "m-1"}}
    )
    assert patched.status_code == 200, patched.text
    assert client.put("/api/privacy/retention", json={"transcript_retention_days": 90}).is_success
    _, other_owner = make_owner(resources, workspace_name="Elsewhere")
    with TestClient(app_client.app) as other_client:
        other_agent_id = make_receptionist(sign_in(other_client, other_owner), name="Zed Spa")["id"]
    wait_for_agent(client, agent_id)

    with transaction(resources.sessionmaker) as db:
        agent, other = db.get(Agent, agent_id), db.get(Agent, other_agent_id)
        assert agent is not None and other is not None
        rosa = {"name": "Rosa", "phone": "5550142398", "email": None}
        c1 = records.conversation(db, agent, ended_days_ago=2, caller=rosa, turns=3)
        c2 = records.conversation(db, agent, ended_days_ago=1, turns=4)
        lead = records.lead(db, agent, name="Rosa", phone="5550142398", conversation_id=c1)
        records.appointment(db, agent, days_from_now=2, name="Rosa", customer_phone="5550142398")
        records.message(db, agent, contact="5550142398", conversation_id=c1)
        db.add(Exam(workspace_id=workspace.id, agent_id=agent_id, status="done", total=3))
        db.add(
            WebhookEndpoint(
                workspace_id=workspace.id,
                url="https://hooks.example.com/frontdesk",
                secret=SECRETS[1],
                previous_secret=SECRETS[2],
                events=["lead.created"],
            )
        )
        db.add(
            CalendarConnection(
                workspace_id=workspace.id,
                agent_id=agent_id,
                server_url="https://dav.example.com/",
                username="vet",
                password=SECRETS[3],
                calendar_url="https://dav.example.com/vet/",
                calendar_name="Visits",
            )
        )
        db.add(
            McpServer(
                workspace_id=workspace.id,
                agent_id=agent_id,
                name="crm",
                transport="http",
                url="https://mcp.example.com/",
                headers={"Authorization": SECRETS[4]},
                env={"TOKEN": SECRETS[5]},
            )
        )
        for owner_of, number in ((agent, "+15550100000"), (other, "+15550100001")):
            db.add(
                PhoneNumber(
                    workspace_id=owner_of.workspace_id,
                    agent_id=owner_of.id,
                    number=number,
                    livekit_project="devkey",
                    trunk_id="ST_" + number,
                    dispatch_rule_id="SDR_" + number,
                )
            )
        # The other workspace's rows: none may appear.
        c_else = records.conversation(db, other, ended_days_ago=1, caller=rosa)
        lead_else = records.lead(db, other, name="Zed Elsewhere", conversation_id=c_else)

    member = make_member(resources, workspace)
    with TestClient(app_client.app) as member_client:
        refused = sign_in(member_client, member).get("/api/workspace/export")
        assert refused.status_code == 403, refused.text

    response = client.get("/api/workspace/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="frontdesk-export-'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["workspace_id"] == workspace.id
    exported_at = datetime.fromisoformat(manifest["exported_at"])
    assert abs((datetime.now(UTC) - exported_at).total_seconds()) < 120
    counts = manifest["counts"]
    assert {
        name: counts[name]
        for name in (
            "members.jsonl",
            "agents.jsonl",
            "knowledge_sources.jsonl",
            "conversations.jsonl",
            "conversation_turns.jsonl",
            "leads.jsonl",
            "appointments.jsonl",
            "messages.jsonl",
            "exams.jsonl",
            "webhook_endpoints.jsonl",
            "calendar_connections.jsonl",
            "mcp_servers.jsonl",
            "phone_numbers.jsonl",
        )
    } == {
        "members.jsonl": 2,  # the owner and the member
        "agents.jsonl": 1,
        "knowledge_sources.jsonl": 1,
        "conversations.jsonl": 2,
        "conversation_turns.jsonl": 7,
        "leads.jsonl": 1,
        "appointments.jsonl": 1,
        "messages.jsonl": 1,
        "exams.jsonl": 1,
        "webhook_endpoints.jsonl": 1,
        "calendar_connections.jsonl": 1,
        "mcp_servers.jsonl": 1,
        "phone_numbers.jsonl": 1,
    }
    assert counts["knowledge_chunks.jsonl"] >= 1
    # Every file holds exactly the lines its count says.
    for name, expected in counts.items():
        assert len(_jsonl(archive, name)) == expected, name
    assert set(archive.namelist()) == {"workspace.json", "manifest.json", *counts}

    settings = json.loads(archive.read("workspace.json"))
    assert settings["name"] == "Juniper Vet"
    assert settings["transcript_retention_days"] == 90
    assert settings["settings"]["llm_model"] == "m-1"
    assert settings["settings"]["llm_api_key"] == {"set": True, "hint": "…6789"}
    assert {c["id"] for c in _jsonl(archive, "conversations.jsonl")} == {c1, c2}
    turns = _jsonl(archive, "conversation_turns.jsonl")
    assert [(t["conversation_id"], t["seq"]) for t in turns if t["conversation_id"] == c2] == [
        (c2, 0),
        (c2, 1),
        (c2, 2),
        (c2, 3),
    ]
    assert _jsonl(archive, "leads.jsonl")[0]["id"] == lead
    assert [n["number"] for n in _jsonl(archive, "phone_numbers.jsonl")] == ["+15550100000"]
    endpoint = _jsonl(archive, "webhook_endpoints.jsonl")[0]
    assert (endpoint["secret"], endpoint["previous_secret"]) == ("[masked]", "[masked]")
    assert _jsonl(archive, "calendar_connections.jsonl")[0]["password"] == "[masked]"
    mcp = _jsonl(archive, "mcp_servers.jsonl")[0]
    assert (mcp["headers"], mcp["env"]) == ({"Authorization": "[masked]"}, {"TOKEN": "[masked]"})
    assert "password_hash" not in _jsonl(archive, "members.jsonl")[0]
    chunks = _jsonl(archive, "knowledge_chunks.jsonl")
    assert "cats and dogs" in " ".join(c["text"] for c in chunks)

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    for secret in SECRETS:
        assert secret not in everything
    for foreign in (c_else, lead_else, other_agent_id, "Zed Elsewhere", "Zed Spa", "Elsewhere"):
        assert foreign not in everything


def test_export_is_written_piece_by_piece(app_client: TestClient, resources: Resources) -> None:
    workspace, owner = make_owner(resources)
    agent_id = make_receptionist(sign_in(app_client, owner))["id"]
    # ~2 MB of turns that compress poorly, so the archive must pass the flush size often.
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        for _ in range(4):
            conversation_id = records.conversation(db, agent, ended_days_ago=1, turns=0)
            for seq in range(120):
                db.add(
                    records.ConversationTurn(
                        conversation_id=conversation_id,
                        seq=seq,
                        role="caller",
                        text=records.noise(4096),
                    )
                )
    pieces = list(workspace_zip(resources.sessionmaker, resources.store, workspace.id))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert json.loads(archive.read("manifest.json"))["counts"]["conversation_turns.jsonl"] == 480
    big = [len(piece) for piece in pieces if len(piece) >= FLUSH_BYTES]
    assert len(big) >= 4
    # No piece holds much more than one flush: the archive never sits whole in memory.
    assert max(len(piece) for piece in pieces) < 2 * FLUSH_BYTES
