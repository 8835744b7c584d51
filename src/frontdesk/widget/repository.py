"""The widget's queries: agents by public key, widget conversations and their durations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdesk.models import Agent, Conversation, ConversationTurn
from frontdesk.models.base import as_utc


@dataclass(frozen=True)
class ConversationSpan:
    """What the minutes cap needs to know of one widget conversation."""

    channel: str
    started_at: datetime
    ended_at: datetime | None
    connected_at: datetime | None
    caller_key: str | None
    # Typed chats: (role, when) of every turn.
    turns: list[tuple[str, datetime]] = field(default_factory=list)


class WidgetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def agent_by_public_key(self, public_key: str) -> Agent | None:
        return self.session.scalars(select(Agent).where(Agent.public_key == public_key)).first()

    def widget_conversation(self, conversation_id: str) -> Conversation | None:
        return self.session.scalars(
            select(Conversation).where(
                Conversation.id == conversation_id, Conversation.source == "widget"
            )
        ).first()

    def widget_spans(
        self, agent_id: str, since: datetime, *, caller_key: str | None = None
    ) -> list[ConversationSpan]:
        """The agent's widget conversations started at or after `since` (from the network
        `caller_key` only, when given), with the turns of the typed ones."""
        where = [
            Conversation.agent_id == agent_id,
            Conversation.source == "widget",
            Conversation.created_at >= since,
        ]
        if caller_key is not None:
            where.append(Conversation.caller_key == caller_key)
        rows = self.session.execute(
            select(
                Conversation.id,
                Conversation.channel,
                Conversation.created_at,
                Conversation.ended_at,
                Conversation.connected_at,
                Conversation.caller_key,
            ).where(*where)
        ).all()
        turns: dict[str, list[tuple[str, datetime]]] = {}
        chats = select(Conversation.id).where(*where, Conversation.channel == "text")
        for conversation_id, role, at in self.session.execute(
            select(
                ConversationTurn.conversation_id, ConversationTurn.role, ConversationTurn.created_at
            ).where(ConversationTurn.conversation_id.in_(chats))
        ):
            turns.setdefault(conversation_id, []).append((role, as_utc(at)))
        return [
            ConversationSpan(
                channel=channel,
                started_at=as_utc(created),
                ended_at=as_utc(ended) if ended else None,
                connected_at=as_utc(connected) if connected else None,
                caller_key=key,
                turns=turns.get(conversation_id, []),
            )
            for conversation_id, channel, created, ended, connected, key in rows
        ]

    def calls_in_progress(self, agent_id: str, caller_key: str, since: datetime) -> int:
        """The network's widget calls with the agent answered since `since` and not ended."""
        return int(
            self.session.scalar(
                select(func.count()).where(
                    Conversation.agent_id == agent_id,
                    Conversation.source == "widget",
                    Conversation.caller_key == caller_key,
                    Conversation.channel != "text",
                    Conversation.status == "active",
                    Conversation.connected_at >= since,
                )
            )
            or 0
        )
