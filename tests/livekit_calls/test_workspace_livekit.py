"""A workspace's own LiveKit project and speech settings, on a server whose environment has
none: its calls get tokens for its project, its webhooks verify with its secret, and the
worker picks its models; other workspaces keep calling over the local WebSocket."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from livekit.agents import llm
from livekit.api import ParticipantInfo, TokenVerifier
from livekit.plugins import openai as lk_openai

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.livekit.call_models import call_models
from frontdesk.livekit.tokens import dispatch_metadata
from frontdesk.models import Conversation
from frontdesk.resources import Resources
from tests.factories import make_receptionist, make_signed_in_client
from tests.livekit_calls.webhook_signing import event_body, post_webhook, signature

OWN_URL = "wss://juniper.livekit.cloud"
OWN_KEY = "APIjuniperown"
OWN_SECRET = "juniper-own-livekit-secret-long-enough-for-hs256-000"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Nothing in the environment: whatever LiveKit a call uses comes from its workspace. The
    # workspace's addresses follow the outbound rule and these tests have no DNS, so the
    # operator's allow-list names them.
    return settings.model_copy(
        update={
            "livekit_url": "",
            "livekit_api_key": "",
            "livekit_api_secret": "",
            "outbound_allowed_hosts": ["juniper.livekit.cloud", "127.0.0.1"],
        }
    )


def _own_livekit(client: TestClient, **extra: str) -> None:
    response = client.patch(
        "/api/workspace",
        json={
            "settings": {
                "livekit_url": OWN_URL,
                "livekit_api_key": OWN_KEY,
                "livekit_api_secret": OWN_SECRET,
                **extra,
            }
        },
    )
    assert response.status_code == 200, response.text


def test_calls_use_the_workspaces_livekit_project(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    calls = f"/api/agents/{agent['id']}/calls"
    assert client.post(calls).json()["transport"] == "websocket"

    # An incomplete project changes nothing.
    client.patch("/api/workspace", json={"settings": {"livekit_url": OWN_URL}})
    assert client.post(calls).json()["transport"] == "websocket"

    _own_livekit(client)
    body = client.post(calls).json()
    assert (body["transport"], body["url"]) == ("livekit", OWN_URL)
    claims = TokenVerifier(OWN_KEY, OWN_SECRET).verify(body["token"])
    assert claims.video is not None and claims.video.room == body["room"]
    assert claims.room_config is not None
    [dispatch] = claims.room_config.agents
    assert dispatch_metadata(dispatch.metadata)[:2] == (agent["id"], body["conversation_id"])

    # Another workspace on the same server still calls over the WebSocket.
    other, _ = make_signed_in_client(TestClient(client.app), chat_resources)
    other_agent = make_receptionist(other, name="Cedar Dental")
    assert other.post(f"/api/agents/{other_agent['id']}/calls").json()["transport"] == "websocket"


def test_webhooks_verify_with_the_workspaces_secret(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    _own_livekit(client)
    conversation_id = client.post(f"/api/agents/{agent['id']}/calls").json()["conversation_id"]
    caller = ParticipantInfo(identity=f"caller-{conversation_id}")
    body = event_body("participant_joined", f"call-{conversation_id}", caller)

    forged = post_webhook(client, body, signature(body, key=OWN_KEY, secret="x" * 40))
    assert forged.status_code == 401
    ok = post_webhook(client, body, signature(body, key=OWN_KEY, secret=OWN_SECRET))
    assert ok.status_code == 200 and ok.json() == {"event": "participant_joined", "handled": True}
    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None and row.connected_at is not None

    # A room no workspace owns, on a server without LiveKit of its own: nothing to verify with.
    stray = event_body("room_finished", "call-unknown")
    assert post_webhook(client, stray, signature(stray)).status_code == 404


def test_worker_builds_the_workspaces_models(chat_resources: Resources) -> None:
    own = {
        "llm_base_url": "http://127.0.0.1:9/v1",
        "llm_model": "juniper-8b",
        "llm_api_key": "sk-juniper-llm",
        "openai_api_key": "sk-juniper-speech",
        "voice_stt": "openai",
        "voice_tts": "openai",
    }

    models = asyncio.run(call_models(chat_resources, own))
    assert isinstance(models.model, llm.LLM) and models.model.model == "juniper-8b"
    assert isinstance(models.speech_to_text, lk_openai.STT)
    assert isinstance(models.text_to_speech, lk_openai.TTS)
    # The environment's own choices are untouched.
    assert chat_resources.settings_for(None).voice_stt == "local"
