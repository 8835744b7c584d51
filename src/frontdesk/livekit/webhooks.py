"""LiveKit room webhooks: keep each call's conversation row in step with its room.

LiveKit signs every webhook with the project's API secret: the `Authorization` header is a
JWT whose `sha256` claim is the hash of the body. Anything that does not verify is refused.
Events for rooms or kinds we do not track are still acknowledged with 200, because LiveKit
retries whatever it sees fail.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from google.protobuf.json_format import ParseError
from livekit.api import ParticipantInfo, TokenVerifier, WebhookEvent, WebhookReceiver
from pydantic import BaseModel
from sqlalchemy.orm import Session

from frontdesk.config import Settings
from frontdesk.db import DbSession, on_commit
from frontdesk.errors import BadRequest, NotFound, Unauthorized
from frontdesk.jobs import JobQueue
from frontdesk.livekit.tokens import conversation_of_room
from frontdesk.models import Conversation
from frontdesk.openapi_errors import error_responses
from frontdesk.workspace.repository import WorkspaceRepository

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/livekit", tags=["livekit"])

# People on the call, as opposed to our agent worker or recorders LiveKit may add.
CALLER_KINDS = {ParticipantInfo.Kind.STANDARD, ParticipantInfo.Kind.SIP}


class WebhookAck(BaseModel):
    event: str
    handled: bool


async def _raw_body(request: Request) -> bytes:
    # The signature covers the exact bytes LiveKit sent, so nothing may parse them first.
    return await request.body()


def _projects(request: Request, db: Session, body: bytes) -> list[Settings]:
    """The LiveKit projects that may have signed this webhook: the call's workspace's own,
    if it has one, then the environment's. The room named in the not-yet-verified body only
    chooses which secrets to try; the signature is still checked with them."""
    resources = request.app.state.resources
    candidates: list[Settings] = []
    row = _conversation_named_in(db, body)
    if row is not None:
        own = resources.settings_for(WorkspaceRepository(db).settings_of(row.workspace_id))
        if own.livekit_enabled and own is not resources.settings:
            candidates.append(own)
    if resources.settings.livekit_enabled:
        candidates.append(resources.settings)
    if not candidates:
        raise NotFound("LiveKit is not configured on this server.")
    return candidates


def _conversation_named_in(db: Session, body: bytes) -> Conversation | None:
    try:
        room = json.loads(body).get("room", {}).get("name")
    except (ValueError, AttributeError):
        return None
    conversation_id = conversation_of_room(room) if isinstance(room, str) else None
    return db.get(Conversation, conversation_id) if conversation_id else None


def _verified_event(
    projects: list[Settings], body: bytes, authorization: str | None
) -> WebhookEvent:
    if not authorization:
        raise Unauthorized("The LiveKit webhook has no Authorization header.")
    token = authorization.removeprefix("Bearer ").strip()
    for settings in projects:
        receiver = WebhookReceiver(
            TokenVerifier(settings.livekit_api_key, settings.livekit_api_secret)
        )
        try:
            return receiver.receive(body.decode("utf-8"), token)
        except ParseError as exc:
            # Signed by LiveKit yet unreadable: not an authentication problem.
            raise BadRequest(f"The LiveKit webhook body is not a webhook event: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - livekit-api raises bare Exception on a bad hash
            log.info("a LiveKit webhook did not verify with %s: %s", settings.livekit_url, exc)
    raise Unauthorized(
        "The LiveKit webhook signature does not match its body and this server's "
        "LiveKit API key and secret."
    )


def end_call(db: Session, row: Conversation, reason: str, queue: JobQueue | None) -> None:
    """End a call that no worker is ending (the first ending's reason stands); its analysis
    is enqueued once the ending commits."""
    if row.status == "active":
        row.status, row.end_reason, row.ended_at = "ended", reason, datetime.now(UTC)
        # A call no agent worker answered has nobody else to enqueue its analysis; when a
        # worker did, its own ending enqueues it again once every turn is stored.
        if queue is not None:
            conversation_id = row.id
            on_commit(db, lambda: queue.enqueue_analysis(conversation_id))


def apply_event(db: Session, event: WebhookEvent, queue: JobQueue | None = None) -> bool:
    """Record what `event` says about its call; False when it concerns nothing we track."""
    conversation_id = conversation_of_room(event.room.name)
    if conversation_id is None:
        return False
    row = db.get(Conversation, conversation_id)
    if row is None:
        return False
    is_caller = event.participant.kind in CALLER_KINDS
    if event.event == "room_started":
        # The row was created when the call's token was minted; the room opening adds nothing
        # until someone joins it.
        return True
    if event.event == "room_finished":
        end_call(db, row, "LiveKit room finished", queue)
        return True
    if event.event == "participant_joined" and is_caller:
        if row.connected_at is None:
            row.connected_at = datetime.now(UTC)
        return True
    if event.event == "participant_left" and is_caller:
        # One caller per room: once they are gone the call is over, even if the agent worker
        # has not left yet.
        end_call(db, row, "The caller left the LiveKit room", queue)
        return True
    return False


@router.post(
    "/webhook",
    response_model=WebhookAck,
    responses=error_responses(BadRequest, Unauthorized, NotFound),
)
def livekit_webhook(
    request: Request,
    db: DbSession,
    body: Annotated[bytes, Depends(_raw_body)],
    authorization: Annotated[str | None, Header()] = None,
) -> WebhookAck:
    """Receive a signed LiveKit webhook and update the call's conversation.

    Point LiveKit's webhook URL here (a workspace's own LiveKit project too). Answers 401
    when the signature does not verify and 404 when LiveKit is not configured; events for
    other rooms are acknowledged and ignored.
    """
    event = _verified_event(_projects(request, db, body), body, authorization)
    handled = apply_event(db, event, request.app.state.resources.queue)
    return WebhookAck(event=event.event, handled=handled)
