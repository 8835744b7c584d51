"""Call tokens for LiveKit: one new room per call, with the receptionist dispatched into it.

Tokens are minted only with `livekit-api`. A hand-built JWT without the `video` grant is
exactly what makes LiveKit answer 401, and the room configuration in the token is what
makes LiveKit dispatch our agent worker the moment the caller joins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from livekit.api import AccessToken, RoomAgentDispatch, RoomConfiguration, VideoGrants

from frontdesk.config import Settings
from frontdesk.errors import ConfigurationError

ROOM_PREFIX = "call-"


# What a caller may send into the room: their microphone, and typed words (a text stream,
# which needs `can_publish_data`). No camera, no screen share.
CALLER_SOURCES = ["microphone"]


class Dispatch(NamedTuple):
    """What a call's dispatch metadata names: the agent, its conversation and its workspace."""

    agent_id: str
    conversation_id: str
    workspace_id: str


@dataclass(frozen=True)
class LiveKitCall:
    """What a caller's client needs to join its call: the server, its token and the room."""

    url: str
    token: str
    room: str


def room_for(conversation_id: str) -> str:
    return f"{ROOM_PREFIX}{conversation_id}"


def conversation_of_room(room: str) -> str | None:
    """The conversation id a call room was named after; None for rooms that are not ours."""
    if not room.startswith(ROOM_PREFIX):
        return None
    return room.removeprefix(ROOM_PREFIX) or None


def require_livekit(settings: Settings) -> None:
    if not settings.livekit_enabled:
        raise ConfigurationError(
            "LiveKit is not configured: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET "
            "(or the same names with the FRONTDESK_ prefix)."
        )


def mint_call_token(
    settings: Settings,
    *,
    agent_id: str,
    conversation_id: str,
    workspace_id: str,
    identity: str,
    name: str,
) -> LiveKitCall:
    """A token that lets one caller into a fresh room for `conversation_id` and dispatches
    the receptionist worker there, with the agent, conversation and workspace in the job
    metadata (the worker checks all three against the database before it answers)."""
    require_livekit(settings)
    room = room_for(conversation_id)
    metadata = Dispatch(agent_id, conversation_id, workspace_id)._asdict()
    dispatch = RoomAgentDispatch(
        agent_name=settings.livekit_agent_name, metadata=json.dumps(metadata)
    )
    token = (
        AccessToken(settings.livekit_api_key, settings.livekit_api_secret)
        .with_identity(identity)
        .with_name(name)
        .with_ttl(timedelta(seconds=settings.livekit_token_ttl_s))
        .with_grants(
            VideoGrants(
                room_join=True,
                room=room,
                can_publish=True,
                can_subscribe=True,
                can_publish_data=True,
                can_publish_sources=CALLER_SOURCES,
            )
        )
        .with_room_config(RoomConfiguration(agents=[dispatch]))
        .to_jwt()
    )
    return LiveKitCall(url=settings.livekit_url, token=token, room=room)


def dispatch_metadata(raw: str) -> Dispatch:
    """What the metadata `mint_call_token` put in the dispatch names; ValueError otherwise."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"LiveKit dispatch metadata is not JSON: {raw!r}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"LiveKit dispatch metadata is not a JSON object: {raw!r}")
    ids = []
    for key in Dispatch._fields:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise ValueError(f"LiveKit dispatch metadata has no {key}: {raw!r}")
        ids.append(value)
    return Dispatch(*ids)
