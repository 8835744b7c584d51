"""Retention settings and deleting one caller's data on request.

What a caller deletion removes, in the workspace that asks and nowhere else: the caller's
leads; every conversation whose caller details name them or that one of their leads,
appointments or messages came from, with its turns; their messages, and every other message
left in those conversations; their appointments, the ones still to come cancelled first
through the scheduling service (so a connected calendar loses the event and the business's
webhook hears of the cancellation) and then all deleted rather than anonymised, since a
nameless booking helps no one; the knowledge-gap questions asked in those conversations (a
group left without any question is deleted while still open); and the delivered or failed
webhook log entries whose payload names them. Pending webhook deliveries are sent: the
business's own system is where the caller's data must be deleted next. The audit record
keeps counts, time and actor, and keyed hashes of the phone and email, never the values.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from frontdesk.config import Settings
from frontdesk.errors import ValidationFailed
from frontdesk.knowledge_gaps.recording import refresh_gap
from frontdesk.knowledge_gaps.repository import KnowledgeGapRepository
from frontdesk.leads.contact_details import (
    InvalidContact,
    normalize_email,
    normalize_phone,
    same_phone,
)
from frontdesk.models import (
    Agent,
    Appointment,
    CallerDeletion,
    CallerMessage,
    Conversation,
    KnowledgeGap,
    Lead,
    WebhookDelivery,
)
from frontdesk.models.base import as_utc
from frontdesk.privacy.repository import PrivacyRepository
from frontdesk.privacy.schemas import (
    CallerDeletionPublic,
    CallerDeletionResult,
    DeletionCounts,
    RetentionPublic,
)
from frontdesk.scheduling.service import SchedulingService
from frontdesk.workspace.service import Principal, get_workspace, require_admin


def identifier_hash(settings: Settings, kind: str, value: str) -> str:
    """Keyed, so the audit table cannot be reversed by hashing every phone number; the same
    install can still recompute it to answer "was this number deleted?"."""
    return hmac.new(settings.signing_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _same_contact(contact: object, phone: str | None, email: str | None) -> bool:
    """Whether free text a caller gave (or a model heard) is this phone or email."""
    if not isinstance(contact, str) or not contact.strip():
        return False
    text = contact.strip()
    if email and "@" in text:
        try:
            return normalize_email(text) == email
        except InvalidContact:
            return False
    if phone:
        try:
            return same_phone(normalize_phone(text), phone)
        except InvalidContact:
            return False
    return False


class PrivacyService:
    def __init__(self, db: Session, principal: Principal, settings: Settings) -> None:
        require_admin(principal)
        self.db = db
        self.principal = principal
        self.settings = settings
        self.repo = PrivacyRepository(db)

    # -- retention ---------------------------------------------------------------------------
    def retention(self, now: datetime | None = None) -> RetentionPublic:
        workspace = get_workspace(self.db, self.principal)
        days = workspace.transcript_retention_days
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days) if days else None
        due, deleted = self.repo.transcript_counts(workspace.id, cutoff)
        return RetentionPublic(
            transcript_retention_days=days, transcripts_due=due, transcripts_deleted=deleted
        )

    def set_retention(self, days: int | None) -> RetentionPublic:
        workspace = get_workspace(self.db, self.principal)
        workspace.transcript_retention_days = days
        self.db.flush()
        return self.retention()

    # -- a caller's data ---------------------------------------------------------------------
    def delete_caller(
        self, *, phone: str | None, email: str | None, dry_run: bool, now: datetime | None = None
    ) -> CallerDeletionResult:
        try:
            phone, email = normalize_phone(phone), normalize_email(email)
        except InvalidContact as exc:
            raise ValidationFailed(str(exc)) from exc
        if not phone and not email:
            raise ValidationFailed("Give the caller's phone number, their email, or both.")
        now = now or datetime.now(UTC)
        found = self._find(phone, email)
        leads, appointments, message_ids, conversations = found
        upcoming = [a for a in appointments if a.status == "booked" and as_utc(a.starts_at) > now]
        gap_questions = self.repo.gap_question_count(conversations)
        needles = [n for n in (phone, email) if n]
        deliveries = self.repo.settled_deliveries_mentioning(self.principal.workspace_id, needles)
        counts = DeletionCounts(
            leads=len(leads),
            conversations=len(conversations),
            transcript_turns=self.repo.turn_count(conversations),
            messages=len(message_ids),
            appointments=len(appointments),
            appointments_cancelled=len(upcoming),
            knowledge_gap_questions=gap_questions,
            webhook_log_entries=len(deliveries),
        )
        if dry_run:
            return CallerDeletionResult(dry_run=True, id=None, counts=counts)

        for appointment in upcoming:
            agent = self.db.get(Agent, appointment.agent_id)
            if agent is not None:
                SchedulingService(self.db, agent, now=now, settings=self.settings).cancel(
                    appointment.id
                )
        self._forget_gap_questions(conversations)
        self.repo.delete_rows(CallerMessage, message_ids)
        self.repo.delete_rows(Lead, [lead.id for lead in leads])
        self.repo.delete_rows(Appointment, [a.id for a in appointments])
        self.repo.delete_turns(conversations)
        self.repo.delete_rows(Conversation, conversations)
        self.repo.delete_rows(WebhookDelivery, deliveries)
        audit = CallerDeletion(
            workspace_id=self.principal.workspace_id,
            requested_by=self.principal.user_id,
            requested_via=self.principal.via,
            phone_hash=identifier_hash(self.settings, "phone", phone) if phone else None,
            email_hash=identifier_hash(self.settings, "email", email) if email else None,
            counts=counts.model_dump(),
        )
        self.db.add(audit)
        self.db.flush()
        return CallerDeletionResult(dry_run=False, id=audit.id, counts=counts)

    def _find(
        self, phone: str | None, email: str | None
    ) -> tuple[list[Lead], list[Appointment], list[str], set[str]]:
        workspace_id = self.principal.workspace_id
        repo = self.repo
        # First what names the caller, then the conversations all of it came from, then
        # everything else those conversations hold.
        conversations = {
            conversation_id
            for conversation_id, details in repo.caller_details(workspace_id)
            if _same_contact(details.get("phone"), phone, None)
            or _same_contact(details.get("email"), None, email)
        }
        if phone:  # the phone calls they made
            conversations |= {
                conversation_id
                for conversation_id, number in repo.phone_callers(workspace_id)
                if _same_contact(number, phone, None)
            }
        leads = repo.leads_of(workspace_id, phone, email, ())
        appointments = repo.appointments_of(workspace_id, phone, email, ())
        conversations |= {lead.conversation_id for lead in leads if lead.conversation_id}
        conversations |= {a.conversation_id for a in appointments if a.conversation_id}
        for _, contact, conversation_id in repo.message_contacts(workspace_id, ()):
            if conversation_id and _same_contact(contact, phone, email):
                conversations.add(conversation_id)
        # Ids stored on leads and messages are plain strings: only this workspace's count.
        conversations = repo.existing_conversations(workspace_id, conversations)
        leads = repo.leads_of(workspace_id, phone, email, conversations)
        appointments = repo.appointments_of(workspace_id, phone, email, conversations)
        message_ids = [
            message_id
            for message_id, contact, conversation_id in repo.message_contacts(
                workspace_id, conversations
            )
            if conversation_id in conversations or _same_contact(contact, phone, email)
        ]
        return leads, appointments, message_ids, conversations

    def _forget_gap_questions(self, conversations: set[str]) -> None:
        gaps = KnowledgeGapRepository(self.db)
        touched: set[str] = set()
        for conversation_id in sorted(conversations):
            touched |= gaps.gap_ids_of_conversation(conversation_id)
            gaps.forget_conversation(conversation_id)
        self.db.flush()
        for gap_id in sorted(touched):
            gap = self.db.get(KnowledgeGap, gap_id)
            if gap is None or gap.workspace_id != self.principal.workspace_id:
                continue
            refresh_gap(gaps, gap)
            # An open group whose every question was this caller's is their words alone;
            # an answered or dismissed one is the owner's work and stays.
            if gap.count == 0 and gap.status == "open":
                self.db.delete(gap)
        self.db.flush()

    def deletions(self, limit: int = 50) -> list[CallerDeletionPublic]:
        rows = self.repo.deletions(self.principal.workspace_id, limit)
        emails = self.repo.deleted_by_emails({r.requested_by for r in rows if r.requested_by})
        return [
            CallerDeletionPublic(
                id=row.id,
                created_at=as_utc(row.created_at),
                requested_by=row.requested_by,
                requested_by_email=emails.get(row.requested_by or ""),
                requested_via=row.requested_via,
                matched_phone=row.phone_hash is not None,
                matched_email=row.email_hash is not None,
                counts=DeletionCounts.model_validate(row.counts or {}),
            )
            for row in rows
        ]
