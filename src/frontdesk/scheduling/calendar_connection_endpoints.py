"""An agent's CalDAV calendar connection: discover the calendars, connect one, check, disconnect."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession
from frontdesk.errors import Forbidden
from frontdesk.models import CalendarConnection
from frontdesk.openapi_errors import error_responses
from frontdesk.scheduling.calendar_connection import CalendarConnectionService
from frontdesk.scheduling.schemas import (
    CalendarChoicePublic,
    CalendarConnectionIn,
    CalendarConnectionPublic,
    CalendarDiscoverIn,
)
from frontdesk.workspace.auth import CurrentPrincipal

# Connecting a calendar is for the owner and admins only (the service checks).
router = APIRouter(
    prefix="/api/agents/{agent_id}/calendar-connection",
    tags=["scheduling"],
    responses=error_responses(Forbidden),
)


def _service(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CalendarConnectionService:
    resources = request.app.state.resources
    agent = AgentService(db, resources, principal).get(agent_id)
    return CalendarConnectionService(db, agent, resources.settings, principal)


def _public(connection: CalendarConnection) -> CalendarConnectionPublic:
    # Field by field, so the stored password can never end up in an answer.
    return CalendarConnectionPublic(
        server_url=connection.server_url,
        username=connection.username,
        calendar_url=connection.calendar_url,
        calendar_name=connection.calendar_name,
        status="error" if connection.status == "error" else "connected",
        last_error=connection.last_error,
        checked_at=connection.checked_at,
        updated_at=connection.updated_at,
    )


@router.get("", response_model=CalendarConnectionPublic | None)
def get_calendar_connection(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CalendarConnectionPublic | None:
    """The agent's CalDAV calendar (null when none is connected): server, username, the
    chosen calendar, and how the last check went. The password is never returned."""
    connection = _service(agent_id, request, principal, db).get()
    return _public(connection) if connection else None


@router.post("/discover", response_model=list[CalendarChoicePublic])
def discover_agent_calendars(
    agent_id: str,
    body: CalendarDiscoverIn,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> list[CalendarChoicePublic]:
    """Sign in to a CalDAV server and list the calendars found there, to choose one before
    saving. 422 with the reason when the password is wrong, the address is not a CalDAV
    server, or it does not answer. Owners and admins only."""
    found = _service(agent_id, request, principal, db).discover(body)
    return [CalendarChoicePublic(url=c.url, name=c.name) for c in found]


@router.put("", response_model=CalendarConnectionPublic)
def save_calendar_connection(
    agent_id: str,
    body: CalendarConnectionIn,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> CalendarConnectionPublic:
    """Connect the agent to a CalDAV calendar (or change it). The server is asked for real
    first: 422 with the reason when the password is wrong, the address is not a CalDAV
    server or does not answer, or the calendar is gone. From then on availability leaves
    out the calendar's busy times and every booking is written there. Leave the password
    out to keep the stored one. Owners and admins only."""
    return _public(_service(agent_id, request, principal, db).save(body))


@router.post("/check", response_model=CalendarConnectionPublic)
def check_calendar_connection(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CalendarConnectionPublic:
    """Try the connected calendar now and record the result in `status` and `last_error`
    (a failing check answers 200 with status "error"). 404 when none is connected."""
    return _public(_service(agent_id, request, principal, db).check())


@router.delete("", status_code=204)
def delete_calendar_connection(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Disconnect the calendar: availability goes back to the built-in rules alone. Events
    already written to the calendar stay there. Owners and admins only."""
    _service(agent_id, request, principal, db).disconnect()
    return Response(status_code=204)
