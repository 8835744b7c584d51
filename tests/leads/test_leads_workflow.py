"""Leads the owner works with: score and category with the reason, search, filters, status,
notes, CSV export, and workspace isolation; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.leads.scoring import LeadSignals, score_lead
from frontdesk.leads.service import capture_lead, rescore_conversation_leads
from frontdesk.models import Agent, Lead
from frontdesk.resources import Resources
from tests.factories import make_owner, make_receptionist, make_signed_in_client, sign_in


def _signals(**kw: object) -> LeadSignals:
    values: dict = {"phone": None, "email": None, "interest": None, "notes": None} | kw
    return LeadSignals(**values)


def test_score_category_and_reason_are_decided_from_the_signals() -> None:
    everything = score_lead(
        _signals(
            phone="5550142398",
            email="a@example.com",
            interest="Prices for a checkup, it's urgent",
            booked=True,
        )
    )
    assert everything.category == "booking"
    assert everything.score == 100  # 115 points, capped
    assert everything.reason == (
        "Gave a phone number and an email; asked about prices and booking; said it is urgent; "
        "booked an appointment."
    )

    pricing = score_lead(_signals(email="a@example.com", interest="How much is a dental clean?"))
    assert (pricing.category, pricing.score) == ("pricing", 40)
    assert pricing.reason == "Gave an email; asked about prices."

    callback = score_lead(_signals(phone="5550142398", notes="Please call me back"))
    assert (callback.category, callback.score) == ("callback", 30)
    assert callback.reason == "Gave a phone number; wants a call back."
    assert score_lead(_signals(phone="5550142398", handed_off=True)).category == "callback"

    question = score_lead(_signals(phone="5550142398", interest="Do you treat rabbits?"))
    assert (question.category, question.score) == ("service question", 30)
    assert score_lead(_signals(phone="5550142398")).category == "other"
    # The same lead always scores the same.
    assert score_lead(_signals(phone="1", interest="urgent")) == score_lead(
        _signals(phone="1", interest="urgent")
    )


def _lead(resources: Resources, agent_id: str, **fields: object) -> str:
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        assert agent is not None
        return capture_lead(db, agent, **fields).id  # type: ignore[arg-type]


def test_owner_searches_filters_updates_and_exports_leads(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    vet = make_receptionist(client, name="Juniper Vet")
    spa = make_receptionist(client, name="Cedar Spa")
    rosa = _lead(
        resources, vet["id"], name="Rosa Diaz", phone="(555) 014-2398",
        email="rosa@example.com", interest="Prices for a checkup, urgent",
        conversation_id="c" * 32,
    )  # fmt: skip
    tom = _lead(
        resources, vet["id"], name="Tom Baker", phone="555 777 1234", interest="Do you see rabbits?"
    )
    formula = _lead(
        resources, spa["id"], name='=HYPERLINK("http://evil.example","x")', email="e@example.com",
        notes="-2+3",
    )  # fmt: skip

    page = client.get("/api/leads").json()
    assert page["total"] == 3
    assert [lead["id"] for lead in page["leads"]][0] == formula  # newest first
    first = next(lead for lead in page["leads"] if lead["id"] == rosa)
    assert first["status"] == "new"
    assert first["category"] == "booking"
    assert first["score"] == 90
    assert first["score_reason"] == (
        "Gave a phone number and an email; asked about prices and booking; said it is urgent."
    )
    assert first["conversation_id"] == "c" * 32 and first["agent_id"] == vet["id"]
    # The per-agent list keeps its bare-list shape and carries the new fields.
    old = client.get(f"/api/agents/{vet['id']}/leads").json()
    assert isinstance(old, list) and {lead["status"] for lead in old} == {"new"}

    def ids(**params: object) -> set[str]:
        response = client.get("/api/leads", params=params)
        assert response.status_code == 200, response.text
        return {lead["id"] for lead in response.json()["leads"]}

    assert ids(q="rosa@") == {rosa}
    assert ids(q="(555) 014") == {rosa}  # typed the way it was said
    assert ids(q="RABBITS") == {tom}
    assert ids(category="service question") == {tom, formula}
    assert ids(q="100%") == set()  # LIKE wildcards are searched as text
    assert ids(agent_id=spa["id"]) == {formula}
    assert ids(category="booking") == {rosa}
    assert ids(min_score=70) == {rosa}
    assert len(ids(status="new")) == 3
    assert client.get("/api/leads", params={"limit": 1, "offset": 1}).json()["total"] == 3

    updated = client.patch(f"/api/leads/{rosa}", json={"status": "contacted"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["status"] == "contacted" and updated.json()["owner_notes"] is None
    noted = client.patch(f"/api/leads/{rosa}", json={"owner_notes": " Called, wants Friday. "})
    assert noted.json() == updated.json() | {"owner_notes": "Called, wants Friday."}
    assert ids(status="contacted") == {rosa}
    assert ids(q="friday") == {rosa}
    refused = client.patch(f"/api/leads/{rosa}", json={"status": "maybe"})
    assert refused.status_code == 422 and "error" in refused.json()
    assert client.get("/api/leads", params={"status": "maybe"}).status_code == 422
    cleared = client.patch(f"/api/leads/{rosa}", json={"owner_notes": None})
    assert cleared.json()["owner_notes"] is None and cleared.json()["status"] == "contacted"

    export = client.get("/api/leads/export.csv")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    today = datetime.now(UTC).date().isoformat()
    assert export.headers["content-disposition"] == f'attachment; filename="leads-{today}.csv"'
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == [
        "created_at", "agent", "name", "phone", "email", "interest", "status", "score",
        "category", "score_reason", "owner_notes", "conversation_id",
    ]  # fmt: skip
    assert len(rows) == 4
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["Rosa Diaz"][1:6] == [
        "Juniper Vet", "Rosa Diaz", "5550142398", "rosa@example.com",
        "Prices for a checkup, urgent",
    ]  # fmt: skip
    assert by_name["Rosa Diaz"][6:9] == ["contacted", "90", "booking"]
    assert by_name["Rosa Diaz"][11] == "c" * 32
    datetime.fromisoformat(by_name["Rosa Diaz"][0])
    # Formula injection: the caller's "name" and "notes" arrive as text, not formulas.
    assert by_name['\'=HYPERLINK("http://evil.example","x")'][1] == "Cedar Spa"
    filtered = client.get("/api/leads/export.csv", params={"agent_id": spa["id"]})
    assert len(list(csv.reader(io.StringIO(filtered.text)))) == 2

    # Another workspace sees none of it.
    _, stranger = make_owner(resources)
    sign_in(client, stranger)
    assert client.get("/api/leads").json() == {"total": 0, "leads": []}
    assert client.patch(f"/api/leads/{rosa}", json={"status": "won"}).status_code == 404
    assert client.get("/api/leads", params={"agent_id": vet["id"]}).status_code == 404
    assert client.get("/api/leads/export.csv", params={"agent_id": vet["id"]}).status_code == 404
    assert len(list(csv.reader(io.StringIO(client.get("/api/leads/export.csv").text)))) == 1


def test_a_lead_is_scored_again_when_its_conversation_turns_out_booked(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = make_receptionist(client)
    lead_id = _lead(
        resources, agent["id"], name="Ana", phone="5550142398", conversation_id="d" * 32
    )
    with transaction(resources.sessionmaker) as db:
        before = db.get(Lead, lead_id)
        assert before is not None and (before.score, before.category) == (30, "other")
        rescore_conversation_leads(db, "d" * 32, "booked")
    with transaction(resources.sessionmaker) as db:
        after = db.get(Lead, lead_id)
        assert after is not None
        assert (after.score, after.category) == (55, "booking")
        assert after.score_reason == "Gave a phone number; booked an appointment."
