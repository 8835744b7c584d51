"""The onboarding interview of one agent: start, answer, skip, go back, finish.

Every move is written to the `interviews` row before the response goes out, so the owner
can close the browser and resume anywhere. Finishing generates the agent's settings (see
`generation`), keeps fields the owner edited since the last generation unless asked to
overwrite them, stores the answers as an "Interview answers" knowledge source, and marks the
agent onboarded (its status becomes "ready" once that source is searchable).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.agents.schemas import BusinessFacts
from frontdesk.agents.service import AgentService
from frontdesk.errors import Conflict, NotFound, ValidationFailed
from frontdesk.exams.service import knowledge_chunks
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.models import Agent, Interview, KnowledgeSource
from frontdesk.onboarding import interview as moves
from frontdesk.onboarding.checklist import TOPIC_BY_KEY
from frontdesk.onboarding.gaps import plan, survey
from frontdesk.onboarding.generation import GENERATED_FIELDS, generate, owner_interview_text
from frontdesk.onboarding.model_reading import missing
from frontdesk.onboarding.phrasing import Phraser
from frontdesk.onboarding.site_facts import SiteFacts, read_site
from frontdesk.resources import Resources
from frontdesk.scheduling.config import SchedulingConfig
from frontdesk.workspace.service import Principal

# The answers' knowledge source. Its first name, "Owner interview", headed every answer's
# chunk with "owner": "Who owns the place?" found the answers about parking and holidays
# before the team page. Sources of that name are still the answers, and replaced as such.
OWNER_SOURCE_TITLE = "Interview answers"
_ANSWER_TITLES = (OWNER_SOURCE_TITLE, "Owner interview")
# (chunks, what the rules read) -> the same with what a language model found filled in
SiteReader = Callable[[list[tuple[str, str]], SiteFacts], SiteFacts]


def site_chunks(resources: Resources, db: Session, agent_id: str) -> list[tuple[str, str]]:
    """The agent's knowledge except earlier interview answers: a new interview asks again
    rather than reading its own answers back as the website's."""
    owner = frozenset(
        db.scalars(
            select(KnowledgeSource.id).where(
                KnowledgeSource.agent_id == agent_id,
                KnowledgeSource.kind == "text",
                KnowledgeSource.title.in_(_ANSWER_TITLES),
            )
        )
    )
    return knowledge_chunks(resources, db, agent_id, skip=owner)


