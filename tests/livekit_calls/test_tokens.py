"""Call tokens are real LiveKit tokens: livekit-api's own verifier reads back every grant."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from livekit.api import TokenVerifier

from frontdesk.config import Settings
from frontdesk.errors import ConfigurationError
from frontdesk.livekit.tokens import dispatch_metadata, mint_call_token
from tests.livekit_calls.webhook_signing import KEY, SECRET


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": tmp_path,
        "livekit_url": "wss://frontdesk-test.livekit.cloud",
        "livekit_api_key": KEY,
        "livekit_api_secret": SECRET,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def _mint(settings: Settings, conversation_id: str = "conv123") -> str:
    call = mint_call_token(
        settings,
        agent_id="agent42",
        conversation_id=conversation_id,
        workspace_id="ws9",
        identity="caller-7",
        name="Ann Lee",
    )
    return call.token


def test_token_carries_identity_grants_and_dispatch(tmp_path: Path) -> None:
    settings = _settings(tmp_path, livekit_agent_name="juniper-receptionist")
    call = mint_call_token(
        settings,
        agent_id="agent42",
        conversation_id="conv123",
        workspace_id="ws9",
        identity="caller-7",
        name="Ann Lee",
    )
    assert call.url == "wss://frontdesk-test.livekit.cloud"
    assert call.room == "call-conv123"

    claims = TokenVerifier(KEY, SECRET).verify(call.token)
    assert claims.identity == "caller-7"
    assert claims.name == "Ann Lee"
    video = claims.video
    assert video is not None
    assert video.room_join is True and video.room == "call-conv123"
    assert video.can_publish and video.can_subscribe and video.can_publish_data
    assert video.can_publish_sources == ["microphone"]  # no camera, no screen share
    # Nothing beyond joining this one room.
    assert not (video.room_create or video.room_admin or video.room_list or video.agent)

    assert claims.room_config is not None
    [dispatch] = claims.room_config.agents
    assert dispatch.agent_name == "juniper-receptionist"
    assert dispatch_metadata(dispatch.metadata) == ("agent42", "conv123", "ws9")

    unverified = jwt.decode(call.token, options={"verify_signature": False})
    assert unverified["exp"] - unverified["nbf"] == 600  # minutes: only to get into the room


def test_every_call_gets_its_own_room(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    ids = {"agent_id": "a", "workspace_id": "w", "identity": "x", "name": "X"}
    first = mint_call_token(settings, conversation_id="c1", **ids)
    second = mint_call_token(settings, conversation_id="c2", **ids)
    assert first.room != second.room


def test_expired_token_is_refused(tmp_path: Path) -> None:
    token = _mint(_settings(tmp_path, livekit_token_ttl_s=1))
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    with pytest.raises(jwt.ExpiredSignatureError):
        TokenVerifier(KEY, SECRET, leeway=timedelta(0)).verify(token)


def test_token_signed_with_another_secret_is_refused(tmp_path: Path) -> None:
    token = _mint(_settings(tmp_path, livekit_api_secret="another-secret-" + "x" * 40))
    with pytest.raises(jwt.InvalidSignatureError):
        TokenVerifier(KEY, SECRET).verify(token)
    with pytest.raises(jwt.InvalidIssuerError):
        TokenVerifier("APIsomeoneelse", "another-secret-" + "x" * 40).verify(token)


def test_minting_without_livekit_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="LIVEKIT_API_SECRET"):
        _mint(_settings(tmp_path, livekit_api_secret=""))


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json",
        "[]",
        json.dumps({"agent_id": "a"}),
        json.dumps({"agent_id": "a", "conversation_id": ""}),
        json.dumps({"agent_id": 7, "conversation_id": "c"}),
    ],
)
def test_bad_dispatch_metadata_is_a_value_error(raw: str) -> None:
    with pytest.raises(ValueError, match="LiveKit dispatch metadata"):
        dispatch_metadata(raw)


def test_livekit_settings_read_plain_and_prefixed_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("URL", "API_KEY", "API_SECRET"):
        monkeypatch.delenv(f"FRONTDESK_LIVEKIT_{name}", raising=False)
    monkeypatch.setenv("LIVEKIT_URL", "wss://plain.example")
    monkeypatch.setenv("LIVEKIT_API_KEY", "plain-key")
    monkeypatch.setenv("LIVEKIT_API_SECRET", "plain-secret")
    plain = Settings(data_dir=tmp_path)
    assert (plain.livekit_url, plain.livekit_api_key, plain.livekit_api_secret) == (
        "wss://plain.example",
        "plain-key",
        "plain-secret",
    )
    assert plain.livekit_enabled

    # The FRONTDESK_ name wins when both are set.
    monkeypatch.setenv("FRONTDESK_LIVEKIT_URL", "wss://prefixed.example")
    monkeypatch.delenv("LIVEKIT_API_SECRET")
    prefixed = Settings(data_dir=tmp_path)
    assert prefixed.livekit_url == "wss://prefixed.example"
    assert not prefixed.livekit_enabled
