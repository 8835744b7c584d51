"""Appointments, availability and leads of an agent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession
from frontdesk.leads.schemas import LeadPublic
from frontdesk.models import Appointment, Lead
from frontdesk.scheduling.repository import SchedulingRepository
from frontdesk.scheduling.schemas import AppointmentPublic, AvailabilityPublic
from frontdesk.scheduling.service import SchedulingService
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}", tags=["scheduling"])


@router.get("/appointments", response_model=list[AppointmentPublic])
def list_appointments(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    status: Literal["booked", "cancelled"] | None = None,
    upcoming: Annotated[bool, Query(description="Only appointments from now on")] = False,
) -> list[Appointment]:
    """The agent's appointments in time order."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    since = datetime.now(UTC) if upcoming else None
    return SchedulingRepository(db).appointments(agent.id, status=status, since=since)


@router.get("/availability", response_model=AvailabilityPublic)
def availability(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    day: Annotated[date, Query(description="First day (business-local), YYYY-MM-DD")],
    days: Annotated[int, Query(ge=1, le=31)] = 1,
    appointment_type: Annotated[str | None, Query(max_length=64)] = None,
) -> AvailabilityPublic:
    """Free start times for an appointment type."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    service = SchedulingService(db, agent)
    kind = service.appointment_type(appointment_type)
    return AvailabilityPublic(
        appointment_type=kind.key,
        timezone=service.config.timezone,
        starts=service.available_starts(kind, day, days),
    )


@router.get("/leads", response_model=list[LeadPublic])
def list_leads(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> list[Lead]:
    """Callers who left their details, newest first."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    return SchedulingRepository(db).leads(agent.id)
