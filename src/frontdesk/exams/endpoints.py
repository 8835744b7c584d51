"""Exams over HTTP: start one (it runs in the background), follow it, list past runs."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession, transaction
from frontdesk.exams.service import ExamRunner, get_exam
from frontdesk.models import Exam
from frontdesk.timestamps import UtcDatetime
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}/exams", tags=["exams"])


class ExamPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agent_id: str
    status: str
    total: int
    answered: int
    passed: int
    score: float | None
    error: str | None
    created_at: UtcDatetime
    finished_at: UtcDatetime | None


class ExamDetail(ExamPublic):
    results: list[dict[str, Any]]
    failures: list[dict[str, Any]]


def _detail(exam: Exam) -> ExamDetail:
    return ExamDetail(
        **ExamPublic.model_validate(exam).model_dump(),
        results=exam.results or [],
        failures=[r for r in exam.results or [] if not r.get("passed")],
    )


@router.post("", response_model=ExamPublic, status_code=202)
async def start_exam(agent_id: str, request: Request, principal: CurrentPrincipal) -> Any:
    """Generate questions from the agent's knowledge and run them through the agent.
    Follow the run with `GET /api/agents/{agent_id}/exams/{exam_id}`."""
    runner = ExamRunner(request.app.state.resources, request.app.state.conversations)
    exam_id, questions = await runner.create(principal, agent_id)
    tasks: set[asyncio.Task[None]] = request.app.state.background
    task = asyncio.get_running_loop().create_task(
        runner.run(principal, exam_id, agent_id, questions)
    )
    tasks.add(task)
    task.add_done_callback(tasks.discard)

    def read() -> Exam:
        with transaction(request.app.state.resources.sessionmaker) as db:
            return get_exam(db, principal, agent_id, exam_id)

    return await asyncio.to_thread(read)


@router.get("", response_model=list[ExamPublic])
def list_exams(agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession) -> Any:
    """Past exam runs, newest first."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    return list(
        db.scalars(select(Exam).where(Exam.agent_id == agent.id).order_by(Exam.created_at.desc()))
    )


@router.get("/{exam_id}", response_model=ExamDetail)
def read_exam(
    agent_id: str, exam_id: str, principal: CurrentPrincipal, db: DbSession
) -> ExamDetail:
    """One run with every question, the agent's reply, and why it passed or failed."""
    return _detail(get_exam(db, principal, agent_id, exam_id))
