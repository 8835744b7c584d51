"""Text conversations over HTTP: the dashboard console, the API and the exam all use these."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.conversations.schemas import (
    ConversationStarted,
    MessageIn,
    MessageOut,
    TranscriptOut,
)
from frontdesk.conversations.service import ConversationHub
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api", tags=["conversations"])


def _hub(request: Request) -> ConversationHub:
    return request.app.state.conversations


@router.post(
    "/agents/{agent_id}/conversations", response_model=ConversationStarted, status_code=201
)
async def start_conversation(agent_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    """Start a text conversation; the answer carries the agent's greeting."""
    return await _hub(request).start(principal, agent_id)


@router.post("/conversations/{conversation_id}/messages", response_model=MessageOut)
async def send_message(
    conversation_id: str, body: MessageIn, request: Request, principal: CurrentPrincipal
) -> dict:
    """Say something to the agent; returns its reply and the tools it used."""
    return await _hub(request).message(principal, conversation_id, body.text)


@router.get("/conversations/{conversation_id}", response_model=TranscriptOut)
async def get_conversation(
    conversation_id: str, request: Request, principal: CurrentPrincipal
) -> dict:
    """The transcript, turn by turn, with tool calls and timings."""
    return await _hub(request).transcript(principal, conversation_id)


@router.post("/conversations/{conversation_id}/end", status_code=204)
async def end_conversation(
    conversation_id: str, request: Request, principal: CurrentPrincipal
) -> Response:
    """Hang up."""
    await _hub(request).end(principal, conversation_id, "ended by caller")
    return Response(status_code=204)
