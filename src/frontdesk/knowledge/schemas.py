from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.timestamps import UtcDatetime


class SourcePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Literal["website", "file", "text"]
    url: str | None
    file_name: str | None
    title: str | None
    status: Literal["queued", "running", "ready", "failed"]
    error: str | None
    pages_found: int
    pages_fetched: int
    pages_indexed: int
    pages_failed: int
    chunk_count: int
    generation: int
    active_generation: int | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    finished_at: UtcDatetime | None


class PageFailure(BaseModel):
    """A page that could not be read, or was read only in part (`error` says why and what
    to do, e.g. a page that needs a browser to read when none is installed)."""

    url: str
    error: str | None


class SourceDetail(SourcePublic):
    failures: list[PageFailure]


class WebsiteSourceCreate(BaseModel):
    kind: Literal["website"]
    url: str = Field(min_length=1, max_length=2048)


class TextSourceCreate(BaseModel):
    kind: Literal["text"]
    title: str = Field(default="Pasted text", min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=500_000)


SourceCreate = Annotated[WebsiteSourceCreate | TextSourceCreate, Field(discriminator="kind")]


class SearchResult(BaseModel):
    chunk_id: str
    text: str
    score: float = Field(
        description="Fused rank score, 1.0 = first in both vector and keyword lists"
    )
    source_id: str
    source_kind: str
    url: str | None
    file_name: str | None
    title: str | None
    heading: str | None


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult]


class ChunkPreview(BaseModel):
    id: str
    text: str
    heading: str | None
    title: str | None
    url: str | None = Field(description="The page it came from (websites); null otherwise")


class SourceChunks(BaseModel):
    total: int = Field(description="Chunks of the source's live generation")
    chunks: list[ChunkPreview]
