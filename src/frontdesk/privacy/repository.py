"""All queries of the privacy features: which rows belong to one caller, which transcripts
are past their workspace's retention period, and the audit trail of deletions."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from frontdesk.leads.contact_details import phone_tail, same_phone
from frontdesk.models import (
    Appointment,
    CallerDeletion,
    CallerMessage,
    Conversation,
    ConversationTurn,
    KnowledgeGapQuestion,
    Lead,
    User,
    WebhookDelivery,
    Workspace,
)


def _caller_row(
    row_phone: str | None,
    row_email: str | None,
    row_conversation: str | None,
    phone: str | None,
    email: str | None,
    conversation_ids: Collection[str],
) -> bool:
    """Whether a row the suffix query found is really this caller's: the database matched
    the number's last digits, so a number stored with another country code is told apart
    here (numbers are stored in E.164, or as digits from before the country was known)."""
    return (
        bool(phone and same_phone(row_phone, phone))
        or bool(email and (row_email or "").lower() == email)
        or (row_conversation is not None and row_conversation in conversation_ids)
    )


class PrivacyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- retention ---------------------------------------------------------------------------
    def workspaces_with_retention(self) -> list[tuple[str, int]]:
        rows = self.session.execute(
            select(Workspace.id, Workspace.transcript_retention_days)
            .where(Workspace.transcript_retention_days.is_not(None))
            .order_by(Workspace.id)
        )
        return [(workspace_id, days) for workspace_id, days in rows if days is not None]

    def expired_transcripts(
        self, workspace_id: str, ended_before: datetime, limit: int
    ) -> list[str]:
        """Ended conversations still holding a transcript; locked and skipped by a second
        worker on PostgreSQL, so two job processes never take the same batch."""
        return list(
            self.session.scalars(
                select(Conversation.id)
                .where(
                    Conversation.workspace_id == workspace_id,
                    Conversation.ended_at.is_not(None),
                    Conversation.ended_at < ended_before,
                    Conversation.transcript_deleted_at.is_(None),
                )
                .order_by(Conversation.ended_at, Conversation.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    def redact_transcripts(self, conversation_ids: Sequence[str], now: datetime) -> int:
        """Delete the turns and clear the caller's words; returns the turns deleted."""
        turns = self.session.execute(
            delete(ConversationTurn).where(ConversationTurn.conversation_id.in_(conversation_ids))
        )
        self.session.execute(
            update(Conversation)
            .where(Conversation.id.in_(conversation_ids))
            .values(
                summary=None,
                caller_details=None,
                caller_number=None,  # the phone network's record of who called
                unanswered=None,
                transcript_deleted_at=now,
                # Never analysed (a worker was down): with no transcript there is nothing to
                # analyse any more, so the sweep must not pick it up and call it silent.
                analyzed_at=func.coalesce(Conversation.analyzed_at, now),
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(turns, "rowcount", 0) or 0)

    # -- one caller's rows -------------------------------------------------------------------
    def leads_of(
        self,
        workspace_id: str,
        phone: str | None,
        email: str | None,
        conversation_ids: Collection[str],
    ) -> list[Lead]:
        clauses = []
        if phone:
            clauses.append(Lead.phone.endswith(phone_tail(phone), autoescape=True))
        if email:
            clauses.append(func.lower(Lead.email) == email)
        if conversation_ids:
            clauses.append(Lead.conversation_id.in_(conversation_ids))
        if not clauses:
            return []
        rows = self.session.scalars(
            select(Lead).where(Lead.workspace_id == workspace_id, or_(*clauses))
        )
        return [
            r
            for r in rows
            if _caller_row(r.phone, r.email, r.conversation_id, phone, email, conversation_ids)
        ]

    def appointments_of(
        self,
        workspace_id: str,
        phone: str | None,
        email: str | None,
        conversation_ids: Collection[str],
    ) -> list[Appointment]:
        clauses = []
        if phone:
            clauses.append(Appointment.customer_phone.endswith(phone_tail(phone), autoescape=True))
        if email:
            clauses.append(func.lower(Appointment.customer_email) == email)
        if conversation_ids:
            clauses.append(Appointment.conversation_id.in_(conversation_ids))
        if not clauses:
            return []
        rows = self.session.scalars(
            select(Appointment).where(Appointment.workspace_id == workspace_id, or_(*clauses))
        )
        return [
            r
            for r in rows
            if _caller_row(
                r.customer_phone,
                r.customer_email,
                r.conversation_id,
                phone,
                email,
                conversation_ids,
            )
        ]

    def caller_details(self, workspace_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, caller details) of every conversation that has them. Details the model
        heard are stored as it wrote them ("555-014-2398"), so the service normalises each
        one rather than the database matching the text."""
        rows = self.session.execute(
            select(Conversation.id, Conversation.caller_details)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.caller_details.is_not(None),
            )
            .execution_options(yield_per=1000)
        )
        for conversation_id, details in rows:  # noqa: UP028 - plain tuples out
            yield conversation_id, details or {}

    def phone_callers(self, workspace_id: str) -> Iterator[tuple[str, str]]:
        """(id, caller's number) of every phone call whose number the network gave."""
        rows = self.session.execute(
            select(Conversation.id, Conversation.caller_number)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.caller_number.is_not(None),
            )
            .execution_options(yield_per=1000)
        )
        for conversation_id, number in rows:
            if number:
                yield conversation_id, number

    def existing_conversations(self, workspace_id: str, ids: Collection[str]) -> set[str]:
        if not ids:
            return set()
        return set(
            self.session.scalars(
                select(Conversation.id).where(
                    Conversation.workspace_id == workspace_id, Conversation.id.in_(ids)
                )
            )
        )

    def message_contacts(
        self, workspace_id: str, conversation_ids: Collection[str]
    ) -> Iterator[tuple[str, str | None, str | None]]:
        """(id, contact, conversation id) of the messages with a contact or left in one of
        the conversations. The contact is free text ("555 014 2398", "rosa at example.com"),
        so the service normalises each one rather than the database matching it."""
        clauses = [CallerMessage.caller_contact.is_not(None)]
        if conversation_ids:
            clauses.append(CallerMessage.conversation_id.in_(conversation_ids))
        rows = self.session.execute(
            select(CallerMessage.id, CallerMessage.caller_contact, CallerMessage.conversation_id)
            .where(CallerMessage.workspace_id == workspace_id, or_(*clauses))
            .execution_options(yield_per=1000)
        )
        for message_id, contact, conversation_id in rows:  # noqa: UP028 - plain tuples out
            yield message_id, contact, conversation_id

    def turn_count(self, conversation_ids: Collection[str]) -> int:
        if not conversation_ids:
            return 0
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(ConversationTurn)
                .where(ConversationTurn.conversation_id.in_(conversation_ids))
            )
            or 0
        )

    def gap_question_count(self, conversation_ids: Collection[str]) -> int:
        if not conversation_ids:
            return 0
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(KnowledgeGapQuestion)
                .where(KnowledgeGapQuestion.conversation_id.in_(conversation_ids))
            )
            or 0
        )

    def settled_deliveries_mentioning(self, workspace_id: str, needles: Sequence[str]) -> list[str]:
        """Sent or failed webhook log entries whose payload names the caller. Pending ones
        stay: they still have to reach the business's system (a cancellation among them)."""
        if not needles:
            return []
        text = cast(WebhookDelivery.payload, String)
        return list(
            self.session.scalars(
                select(WebhookDelivery.id).where(
                    WebhookDelivery.workspace_id == workspace_id,
                    WebhookDelivery.status != "pending",
                    or_(*(text.icontains(n, autoescape=True) for n in needles)),
                )
            )
        )

    def delete_rows(self, model: type, ids: Collection[str]) -> None:
        if ids:
            self.session.execute(
                delete(model)
                .where(model.id.in_(ids))  # type: ignore[attr-defined]
                .execution_options(synchronize_session=False)
            )

    def delete_turns(self, conversation_ids: Collection[str]) -> None:
        if conversation_ids:
            self.session.execute(
                delete(ConversationTurn).where(
                    ConversationTurn.conversation_id.in_(conversation_ids)
                )
            )

    # -- audit -------------------------------------------------------------------------------
    def deletions(self, workspace_id: str, limit: int) -> list[CallerDeletion]:
        return list(
            self.session.scalars(
                select(CallerDeletion)
                .where(CallerDeletion.workspace_id == workspace_id)
                .order_by(CallerDeletion.created_at.desc(), CallerDeletion.id.desc())
                .limit(limit)
            )
        )

    def transcript_counts(
        self, workspace_id: str, ended_before: datetime | None
    ) -> tuple[int, int]:
        """(ended conversations past `ended_before` still holding a transcript, conversations
        whose transcript retention already deleted)."""
        due: int | None = 0
        if ended_before is not None:
            due = self.session.scalar(
                select(func.count()).where(
                    Conversation.workspace_id == workspace_id,
                    Conversation.ended_at.is_not(None),
                    Conversation.ended_at < ended_before,
                    Conversation.transcript_deleted_at.is_(None),
                )
            )
        deleted = self.session.scalar(
            select(func.count()).where(
                Conversation.workspace_id == workspace_id,
                Conversation.transcript_deleted_at.is_not(None),
            )
        )
        return int(due or 0), int(deleted or 0)

    def deleted_by_emails(self, user_ids: Collection[str]) -> dict[str, str]:
        if not user_ids:
            return {}
        rows = self.session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
        return {user_id: email for user_id, email in rows}
