"""Agents API: thin HTTP over AgentService."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import ValidationError

from frontdesk.agents.repository import AgentRepository
from frontdesk.agents.schemas import (
    AgentCreate,
    AgentDetail,
    AgentListed,
    AgentPublic,
    AgentSettings,
    AgentStatus,
    AgentUpdate,
)
from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession
from frontdesk.errors import PayloadTooLarge, ValidationFailed
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.knowledge.schemas import SourcePublic
from frontdesk.knowledge.service import Upload
from frontdesk.models import Agent
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents", tags=["agents"])


def read_uploads(request: Request, files: list[UploadFile]) -> list[Upload]:
    """Read uploaded files, refusing one past the size limit without reading all of it."""
    limit = request.app.state.resources.settings.max_upload_bytes
    uploads = []
    for file in files:
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(
                f"{file.filename} is larger than the {limit / 1048576:g} MB upload limit."
            )
        uploads.append(Upload(filename=file.filename or "upload", data=data))
    return uploads


def _detail(agent: Agent, db: DbSession) -> AgentDetail:
    sources = KnowledgeRepository(db).sources(agent.id)
    counts = AgentRepository(db).counts([agent.id])[agent.id]
    return AgentDetail(
        **AgentSettings.model_validate(agent).model_dump(),
        **asdict(counts),
        sources=[SourcePublic.model_validate(s) for s in sources],
    )


@router.post("", response_model=AgentDetail, status_code=201)
def create_agent(
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    name: Annotated[str, Form(description="The business or agent name")],
    website_url: Annotated[str | None, Form(description="The website to crawl")] = None,
    text: Annotated[str | None, Form(description="Pasted text to learn from")] = None,
    files: Annotated[list[UploadFile], File(description="PDF, DOCX, TXT, MD or HTML")] = [],  # noqa: B006
) -> AgentDetail:
    """Create an agent from a website URL and optional files (multipart form).

    Ingestion starts at once; follow it on `GET /api/agents/{id}/knowledge/events`.
    """
    try:
        data = AgentCreate(name=name, website_url=website_url)
    except ValidationError as exc:
        raise ValidationFailed(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from exc
    service = AgentService(db, request.app.state.resources, principal)
    agent = service.create(data, read_uploads(request, files), text)
    return _detail(agent, db)


@router.get("", response_model=list[AgentListed])
def list_agents(
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    q: Annotated[str | None, Query(max_length=200, description="Search by name")] = None,
    status: AgentStatus | None = None,
) -> list[AgentListed]:
    """The workspace's agents, newest first, with their knowledge size and how many
    conversations they had this week."""
    agents = AgentService(db, request.app.state.resources, principal).find(q, status)
    counts = AgentRepository(db).counts([a.id for a in agents])
    return [
        AgentListed(**AgentPublic.model_validate(a).model_dump(), **asdict(counts[a.id]))
        for a in agents
    ]


@router.get("/{agent_id}", response_model=AgentDetail)
def get_agent(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> AgentDetail:
    """One agent with its knowledge sources."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    return _detail(agent, db)


@router.patch("/{agent_id}", response_model=AgentSettings)
def update_agent(
    agent_id: str, body: AgentUpdate, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Agent:
    """Change the agent's name, website, persona, instructions, greeting, business facts,
    enabled tools or scheduling settings; only the fields sent change."""
    return AgentService(db, request.app.state.resources, principal).update(agent_id, body)


@router.delete("/{agent_id}", status_code=204)
def delete_agent(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Delete the agent with its knowledge sources, vectors and uploaded files."""
    AgentService(db, request.app.state.resources, principal).delete(agent_id)
    return Response(status_code=204)
