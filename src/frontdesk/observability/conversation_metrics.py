"""Conversation metrics, counted where conversations are written.

Conversations start, end and get their turns in several places (the text and voice hub, the
agent's end_conversation tool, LiveKit webhooks, the agent worker) and in several processes.
Watching the ORM session instead of each of those call sites counts every one of them, and
counts only what was committed: a rolled-back ending is no ending.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from frontdesk.models import Conversation, ConversationTurn
from frontdesk.observability.metrics import (
    CONVERSATIONS_ENDED,
    CONVERSATIONS_STARTED,
    TURN_LATENCY,
)

PENDING_KEY = "frontdesk_metrics_pending"
# Which timing answers "how long did the caller wait": the typed channels' and the calls'.
LATENCY_KEYS = ("reply_ms", "end_of_speech_to_audio_ms")


class _Channels:
    """conversation id -> channel, for the turns of conversations this process has seen;
    an unknown id costs one primary-key read. Bounded: a busy process sees many."""

    def __init__(self, size: int = 4096) -> None:
        self._known: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def remember(self, conversation_id: str, channel: str) -> None:
        with self._lock:
            self._known[conversation_id] = channel
            self._known.move_to_end(conversation_id)
            while len(self._known) > self._size:
                self._known.popitem(last=False)

    def of(self, session: Session, conversation_id: str) -> str:
        with self._lock:
            known = self._known.get(conversation_id)
        if known is not None:
            return known
        channel = session.connection().scalar(
            select(Conversation.channel).where(Conversation.id == conversation_id)
        )
        channel = channel or "unknown"
        self.remember(conversation_id, channel)
        return channel


def _latency_s(turn: ConversationTurn) -> float | None:
    if turn.role != "agent" or not turn.seq or not isinstance(turn.timings, dict):
        # The greeting (seq 0) is fixed text that answers nobody.
        return None
    for key in LATENCY_KEYS:
        value = turn.timings.get(key)
        if isinstance(value, int | float) and value >= 0:
            return float(value) / 1000
    return None


def watch_conversations(sessions: sessionmaker[Session]) -> None:
    """Count conversations and turn latencies written through sessions from `sessions`."""
    channels = _Channels()

    @event.listens_for(sessions, "after_flush")
    def _collect(session: Session, _context: Any) -> None:
        pending: list[tuple[Any, str, float | None]] = session.info.setdefault(PENDING_KEY, [])
        for obj in session.new:
            if isinstance(obj, Conversation):
                channels.remember(obj.id, obj.channel)
                pending.append((CONVERSATIONS_STARTED, obj.channel, None))
                if obj.status == "ended":
                    pending.append((CONVERSATIONS_ENDED, obj.channel, None))
            elif isinstance(obj, ConversationTurn):
                latency = _latency_s(obj)
                if latency is not None:
                    channel = channels.of(session, obj.conversation_id)
                    pending.append((TURN_LATENCY, channel, latency))
        for obj in session.dirty:
            if isinstance(obj, Conversation):
                history = inspect(obj).attrs.status.history
                if (
                    history.added
                    and history.added[0] == "ended"
                    and "ended" not in (history.deleted or ())
                ):
                    pending.append((CONVERSATIONS_ENDED, obj.channel, None))

    @event.listens_for(sessions, "after_commit")
    def _record(session: Session) -> None:
        for metric, channel, value in session.info.pop(PENDING_KEY, []):
            if value is None:
                metric.labels(channel).inc()
            else:
                metric.labels(channel).observe(value)

    @event.listens_for(sessions, "after_rollback")
    def _drop(session: Session) -> None:
        session.info.pop(PENDING_KEY, None)
