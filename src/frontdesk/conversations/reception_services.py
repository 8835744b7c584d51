"""`ReceptionServices` over the database: what the runtime's tools do to the business.

Each call is one transaction in a worker thread, so a tool's effect is committed before the
model hears the result, and a failing call changes nothing.

A booking is the caller's to change only with proof (see `BookingLookup`): it was booked in
this conversation, or a phone channel's caller ID is the number it was booked with. Both the
lookup and the change itself check it, so no path changes someone else's booking.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from frontdesk.agents.country import agent_country
from frontdesk.db import transaction
from frontdesk.errors import FrontdeskError
from frontdesk.knowledge.service import KnowledgeService
from frontdesk.leads.contact_details import (
    InvalidContact,
    normalize_email,
    normalize_phone,
    phone_tail,
    same_phone,
)
from frontdesk.leads.service import capture_lead
from frontdesk.mcp_servers.service import guard_connection, record_report
from frontdesk.models import Agent, Appointment, CallerMessage, Conversation
from frontdesk.models.base import as_utc
from frontdesk.providers.embeddings.checked import EmbeddingError
from frontdesk.resources import Resources
from frontdesk.runtime.caller_words import looks_like_phone
from frontdesk.runtime.mcp_spec import McpServerReport, McpServerSpec
from frontdesk.runtime.services import BookingInfo, BookingLookup, ServiceRefusal, Snippet
from frontdesk.scheduling.repository import SchedulingRepository
from frontdesk.scheduling.service import Customer, SchedulingService, config_of

T = TypeVar("T")


def _info(appointment: Appointment, agent: Agent) -> BookingInfo:
    kind = config_of(agent).appointment_type(appointment.appointment_type)
    starts, ends = as_utc(appointment.starts_at), as_utc(appointment.ends_at)
    return BookingInfo(
        appointment_id=appointment.id,
        appointment_type=appointment.appointment_type,
        starts_at=starts,
        customer_name=appointment.customer_name,
        type_name=kind.name if kind else appointment.appointment_type,
        duration_minutes=int((ends - starts).total_seconds() // 60),
        party_size=appointment.party_size,
    )


def _caller_number(caller_id: str | None) -> str | None:
    try:
        return normalize_phone(caller_id)
    except InvalidContact:
        return None  # "anonymous", "restricted": a withheld number proves nothing


TAKE_AGAIN = " Then call take_message again with the number as the caller says it."
NOT_YOURS = "That appointment cannot be changed in this conversation; take a message instead."


class DatabaseReceptionServices:
    def __init__(
        self,
        resources: Resources,
        agent_id: str,
        conversation_id: str | None,
        *,
        caller_id: str | None = None,
    ) -> None:
        self.resources = resources
        self.agent_id = agent_id
        self.conversation_id = conversation_id
        # The caller's number as the phone network reports it (SIP or Twilio caller ID), for
        # a phone channel to pass in; no channel of today knows one. Never what a caller says.
        self.caller_id = _caller_number(caller_id)
        self.ended: str | None = None

    async def _run(self, work: Callable[[Session, Agent], T]) -> T:
        def call() -> T:
            with transaction(self.resources.sessionmaker) as db:
                agent = db.get(Agent, self.agent_id)
                if agent is None:
                    raise ServiceRefusal("This agent no longer exists.")
                try:
                    return work(db, agent)
                except EmbeddingError:
                    # An outage, not a refusal: the tool words it for the model itself.
                    raise
                except FrontdeskError as exc:
                    raise ServiceRefusal(str(exc.detail)) from exc

        return await asyncio.to_thread(call)

    async def search_knowledge(self, query: str, k: int) -> list[Snippet]:
        def scope(db: Session, agent: Agent) -> tuple[str, int, list[str]]:
            return (
                agent.id,
                agent.kb_version,
                KnowledgeService(db, self.resources).live_generations(agent),
            )

        # The search itself (embedding the question, ranking) runs with no database
        # connection held: under load it takes long enough to starve the pool.
        agent_id, version, gens = await self._run(scope)
        hits = await asyncio.to_thread(
            self.resources.searcher.search, agent_id, version, gens, query, k
        )
        return [
            Snippet(
                text=h.text,
                source=h.url or h.file_name or h.title or "knowledge",
                score=h.similarity if h.similarity is not None else 0.0,
                keyword_coverage=h.keyword_coverage,
                unseen_terms=h.unseen_terms,
                sentence_score=h.sentence_similarity,
                piece_scores=h.piece_similarities,
            )
            for h in hits
        ]

    async def capture_lead(
        self, *, name: str, phone: str | None, email: str | None, interest: str | None,
        notes: str | None,
    ) -> str:  # fmt: skip
        return await self._run(
            lambda db, agent: (
                capture_lead(
                    db,
                    agent,
                    name=name,
                    phone=phone,
                    email=email,
                    interest=interest,
                    notes=notes,
                    conversation_id=self.conversation_id,
                ).id
            )  # fmt: skip
        )

    async def available_starts(self, *, day: date, appointment_type: str | None) -> list[datetime]:
        def work(db: Session, agent: Agent) -> list[datetime]:
            service = SchedulingService(db, agent, settings=self.resources.settings)
            kind = service.appointment_type(appointment_type)
            # Every start of the day: on a 5-minute grid the default cap of 50 ended the day
            # at 12:05, and a free 3:30 pm was "not free".
            return service.available_starts(kind, day, limit=24 * 60)

        return await self._run(work)

    async def book(
        self, *, start: datetime, name: str, phone: str | None, email: str | None,
        appointment_type: str | None, notes: str | None, party_size: int | None = None,
    ) -> BookingInfo:  # fmt: skip
        def work(db: Session, agent: Agent) -> BookingInfo:
            booked = SchedulingService(db, agent, settings=self.resources.settings).book(
                start=start,
                customer=Customer(name=name, phone=phone, email=email),
                appointment_type=appointment_type,
                notes=notes,
                conversation_id=self.conversation_id,
                party_size=party_size,
            )
            return _info(booked, agent)

        return await self._run(work)

    def _self_service(self, db: Session, agent: Agent) -> bool:
        conversation = db.get(Conversation, self.conversation_id) if self.conversation_id else None
        if conversation is None or conversation.agent_id != agent.id:
            return False
        policy = config_of(agent).caller_changes
        return policy.allows(channel=conversation.channel, source=conversation.source)

    def _proved(self, appointment: Appointment) -> bool:
        """Whether this caller has shown the booking is theirs."""
        if self.conversation_id and appointment.conversation_id == self.conversation_id:
            return True
        return same_phone(appointment.customer_phone, self.caller_id)

    def _changeable(self, db: Session, agent: Agent, appointment_id: str) -> None:
        appointment = SchedulingRepository(db).appointment(
            agent.workspace_id, agent.id, appointment_id
        )
        if appointment is None or not self._proved(appointment):
            raise ServiceRefusal(NOT_YOURS)
        if not self._self_service(db, agent):
            raise ServiceRefusal(NOT_YOURS)

    async def find_bookings(self, *, phone: str | None, email: str | None) -> BookingLookup:
        def work(db: Session, agent: Agent) -> BookingLookup:
            by_caller_id = self.caller_id is not None
            if not self._self_service(db, agent):
                return BookingLookup(self_service=False, owned=[], caller_id=by_caller_id)
            try:
                norm_phone = normalize_phone(phone, agent_country(agent))
                norm_email = normalize_email(email)
            except InvalidContact as exc:
                raise ServiceRefusal(str(exc)) from exc
            rows = SchedulingRepository(db).upcoming_of_caller(
                agent.id,
                conversation_id=self.conversation_id,
                caller_phone_tail=phone_tail(self.caller_id) if self.caller_id else None,
                since=datetime.now(UTC),
            )
            # The phone or email the caller gave only picks among their own bookings.
            if norm_phone:
                rows = [r for r in rows if same_phone(r.customer_phone, norm_phone)]
            elif norm_email:
                rows = [r for r in rows if r.customer_email == norm_email]
            owned = [_info(r, agent) for r in rows if self._proved(r)]
            return BookingLookup(self_service=True, owned=owned, caller_id=by_caller_id)

        return await self._run(work)

    async def reschedule(self, *, appointment_id: str, start: datetime) -> BookingInfo:
        def work(db: Session, agent: Agent) -> BookingInfo:
            self._changeable(db, agent, appointment_id)
            service = SchedulingService(db, agent, settings=self.resources.settings)
            return _info(service.reschedule(appointment_id, start), agent)

        return await self._run(work)

    async def cancel(self, *, appointment_id: str) -> BookingInfo:
        def work(db: Session, agent: Agent) -> BookingInfo:
            self._changeable(db, agent, appointment_id)
            service = SchedulingService(db, agent, settings=self.resources.settings)
            return _info(service.cancel(appointment_id), agent)

        return await self._run(work)

    async def leave_message(
        self, *, kind: str, caller_name: str | None, caller_contact: str | None, body: str,
        notify: str | None, urgent: bool,
    ) -> str:  # fmt: skip
        def work(db: Session, agent: Agent) -> str:
            contact = (caller_contact or "").strip() or None
            if contact and "@" not in contact and looks_like_phone(contact):
                # A number is stored like a lead's, in E.164; a bad one is asked for again.
                try:
                    contact = normalize_phone(contact, agent_country(agent))
                except InvalidContact as exc:
                    raise ServiceRefusal(str(exc) + TAKE_AGAIN) from exc
            row = CallerMessage(
                workspace_id=agent.workspace_id, agent_id=agent.id,
                conversation_id=self.conversation_id, kind=kind, caller_name=caller_name,
                caller_contact=contact, body=body, notify=notify, urgent=urgent,
            )  # fmt: skip
            db.add(row)
            db.flush()
            return row.id

        return await self._run(work)

    async def end(self, *, reason: str) -> None:
        self.ended = reason

        def work(db: Session, agent: Agent) -> None:
            if self.conversation_id:
                conversation = db.get(Conversation, self.conversation_id)
                if conversation is not None and conversation.status == "active":
                    conversation.status, conversation.end_reason = "ended", reason[:200]
                    conversation.ended_at = datetime.now(UTC)

        await self._run(work)

    async def transfer(self, *, number: str, who: str) -> None:
        """Stored on the conversation: the phone line reads it when the agent's part ends
        (Twilio asks what to do next; on LiveKit the SIP participant is transferred)."""
        reason = f"transferred to {who}"

        def work(db: Session, agent: Agent) -> None:
            if self.conversation_id and (row := db.get(Conversation, self.conversation_id)):
                row.transfer_to = number

        await self._run(work)
        await self.end(reason=reason)

    async def check_mcp_server(self, server: McpServerSpec) -> None:
        await guard_connection(self.resources.settings, server)

    async def mcp_server_reached(self, report: McpServerReport) -> None:
        await self._run(lambda db, agent: record_report(db, agent.id, report))
