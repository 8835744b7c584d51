"""LiveKit calls nobody answered: ended after a timeout, with or without webhooks.

A call's row is created when its token is minted, and only an agent worker taking the job
(`answered_at`) or a webhook (the caller left, the room finished) moved it on. With no
worker registered under the token's agent name, every worker full, or webhooks never
configured, the call stayed "active" for good: counted as live on the dashboard and held
against the widget's minutes. The queue's sweep (jobs.py) ends each call that no worker
took within FRONTDESK_LIVEKIT_ANSWER_TIMEOUT_S and closes its room, so a caller still
waiting there is disconnected rather than left in silence.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from livekit import api
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.jobs import JobQueue
from frontdesk.livekit.tokens import room_for
from frontdesk.livekit.webhooks import end_call
from frontdesk.models import Conversation

log = logging.getLogger(__name__)

BATCH = 200


def unanswered_reason(timeout_s: int) -> str:
    return f"No agent worker answered the call within {timeout_s} s"


class UnansweredCalls:
    """The queue's side (jobs.py)."""

    def __init__(
        self, settings: Settings, sessions: sessionmaker[Session], queue: JobQueue
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.queue = queue

    def run(self, now: datetime | None = None) -> int:
        """End every LiveKit call still unanswered after the timeout; how many were."""
        timeout_s = self.settings.livekit_answer_timeout_s
        cutoff = (now or datetime.now(UTC)) - timedelta(seconds=timeout_s)
        with transaction(self.sessions) as db:
            rows = db.scalars(
                select(Conversation)
                .where(
                    Conversation.channel == "livekit",
                    Conversation.status == "active",
                    Conversation.answered_at.is_(None),
                    Conversation.created_at < cutoff,
                )
                .limit(BATCH)
            ).all()
            ended = [(row.id, row.livekit_project) for row in rows]
            for row in rows:
                end_call(db, row, unanswered_reason(timeout_s), self.queue)
        if ended:
            log.info("ended %d LiveKit call(s) no agent worker answered", len(ended))
            ours = [cid for cid, project in ended if project == self.settings.livekit_api_key]
            if ours and self.settings.livekit_enabled:
                asyncio.run(self._close_rooms(ours))
        return len(ended)

    async def _close_rooms(self, conversation_ids: list[str]) -> None:
        """Close the rooms of the deployment's own project (a workspace's own project's
        rooms close themselves once empty: LiveKit's empty timeout)."""
        settings = self.settings
        async with api.LiveKitAPI(
            settings.livekit_url, settings.livekit_api_key, settings.livekit_api_secret
        ) as server:
            for conversation_id in conversation_ids:
                try:
                    await server.room.delete_room(
                        api.DeleteRoomRequest(room=room_for(conversation_id))
                    )
                except api.TwirpError as exc:
                    if exc.code != api.TwirpErrorCode.NOT_FOUND:
                        log.warning("could not close room of call %s: %s", conversation_id, exc)
                except Exception as exc:  # LiveKit unreachable: the call is ended regardless
                    log.warning("could not close room of call %s: %s", conversation_id, exc)
