"""With LiveKit configured, starting a call opens its conversation and answers a real LiveKit
token for the call's own room, with our agent worker dispatched into it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from livekit.api import TokenVerifier

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.livekit.tokens import dispatch_metadata
from frontdesk.models import Conversation
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.livekit_calls.webhook_signing import KEY, SECRET

LIVEKIT_URL = "wss://frontdesk-test.livekit.cloud"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "livekit_url": LIVEKIT_URL,
            "livekit_api_key": KEY,
            "livekit_api_secret": SECRET,
            "livekit_agent_name": "juniper-receptionist",
        }
    )


def test_call_answers_a_token_for_a_new_room(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    response = client.post(f"/api/agents/{agent['id']}/calls")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["transport"] == "livekit" and body["url"] == LIVEKIT_URL
    conversation_id = body["conversation_id"]
    assert body["room"] == f"call-{conversation_id}"

    claims = TokenVerifier(KEY, SECRET).verify(body["token"])
    assert claims.identity == f"caller-{conversation_id}"
    assert claims.video is not None and claims.video.room == body["room"]
    assert claims.room_config is not None
    [dispatch] = claims.room_config.agents
    assert dispatch.agent_name == "juniper-receptionist"
    assert dispatch_metadata(dispatch.metadata)[:2] == (agent["id"], conversation_id)

    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None
        assert (row.channel, row.status, row.agent_id) == ("livekit", "active", agent["id"])

    # Every call is a new conversation in a new room.
    again = client.post(f"/api/agents/{agent['id']}/calls").json()
    assert again["conversation_id"] != conversation_id and again["room"] != body["room"]


def test_call_to_another_workspaces_agent_is_404(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    # The same running app, another workspace's owner.
    stranger, _ = make_signed_in_client(TestClient(client.app), chat_resources)
    response = stranger.post(f"/api/agents/{agent['id']}/calls")
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "NotFound"
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(Conversation).filter_by(channel="livekit").count() == 0
