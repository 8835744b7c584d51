"""Runs the post-conversation analysis as a queue job (see jobs.py) and stores what it finds.

A job reads the conversation in one transaction, asks the model with no transaction open
(the embedded model may take many seconds), and writes in a second one. Re-running
replaces the earlier analysis, so a job that runs twice, or an owner's re-run, is harmless;
a job for a conversation already analysed since its last turn is skipped unless forced, so a
message that recovery enqueued beside one still queued (see jobs.py) costs no model call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.agents.country import agent_country
from frontdesk.conversations.analysis import (
    ANALYSIS_SCHEMA,
    ANALYSIS_SYSTEM,
    ModelFindings,
    Turn,
    UnusableAnswer,
    caller_said,
    check_answer,
    findings,
    merged_details,
    transcript_prompt,
)
from frontdesk.db import transaction
from frontdesk.errors import FrontdeskError
from frontdesk.knowledge_gaps.recording import record_conversation_gaps
from frontdesk.leads.contact_details import in_region
from frontdesk.leads.service import rescore_conversation_leads
from frontdesk.models import Agent, Conversation, ConversationTurn
from frontdesk.models.base import as_utc
from frontdesk.providers.llm.priority import as_background
from frontdesk.webhooks.events import emit_conversation_ended
from frontdesk.workspace.repository import WorkspaceRepository

if TYPE_CHECKING:
    from frontdesk.resources import Resources

log = logging.getLogger(__name__)

MAX_OUTPUT_TOKENS = 250
# Exam questions are conversations too, dozens per exam; nobody reads them as calls.
SKIPPED_CHANNELS = ("exam",)
# Conversations that ended without an analysis (a lost job, a server that stopped) are
# picked up for this long; older ones stay as they are rather than flood the model.
SWEEP_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class _Loaded:
    turns: list[Turn]
    workspace_settings: dict[str, Any]
    # Set when the stored analysis already covers every turn: that analysis's outcome.
    current_outcome: str | None = None


class ConversationAnalyzer:
    """Analyses one conversation at a time, from any thread (queue workers run it)."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def run(self, conversation_id: str, *, force: bool = False) -> str | None:
        """Analyse and store; the outcome, or None when there is nothing to analyse.

        Without `force` (the owner's re-run), a conversation whose stored analysis is newer
        than its last turn keeps it: the job ran already, from another message."""
        loaded = self._load(conversation_id, force=force)
        if loaded is None:
            return None
        if loaded.current_outcome is not None:
            log.info("conversation %s was analysed already; skipped", conversation_id)
            return loaded.current_outcome
        code = findings(loaded.turns)
        summary: str | None = None
        unanswered: list[str] = []
        details = code.details
        error: str | None = None
        if not caller_said(loaded.turns):
            summary = "The caller left without saying anything."
        else:
            try:
                found = asyncio.run(self._ask(loaded, code.outcome))
            except (FrontdeskError, UnusableAnswer) as exc:
                error = str(exc.detail if isinstance(exc, FrontdeskError) else exc)
            except Exception as exc:  # noqa: BLE001 - the outcome is stored whatever the model does
                log.warning("analysing conversation %s failed", conversation_id, exc_info=True)
                error = f"The language model failed: {type(exc).__name__}."
            else:
                summary, unanswered = found.summary, found.unanswered
                details = merged_details(code.details, found.details)

        def store(db: Session) -> None:
            row = db.get(Conversation, conversation_id)
            if row is None:
                return
            # Re-runs replace the analysis, but the business hears of the ending once.
            first = row.analyzed_at is None
            row.outcome, row.summary, row.unanswered = code.outcome, summary, unanswered
            row.caller_details = dict(details)
            agent = db.get(Agent, row.agent_id)
            if agent is not None and details.get("phone"):
                # The tools' arguments are as the model wrote them; stored in E.164 like
                # the lead or booking they made.
                row.caller_details["phone"] = in_region(details["phone"], agent_country(agent))
            row.analysis_error = error[:1000] if error else None
            row.analyzed_at = datetime.now(UTC)
            rescore_conversation_leads(db, conversation_id, code.outcome)
            # In a savepoint: a failure filing the knowledge gaps must not cost the owner
            # the analysis itself.
            try:
                with db.begin_nested():
                    record_conversation_gaps(db, self.resources.embedder, row, loaded.turns)
            except Exception:  # noqa: BLE001
                log.warning("filing knowledge gaps of %s failed", conversation_id, exc_info=True)
            if first:
                emit_conversation_ended(db, row)

        with transaction(self.resources.sessionmaker) as db:
            store(db)
        return code.outcome

    def _load(self, conversation_id: str, *, force: bool) -> _Loaded | None:
        with transaction(self.resources.sessionmaker) as db:
            row = db.get(Conversation, conversation_id)
            if row is None or row.channel in SKIPPED_CHANNELS:
                return None
            stored = list(
                db.scalars(
                    select(ConversationTurn)
                    .where(ConversationTurn.conversation_id == conversation_id)
                    .order_by(ConversationTurn.seq)
                )
            )
            if not force and row.analyzed_at is not None and row.outcome is not None:
                analysed = as_utc(row.analyzed_at)
                # A turn written after the analysis (a LiveKit call whose webhook ended it
                # before its last turns were stored) is what makes a second run worth it.
                if all(as_utc(t.created_at) <= analysed for t in stored):
                    return _Loaded([], {}, current_outcome=row.outcome)
            turns = [Turn(t.role, t.text, list(t.tool_calls or [])) for t in stored]
            return _Loaded(turns, WorkspaceRepository(db).settings_of(row.workspace_id))

    @as_background  # a call's analysis waits for callers' turns on the model
    async def _ask(self, loaded: _Loaded, outcome: str) -> ModelFindings:
        model = self.resources.structured_for(loaded.workspace_settings)
        try:
            answer = await model.complete(
                system=ANALYSIS_SYSTEM,
                prompt=transcript_prompt(loaded.turns, outcome),
                schema=ANALYSIS_SCHEMA,
                max_tokens=MAX_OUTPUT_TOKENS,
            )
        finally:
            await model.aclose()
        return check_answer(answer, loaded.turns)

    def pending_ids(self, *, ended_before: datetime | None = None) -> list[str]:
        """Ended conversations of the last day with no analysis yet."""
        now = datetime.now(UTC)
        query = select(Conversation.id).where(
            Conversation.status == "ended",
            Conversation.analyzed_at.is_(None),
            Conversation.channel.not_in(SKIPPED_CHANNELS),
            Conversation.ended_at >= now - SWEEP_WINDOW,
        )
        if ended_before is not None:
            query = query.where(Conversation.ended_at < ended_before)
        with transaction(self.resources.sessionmaker) as db:
            return list(db.scalars(query.order_by(Conversation.ended_at)))
