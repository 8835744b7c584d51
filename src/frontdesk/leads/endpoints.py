"""The owner's lead list across the workspace: search, filters, status, notes, CSV export.

`GET /api/agents/{agent_id}/leads` (a bare list, in scheduling/endpoints.py) stays as it was
for the clients that read it; this router is the workspace-wide, paged view.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession, PageOffset
from frontdesk.errors import NotFound
from frontdesk.leads.csv_export import MAX_ROWS, leads_csv
from frontdesk.leads.repository import LeadFilters, LeadRepository
from frontdesk.leads.schemas import LeadCategory, LeadPage, LeadPublic, LeadStatus, LeadUpdate
from frontdesk.leads.service import LeadService
from frontdesk.models import Lead
from frontdesk.openapi_errors import error_responses
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/leads", tags=["leads"])


def lead_filters(
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    agent_id: Annotated[str | None, Query(description="Only this agent's leads")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text in the name, phone, email, interest or notes"),
    ] = None,
    status: LeadStatus | None = None,
    category: LeadCategory | None = None,
    min_score: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> LeadFilters:
    if agent_id is not None:
        # Answers 404 for another workspace's agent, rather than an empty list.
        AgentService(db, request.app.state.resources, principal).get(agent_id)
    return LeadFilters(
        agent_id=agent_id, q=q, status=status, category=category, min_score=min_score
    )


Filters = Annotated[LeadFilters, Depends(lead_filters)]


@router.get("", response_model=LeadPage, responses=error_responses(NotFound))
def list_workspace_leads(
    principal: CurrentPrincipal,
    db: DbSession,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: PageOffset = 0,
) -> LeadPage:
    """Leads of every agent in the workspace, newest first, with their status, score,
    category and the reason for the score. `q` searches the name, phone, email, interest
    and both kinds of notes; the other filters narrow it down. `total` counts every match."""
    total, leads = LeadService(db, principal).page(filters, limit=limit, offset=offset)
    return LeadPage(total=total, leads=[LeadPublic.model_validate(lead) for lead in leads])


@router.get(
    "/export.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The leads as CSV"},
        **error_responses(NotFound),
    },
)
def export_leads(principal: CurrentPrincipal, db: DbSession, filters: Filters) -> Response:
    """The leads matching the same filters as the list, newest first, as a CSV attachment
    (at most 50,000 rows). Cells that a spreadsheet would run as a formula start with an
    apostrophe."""
    rows = LeadRepository(db).with_agent_names(principal.workspace_id, filters, limit=MAX_ROWS)
    filename = f"leads-{datetime.now(UTC).date().isoformat()}.csv"
    return Response(
        leads_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.patch("/{lead_id}", response_model=LeadPublic)
def update_lead(
    lead_id: str, change: LeadUpdate, principal: CurrentPrincipal, db: DbSession
) -> Lead:
    """Move a lead through the workflow (new, contacted, won, lost) or change the owner's
    notes on it. Only the fields sent change."""
    return LeadService(db, principal).update(lead_id, change)
