"""Without LiveKit settings the webhook does not exist, whatever a request carries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from tests.livekit_calls.webhook_signing import event_body, post_webhook, signature


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Blanked explicitly so LIVEKIT_* variables in the developer's shell cannot turn it on.
    return settings.model_copy(
        update={"livekit_url": "", "livekit_api_key": "", "livekit_api_secret": ""}
    )


def test_webhook_is_404_without_livekit(app_client: TestClient) -> None:
    body = event_body("room_finished", "call-anything")
    response = post_webhook(app_client, body, signature(body))
    assert response.status_code == 404, response.text
    assert set(response.json()) == {"error", "detail"}
    assert response.json()["error"] == "NotFound"
