"""Knowledge API: sources, re-crawl, search, live progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from frontdesk.agents.endpoints import read_uploads
from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession, PageOffset
from frontdesk.errors import Conflict
from frontdesk.knowledge.progress import progress_events
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.knowledge.schemas import (
    ChunkPreview,
    SearchResponse,
    SearchResult,
    SourceChunks,
    SourceCreate,
    SourceDetail,
    SourcePublic,
    WebsiteSourceCreate,
)
from frontdesk.knowledge.service import KnowledgeService
from frontdesk.models import KnowledgeSource
from frontdesk.openapi_errors import error_responses
from frontdesk.providers.embeddings.checked import EmbeddingError
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}/knowledge", tags=["knowledge"])


def _services(request: Request, db: DbSession, principal, agent_id: str):  # type: ignore[no-untyped-def]
    resources = request.app.state.resources
    agent = AgentService(db, resources, principal).get(agent_id)
    return agent, KnowledgeService(db, resources)


@router.get("/sources", response_model=list[SourcePublic])
def list_sources(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> list[KnowledgeSource]:
    """The agent's sources with status, page and chunk counts and errors."""
    agent, _ = _services(request, db, principal, agent_id)
    return KnowledgeRepository(db).sources(agent.id)


@router.post("/sources", response_model=SourcePublic, status_code=201)
def add_source(
    agent_id: str,
    body: SourceCreate,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> KnowledgeSource:
    """Add a website to crawl (`{"kind": "website", "url": …}`) or pasted text
    (`{"kind": "text", "title": …, "text": …}`)."""
    agent, knowledge = _services(request, db, principal, agent_id)
    if isinstance(body, WebsiteSourceCreate):
        return knowledge.add_website(agent, body.url)
    return knowledge.add_text(agent, body.title, body.text)


@router.post("/files", response_model=list[SourcePublic], status_code=201)
def upload_files(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    files: Annotated[list[UploadFile], File(description="PDF, DOCX, TXT, MD or HTML")],
) -> list[KnowledgeSource]:
    """Upload documents; each becomes its own source and is parsed in the background."""
    agent, knowledge = _services(request, db, principal, agent_id)
    return knowledge.add_files(agent, read_uploads(request, files))


@router.get("/sources/{source_id}", response_model=SourceDetail)
def get_source(
    agent_id: str, source_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> SourceDetail:
    """One source, with the pages that failed and why."""
    agent, knowledge = _services(request, db, principal, agent_id)
    source = knowledge.get(agent, source_id)
    return SourceDetail(
        **SourcePublic.model_validate(source).model_dump(), failures=knowledge.failures(source)
    )


@router.get("/sources/{source_id}/chunks", response_model=SourceChunks)
def list_source_chunks(
    agent_id: str,
    source_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: PageOffset = 0,
) -> SourceChunks:
    """What the agent learned from one source: its searchable chunks in reading order (page
    by page), `limit` from `offset`, with their total. Empty until the source's first read
    finishes; during a re-crawl, the chunks still in use."""
    agent, knowledge = _services(request, db, principal, agent_id)
    total, chunks = knowledge.chunks(agent, source_id, limit=limit, offset=offset)
    return SourceChunks(
        total=total,
        chunks=[
            ChunkPreview(
                id=c.id,
                text=c.text,
                heading=c.metadata.get("heading") or None,
                title=c.metadata.get("title") or None,
                url=c.metadata.get("url") or None,
            )
            for c in chunks
        ],
    )


@router.post(
    "/sources/{source_id}/recrawl",
    response_model=SourcePublic,
    status_code=202,
    responses=error_responses(Conflict),
)
def recrawl_source(
    agent_id: str, source_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> KnowledgeSource:
    """Fetch the source again; its chunks are swapped in one step when the new crawl is done."""
    agent, knowledge = _services(request, db, principal, agent_id)
    return knowledge.recrawl(agent, source_id)


@router.delete("/sources/{source_id}", status_code=204)
def delete_source(
    agent_id: str, source_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Remove a source and its chunks."""
    agent, knowledge = _services(request, db, principal, agent_id)
    knowledge.delete(agent, source_id)
    return Response(status_code=204)


# 503: the embedding model failed; 502: it answered vectors that cannot be searched.
_EMBEDDING_FAULTS = error_responses(EmbeddingError)
_EMBEDDING_FAULTS[502] = {**_EMBEDDING_FAULTS[503]}


@router.get("/search", response_model=SearchResponse, responses=_EMBEDDING_FAULTS)
def search(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="The question")],
    k: Annotated[int, Query(ge=1, le=50, description="How many chunks")] = 5,
) -> SearchResponse:
    """Hybrid (vector + keyword) search over the agent's knowledge."""
    agent, knowledge = _services(request, db, principal, agent_id)
    hits = knowledge.search(agent, q, k)
    return SearchResponse(
        query=q,
        results=[
            SearchResult(
                chunk_id=h.chunk_id,
                text=h.text,
                score=h.score,
                source_id=h.source_id,
                source_kind=h.source_kind,
                url=h.url,
                file_name=h.file_name,
                title=h.title,
                heading=h.heading,
            )
            for h in hits
        ],
    )


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def ingestion_events(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> StreamingResponse:
    """Server-Sent Events: `progress` per source change (pages found/fetched/indexed,
    failures, chunks), then `done` when nothing is queued or running."""
    agent, _ = _services(request, db, principal, agent_id)
    return StreamingResponse(
        progress_events(request.app.state.resources, agent.id, request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
