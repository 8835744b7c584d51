"""Knowledge sources: add, list, re-crawl, delete, search."""

from __future__ import annotations

import asyncio
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from frontdesk.db import on_commit
from frontdesk.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from frontdesk.knowledge.parsers import detect_kind
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.knowledge.search import SearchHit
from frontdesk.knowledge.vector_store import StoredChunk, source_gen
from frontdesk.models import Agent, KnowledgeSource, UploadedFile
from frontdesk.models.knowledge_source import ACTIVE_SOURCE_STATUSES
from frontdesk.providers.crawl.ssrf import check_url
from frontdesk.resources import Resources


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _safe_filename(name: str) -> str:
    name = Path(name or "upload").name
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", name).strip(" .") or "upload"
    return name[:200]


class KnowledgeService:
    def __init__(self, db: Session, resources: Resources) -> None:
        self.db = db
        self.resources = resources
        self.settings = resources.settings
        self.repo = KnowledgeRepository(db)

    # -- adding --------------------------------------------------------------------------
    def _check_room(self, agent: Agent, adding: int) -> None:
        limit = self.settings.max_sources_per_agent
        if self.repo.count_sources(agent.id) + adding > limit:
            raise ValidationFailed(f"An agent can have at most {limit} knowledge sources.")

    def validate_website_url(self, url: str) -> str:
        url = url.strip()
        if not re.match(r"^https?://", url, re.IGNORECASE):
            if "://" in url:
                raise ValidationFailed(f"{url} is not a web address: use http:// or https://.")
            url = "https://" + url
        asyncio.run(check_url(url, self.settings.crawl_allowed_hosts))
        return url

    def _queue(self, source: KnowledgeSource) -> KnowledgeSource:
        self.db.add(source)
        self.db.flush()
        self.repo.refresh_agent_status(source.agent_id)
        source_id = source.id
        on_commit(self.db, lambda: self.resources.queue.enqueue_ingest(source_id))
        return source

    def add_website(self, agent: Agent, url: str) -> KnowledgeSource:
        self._check_room(agent, 1)
        url = self.validate_website_url(url)
        return self._queue(
            KnowledgeSource(
                workspace_id=agent.workspace_id, agent_id=agent.id, kind="website", url=url
            )
        )

    def add_text(self, agent: Agent, title: str, text: str) -> KnowledgeSource:
        self._check_room(agent, 1)
        if not text.strip():
            raise ValidationFailed("The pasted text is empty.")
        return self._queue(
            KnowledgeSource(
                workspace_id=agent.workspace_id,
                agent_id=agent.id,
                kind="text",
                title=title.strip() or "Pasted text",
                text=text,
            )
        )

    def check_uploads(self, uploads: list[Upload]) -> None:
        """Refuse oversized or unsupported files before anything is stored."""
        limit = self.settings.max_upload_bytes
        for upload in uploads:
            if len(upload.data) > limit:
                raise PayloadTooLarge(
                    f"{upload.filename} is {len(upload.data) / 1048576:.1f} MB; the limit is "
                    f"{self.settings.max_upload_mb:g} MB per file."
                )
            if not upload.data:
                raise ValidationFailed(f"{upload.filename} is empty.")
            detect_kind(upload.data, upload.filename)

    def add_files(self, agent: Agent, uploads: list[Upload]) -> list[KnowledgeSource]:
        self.check_uploads(uploads)
        self._check_room(agent, len(uploads))
        created = []
        for upload in uploads:
            source = KnowledgeSource(
                workspace_id=agent.workspace_id,
                agent_id=agent.id,
                kind="file",
                file_name=_safe_filename(upload.filename),
                file_size=len(upload.data),
            )
            self.db.add(source)
            self.db.flush()
            # In the database, not this process's disk: the worker that reads it may run on
            # another machine (models/uploaded_file.py).
            self.db.add(UploadedFile(source_id=source.id, data=upload.data, size=len(upload.data)))
            created.append(self._queue(source))
        return created

    # -- reading -------------------------------------------------------------------------
    def get(self, agent: Agent, source_id: str) -> KnowledgeSource:
        source = self.repo.source(agent.workspace_id, agent.id, source_id)
        if source is None:
            raise NotFound("No such knowledge source on this agent.")
        return source

    def failures(self, source: KnowledgeSource) -> list[dict[str, str | None]]:
        return [
            {"url": p.url, "error": p.error}
            for p in self.repo.failed_pages(source.id, source.generation)
        ]

    def chunks(
        self, agent: Agent, source_id: str, *, limit: int, offset: int
    ) -> tuple[int, list[StoredChunk]]:
        """The chunks search sees for one source (its live generation), in reading order."""
        source = self.get(agent, source_id)
        if source.active_generation is None:
            return 0, []
        return self.resources.store.source_chunks(
            agent.id,
            source_gen(source.id, source.active_generation),
            limit=limit,
            offset=offset,
        )

    def search(self, agent: Agent, query: str, k: int) -> list[SearchHit]:
        return self.resources.searcher.search(
            agent.id, agent.kb_version, self.live_generations(agent), query, k
        )

    def live_generations(self, agent: Agent) -> list[str]:
        """The stored generations a search of the agent's knowledge reads."""
        return [source_gen(sid, gen) for sid, gen in self.repo.live_source_gens(agent.id)]

    # -- changing ------------------------------------------------------------------------
    def recrawl(self, agent: Agent, source_id: str) -> KnowledgeSource:
        """Build a fresh generation beside the live one; it replaces it only when complete."""
        source = self.get(agent, source_id)
        if source.status in ACTIVE_SOURCE_STATUSES:
            raise Conflict("This source is still being ingested; wait for it to finish.")
        if source.kind == "file" and not self._file_kept(source):
            raise Conflict("The uploaded file is no longer stored; upload it again.")
        stale = source.generation if source.generation != source.active_generation else None
        source.generation += 1
        source.status, source.error = "queued", None
        source.started_at = source.finished_at = None
        source.claimed_by = None
        source.pages_found = source.pages_fetched = source.pages_indexed = 0
        source.pages_failed = 0
        if stale is not None:
            # A failed generation left only frontier rows; its chunks were already removed.
            self.repo.delete_pages(source.id, stale)
        return self._queue(source)

    def _file_kept(self, source: KnowledgeSource) -> bool:
        if self.db.get(UploadedFile, source.id) is not None:
            return True
        # Uploaded before files moved into the database, and not copied in by the migration.
        return bool(source.file_path) and Path(source.file_path or "").is_file()

    def delete(self, agent: Agent, source_id: str) -> None:
        source = self.get(agent, source_id)
        folder = Path(source.file_path).parent if source.file_path else None
        self.db.delete(source)
        self.db.flush()
        self.repo.bump_kb_version(agent.id)
        self.repo.refresh_agent_status(agent.id)
        store, agent_id, sid = self.resources.store, agent.id, source.id

        def cleanup() -> None:
            store.delete_where(agent_id, {"source_id": sid})
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

        on_commit(self.db, cleanup)
