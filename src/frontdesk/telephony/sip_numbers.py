"""Business phone numbers answered through LiveKit SIP (self-hosted livekit-sip or LiveKit
Cloud, behind any SIP trunk provider).

Adding a number to an agent creates, in the workspace's LiveKit project, an inbound trunk
that accepts calls to that number and a dispatch rule that puts each call in a room of its
own and dispatches `frontdesk agent-worker` there with the agent's id; removing the number
removes both. The ids are kept here so nothing is left behind in LiveKit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from livekit import api
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.agents.country import business_country
from frontdesk.agents.service import AgentService
from frontdesk.config import Settings
from frontdesk.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from frontdesk.leads.contact_details import InvalidContact, normalize_phone
from frontdesk.models import PhoneNumber
from frontdesk.resources import Resources
from frontdesk.scheduling.service import config_of
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)

ROOM_PREFIX = "phone-"  # each call's room: phone-<caller's number>_<random>


@dataclass(frozen=True)
class SipRoute:
    trunk_id: str
    dispatch_rule_id: str


def dispatch_of_number(agent_id: str, workspace_id: str, number_id: str) -> str:
    """The dispatch metadata a phone call brings the worker: which agent answers which
    number (the worker checks it against the database before answering)."""
    return json.dumps(
        {"agent_id": agent_id, "workspace_id": workspace_id, "phone_number_id": number_id}
    )


async def create_route(settings: Settings, *, number: str, label: str, metadata: str) -> SipRoute:
    """The trunk and dispatch rule for `number`; the trunk is removed again if the rule
    cannot be made."""
    async with api.LiveKitAPI(
        settings.livekit_url, settings.livekit_api_key, settings.livekit_api_secret
    ) as server:
        trunk = await server.sip.create_inbound_trunk(
            api.CreateSIPInboundTrunkRequest(
                trunk=api.SIPInboundTrunkInfo(name=label, numbers=[number])
            )
        )
        try:
            rule = await server.sip.create_dispatch_rule(
                api.CreateSIPDispatchRuleRequest(
                    name=label,
                    trunk_ids=[trunk.sip_trunk_id],
                    rule=api.SIPDispatchRule(
                        dispatch_rule_individual=api.SIPDispatchRuleIndividual(
                            room_prefix=ROOM_PREFIX
                        )
                    ),
                    room_config=api.RoomConfiguration(
                        agents=[
                            api.RoomAgentDispatch(
                                agent_name=settings.livekit_agent_name, metadata=metadata
                            )
                        ]
                    ),
                )
            )
        except Exception:
            await server.sip.delete_trunk(
                api.DeleteSIPTrunkRequest(sip_trunk_id=trunk.sip_trunk_id)
            )
            raise
    return SipRoute(trunk.sip_trunk_id, rule.sip_dispatch_rule_id)


async def delete_route(settings: Settings, route: SipRoute) -> None:
    """Remove a number's rule and trunk; ones already gone are fine."""
    async with api.LiveKitAPI(
        settings.livekit_url, settings.livekit_api_key, settings.livekit_api_secret
    ) as server:
        for remove in (
            server.sip.delete_dispatch_rule(
                api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=route.dispatch_rule_id)
            ),
            server.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=route.trunk_id)),
        ):
            try:
                await remove
            except api.TwirpError as exc:
                if exc.code != api.TwirpErrorCode.NOT_FOUND:
                    raise


def _unreachable(settings: Settings, exc: Exception, doing: str) -> ServiceUnavailable:
    log.warning("LiveKit SIP at %s: %s", settings.livekit_url, exc)
    return ServiceUnavailable(
        f"LiveKit at {settings.livekit_url} could not {doing} ({exc}). Check that the server "
        "is up and that SIP is enabled for the project; nothing was changed."
    )


class SipNumberService:
    def __init__(self, db: Session, resources: Resources, principal: Principal) -> None:
        self.db = db
        self.resources = resources
        self.principal = principal
        self.agents = AgentService(db, resources, principal)

    def _settings(self) -> Settings:
        stored = WorkspaceRepository(self.db).settings_of(self.principal.workspace_id)
        settings = self.resources.settings_for(stored)
        if not settings.livekit_enabled:
            raise Conflict(
                "Phone numbers are answered through LiveKit SIP, and LiveKit is not configured: "
                "set the workspace's LiveKit project in Settings (or LIVEKIT_URL, "
                "LIVEKIT_API_KEY and LIVEKIT_API_SECRET on the server). A Twilio number needs "
                "none of this."
            )
        return settings

    def list(self, agent_id: str) -> list[PhoneNumber]:
        self.agents.get(agent_id)
        query = (
            select(PhoneNumber)
            .where(PhoneNumber.agent_id == agent_id)
            .order_by(PhoneNumber.created_at)
        )
        return list(self.db.scalars(query))

    def add(self, agent_id: str, raw: str) -> PhoneNumber:
        agent = self.agents.get(agent_id)
        settings = self._settings()
        region = business_country(dict(agent.business_facts or {}), config_of(agent).timezone)
        try:
            number = normalize_phone(raw, region)
        except InvalidContact as exc:
            raise ValidationFailed(str(exc)) from exc
        if not number or not number.startswith("+"):
            raise ValidationFailed(
                f"{raw!r}: write the number with its country code, e.g. +1 555 010 0000."
            )
        taken = self.db.scalar(
            select(PhoneNumber).where(
                PhoneNumber.livekit_project == settings.livekit_api_key,
                PhoneNumber.number == number,
            )
        )
        if taken is not None:
            raise Conflict(f"{number} is already answered by an agent; remove it there first.")
        row = PhoneNumber(
            workspace_id=agent.workspace_id,
            agent_id=agent.id,
            number=number,
            livekit_project=settings.livekit_api_key,
            trunk_id="",
            dispatch_rule_id="",
        )
        self.db.add(row)
        self.db.flush()  # the row's id goes into the rule's dispatch metadata
        metadata = dispatch_of_number(agent.id, agent.workspace_id, row.id)
        try:
            route = asyncio.run(
                create_route(
                    settings, number=number, label=f"{agent.name} {number}", metadata=metadata
                )
            )
        except Exception as exc:
            self.db.rollback()
            raise _unreachable(settings, exc, "create the number's trunk and rule") from exc
        row.trunk_id, row.dispatch_rule_id = route.trunk_id, route.dispatch_rule_id
        try:
            self.db.flush()
        except IntegrityError:  # the same number added at the same moment elsewhere
            asyncio.run(delete_route(settings, route))
            raise
        return row

    def remove(self, agent_id: str, number_id: str) -> None:
        self.agents.get(agent_id)
        row = self.db.get(PhoneNumber, number_id)
        if row is None or row.agent_id != agent_id:
            raise NotFound("No such phone number on this agent.")
        settings = self._settings()
        # A number of a project the workspace no longer uses: that project is out of reach,
        # and its trunk routes to nothing Frontdesk answers any more.
        if row.livekit_project == settings.livekit_api_key:
            try:
                asyncio.run(delete_route(settings, SipRoute(row.trunk_id, row.dispatch_rule_id)))
            except Exception as exc:
                raise _unreachable(settings, exc, "remove the number's trunk and rule") from exc
        self.db.delete(row)
