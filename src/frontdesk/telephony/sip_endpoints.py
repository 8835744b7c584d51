"""An agent's phone numbers on LiveKit SIP: add one (its trunk and dispatch rule are made in
the workspace's LiveKit project), list them, remove one."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.db import DbSession
from frontdesk.errors import Conflict, NotFound, ServiceUnavailable
from frontdesk.openapi_errors import error_responses
from frontdesk.telephony.sip_numbers import SipNumberService
from frontdesk.timestamps import UtcDatetime
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}/phone-numbers", tags=["telephony"])


class PhoneNumberCreate(BaseModel):
    number: str = Field(
        min_length=3,
        max_length=40,
        description="The business's number as callers dial it; with its country code unless "
        "it is in the business's own country",
    )


class PhoneNumberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str = Field(description="E.164")
    trunk_id: str = Field(description="The LiveKit inbound trunk that accepts its calls")
    dispatch_rule_id: str = Field(description="The LiveKit rule that sends them to the agent")
    created_at: UtcDatetime


def _service(request: Request, principal: CurrentPrincipal, db: DbSession) -> SipNumberService:
    return SipNumberService(db, request.app.state.resources, principal)


@router.get("", response_model=list[PhoneNumberPublic], responses=error_responses(NotFound))
def list_phone_numbers(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> list[PhoneNumberPublic]:
    """The numbers this agent answers through LiveKit SIP, oldest first."""
    rows = _service(request, principal, db).list(agent_id)
    return [PhoneNumberPublic.model_validate(r) for r in rows]


@router.post(
    "",
    response_model=PhoneNumberPublic,
    status_code=201,
    responses=error_responses(NotFound, Conflict, ServiceUnavailable),
)
def add_phone_number(
    agent_id: str,
    data: PhoneNumberCreate,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> PhoneNumberPublic:
    """Answer calls to `number` with this agent: an inbound trunk for the number and a
    dispatch rule that gives each call a room of its own with `frontdesk agent-worker` in
    it. Then point the number at the LiveKit project's SIP address at the trunk provider.
    Needs LiveKit (the workspace's own project, else the server's)."""
    row = _service(request, principal, db).add(agent_id, data.number)
    return PhoneNumberPublic.model_validate(row)


@router.delete(
    "/{number_id}",
    status_code=204,
    responses=error_responses(NotFound, Conflict, ServiceUnavailable),
)
def remove_phone_number(
    agent_id: str, number_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Stop answering the number: its trunk and rule are removed from LiveKit."""
    _service(request, principal, db).remove(agent_id, number_id)
    return Response(status_code=204)
