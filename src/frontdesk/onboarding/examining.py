"""The generated agent takes its exam on its own: once the "Interview answers" source (and
anything else still being read) is searchable, the exam runs and its score lands on the
agent. It runs in the background: the owner can talk to the agent meanwhile."""

from __future__ import annotations

import asyncio
import logging

from frontdesk.conversations.service import ConversationHub
from frontdesk.db import transaction
from frontdesk.exams.service import ExamRunner
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)

POLL_S = 0.5
WAIT_S = 600.0  # a knowledge source that is still being read after this is not waited for


def _reading(resources: Resources, agent_id: str) -> bool:
    with transaction(resources.sessionmaker) as db:
        return bool(KnowledgeRepository(db).working_source_ids(agent_id))


async def examine_when_read(
    resources: Resources, hub: ConversationHub, principal: Principal, agent_id: str
) -> str | None:
    """Run the agent's exam once its knowledge is read; the exam's id (None if the agent
    had nothing to examine)."""
    waited = 0.0
    while waited < WAIT_S and await asyncio.to_thread(_reading, resources, agent_id):
        await asyncio.sleep(POLL_S)
        waited += POLL_S
    runner = ExamRunner(resources, hub)
    try:
        exam_id, questions = await runner.create(principal, agent_id)
    except Exception:  # noqa: BLE001 - the agent is generated either way; the owner can retry
        log.exception("could not start the exam of agent %s after onboarding", agent_id)
        return None
    await runner.run(principal, exam_id, agent_id, questions)
    return exam_id
