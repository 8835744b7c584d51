"""Queries that list conversations for the dashboard; every one is scoped by workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from frontdesk.models import Conversation, ConversationTurn

PREVIEW_CHARS = 120
MAX_SEARCH_WORDS = 8


@dataclass(frozen=True)
class ConversationSummary:
    conversation: Conversation
    turn_count: int
    preview: str | None


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def preview_of(text: str) -> str:
    """The first caller words, cut at a word boundary to fit the list."""
    text = " ".join(text.split())
    if len(text) <= PREVIEW_CHARS:
        return text
    cut = text[: PREVIEW_CHARS - 1]
    if " " in cut[PREVIEW_CHARS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


class ConversationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _filtered(
        self,
        workspace_id: str,
        agent_id: str,
        *,
        q: str | None,
        channel: str | None,
        source: str | None,
        outcome: str | None = None,
    ) -> Select[Conversation]:
        query = select(Conversation).where(
            Conversation.workspace_id == workspace_id, Conversation.agent_id == agent_id
        )
        # Exam questions are conversations too, dozens per exam; the list is for callers
        # unless exams are asked for.
        if channel:
            query = query.where(Conversation.channel == channel)
        else:
            query = query.where(Conversation.channel != "exam")
        if source:
            query = query.where(Conversation.source == source)
        if outcome:
            query = query.where(Conversation.outcome == outcome)
        # Every word must be said somewhere in the conversation, by either side.
        for word in (q or "").split()[:MAX_SEARCH_WORDS]:
            query = query.where(
                exists().where(
                    ConversationTurn.conversation_id == Conversation.id,
                    ConversationTurn.text.ilike(_like(word), escape="\\"),
                )
            )
        return query

    def page(
        self,
        workspace_id: str,
        agent_id: str,
        *,
        limit: int,
        offset: int,
        q: str | None = None,
        channel: str | None = None,
        source: str | None = None,
        outcome: str | None = None,
    ) -> tuple[int, list[ConversationSummary]]:
        """Newest first: the number that match, and `limit` of them from `offset` with their
        turn counts and previews (three more queries, whatever the page size)."""
        query = self._filtered(
            workspace_id, agent_id, q=q, channel=channel, source=source, outcome=outcome
        )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(
            self.session.scalars(
                query.order_by(Conversation.created_at.desc(), Conversation.id.desc())
                .limit(limit)
                .offset(offset)
            )
        )
        ids = [row.id for row in rows]
        counts = self._turn_counts(ids)
        previews = self._previews(ids)
        return int(total), [
            ConversationSummary(row, counts.get(row.id, 0), previews.get(row.id)) for row in rows
        ]

    def _turn_counts(self, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return {}
        rows = self.session.execute(
            select(ConversationTurn.conversation_id, func.count())
            .where(ConversationTurn.conversation_id.in_(ids))
            .group_by(ConversationTurn.conversation_id)
        )
        return {conversation_id: int(n) for conversation_id, n in rows}

    def _previews(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        first = (
            select(
                ConversationTurn.conversation_id.label("conversation_id"),
                func.min(ConversationTurn.seq).label("seq"),
            )
            .where(ConversationTurn.conversation_id.in_(ids), ConversationTurn.role == "caller")
            .group_by(ConversationTurn.conversation_id)
            .subquery()
        )
        turn = aliased(ConversationTurn)
        rows = self.session.execute(
            select(turn.conversation_id, turn.text).join(
                first,
                (turn.conversation_id == first.c.conversation_id) & (turn.seq == first.c.seq),
            )
        )
        return {conversation_id: preview_of(text) for conversation_id, text in rows}
