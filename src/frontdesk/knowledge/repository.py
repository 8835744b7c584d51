"""All queries about knowledge sources and the crawl frontier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from frontdesk.models import Agent, CrawlPage, KnowledgeSource
from frontdesk.models.knowledge_source import ACTIVE_SOURCE_STATUSES


class KnowledgeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- sources -------------------------------------------------------------------------
    def sources(self, agent_id: str) -> list[KnowledgeSource]:
        return list(
            self.session.scalars(
                select(KnowledgeSource)
                .where(KnowledgeSource.agent_id == agent_id)
                .order_by(KnowledgeSource.created_at, KnowledgeSource.id)
            )
        )

    def source(self, workspace_id: str, agent_id: str, source_id: str) -> KnowledgeSource | None:
        return self.session.scalars(
            select(KnowledgeSource).where(
                KnowledgeSource.id == source_id,
                KnowledgeSource.agent_id == agent_id,
                KnowledgeSource.workspace_id == workspace_id,
            )
        ).first()

    def source_by_id(self, source_id: str) -> KnowledgeSource | None:
        return self.session.get(KnowledgeSource, source_id)

    def count_sources(self, agent_id: str) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(KnowledgeSource)
                .where(KnowledgeSource.agent_id == agent_id)
            )
            or 0
        )

    def working_source_ids(self, agent_id: str) -> list[str]:
        """The agent's sources still queued or being read."""
        return list(
            self.session.scalars(
                select(KnowledgeSource.id).where(
                    KnowledgeSource.agent_id == agent_id,
                    KnowledgeSource.status.in_(ACTIVE_SOURCE_STATUSES),
                )
            )
        )

    def live_source_gens(self, agent_id: str) -> list[tuple[str, int]]:
        rows = self.session.execute(
            select(KnowledgeSource.id, KnowledgeSource.active_generation).where(
                KnowledgeSource.agent_id == agent_id,
                KnowledgeSource.active_generation.is_not(None),
            )
        )
        return [(sid, int(gen)) for sid, gen in rows if gen is not None]

    def unfinished_source_ids(self, stale_before: datetime | None = None) -> list[str]:
        """Queued and running sources; with `stale_before`, only running ones gone silent."""
        query = select(KnowledgeSource.id)
        if stale_before is None:
            query = query.where(KnowledgeSource.status.in_(ACTIVE_SOURCE_STATUSES))
        else:
            query = query.where(
                KnowledgeSource.status == "running",
                or_(
                    KnowledgeSource.heartbeat_at.is_(None),
                    KnowledgeSource.heartbeat_at < stale_before,
                ),
            )
        return list(self.session.scalars(query))

    def claim(self, source_id: str, worker_id: str, now: datetime, stale_before: datetime) -> bool:
        """Take a source for this worker; one UPDATE, so two workers can never both win."""
        result = self.session.execute(
            update(KnowledgeSource)
            .where(
                KnowledgeSource.id == source_id,
                or_(
                    KnowledgeSource.status == "queued",
                    and_(
                        KnowledgeSource.status == "running",
                        or_(
                            KnowledgeSource.heartbeat_at.is_(None),
                            KnowledgeSource.heartbeat_at < stale_before,
                        ),
                    ),
                ),
            )
            .values(status="running", claimed_by=worker_id, heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    # -- crawl frontier ------------------------------------------------------------------
    def page_count(self, source_id: str, generation: int) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(CrawlPage)
                .where(CrawlPage.source_id == source_id, CrawlPage.generation == generation)
            )
            or 0
        )

    def known_urls(self, source_id: str, generation: int) -> set[str]:
        return set(
            self.session.scalars(
                select(CrawlPage.url).where(
                    CrawlPage.source_id == source_id, CrawlPage.generation == generation
                )
            )
        )

    def pending_pages(self, source_id: str, generation: int, limit: int) -> list[CrawlPage]:
        return list(
            self.session.scalars(
                select(CrawlPage)
                .where(
                    CrawlPage.source_id == source_id,
                    CrawlPage.generation == generation,
                    CrawlPage.status == "pending",
                )
                .order_by(CrawlPage.depth, CrawlPage.created_at, CrawlPage.id)
                .limit(limit)
            )
        )

    def page_by_hash(self, source_id: str, generation: int, content_hash: str) -> CrawlPage | None:
        return self.session.scalars(
            select(CrawlPage).where(
                CrawlPage.source_id == source_id,
                CrawlPage.generation == generation,
                CrawlPage.content_hash == content_hash,
                CrawlPage.status == "indexed",
            )
        ).first()

    def page_stats(self, source_id: str, generation: int) -> dict[str, int]:
        rows = self.session.execute(
            select(
                CrawlPage.status, func.count(), func.coalesce(func.sum(CrawlPage.chunk_count), 0)
            )
            .where(CrawlPage.source_id == source_id, CrawlPage.generation == generation)
            .group_by(CrawlPage.status)
        )
        stats = {"found": 0, "pending": 0, "indexed": 0, "failed": 0, "skipped": 0, "chunks": 0}
        for status, count, chunks in rows:
            stats[status] = int(count)
            stats["found"] += int(count)
            stats["chunks"] += int(chunks)
        return stats

    def failed_pages(self, source_id: str, generation: int, limit: int = 50) -> list[CrawlPage]:
        """Pages that failed, and pages indexed with a note the owner should read (a page
        whose content needs a browser that is not installed)."""
        return list(
            self.session.scalars(
                select(CrawlPage)
                .where(
                    CrawlPage.source_id == source_id,
                    CrawlPage.generation == generation,
                    or_(
                        CrawlPage.status == "failed",
                        and_(CrawlPage.status == "indexed", CrawlPage.error.is_not(None)),
                    ),
                )
                .order_by(CrawlPage.updated_at.desc())
                .limit(limit)
            )
        )

    def delete_pages(self, source_id: str, generation: int | None = None) -> None:
        query = select(CrawlPage).where(CrawlPage.source_id == source_id)
        if generation is not None:
            query = query.where(CrawlPage.generation == generation)
        for page in self.session.scalars(query):
            self.session.delete(page)

    # -- agent bookkeeping ---------------------------------------------------------------
    def refresh_agent_status(self, agent_id: str) -> None:
        """draft → ingesting while any source works → interviewing once something is searchable
        → ready once the interview generated the agent (deployed and paused are kept)."""
        agent = self.session.get(Agent, agent_id)
        if agent is None:
            return
        statuses = list(
            self.session.execute(
                select(KnowledgeSource.status, KnowledgeSource.active_generation).where(
                    KnowledgeSource.agent_id == agent_id
                )
            )
        )
        if agent.status in ("deployed", "paused"):
            return  # the owner's switch, not the knowledge base's state
        if any(status in ACTIVE_SOURCE_STATUSES for status, _ in statuses):
            agent.status = "ingesting"
        elif agent.onboarded_at is not None:
            agent.status = "ready"
        elif any(gen is not None for _, gen in statuses):
            agent.status = "interviewing"  # knowledge read: the owner's interview is next
        else:
            agent.status = "draft"

    def bump_kb_version(self, agent_id: str) -> None:
        self.session.execute(
            update(Agent)
            .where(Agent.id == agent_id)
            .values(kb_version=Agent.kb_version + 1)
            .execution_options(synchronize_session=False)
        )
