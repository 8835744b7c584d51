"""Leads: callers who left their details."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontdesk.errors import ValidationFailed
from frontdesk.leads.contact_details import InvalidContact, normalize_email, normalize_phone
from frontdesk.models import Agent, Lead


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
        phone, email = normalize_phone(phone), normalize_email(email)
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
    db.add(lead)
    db.flush()
    return lead
