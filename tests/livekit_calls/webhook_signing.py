"""Webhook requests built the way the LiveKit server builds them, with livekit-api's classes."""

from __future__ import annotations

import base64
import hashlib

from fastapi.testclient import TestClient
from google.protobuf.json_format import MessageToJson
from httpx import Response
from livekit.api import AccessToken, ParticipantInfo, Room, WebhookEvent

KEY = "APIfrontdesktest"
SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"


def event_body(kind: str, room: str, participant: ParticipantInfo | None = None) -> bytes:
    event = WebhookEvent(
        event=kind, room=Room(sid="RM_test", name=room), id="EV_test", created_at=1_790_000_000
    )
    if participant is not None:
        event.participant.CopyFrom(participant)
    return MessageToJson(event).encode()


def signature(body: bytes, *, key: str = KEY, secret: str = SECRET) -> str:
    """The Authorization header LiveKit sends: a JWT whose sha256 claim is the body's hash."""
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return AccessToken(key, secret).with_sha256(digest).to_jwt()


def post_webhook(client: TestClient, body: bytes, authorization: str | None) -> Response:
    headers = {"content-type": "application/webhook+json"}
    if authorization is not None:
        headers["authorization"] = authorization
    return client.post("/api/livekit/webhook", content=body, headers=headers)
