"""Text conversations over HTTP: the dashboard console, the API and the exam all use these."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from frontdesk.agents.service import AgentService
from frontdesk.conversations.repository import ConversationRepository
from frontdesk.conversations.schemas import (
    Channel,
    ConversationListed,
    ConversationPage,
    ConversationStarted,
    MessageIn,
    MessageOut,
    Outcome,
    TranscriptOut,
)
from frontdesk.conversations.service import ConversationHub
from frontdesk.db import DbSession, PageOffset
from frontdesk.errors import Conflict
from frontdesk.openapi_errors import error_responses
from frontdesk.workspace.auth import ConversationPrincipal, CurrentPrincipal

router = APIRouter(prefix="/api", tags=["conversations"])


def _hub(request: Request) -> ConversationHub:
    return request.app.state.conversations


@router.post(
    "/agents/{agent_id}/conversations", response_model=ConversationStarted, status_code=201
)
async def start_conversation(
    agent_id: str, request: Request, principal: ConversationPrincipal
) -> dict:
    """Start a text conversation; the answer carries the agent's greeting."""
    return await _hub(request).start(principal, agent_id)


@router.get("/agents/{agent_id}/conversations", response_model=ConversationPage)
def list_conversations(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: PageOffset = 0,
    q: Annotated[
        str | None, Query(max_length=200, description="Words said in the conversation")
    ] = None,
    channel: Annotated[
        Channel | None, Query(description="Only this channel; without it, all but exams")
    ] = None,
    source: Literal["owner", "widget", "phone"] | None = None,
    outcome: Annotated[
        Outcome | None, Query(description="Only conversations analysed with this outcome")
    ] = None,
) -> ConversationPage:
    """The agent's conversations, newest first, with their turn count, the caller's first
    words, and (once analysed) their outcome and summary. `q` keeps those in which every
    word was said (by either side). Exam questions are left out unless `channel=exam`."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    total, rows = ConversationRepository(db).page(
        principal.workspace_id,
        agent.id,
        limit=limit,
        offset=offset,
        q=q,
        channel=channel,
        source=source,
        outcome=outcome,
    )
    return ConversationPage(
        total=total,
        conversations=[
            ConversationListed(
                id=r.conversation.id,
                channel=r.conversation.channel,
                source=r.conversation.source,
                status=r.conversation.status,
                created_at=r.conversation.created_at,
                ended_at=r.conversation.ended_at,
                end_reason=r.conversation.end_reason,
                turn_count=r.turn_count,
                preview=r.preview,
                outcome=r.conversation.outcome,
                summary=r.conversation.summary,
            )
            for r in rows
        ],
    )


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageOut,
    responses=error_responses(Conflict),
)
async def send_message(
    conversation_id: str, body: MessageIn, request: Request, principal: ConversationPrincipal
) -> dict:
    """Say something to the agent; returns its reply and the tools it used."""
    return await _hub(request).message(principal, conversation_id, body.text)


@router.get("/conversations/{conversation_id}", response_model=TranscriptOut)
async def get_conversation(
    conversation_id: str, request: Request, principal: CurrentPrincipal
) -> dict:
    """The transcript, turn by turn, with tool calls and timings, and what the analysis
    after the conversation found: outcome, summary, caller details, unanswered questions."""
    return await _hub(request).transcript(principal, conversation_id)


@router.post("/conversations/{conversation_id}/end", status_code=204)
async def end_conversation(
    conversation_id: str, request: Request, principal: CurrentPrincipal
) -> Response:
    """Hang up. The conversation is analysed in the background right after."""
    await _hub(request).end(principal, conversation_id, "ended by caller")
    return Response(status_code=204)


@router.post(
    "/conversations/{conversation_id}/analysis",
    status_code=202,
    # Accepted with no body: the outcome is read from the conversation once the job ran.
    response_class=Response,
    responses={202: {"description": "Queued"}, **error_responses(Conflict)},
)
async def reanalyse_conversation(
    conversation_id: str, request: Request, principal: CurrentPrincipal
) -> Response:
    """Analyse an ended conversation again (e.g. after configuring a language model); the
    new outcome, summary and details replace the old ones when the job has run. 409 while
    the conversation is still going."""
    await _hub(request).reanalyse(principal, conversation_id)
    return Response(status_code=202)
