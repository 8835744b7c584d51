from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

PAGE_STATUSES = ("pending", "indexed", "failed", "skipped")


class CrawlPage(IdMixin, TimestampMixin, Base):
    """The crawl frontier of one source generation, kept in the database.

    A job killed midway restarts from here: indexed pages are skipped, pending ones fetched,
    and chunk ids are derived from (source, generation, url, ordinal), so re-indexing a page
    overwrites its chunks instead of duplicating them.
    """

    __tablename__ = "crawl_pages"
    __table_args__ = (UniqueConstraint("source_id", "generation", "url"),)

    source_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_sources.id", ondelete="CASCADE"), index=True
    )
    generation: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2048))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    title: Mapped[str | None] = mapped_column(String(512), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # sha256 of the extracted text: "/" and "/index.html" are one page, indexed once.
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
