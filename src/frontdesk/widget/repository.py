"""The widget's queries: agents by public key, widget conversations and their durations."""

from __future__ import annotations

from dataclasses import dataclass
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
    last_turn_at: datetime | None


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

    def widget_spans(self, agent_id: str, since: datetime) -> list[ConversationSpan]:
        """The agent's widget conversations started at or after `since`."""
        # Correlated, so it reads only these conversations' turns (by their index).
        last_turn = (
            select(func.max(ConversationTurn.created_at))
            .where(ConversationTurn.conversation_id == Conversation.id)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(
                Conversation.channel,
                Conversation.created_at,
                Conversation.ended_at,
                Conversation.connected_at,
                last_turn,
            ).where(
                Conversation.agent_id == agent_id,
                Conversation.source == "widget",
                Conversation.created_at >= since,
            )
        )
        return [
            ConversationSpan(
                channel=channel,
                started_at=as_utc(created),
                ended_at=as_utc(ended) if ended else None,
                connected_at=as_utc(connected) if connected else None,
                last_turn_at=_when(last),
            )
            for channel, created, ended, connected, last in rows
        ]


def _when(value: datetime | str | None) -> datetime | None:
    # SQLite hands an aggregate of a datetime column back as text.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)
