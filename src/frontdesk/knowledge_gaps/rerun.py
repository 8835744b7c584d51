"""Re-asking the exam questions an answer should fix, once the answer is searchable.

Which questions: every question the agent's exam asks (the latest run's, model-written ones
included, and the rule-based bank), embedded and compared with the gap's centre by the same
average similarity that groups gaps; those that reach `EXAM_MATCH_THRESHOLD`, closest first.
A matched question the exam expected the agent not to know is now expected to give the
owner's answer. When nothing matches, the gap's own question is asked, expecting the answer.
Grading is the exam's own (exams/grading.py): the expected facts must be in the reply.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.conversations.service import ConversationHub
from frontdesk.db import transaction
from frontdesk.exams.question_bank import ExamQuestion
from frontdesk.exams.service import ExamRunner, build_questions
from frontdesk.knowledge_gaps.exam_questions import GAP_SOURCE, answered_gap_questions
from frontdesk.knowledge_gaps.grouping import EXAM_MATCH_THRESHOLD, similarities
from frontdesk.models import Agent, Exam, KnowledgeGap, KnowledgeSource
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)

MAX_RERUN_QUESTIONS = 10
# A pasted-text source indexes in a second or two; a busy queue may hold it much longer.
INDEX_TIMEOUT_S = 300.0
POLL_S = 0.3


def _from_result(result: dict[str, Any]) -> ExamQuestion | None:
    question = result.get("question")
    if not isinstance(question, str) or not question.strip():
        return None
    return ExamQuestion(
        question=question,
        expected=[str(e) for e in result.get("expected") or []],
        answerable=bool(result.get("answerable", True)),
        source=str(result.get("source") or ""),
        written_by_model=bool(result.get("written_by_model", False)),
    )


def exam_questions(
    resources: Resources, db: Session, agent: Agent, gap: KnowledgeGap
) -> list[ExamQuestion]:
    """The questions the agent's exam asks: its latest run's, then the bank's and the other
    answered gaps', once each. Gap questions come from the gaps themselves, never from an
    earlier run, which holds the answer as it was then; `gap`'s own is left out, since its
    answer is the one changing."""
    latest = db.scalars(
        select(Exam)
        .where(Exam.agent_id == agent.id, Exam.status.in_(("done", "failed")))
        .order_by(Exam.created_at.desc(), Exam.id)
        .limit(1)
    ).first()
    questions = [
        q
        for r in (latest.results if latest else [])
        if (q := _from_result(r)) and q.source != GAP_SOURCE
    ]
    questions += build_questions(resources, db, agent)
    questions += answered_gap_questions(db, agent.id, except_gap=gap.id)
    seen: set[str] = set()
    unique = []
    for question in questions:
        key = question.question.strip().lower()
        # The exam's stock questions no site answers ("Do you have valet parking?") are
        # about a topic near the gap's at best, never the gap's own question.
        if question.source == "none" or question.booking is not None:
            continue
        if key not in seen:
            seen.add(key)
            unique.append(question)
    return unique


def plan_rerun(
    resources: Resources, db: Session, agent: Agent, gap: KnowledgeGap, answer: str
) -> list[dict[str, Any]]:
    """The questions to re-ask, as stored before they are asked (see the module's doc)."""
    candidates = exam_questions(resources, db, agent, gap)
    chosen: list[tuple[ExamQuestion, float]] = []
    if candidates and gap.centroid:
        vectors = resources.embedder.embed_documents([q.question for q in candidates])
        scores = similarities(gap.centroid, [list(v) for v in vectors])
        chosen = sorted(
            ((q, s) for q, s in zip(candidates, scores, strict=True) if s >= EXAM_MATCH_THRESHOLD),
            key=lambda pair: -pair[1],
        )[:MAX_RERUN_QUESTIONS]
    planned = [
        (q if q.answerable else replace(q, expected=[answer], answerable=True), round(s, 3))
        for q, s in chosen
    ]
    if not planned:
        planned = [(ExamQuestion(gap.question, [answer], source=GAP_SOURCE), 1.0)]
    return [{**asdict(q), "similarity": s} for q, s in planned]


class GapRerunner:
    """Runs one gap's re-run in the background; its progress is written to the gap."""

    def __init__(self, resources: Resources, hub: ConversationHub) -> None:
        self.resources = resources
        self.exams = ExamRunner(resources, hub)

    def _db(self):  # type: ignore[no-untyped-def]
        return transaction(self.resources.sessionmaker)

    async def run(self, principal: Principal, agent_id: str, gap_id: str) -> None:
        results: list[dict[str, Any]] = []
        try:
            planned = await self._wait_until_searchable(gap_id)
            await asyncio.to_thread(self._save, gap_id, planned, "running", None)
            for item in planned:
                question = _from_result(item)
                if question is None:
                    continue
                graded = await self.exams.ask(principal, agent_id, question)
                results.append({**graded, "similarity": item.get("similarity")})
                await asyncio.to_thread(
                    self._save, gap_id, results + planned[len(results) :], "running", None
                )
            await asyncio.to_thread(self._save, gap_id, results, "done", None)
        except Exception as exc:
            log.exception("re-running the exam questions of gap %s failed", gap_id)
            message = str(getattr(exc, "detail", None) or exc) or type(exc).__name__
            await asyncio.to_thread(self._save, gap_id, None, "failed", message)

    async def _wait_until_searchable(self, gap_id: str) -> list[dict[str, Any]]:
        """The planned questions, once the answer's source has indexed the answer."""
        deadline = time.monotonic() + INDEX_TIMEOUT_S

        def check() -> tuple[bool, list[dict[str, Any]]]:
            with self._db() as db:
                gap = db.get(KnowledgeGap, gap_id)
                if gap is None:
                    raise RuntimeError("The knowledge gap was deleted.")
                source = db.get(KnowledgeSource, gap.source_id) if gap.source_id else None
                if source is None:
                    raise RuntimeError("The answer's knowledge source was deleted.")
                if source.status == "failed":
                    raise RuntimeError(f"The answer could not be indexed: {source.error}")
                ready = source.status == "ready" and source.active_generation == source.generation
                return ready, list(gap.rerun_results or [])

        while True:
            ready, planned = await asyncio.to_thread(check)
            if ready:
                return planned
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"The answer was not indexed within {INDEX_TIMEOUT_S:.0f} seconds; "
                    "check the knowledge source, then answer again."
                )
            await asyncio.sleep(POLL_S)

    def _save(
        self, gap_id: str, results: list[dict[str, Any]] | None, status: str, error: str | None
    ) -> None:
        with self._db() as db:
            gap = db.get(KnowledgeGap, gap_id)
            if gap is None:
                return
            if results is not None:
                gap.rerun_results = list(results)
            gap.rerun_status, gap.rerun_error = status, error[:1000] if error else None
            if status in ("done", "failed"):
                gap.rerun_finished_at = datetime.now(UTC)


def fail_interrupted_reruns(db: Session) -> None:
    """Re-runs still waiting or running at start-up died with the previous process."""
    for gap in db.scalars(
        select(KnowledgeGap).where(KnowledgeGap.rerun_status.in_(("waiting", "running")))
    ):
        gap.rerun_status = "failed"
        gap.rerun_error = "Interrupted by a server restart; save the answer again to re-run."
        gap.rerun_finished_at = datetime.now(UTC)
