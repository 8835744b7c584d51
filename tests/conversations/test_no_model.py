from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.resources import Resources
from tests.factories import make_signed_in_client


def test_without_a_model_the_owner_is_told_what_to_set(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Vet"}).json()
    response = client.post(f"/api/agents/{agent['id']}/conversations")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "ConfigurationError" and "FRONTDESK_LLM_BASE_URL" in body["detail"]
    from frontdesk.db import transaction
    from frontdesk.models import Conversation

    with transaction(resources.sessionmaker) as db:
        assert db.query(Conversation).count() == 0
