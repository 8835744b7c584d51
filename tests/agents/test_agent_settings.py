"""Business facts, tools and scheduling settings are editable with PATCH and drive the
calendar endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.leads.service import capture_lead
from frontdesk.models import Agent
from frontdesk.resources import Resources
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.scheduling.service import Customer, SchedulingService
from tests.factories import make_owner, make_signed_in_client


def test_patch_settings_roundtrip_and_validation(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Vet"}).json()
    assert agent["enabled_tools"] == list(TOOL_NAMES)
    assert agent["scheduling"]["timezone"] == "UTC"

    patch = {
        "persona_name": "Maya",
        "greeting": "Hi, Juniper Lane Vet, Maya speaking.",
        "business_facts": {
            "address": "14 Juniper Lane, Millbrook",
            "phone": "(555) 014-2398",
            "services": [{"name": "Rabies vaccination", "price": "$32"}],
        },
        "enabled_tools": ["book_appointment", "search_knowledge"],
        "scheduling": {
            "timezone": "America/New_York",
            "hours": {"mon": [{"opens": "08:00", "closes": "18:00"}]},
            "appointment_types": [{"key": "exam", "name": "Exam", "duration_minutes": 30}],
        },
    }
    response = client.patch(f"/api/agents/{agent['id']}", json=patch)
    assert response.status_code == 200, response.text
    saved = client.get(f"/api/agents/{agent['id']}").json()
    assert saved["persona_name"] == "Maya"
    assert saved["business_facts"]["services"][0]["price"] == "$32"
    assert saved["enabled_tools"] == ["search_knowledge", "book_appointment"]
    assert saved["scheduling"]["hours"]["mon"][0]["opens"] == "08:00:00"
    assert saved["name"] == "Vet"  # untouched fields stay

    for bad in [
        {"enabled_tools": ["launch_rockets"]},
        {"scheduling": {"timezone": "Nowhere/Place"}},
        {"scheduling": {"hours": {"mon": [{"opens": "18:00", "closes": "08:00"}]}}},
    ]:
        refused = client.patch(f"/api/agents/{agent['id']}", json=bad)
        assert refused.status_code == 422, bad
        assert refused.json()["error"] == "ValidationFailed"
    assert client.get(f"/api/agents/{agent['id']}").json()["scheduling"]["timezone"] == (
        "America/New_York"
    )


def test_availability_appointments_and_leads(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Vet"}).json()
    every_day = {
        d: [{"opens": "09:00", "closes": "11:00"}]
        for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    }
    client.patch(
        f"/api/agents/{agent['id']}",
        json={"scheduling": {"hours": every_day, "min_notice_minutes": 0}},
    )
    tomorrow = date.today() + timedelta(days=2)
    free = client.get(
        f"/api/agents/{agent['id']}/availability", params={"day": tomorrow.isoformat()}
    ).json()
    assert free["appointment_type"] == "appointment" and len(free["starts"]) == 7
    assert (
        client.get(
            f"/api/agents/{agent['id']}/availability",
            params={"day": tomorrow.isoformat(), "appointment_type": "nope"},
        ).status_code
        == 422
    )

    with transaction(resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        assert row is not None
        start = datetime.fromisoformat(free["starts"][0].replace("Z", "+00:00"))
        SchedulingService(db, row).book(
            start=start, customer=Customer(name="Ann", phone="5550142398")
        )
        capture_lead(db, row, name="Bo", email="bo@example.com", interest="puppy classes")

    appointments = client.get(f"/api/agents/{agent['id']}/appointments").json()
    assert [a["customer_name"] for a in appointments] == ["Ann"]
    assert datetime.fromisoformat(appointments[0]["starts_at"]).astimezone(UTC) == start
    leads = client.get(f"/api/agents/{agent['id']}/leads").json()
    assert leads[0]["interest"] == "puppy classes"
    again = client.get(
        f"/api/agents/{agent['id']}/availability", params={"day": tomorrow.isoformat()}
    ).json()
    assert len(again["starts"]) == 5  # 09:00 and its neighbour 09:15 (30-min booking) are gone

    other, other_user = make_owner(resources)
    client.post("/api/auth/logout")
    from tests.factories import sign_in

    sign_in(client, other_user)
    for path in ["appointments", "leads", f"availability?day={tomorrow}"]:
        assert client.get(f"/api/agents/{agent['id']}/{path}").status_code == 404
