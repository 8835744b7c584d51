"""The exam: the agent answers questions from its own knowledge over the text channel.

Questions come from the rule-based bank (prices, contacts, questions nobody could answer)
and, when a language model is available, from the model reading the knowledge chunks, up
to `TARGET_QUESTIONS`. Each question gets a fresh conversation (no earlier answer can help
or hurt the next), the reply is graded, and progress is written after every question, so a
dashboard can follow a run and a crash keeps what was graded.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.agents.service import AgentService
from frontdesk.conversations.service import ConversationHub
from frontdesk.db import transaction
from frontdesk.errors import ConfigurationError, NotFound, ValidationFailed
from frontdesk.exams.booking_check import FOLLOW_UPS, booked, booking_question, judge_and_undo
from frontdesk.exams.grading import grade
from frontdesk.exams.question_bank import ExamQuestion, questions_from
from frontdesk.exams.question_writer import write_questions
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.knowledge.vector_store import source_gen
from frontdesk.knowledge_gaps.exam_questions import answered_gap_questions
from frontdesk.models import Agent, Exam
from frontdesk.providers.llm.priority import as_background
from frontdesk.resources import Resources
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

log = logging.getLogger(__name__)

TARGET_QUESTIONS = 30  # the issue asks for 20-50; 30 runs in about a minute on 2 cores
# (stage, done, total): stage is "writing" while the model writes questions, then "answering".
ExamProgress = Callable[[str, int, int], None]


def knowledge_chunks(
    resources: Resources, db: Session, agent_id: str, skip: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """(text, source) of every live chunk (but those of the `skip` source ids), in a stable
    order: the same exam each run."""
    gens = [
        source_gen(s, g)
        for s, g in KnowledgeRepository(db).live_source_gens(agent_id)
        if s not in skip
    ]
    chunks = [
        (c.text, str(c.metadata.get("url") or c.metadata.get("file_name") or ""))
        for c in resources.store.chunks(agent_id, gens)
    ]
    chunks.sort(key=lambda c: (c[1], c[0]))
    return chunks


def build_questions(resources: Resources, db: Session, agent: Agent) -> list[ExamQuestion]:
    return questions_from(agent.business_facts or {}, knowledge_chunks(resources, db, agent.id))


class ExamRunner:
    def __init__(self, resources: Resources, hub: ConversationHub) -> None:
        self.resources = resources
        self.hub = hub

    def _db(self):  # type: ignore[no-untyped-def]
        return transaction(self.resources.sessionmaker)

    async def create(self, principal: Principal, agent_id: str) -> tuple[str, list[ExamQuestion]]:
        def make() -> tuple[str, list[ExamQuestion]]:
            with self._db() as db:
                agent = AgentService(db, self.resources, principal).get(agent_id)
                chunks = knowledge_chunks(self.resources, db, agent.id)
                questions = questions_from(agent.business_facts or {}, chunks)
                # Questions of answered knowledge gaps no exam question covered.
                questions += answered_gap_questions(db, agent.id)
                booking = booking_question(agent, datetime.now(UTC))
                if booking is not None:
                    questions.append(booking)
                asked = [q for q in questions if q.answerable and q.booking is None]
                if not chunks and not asked:
                    raise ValidationFailed(
                        "Nothing to examine yet: the agent has no knowledge and no business "
                        "facts. Add a website, a document or facts first."
                    )
                exam = Exam(
                    workspace_id=agent.workspace_id, agent_id=agent.id, total=len(questions)
                )
                db.add(exam)
                db.flush()
                return exam.id, questions

        return await asyncio.to_thread(make)

    @as_background  # no caller waits for an exam: callers' turns go first on the model
    async def run(
        self,
        principal: Principal,
        exam_id: str,
        agent_id: str,
        questions: list[ExamQuestion],
        on_progress: ExamProgress | None = None,
    ) -> None:
        results: list[dict[str, Any]] = []
        try:
            questions = await self._add_written(
                exam_id, principal.workspace_id, agent_id, questions, on_progress
            )
            evidence = await asyncio.to_thread(self._evidence, agent_id)
            for number, question in enumerate(questions, start=1):
                results.append(await self.ask(principal, agent_id, question, evidence))
                await asyncio.to_thread(self._save, exam_id, results, None)
                if on_progress:
                    on_progress("answering", number, len(questions))
            await asyncio.to_thread(self._save, exam_id, results, "done")
        except Exception as exc:
            log.exception("exam %s failed", exam_id)
            await asyncio.to_thread(self._fail, exam_id, results, str(exc))

    @as_background
    async def ask(
        self,
        principal: Principal,
        agent_id: str,
        question: ExamQuestion,
        evidence: str | None = None,
    ) -> dict[str, Any]:
        """One question in a fresh exam conversation (no earlier answer can help or hurt
        it), graded: the question's fields with the reply, passed and why. `evidence` is
        what the agent knows; a reply stating a number it does not hold fails."""
        if question.booking is not None:
            return await self._ask_booking(principal, agent_id, question)
        started = await self.hub.start(principal, agent_id, channel="exam")
        try:
            out = await self.hub.message(principal, started["id"], question.question)
        finally:
            await self.hub.end(principal, started["id"], "exam question answered")
        # What the tools answered in the turn is evidence too (a slot, a confirmation).
        tools = json.dumps(out.get("tool_calls") or [], default=str)
        said = None if evidence is None else f"{evidence}\n{tools}"
        passed, why = grade(question, out["reply"], said)
        return {**asdict(question), "reply": out["reply"], "passed": passed, "why": why}

    async def _ask_booking(
        self, principal: Principal, agent_id: str, question: ExamQuestion
    ) -> dict[str, Any]:
        """The booking request, confirmed when the agent asks; graded by the stored row."""
        assert question.booking is not None
        started = await self.hub.start(principal, agent_id, channel="exam")
        replies: list[str] = []

        def stored() -> bool:
            with self._db() as db:
                return bool(booked(db, agent_id, started["id"]))

        try:
            for turn in (question.question, *FOLLOW_UPS):
                out = await self.hub.message(principal, started["id"], turn)
                replies.append(out["reply"])
                if out.get("ended") or await asyncio.to_thread(stored):
                    break
        finally:
            await self.hub.end(principal, started["id"], "exam booking made")

        def judge() -> tuple[bool, str]:
            with self._db() as db:
                return judge_and_undo(db, agent_id, started["id"], question.booking or {})

        passed, why = await asyncio.to_thread(judge)
        return {**asdict(question), "reply": "\n".join(replies), "passed": passed, "why": why}

    def _evidence(self, agent_id: str) -> str:
        """Everything the agent may state: its knowledge and its business facts."""
        with self._db() as db:
            agent = db.get(Agent, agent_id)
            facts = json.dumps(agent.business_facts or {}) if agent is not None else ""
            scheduling = json.dumps(agent.scheduling or {}) if agent is not None else ""
            chunks = knowledge_chunks(self.resources, db, agent_id)
        return "\n".join([facts, scheduling, *(text for text, _ in chunks)])

    async def _add_written(
        self,
        exam_id: str,
        workspace_id: str,
        agent_id: str,
        questions: list[ExamQuestion],
        on_progress: ExamProgress | None,
    ) -> list[ExamQuestion]:
        """The bank plus questions the model writes from the knowledge, before the
        unanswerable ones. Without a model the bank alone is the exam."""
        answerable = [q for q in questions if q.answerable and q.booking is None]
        bookings = [q for q in questions if q.booking is not None]
        written: list[ExamQuestion] = []
        want = TARGET_QUESTIONS - len(questions)

        def own_settings() -> dict[str, Any]:
            with self._db() as db:
                return WorkspaceRepository(db).settings_of(workspace_id)

        try:
            stored = await asyncio.to_thread(own_settings)
            model = self.resources.structured_for(stored) if want > 0 else None
        except ConfigurationError:
            log.info("exam %s: no language model to write questions; bank only", exam_id)
            model = None
        if model is not None:

            def read_chunks() -> list[tuple[str, str]]:
                with self._db() as db:
                    return knowledge_chunks(self.resources, db, agent_id)

            chunks = await asyncio.to_thread(read_chunks)
            # Every page that states facts gets a question: pages the bank asked nothing
            # about are read first.
            covered = {q.source for q in questions}
            chunks.sort(key=lambda c: c[1] in covered)
            if on_progress:
                on_progress("writing", 0, want)
            try:
                written = await write_questions(
                    model,
                    chunks,
                    want=want,
                    known=questions,
                    on_progress=(lambda n: on_progress("writing", n, want))
                    if on_progress
                    else None,
                )
            finally:
                await model.aclose()
            if on_progress:
                on_progress("writing", len(written), len(written))
        if not answerable and not written:
            raise ValidationFailed(
                "No question could be written from this agent's knowledge. Add business "
                "facts (prices, phone, email), more documents, or configure a language model "
                "to write questions from the knowledge."
            )
        questions = answerable + written + [q for q in questions if not q.answerable] + bookings
        await asyncio.to_thread(self._set_total, exam_id, len(questions))
        return questions

    def _set_total(self, exam_id: str, total: int) -> None:
        with self._db() as db:
            exam = db.get(Exam, exam_id)
            if exam is not None:
                exam.total = total

    def _save(self, exam_id: str, results: list[dict[str, Any]], status: str | None) -> None:
        with self._db() as db:
            exam = db.get(Exam, exam_id)
            if exam is None:
                return
            exam.results = list(results)
            exam.answered = len(results)
            exam.passed = sum(r["passed"] for r in results)
            exam.score = round(exam.passed / len(results), 3) if results else None
            if status:
                exam.status, exam.finished_at = status, datetime.now(UTC)
            if status == "done":
                # The agent's card shows its latest finished exam.
                agent = db.get(Agent, exam.agent_id)
                if agent is not None:
                    agent.exam_score = exam.score

    def _fail(self, exam_id: str, results: list[dict[str, Any]], message: str) -> None:
        self._save(exam_id, results, None)
        with self._db() as db:
            exam = db.get(Exam, exam_id)
            if exam is not None:
                exam.status, exam.error = "failed", message
                exam.finished_at = datetime.now(UTC)


def get_exam(db: Session, principal: Principal, agent_id: str, exam_id: str) -> Exam:
    exam = db.scalars(
        select(Exam).where(
            Exam.id == exam_id,
            Exam.agent_id == agent_id,
            Exam.workspace_id == principal.workspace_id,
        )
    ).first()
    if exam is None:
        raise NotFound("No such exam for this agent.")
    return exam


def fail_interrupted(db: Session) -> None:
    """Exams still 'running' at start-up died with the previous process."""
    for exam in db.scalars(select(Exam).where(Exam.status == "running")):
        exam.status = "failed"
        exam.error = "Interrupted by a server restart; run the exam again."
        exam.finished_at = datetime.now(UTC)
