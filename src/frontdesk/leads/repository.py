"""All queries on leads."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from frontdesk.models import Agent, Appointment, Lead


@dataclass(frozen=True)
class LeadFilters:
    agent_id: str | None = None
    q: str | None = None
    status: str | None = None
    category: str | None = None
    min_score: int | None = None


class LeadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: str, lead_id: str) -> Lead | None:
        return self.session.scalar(
            select(Lead).where(Lead.id == lead_id, Lead.workspace_id == workspace_id)
        )

    def _filtered(self, workspace_id: str, filters: LeadFilters) -> Select[Lead]:
        query = select(Lead).where(Lead.workspace_id == workspace_id)
        if filters.agent_id:
            query = query.where(Lead.agent_id == filters.agent_id)
        if filters.status:
            query = query.where(Lead.status == filters.status)
        if filters.category:
            query = query.where(Lead.category == filters.category)
        if filters.min_score is not None:
            query = query.where(Lead.score >= filters.min_score)
        if filters.q and filters.q.strip():
            query = query.where(_matches(filters.q.strip()))
        return query

    def page(
        self, workspace_id: str, filters: LeadFilters, *, limit: int, offset: int
    ) -> tuple[int, list[Lead]]:
        query = self._filtered(workspace_id, filters)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Lead.created_at.desc(), Lead.id.desc()).limit(limit).offset(offset)
        )
        return total, list(rows)

    def with_agent_names(
        self, workspace_id: str, filters: LeadFilters, *, limit: int
    ) -> Sequence[tuple[Lead, str]]:
        query = (
            self._filtered(workspace_id, filters)
            .join(Agent, Agent.id == Lead.agent_id)
            .add_columns(Agent.name)
            .order_by(Lead.created_at.desc(), Lead.id.desc())
            .limit(limit)
        )
        return [(lead, name) for lead, name in self.session.execute(query)]

    def of_conversation(self, conversation_id: str) -> list[Lead]:
        return list(
            self.session.scalars(select(Lead).where(Lead.conversation_id == conversation_id))
        )

    def booked_in_conversation(self, conversation_id: str) -> bool:
        return (
            self.session.scalar(
                select(Appointment.id)
                .where(
                    Appointment.conversation_id == conversation_id,
                    Appointment.status == "booked",
                )
                .limit(1)
            )
            is not None
        )


def _matches(q: str) -> ColumnElement[bool]:
    columns = (Lead.name, Lead.phone, Lead.email, Lead.interest, Lead.notes, Lead.owner_notes)
    clauses = [column.icontains(q, autoescape=True) for column in columns]
    # Phones are stored as digits: "(555) 014-2398" typed by the owner must still find them.
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 3 and digits != q:
        clauses.append(Lead.phone.contains(digits, autoescape=True))
    return or_(*clauses)
