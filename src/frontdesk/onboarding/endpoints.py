"""The onboarding interview over HTTP; every move answers with the interview's state."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio.from_thread
from fastapi import APIRouter, Request, Response

from frontdesk.agents.schemas import AgentSettings
from frontdesk.db import DbSession, transaction
from frontdesk.errors import ConfigurationError, Conflict
from frontdesk.onboarding.examining import examine_when_read
from frontdesk.onboarding.model_reading import fill_gaps
from frontdesk.onboarding.phrasing import Phraser, phrase
from frontdesk.onboarding.schemas import (
    AnswerBody,
    FinishBody,
    InterviewState,
    SkipBody,
    StartInterview,
)
from frontdesk.onboarding.service import OnboardingService, state
from frontdesk.onboarding.site_facts import SiteFacts
from frontdesk.openapi_errors import error_responses
from frontdesk.providers.llm.structured import BackgroundStructured
from frontdesk.workspace.auth import CurrentPrincipal
from frontdesk.workspace.repository import WorkspaceRepository

router = APIRouter(prefix="/api/agents/{agent_id}/onboarding", tags=["onboarding"])


def _service(request: Request, db: DbSession, principal: CurrentPrincipal) -> OnboardingService:
    return OnboardingService(db, request.app.state.resources, principal)


@contextmanager
def _with_model(service: OnboardingService) -> Iterator[OnboardingService]:
    """The service, with the language model wording questions when one is configured.
    These endpoints run in worker threads; the model's calls run on the event loop."""
    own = WorkspaceRepository(service.db).settings_of(service.agents.principal.workspace_id)
    try:
        # The owner's interview waits for callers' turns on the model, not the reverse.
        model = BackgroundStructured(service.resources.structured_for(own))
    except ConfigurationError:
        yield service
        return

    def phraser(business: str, question: dict[str, Any], last: str | None) -> str | None:
        return anyio.from_thread.run(phrase, model, business, question, last)

    def reader(chunks: list[tuple[str, str]], site: SiteFacts) -> SiteFacts:
        return anyio.from_thread.run(fill_gaps, model, chunks, site)

    phrased: Phraser = phraser
    service.phraser = phrased
    service.reader = reader
    try:
        yield service
    finally:
        anyio.from_thread.run(model.aclose)


@router.post("", response_model=InterviewState, responses=error_responses(Conflict))
def start_interview(
    agent_id: str,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    db: DbSession,
    body: StartInterview | None = None,
) -> Any:
    """Start the interview (201), or resume the one in progress (200). Refused (409) while
    the agent's website or documents are still being read."""
    with _with_model(_service(request, db, principal)) as service:
        row, created = service.start(agent_id, restart=bool(body and body.restart))
    response.status_code = 201 if created else 200
    return state(row)


@router.get("", response_model=InterviewState)
def read_interview(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Any:
    """Where the interview stands: the current question and every question so far."""
    return state(_service(request, db, principal).get(agent_id))


@router.post("/answers", response_model=InterviewState)
def answer_question(
    agent_id: str, body: AnswerBody, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Any:
    """Answer the current question (or change an earlier answer)."""
    with _with_model(_service(request, db, principal)) as service:
        return state(service.answer(agent_id, body.question_id, body.answer))


@router.post("/skip", response_model=InterviewState)
def skip_question(
    agent_id: str, body: SkipBody, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Any:
    """Skip a question; the agent is generated without that answer."""
    with _with_model(_service(request, db, principal)) as service:
        return state(service.skip(agent_id, body.question_id))


@router.post("/back", response_model=InterviewState)
def previous_question(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Any:
    """Go back one question."""
    return state(_service(request, db, principal).back(agent_id))


@router.post("/complete", response_model=AgentSettings)
async def finish_interview(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    body: FinishBody | None = None,
) -> Any:
    """Generate the agent from the interview: persona, greeting, instructions, business
    facts, scheduling. Fields edited since the last generation are kept unless `overwrite`.
    The agent then takes its exam in the background (its score appears on the agent)."""
    resources = request.app.state.resources
    overwrite = bool(body and body.overwrite)

    def work() -> AgentSettings:
        with transaction(resources.sessionmaker) as db:
            agent = OnboardingService(db, resources, principal).finish(
                agent_id, overwrite=overwrite
            )
            return AgentSettings.model_validate(agent)

    generated = await asyncio.to_thread(work)
    tasks: set[asyncio.Task[Any]] = request.app.state.background
    task = asyncio.get_running_loop().create_task(
        examine_when_read(resources, request.app.state.conversations, principal, agent_id)
    )
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return generated
