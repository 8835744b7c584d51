"""The workspace's own provider settings: write-only secrets, validated addresses, and the
rules by which they take precedence over the environment's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.models import Workspace
from frontdesk.resources import Resources
from frontdesk.workspace.overrides import effective_settings
from tests.factories import make_member, make_owner, sign_in

UNSET = {"set": False, "hint": None}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Workspace provider addresses follow the outbound rule; these tests have no DNS, so the
    # hosts they save are named by the operator's allow-list.
    return settings.model_copy(
        update={
            "outbound_allowed_hosts": ["127.0.0.1", "lk", "api.groq.com", "juniper.livekit.cloud"]
        }
    )


def test_settings_start_empty_and_secrets_never_come_back(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, owner = make_owner(resources, workspace_name="Juniper Vet")
    sign_in(app_client, owner)
    initial = app_client.get("/api/workspace").json()
    assert initial["id"] == workspace.id and initial["name"] == "Juniper Vet"
    assert initial["settings"] == {
        "llm_base_url": None,
        "llm_model": None,
        "llm_api_key": UNSET,
        "openai_api_key": UNSET,
        "livekit_url": None,
        "livekit_api_key": UNSET,
        "livekit_api_secret": UNSET,
        "twilio_auth_token": UNSET,
        "voice_stt": None,
        "voice_tts": None,
    }

    changed = app_client.patch(
        "/api/workspace",
        json={
            "name": "Juniper Veterinary",
            "settings": {
                "llm_base_url": "https://api.groq.com/openai/v1",
                "llm_model": "llama-3.1-8b-instant",
                "llm_api_key": " gsk-secret-value-9876\n",
                "livekit_url": "wss://juniper.livekit.cloud",
                "livekit_api_key": "APIjuniperkey",
                "livekit_api_secret": "a-long-livekit-secret-wxyz",
                "twilio_auth_token": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
                "voice_stt": "openai",
            },
        },
    )
    assert changed.status_code == 200, changed.text
    assert "gsk-secret" not in changed.text and "livekit-secret" not in changed.text
    assert "a1b2c3d4e5f6" not in changed.text
    shown = changed.json()
    assert shown["name"] == "Juniper Veterinary"
    assert shown["settings"]["llm_api_key"] == {"set": True, "hint": "…9876"}
    assert shown["settings"]["livekit_api_secret"] == {"set": True, "hint": "…wxyz"}
    assert shown["settings"]["twilio_auth_token"] == {"set": True, "hint": "…8f90"}
    assert shown["settings"]["openai_api_key"] == UNSET
    assert shown["settings"]["voice_stt"] == "openai" and shown["settings"]["voice_tts"] is None
    assert app_client.get("/api/workspace").json() == shown
    with transaction(resources.sessionmaker) as db:
        stored = db.get(Workspace, workspace.id)
        assert stored is not None and stored.settings["llm_api_key"] == "gsk-secret-value-9876"

    # Absent fields stay; null and "" clear.
    cleared = app_client.patch(
        "/api/workspace", json={"settings": {"llm_api_key": None, "voice_stt": ""}}
    ).json()["settings"]
    assert cleared["llm_api_key"] == UNSET and cleared["voice_stt"] is None
    assert cleared["llm_base_url"] == "https://api.groq.com/openai/v1"
    assert cleared["livekit_api_secret"]["set"] is True
    assert app_client.patch("/api/workspace", json={}).json()["settings"] == cleared


def test_addresses_and_choices_are_validated(app_client: TestClient, resources: Resources) -> None:
    _, owner = make_owner(resources)
    sign_in(app_client, owner)
    for settings in (
        {"llm_base_url": "ftp://models.example.com"},
        {"llm_base_url": "api.openai.com/v1"},
        {"livekit_url": "https://juniper.livekit.cloud"},
        {"livekit_url": "wss://"},
        {"voice_tts": "elevenlabs"},
    ):
        response = app_client.patch("/api/workspace", json={"settings": settings})
        assert response.status_code == 422, settings
        assert response.json()["error"] == "ValidationFailed"
    assert app_client.patch("/api/workspace", json={"name": "  "}).status_code == 422
    ok = app_client.patch(
        "/api/workspace",
        json={
            "settings": {"llm_base_url": "http://127.0.0.1:11434/v1", "livekit_url": "ws://lk:7880"}
        },
    )
    assert ok.status_code == 200


def test_admins_may_change_settings(app_client: TestClient, resources: Resources) -> None:
    workspace, _ = make_owner(resources)
    sign_in(app_client, make_member(resources, workspace, role="admin"))
    response = app_client.patch("/api/workspace", json={"settings": {"voice_tts": "openai"}})
    assert response.status_code == 200 and response.json()["settings"]["voice_tts"] == "openai"


def _environment(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        environment="test",
        data_dir=tmp_path,
        llm_base_url="https://llm.operator.example/v1",
        llm_api_key="operator-llm-key",
        llm_model="operator-model",
        openai_api_key="operator-openai-key",
        livekit_url="wss://operator.livekit.cloud",
        livekit_api_key="operator-lk-key",
        livekit_api_secret="operator-lk-secret",
    )


def test_workspace_values_win_but_the_operators_keys_stay_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = _environment(tmp_path)
    assert effective_settings(env, {}) is env

    own_endpoint = effective_settings(env, {"llm_base_url": "https://api.groq.com/openai/v1"})
    # The operator's key is never sent to an endpoint the workspace chose.
    assert (own_endpoint.llm_base_url, own_endpoint.llm_api_key) == (
        "https://api.groq.com/openai/v1",
        "",
    )
    assert own_endpoint.llm_model == "operator-model"

    own_key = effective_settings(env, {"llm_api_key": "ws-key", "llm_model": "bigger"})
    assert (own_key.llm_base_url, own_key.llm_api_key, own_key.llm_model) == (
        "https://llm.operator.example/v1",
        "ws-key",
        "bigger",
    )

    speech = effective_settings(env, {"openai_api_key": "ws-openai", "voice_tts": "openai"})
    assert (speech.openai_api_key, speech.voice_tts, speech.voice_stt) == (
        "ws-openai",
        "openai",
        "local",
    )

    # LiveKit counts only as a complete project.
    partial = effective_settings(env, {"livekit_url": "wss://mine.livekit.cloud"})
    assert partial.livekit_url == "wss://operator.livekit.cloud"
    complete = effective_settings(
        env,
        {
            "livekit_url": "wss://mine.livekit.cloud",
            "livekit_api_key": "mine-key",
            "livekit_api_secret": "mine-secret",
        },
    )
    assert (complete.livekit_url, complete.livekit_api_key, complete.livekit_api_secret) == (
        "wss://mine.livekit.cloud",
        "mine-key",
        "mine-secret",
    )
    # Stored values the schema would refuse (an older version, a hand edit) are ignored.
    assert effective_settings(env, {"voice_stt": "nonsense", "unknown": "x"}).voice_stt == "local"
    assert env.llm_api_key == "operator-llm-key"  # the environment's object is untouched
