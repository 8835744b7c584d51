"""Leads: callers who left their details."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontdesk.agents.country import agent_country
from frontdesk.errors import NotFound, ValidationFailed
from frontdesk.leads.contact_details import InvalidContact, normalize_email, normalize_phone
from frontdesk.leads.repository import LeadFilters, LeadRepository
from frontdesk.leads.schemas import LeadUpdate
from frontdesk.leads.scoring import LeadSignals, score_lead
from frontdesk.models import Agent, Lead
from frontdesk.webhooks.events import emit_lead_created
from frontdesk.workspace.service import Principal


def capture_lead(
    db: Session,
    agent: Agent,
    *,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    interest: str | None = None,
    notes: str | None = None,
    conversation_id: str | None = None,
) -> Lead:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("The caller's name is needed to save their details.")
    try:
        phone, email = normalize_phone(phone, agent_country(agent)), normalize_email(email)
    except InvalidContact as exc:
        raise ValidationFailed(str(exc)) from exc
    if not phone and not email:
        raise ValidationFailed("Ask for a phone number or an email so the business can reply.")
    lead = Lead(
        workspace_id=agent.workspace_id,
        agent_id=agent.id,
        conversation_id=conversation_id,
        name=name[:200],
        phone=phone,
        email=email,
        interest=(interest or "").strip()[:500] or None,
        notes=(notes or "").strip() or None,
    )
    booked = conversation_id is not None and LeadRepository(db).booked_in_conversation(
        conversation_id
    )
    apply_score(lead, booked=booked)
    db.add(lead)
    db.flush()
    emit_lead_created(db, lead, agent)
    return lead


def apply_score(lead: Lead, *, booked: bool = False, handed_off: bool = False) -> None:
    scored = score_lead(
        LeadSignals(
            phone=lead.phone,
            email=lead.email,
            interest=lead.interest,
            notes=lead.notes,
            booked=booked,
            handed_off=handed_off,
        )
    )
    lead.score, lead.category, lead.score_reason = scored.score, scored.category, scored.reason


def rescore_conversation_leads(db: Session, conversation_id: str, outcome: str | None) -> None:
    """Score a conversation's leads again once its analysis lands: a caller who leaves their
    details first and books afterwards is only known to have booked at the end."""
    repo = LeadRepository(db)
    leads = repo.of_conversation(conversation_id)
    if not leads:
        return
    booked = outcome == "booked" or repo.booked_in_conversation(conversation_id)
    for lead in leads:
        apply_score(lead, booked=booked, handed_off=outcome == "handed_off")


class LeadService:
    """The owner's side of leads; everything is scoped to the principal's workspace."""

    def __init__(self, db: Session, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.repo = LeadRepository(db)

    def page(self, filters: LeadFilters, *, limit: int, offset: int) -> tuple[int, list[Lead]]:
        return self.repo.page(self.principal.workspace_id, filters, limit=limit, offset=offset)

    def get(self, lead_id: str) -> Lead:
        lead = self.repo.get(self.principal.workspace_id, lead_id)
        if lead is None:
            raise NotFound("No such lead in your workspace.")
        return lead

    def update(self, lead_id: str, change: LeadUpdate) -> Lead:
        lead = self.get(lead_id)
        sent = change.model_fields_set
        if "status" in sent:
            if change.status is None:
                raise ValidationFailed("status cannot be null; send new, contacted, won or lost.")
            lead.status = change.status
        if "owner_notes" in sent:
            lead.owner_notes = (change.owner_notes or "").strip() or None
        self.db.flush()
        return lead