class OnboardingService:
    def __init__(
        self,
        db: Session,
        resources: Resources,
        principal: Principal,
        phraser: Phraser | None = None,
        reader: SiteReader | None = None,
    ) -> None:
        self.db = db
        self.resources = resources
        self.agents = AgentService(db, resources, principal)
        self.phraser = phraser
        self.reader = reader

    def _phrase_current(self, row: Interview) -> None:
        """Have the model word the question now coming up (once), in context."""
        if self.phraser is None or row.position >= len(row.questions):
            return
        question = row.questions[row.position]
        if question.get("phrased"):
            return
        agent = self.agents.get(row.agent_id)
        business = str((agent.business_facts or {}).get("business_name") or agent.name)
        last = next(
            (q["answer"] for q in reversed(row.questions[: row.position]) if q.get("answer")),
            None,
        )
        labelled = {**question, "topic_label": TOPIC_BY_KEY[question["topic"]].label}
        text = self.phraser(business, labelled, last)
        questions = [dict(q) for q in row.questions]
        questions[row.position] = {
            **question,
            "phrased": True,
            "checklist_text": question["text"],
            "text": text or question["text"],
        }
        row.questions = questions

    # -- reading -------------------------------------------------------------------------
    def get(self, agent_id: str) -> Interview:
        agent = self.agents.get(agent_id)
        row = self._row(agent)
        if row is None:
            raise NotFound("This agent has no interview yet: start one first.")
        return row

    def _row(self, agent: Agent) -> Interview | None:
        return self.db.scalars(select(Interview).where(Interview.agent_id == agent.id)).first()

    # -- moves ---------------------------------------------------------------------------
    def start(self, agent_id: str, *, restart: bool = False) -> tuple[Interview, bool]:
        """The agent's interview, planned from its knowledge now; (row, created).
        An interview in progress is resumed unless `restart`."""
        agent = self.agents.get(agent_id)
        if KnowledgeRepository(self.db).working_source_ids(agent.id):
            raise Conflict(
                "Frontdesk is still reading this agent's website and documents; start the "
                "interview when they are done, so it only asks what they leave out."
            )
        row = self._row(agent)
        if row is not None and not restart and row.status == "active":
            return row, False
        chunks = site_chunks(self.resources, self.db, agent.id)
        business = str((agent.business_facts or {}).get("business_name") or agent.name)
        site = read_site(chunks, business)
        if self.reader is not None and missing(site):
            site = self.reader(chunks, site)
        found = survey(chunks, site)
        if row is None:
            row = Interview(workspace_id=agent.workspace_id, agent_id=agent.id)
            self.db.add(row)
        row.status, row.position, row.findings = "active", 0, found
        row.questions = plan(found)
        if agent.status not in ("deployed", "paused") and agent.onboarded_at is None:
            agent.status = "interviewing"
        self._phrase_current(row)
        self.db.flush()
        return row, True

    def _active(self, agent_id: str) -> Interview:
        row = self.get(agent_id)
        if row.status != "active":
            raise Conflict("This interview is finished; start it again to change answers.")
        return row

    def _index(self, row: Interview, question_id: str) -> int:
        for index, question in enumerate(row.questions):
            if question["id"] == question_id:
                if index > row.position:
                    raise Conflict("Answer the questions in order; this one is not asked yet.")
                return index
        raise NotFound(f"The interview has no question {question_id!r}.")

    def answer(self, agent_id: str, question_id: str, text: str) -> Interview:
        if not text.strip():
            raise ValidationFailed("The answer is empty; skip the question instead.")
        row = self._active(agent_id)
        index = self._index(row, question_id)
        questions, after = moves.answer(row.questions, index, text[:4000])
        row.questions = questions
        if index == row.position:  # changing an earlier answer stays where the owner is
            row.position = after
        self._phrase_current(row)
        self.db.flush()
        return row

    def skip(self, agent_id: str, question_id: str) -> Interview:
        row = self._active(agent_id)
        index = self._index(row, question_id)
        row.questions, after = moves.skip(row.questions, index)
        row.position = max(row.position, after)
        self._phrase_current(row)
        self.db.flush()
        return row

    def back(self, agent_id: str) -> Interview:
        row = self._active(agent_id)
        row.position = moves.back(row.position)
        self.db.flush()
        return row

    # -- finishing -----------------------------------------------------------------------
    def finish(self, agent_id: str, *, overwrite: bool = False) -> Agent:
        """Generate the agent from the interview; the owner's later edits survive a second
        generation unless `overwrite`."""
        row = self.get(agent_id)
        agent = self.agents.get(agent_id)
        chunks = site_chunks(self.resources, self.db, agent.id)
        values = generate(
            business=str((agent.business_facts or {}).get("business_name") or agent.name),
            questions=row.questions,
            found=row.findings,
            chunks=chunks,
            scheduling=dict(agent.scheduling or {}),
            site=SiteFacts.from_json(row.findings["site"]) if "site" in row.findings else None,
        )
        # Validated like an owner's PATCH: generation cannot store what an edit could not.
        values["business_facts"] = BusinessFacts.model_validate(
            values["business_facts"]
        ).model_dump(mode="json")
        values["scheduling"] = SchedulingConfig.model_validate(values["scheduling"]).model_dump(
            mode="json"
        )
        previous = dict(agent.generated or {})
        for field in GENERATED_FIELDS:
            current = getattr(agent, field)
            edited = field in previous and current != previous[field]
            if edited and not overwrite:
                continue
            setattr(agent, field, values[field])
        agent.generated = {field: values[field] for field in GENERATED_FIELDS}
        self._store_answers(agent, row)
        row.status = "completed"
        agent.onboarded_at = datetime.now(UTC)
        KnowledgeRepository(self.db).refresh_agent_status(agent.id)
        self.db.flush()
        return agent

    def _store_answers(self, agent: Agent, row: Interview) -> None:
        labels = {key: topic.label for key, topic in TOPIC_BY_KEY.items()}
        text = owner_interview_text(row.questions, labels)
        old = self.db.scalars(
            select(KnowledgeSource).where(
                KnowledgeSource.agent_id == agent.id,
                KnowledgeSource.kind == "text",
                KnowledgeSource.title.in_(_ANSWER_TITLES),
            )
        ).all()
        for source in old:
            self.agents.knowledge.delete(agent, source.id)
        if text:
            self.agents.knowledge.add_text(agent, OWNER_SOURCE_TITLE, text)


def state(row: Interview) -> dict[str, Any]:
    """What the owner's screen shows: the current question, progress, every question."""
    questions = row.questions
    current = questions[row.position] if row.position < len(questions) else None
    return {
        "status": row.status,
        "position": row.position,
        "total": len(questions),
        "answered": sum(1 for q in questions if q.get("answer")),
        "skipped": sum(1 for q in questions if q.get("skipped") and not q.get("answer")),
        "done": current is None,
        "current": _public(current) if current else None,
        "questions": [_public(q) for q in questions],
        "updated_at": row.updated_at,
    }


def _public(question: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": question["id"],
        "topic": question["topic"],
        "topic_label": TOPIC_BY_KEY[question["topic"]].label,
        "kind": question["kind"],
        "text": question["text"],
        "quote": question.get("quote"),
        "answer": question.get("answer"),
        "skipped": bool(question.get("skipped")),
    }
