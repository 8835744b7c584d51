"""Knowledge gaps over HTTP: what callers asked that the agent could not answer, grouped;
answer a group (the answer becomes knowledge and the related exam questions are re-asked)
or dismiss it."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request

from frontdesk.db import DbSession, transaction
from frontdesk.errors import NotFound
from frontdesk.knowledge.schemas import SourcePublic
from frontdesk.knowledge_gaps.rerun import GapRerunner
from frontdesk.knowledge_gaps.schemas import (
    GapAnswer,
    GapAnswered,
    GapDismiss,
    GapRerun,
    GapStatus,
    KnowledgeGapList,
    KnowledgeGapPublic,
    gap_public,
    rerun_public,
)
from frontdesk.knowledge_gaps.service import KnowledgeGapService
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}/knowledge-gaps", tags=["knowledge gaps"])


@router.get("", response_model=KnowledgeGapList)
def list_knowledge_gaps(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    status: Annotated[GapStatus | None, Query(description="Only gaps in this status")] = None,
) -> KnowledgeGapList:
    """Questions callers asked that the agent could not answer (or answered without
    knowledge), grouped by meaning; most asked first. Each group has a representative
    question, how many conversations asked it, when, example conversations with the
    caller's words, its status, and the exam re-run of its answer."""
    gaps = KnowledgeGapService(db, request.app.state.resources, principal)
    rows, examples, counts = gaps.find(gaps.agent(agent_id), status)
    return KnowledgeGapList(
        gaps=[gap_public(g, examples[g.id]) for g in rows],
        counts={s: counts.get(s, 0) for s in ("open", "answered", "dismissed")},
    )


@router.get("/{gap_id}", response_model=KnowledgeGapPublic)
def read_knowledge_gap(
    agent_id: str, gap_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> KnowledgeGapPublic:
    """One gap, with its examples and the re-run of its answer."""
    gaps = KnowledgeGapService(db, request.app.state.resources, principal)
    gap = gaps.get(gaps.agent(agent_id), gap_id)
    return gap_public(gap, gaps.examples(gap))


@router.get("/{gap_id}/rerun", response_model=GapRerun)
def read_knowledge_gap_rerun(
    agent_id: str, gap_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> GapRerun:
    """The exam questions re-asked after the gap was answered: each with the agent's reply
    and whether it passed. `status` is "waiting" while the answer is being indexed."""
    gaps = KnowledgeGapService(db, request.app.state.resources, principal)
    gap = gaps.get(gaps.agent(agent_id), gap_id)
    rerun = rerun_public(gap)
    if rerun is None:
        raise NotFound("This gap has not been answered yet, so nothing was re-run.")
    return rerun


@router.post("/{gap_id}/answer", response_model=GapAnswered, status_code=202)
async def answer_knowledge_gap(
    agent_id: str, gap_id: str, body: GapAnswer, request: Request, principal: CurrentPrincipal
) -> GapAnswered:
    """Answer a gap: the answer becomes a text knowledge source ("Q: … A: …", titled with
    the question) that the agent searches, the gap is marked answered, and the agent's exam
    questions about it (or the gap's question, when none is) are re-asked once the answer is
    indexed. Follow the re-run with `GET …/knowledge-gaps/{gap_id}/rerun`. Answering again
    replaces the earlier answer's text."""
    resources = request.app.state.resources

    def save() -> GapAnswered:
        with transaction(resources.sessionmaker) as db:
            gaps = KnowledgeGapService(db, resources, principal)
            gap, source = gaps.answer(gaps.agent(agent_id), gap_id, body.answer)
            return GapAnswered(
                gap=gap_public(gap, gaps.examples(gap)),
                source=SourcePublic.model_validate(source),
            )

    # Committed before the re-run starts: it must see the gap and the source.
    answered = await asyncio.to_thread(save)
    runner = GapRerunner(resources, request.app.state.conversations)
    tasks: set[asyncio.Task[None]] = request.app.state.background
    task = asyncio.get_running_loop().create_task(runner.run(principal, agent_id, gap_id))
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return answered


@router.post("/{gap_id}/dismiss", response_model=KnowledgeGapPublic)
def dismiss_knowledge_gap(
    agent_id: str,
    gap_id: str,
    body: GapDismiss,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> KnowledgeGapPublic:
    """Dismiss a gap the agent need not answer, with the reason. New questions like it
    still join it (its count grows) without opening it again."""
    gaps = KnowledgeGapService(db, request.app.state.resources, principal)
    gap = gaps.dismiss(gaps.agent(agent_id), gap_id, body.reason)
    return gap_public(gap, gaps.examples(gap))


@router.post("/{gap_id}/reopen", response_model=KnowledgeGapPublic)
def reopen_knowledge_gap(
    agent_id: str, gap_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> KnowledgeGapPublic:
    """Open a dismissed or answered gap again; an earlier answer and its source stay."""
    gaps = KnowledgeGapService(db, request.app.state.resources, principal)
    gap = gaps.reopen(gaps.agent(agent_id), gap_id)
    return gap_public(gap, gaps.examples(gap))
