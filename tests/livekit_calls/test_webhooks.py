"""LiveKit webhooks, signed the way LiveKit signs them, keep a call's conversation in step
with its room on the real database; anything not signed with our secret is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient
from livekit.api import ParticipantInfo

from frontdesk.db import transaction
from frontdesk.models import Conversation
from frontdesk.resources import Resources
from tests.livekit_calls.webhook_signing import SECRET, event_body, post_webhook, signature


def _start(client: TestClient, agent: dict) -> str:
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    return started.json()["id"]


def _row(resources: Resources, conversation_id: str) -> Conversation:
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None
        return row


CALLER = ParticipantInfo(identity="caller-7", kind=ParticipantInfo.Kind.STANDARD)
AGENT = ParticipantInfo(identity="agent-AJ_1", kind=ParticipantInfo.Kind.AGENT)


def test_room_finished_ends_the_conversation(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    conversation_id = _start(client, agent)
    assert _row(chat_resources, conversation_id).status == "active"

    body = event_body("room_finished", f"call-{conversation_id}")
    response = post_webhook(client, body, signature(body))

    assert response.status_code == 200, response.text
    assert response.json() == {"event": "room_finished", "handled": True}
    row = _row(chat_resources, conversation_id)
    assert row.status == "ended"
    assert row.end_reason == "LiveKit room finished"
    assert row.ended_at is not None
    transcript = client.get(f"/api/conversations/{conversation_id}").json()
    assert transcript["status"] == "ended"

    # LiveKit may deliver the same event twice; the first ending stands.
    again = post_webhook(client, body, signature(body))
    assert again.status_code == 200
    assert _row(chat_resources, conversation_id).ended_at == row.ended_at


def test_caller_joining_and_leaving(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    conversation_id = _start(client, agent)
    room = f"call-{conversation_id}"

    for kind, who in [("room_started", None), ("participant_joined", AGENT)]:
        body = event_body(kind, room, who)
        assert post_webhook(client, body, signature(body)).status_code == 200
    # The agent worker joining is not the call connecting.
    assert _row(chat_resources, conversation_id).connected_at is None

    body = event_body("participant_joined", room, CALLER)
    assert post_webhook(client, body, signature(body)).json() == {
        "event": "participant_joined",
        "handled": True,
    }
    row = _row(chat_resources, conversation_id)
    assert row.connected_at is not None and row.status == "active"

    body = event_body("participant_left", room, AGENT)
    assert post_webhook(client, body, signature(body)).json()["handled"] is False
    assert _row(chat_resources, conversation_id).status == "active"

    body = event_body("participant_left", room, CALLER)
    assert post_webhook(client, body, signature(body)).json()["handled"] is True
    row = _row(chat_resources, conversation_id)
    assert row.status == "ended" and row.end_reason == "The caller left the LiveKit room"


def test_unknown_rooms_and_events_are_acknowledged(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    conversation_id = _start(client, agent)
    for kind, room in [
        ("room_finished", "call-no-such-conversation"),
        ("room_finished", "someone-elses-room"),
        ("track_published", f"call-{conversation_id}"),
    ]:
        body = event_body(kind, room)
        response = post_webhook(client, body, signature(body))
        assert response.status_code == 200, response.text
        assert response.json() == {"event": kind, "handled": False}
    assert _row(chat_resources, conversation_id).status == "active"


def _assert_unauthorized(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "Unauthorized" and body["detail"]


def test_unsigned_or_tampered_webhooks_are_refused(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    conversation_id = _start(client, agent)
    body = event_body("room_finished", f"call-{conversation_id}")
    other = event_body("room_finished", "call-someone-else")

    _assert_unauthorized(post_webhook(client, body, signature(other)))
    _assert_unauthorized(post_webhook(client, body, signature(body, secret="not-" + SECRET)))
    _assert_unauthorized(post_webhook(client, body, signature(body, key="APIsomeoneelse")))
    _assert_unauthorized(post_webhook(client, body, None))
    _assert_unauthorized(post_webhook(client, body, "not-a-jwt"))
    assert _row(chat_resources, conversation_id).status == "active"
