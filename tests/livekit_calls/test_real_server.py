"""Against LiveKit's own server on loopback (tests/livekit_server.py): the token the API mints
for a call lets the caller into that call's room, and an expired one does not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from livekit import api, rtc

from frontdesk.config import Settings
from tests.livekit_server import LiveKitServer, running_livekit

# `make test` builds the server first; run alone on a fresh machine, the first test here
# builds it (the module download and compile take minutes), within this longer limit.
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def livekit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveKitServer]:
    with running_livekit(Path(tmp_path_factory.mktemp("livekit"))) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, livekit: LiveKitServer) -> Settings:
    return settings.model_copy(
        update={
            "livekit_url": livekit.url,
            "livekit_api_key": livekit.key,
            "livekit_api_secret": livekit.secret,
        }
    )


async def _join_and_look(livekit: LiveKitServer, url: str, token: str, room_name: str) -> list[str]:
    """Join as the caller, and ask the server who is in the room."""
    room = rtc.Room()
    await room.connect(url, token)
    try:
        async with api.LiveKitAPI(livekit.http_url, livekit.key, livekit.secret) as server:
            listed = await server.room.list_participants(
                api.ListParticipantsRequest(room=room_name)
            )
    finally:
        await room.disconnect()
    return [p.identity for p in listed.participants]


def test_a_caller_joins_the_calls_room_with_the_minted_token(chat, livekit: LiveKitServer) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    response = client.post(f"/api/agents/{agent['id']}/calls")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["url"] == livekit.url
    inside = asyncio.run(_join_and_look(livekit, body["url"], body["token"], body["room"]))
    assert f"caller-{body['conversation_id']}" in inside


def test_an_expired_token_is_refused_by_the_server(livekit: LiveKitServer) -> None:
    token = (
        api.AccessToken(livekit.key, livekit.secret)
        .with_identity("caller-late")
        .with_grants(api.VideoGrants(room_join=True, room="call-late"))
        .with_ttl(timedelta(seconds=-60))
        .to_jwt()
    )
    with pytest.raises(rtc.ConnectError):
        asyncio.run(_join_and_look(livekit, livekit.url, token, "call-late"))
