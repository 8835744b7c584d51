"""Appointments, availability and leads of an agent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession
from frontdesk.errors import Conflict
from frontdesk.leads.schemas import LeadPublic
from frontdesk.models import Appointment, Lead
from frontdesk.openapi_errors import error_responses
from frontdesk.scheduling.calendar_feed import agent_feed, feed_path
from frontdesk.scheduling.confirmation import confirmation_text
from frontdesk.scheduling.repository import SchedulingRepository
from frontdesk.scheduling.schemas import (
    AppointmentCreate,
    AppointmentDetail,
    AppointmentPublic,
    AvailabilityPublic,
    CalendarFeedPublic,
    RescheduleIn,
)
from frontdesk.scheduling.service import Customer, SchedulingService, SlotUnavailable
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}", tags=["scheduling"])
# Calendar apps fetch the feed without a session, so it lives outside /api and its auth.
feed_router = APIRouter(tags=["scheduling"])


def _service(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> SchedulingService:
    resources = request.app.state.resources
    agent = AgentService(db, resources, principal).get(agent_id)
    return SchedulingService(db, agent, settings=resources.settings)


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
    """Free start times for an appointment type. With a CalDAV calendar connected, times
    that overlap its events are left out too; 502 when that calendar cannot be read."""
    service = _service(agent_id, request, principal, db)
    kind = service.appointment_type(appointment_type)
    return AvailabilityPublic(
        appointment_type=kind.key,
        timezone=service.config.timezone,
        starts=service.available_starts(kind, day, days),
    )


@router.post("/appointments", response_model=AppointmentPublic, status_code=201)
def create_appointment(
    agent_id: str,
    body: AppointmentCreate,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> Appointment:
    """Book an appointment for a caller (e.g. one who phoned the business directly), under
    the calendar's rules. 409 when the time is taken (in a connected CalDAV calendar too),
    422 when it breaks a rule, 502 when the connected calendar cannot be reached (nothing is
    booked then)."""
    return _service(agent_id, request, principal, db).book(
        start=body.starts_at,
        customer=Customer(
            name=body.customer_name, phone=body.customer_phone, email=body.customer_email
        ),
        appointment_type=body.appointment_type,
        notes=body.notes,
        party_size=body.party_size,
    )


@router.get("/leads", response_model=list[LeadPublic])
def list_leads(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> list[Lead]:
    """Callers who left their details, newest first."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    return SchedulingRepository(db).leads(agent.id)


@router.get("/appointments/{appointment_id}", response_model=AppointmentDetail)
def get_appointment(
    agent_id: str,
    appointment_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> AppointmentDetail:
    """One appointment, with the confirmation to read out or send the caller."""
    service = _service(agent_id, request, principal, db)
    appointment = service.get(appointment_id)
    return AppointmentDetail.model_validate(
        {
            **AppointmentPublic.model_validate(appointment).model_dump(),
            "confirmation": confirmation_text(service.agent, service.config, appointment),
        }
    )


@router.post("/appointments/{appointment_id}/cancel", response_model=AppointmentPublic)
def cancel_appointment(
    agent_id: str,
    appointment_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> Appointment:
    """Cancel an appointment and free its time; cancelling twice is harmless."""
    return _service(agent_id, request, principal, db).cancel(appointment_id)


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response_model=AppointmentPublic,
    responses=error_responses(Conflict),
)
def reschedule_appointment(
    agent_id: str,
    appointment_id: str,
    body: RescheduleIn,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> Appointment:
    """Move an appointment to a new start under the calendar's rules (opening hours,
    notice, buffer). 409 when the time is taken or breaks a rule; the old time is kept."""
    service = _service(agent_id, request, principal, db)
    try:
        return service.reschedule(appointment_id, body.starts_at)
    except SlotUnavailable as exc:
        # For the dashboard a rule-breaking time is the same kind of answer as a taken one:
        # "that time does not work", with the reason to show.
        raise Conflict(exc.detail) from exc


@router.get("/calendar", response_model=CalendarFeedPublic)
def get_calendar_feed(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CalendarFeedPublic:
    """The secret address of the agent's appointments as an ICS feed, for Google Calendar
    or Outlook to subscribe to ("From URL" / "Subscribe from web")."""
    return _feed_address(agent_id, request, principal, db, regenerate=False)


@router.post("/calendar/regenerate", response_model=CalendarFeedPublic)
def regenerate_calendar_feed(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> CalendarFeedPublic:
    """A new secret address for the agent's ICS feed; the old one stops working at once
    (calendars subscribed to it must subscribe to the new one). Removing a team member does
    the same for every agent of the workspace."""
    return _feed_address(agent_id, request, principal, db, regenerate=True)


def _feed_address(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession, *, regenerate: bool
) -> CalendarFeedPublic:
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    key = request.app.state.resources.settings.signing_key
    base = str(request.base_url).rstrip("/")
    return CalendarFeedPublic(ics_url=base + feed_path(db, key, agent.id, regenerate=regenerate))


@feed_router.get("/calendar/{agent_id}/{token}.ics", include_in_schema=False)
def calendar_feed(agent_id: str, token: str, request: Request, db: DbSession) -> Response:
    """The agent's appointments as iCalendar text; the token in the URL is the only key."""
    key = request.app.state.resources.settings.signing_key
    return Response(
        agent_feed(db, key, agent_id, token),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
