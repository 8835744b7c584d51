"""The hourly retention job: transcripts older than their workspace's period are deleted.

For each conversation that ended more than `transcript_retention_days` ago it deletes the
turns and clears what the analysis kept of the caller's words: the summary, the caller's
details (name, phone, email) and their unanswered questions. It keeps the conversation row
itself (agent, channel, source, status, start and end times, end reason and outcome), so
the analytics of past months stay right; and it keeps what the business made of the call
(leads, appointments, messages for the staff, knowledge-gap questions), which has its own
life and is deleted per caller on request (service.py).

It works one workspace at a time in batches, one transaction each, so a big backlog neither
holds a long transaction nor loses what is done when a worker stops; `transcript_deleted_at`
marks a finished conversation, so a second run, or a second worker, does nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from frontdesk.db import transaction
from frontdesk.privacy.repository import PrivacyRepository

log = logging.getLogger(__name__)

BATCH_SIZE = 200


class TranscriptRetention:
    """The queue's side (jobs.py)."""

    def __init__(self, sessions: sessionmaker[Session], *, batch_size: int = BATCH_SIZE) -> None:
        self.sessions = sessions
        self.batch_size = batch_size

    def run(self, now: datetime | None = None) -> int:
        """Apply every workspace's period; the number of transcripts deleted."""
        now = now or datetime.now(UTC)
        with transaction(self.sessions) as db:
            periods = PrivacyRepository(db).workspaces_with_retention()
        total = 0
        for workspace_id, days in periods:
            cutoff = now - timedelta(days=days)
            done = 0
            while True:
                with transaction(self.sessions) as db:
                    repo = PrivacyRepository(db)
                    ids = repo.expired_transcripts(workspace_id, cutoff, self.batch_size)
                    if ids:
                        repo.redact_transcripts(ids, now)
                done += len(ids)
                if len(ids) < self.batch_size:
                    break
            if done:
                log.info("retention: %d transcript(s) of workspace %s deleted", done, workspace_id)
            total += done
        return total
