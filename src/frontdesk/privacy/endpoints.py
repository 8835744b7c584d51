"""Data retention, deleting a caller's data on request, and the workspace export.

Owners and admins only: each of these reaches every conversation of the workspace.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from frontdesk.db import DbSession
from frontdesk.errors import Forbidden
from frontdesk.openapi_errors import error_responses
from frontdesk.privacy.export import export_filename, workspace_zip
from frontdesk.privacy.schemas import (
    CallerDeletionPublic,
    CallerDeletionRequest,
    CallerDeletionResult,
    RetentionPublic,
    RetentionSettings,
)
from frontdesk.privacy.service import PrivacyService
from frontdesk.workspace.auth import CurrentPrincipal
from frontdesk.workspace.service import Principal, get_workspace, require_admin

router = APIRouter(prefix="/api", tags=["privacy"])


def _service(request: Request, db: DbSession, principal: Principal) -> PrivacyService:
    return PrivacyService(db, principal, request.app.state.resources.settings)


@router.get(
    "/privacy/retention", response_model=RetentionPublic, responses=error_responses(Forbidden)
)
def get_retention(request: Request, principal: CurrentPrincipal, db: DbSession) -> RetentionPublic:
    """How long transcripts are kept after a conversation ends (null: for good), how many
    are past that period and will go at the next hourly run, and how many went already."""
    return _service(request, db, principal).retention()


@router.put(
    "/privacy/retention", response_model=RetentionPublic, responses=error_responses(Forbidden)
)
def set_retention(
    body: RetentionSettings, request: Request, principal: CurrentPrincipal, db: DbSession
) -> RetentionPublic:
    """Set how many days (1 to 3650) after a conversation ends its transcript is deleted,
    or null to keep transcripts for good. An hourly job then deletes the turns, the summary,
    the caller's details and unanswered questions of older conversations; the conversation
    itself (channel, times, outcome) stays, so analytics do not change."""
    return _service(request, db, principal).set_retention(body.transcript_retention_days)


@router.post(
    "/privacy/caller-deletions",
    response_model=CallerDeletionResult,
    responses=error_responses(Forbidden),
)
def delete_caller_data(
    body: CallerDeletionRequest, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CallerDeletionResult:
    """Delete everything the workspace holds about one caller, found by phone and/or email
    (written any usual way): leads, messages, the conversations they had (transcripts
    included), appointments (upcoming ones are cancelled first, so the calendar and your
    webhooks hear of it), their knowledge-gap questions and webhook log entries naming them.
    Answers with the count of each. With `dry_run` only counts and changes nothing. Each
    real deletion leaves an audit record with hashes of the phone and email, never the
    values."""
    return _service(request, db, principal).delete_caller(
        phone=body.phone, email=body.email, dry_run=body.dry_run
    )


@router.get(
    "/privacy/caller-deletions",
    response_model=list[CallerDeletionPublic],
    responses=error_responses(Forbidden),
)
def list_caller_deletions(
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CallerDeletionPublic]:
    """The audit trail of callers' data deleted on request, newest first: when, by whom,
    whether a phone and/or email was matched, and what was deleted."""
    return _service(request, db, principal).deletions(limit)


@router.get(
    "/workspace/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {}}, "description": "The ZIP archive"},
        **error_responses(Forbidden),
    },
)
def export_workspace(
    request: Request, principal: CurrentPrincipal, db: DbSession
) -> StreamingResponse:
    """Everything the workspace holds, as a ZIP streamed while it is read: workspace.json
    (settings, secrets masked), one JSON-lines file per table (members, agents, knowledge
    sources, conversations, conversation_turns, leads, appointments, messages, exams,
    knowledge gaps, webhook endpoints with masked secrets…), knowledge_chunks.jsonl (the
    text extracted from each source) and manifest.json with the export time and the number
    of rows in each file."""
    require_admin(principal)
    workspace = get_workspace(db, principal)
    resources = request.app.state.resources
    now = datetime.now(UTC)
    return StreamingResponse(
        workspace_zip(resources.sessionmaker, resources.store, workspace.id, now=now),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(now)}"'},
    )
