"""The ingestion job: crawl or parse one source, chunk, embed, and publish its chunks.

Durability comes from the database, not from the queue: a source is claimed with one UPDATE,
the crawl frontier lives in `crawl_pages`, and chunk ids are derived from (source, generation,
url, ordinal). A worker killed midway leaves a `running` source whose heartbeat goes stale;
the next worker that looks claims it, skips pages already indexed and overwrites (never
duplicates) the chunks of the page it was on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.errors import DocumentError, FrontdeskError
from frontdesk.knowledge.documents import ParsedDocument
from frontdesk.knowledge.page_render import PageRenderer, find_chromium
from frontdesk.knowledge.parsers import parse_document
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.knowledge.site_wide import SITE_WIDE_TITLE, RepeatFilter, site_chunks
from frontdesk.knowledge.text_chunks import Chunk, chunk_document
from frontdesk.knowledge.vector_store import VectorStore, source_gen
from frontdesk.models import CrawlPage, KnowledgeSource, UploadedFile
from frontdesk.providers.crawl.site_crawler import (
    HTML_TYPES,
    CrawlLimits,
    FetchResult,
    SiteCrawler,
)
from frontdesk.providers.embeddings.base import Embedder

log = logging.getLogger(__name__)

CONTENT_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/plain": "text",
    "text/markdown": "markdown",
}


class SourceGone(Exception):
    """The source was deleted or re-queued under a new generation while this job ran."""


class Interrupted(Exception):
    """The process is shutting down; the source goes back to the queue, to resume later."""


@dataclass(frozen=True)
class RunOutcome:
    status: str  # "done" | "failed" | "busy" | "skipped"
    detail: str = ""


@dataclass
class _PageWork:
    page_id: str
    url: str
    depth: int
    result: FetchResult | None = None
    doc: ParsedDocument | None = None
    chunks: list[Chunk] | None = None
    site_chunks: list[Chunk] = field(default_factory=list)
    error: str | None = None
    # Something the owner should know about a page that was still indexed.
    note: str | None = None


@dataclass
class _CrawlState:
    """What one run of a crawl remembers across its batches (lost on a crash, harmlessly:
    a resumed crawl may store one more copy of a repeated paragraph, never lose one)."""

    repeats: RepeatFilter = field(default_factory=RepeatFilter)
    site_chunk_ids: set[str] = field(default_factory=set)


def _now() -> datetime:
    return datetime.now(UTC)


class IngestionRunner:
    """Runs ingestion jobs; one instance per process, shared by its worker threads."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        store: VectorStore,
        embedder: Embedder,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.store = store
        self.embedder = embedder
        self.worker_id = uuid.uuid4().hex
        self._stopping = threading.Event()

    def request_stop(self) -> None:
        """Ask running jobs to stop after their current batch (server shutdown)."""
        self._stopping.set()

    # -- entry point ---------------------------------------------------------------------
    def run_source(self, source_id: str) -> RunOutcome:
        """Claim and process one source. Never raises for a problem with the source itself."""
        now = _now()
        stale_before = now - timedelta(seconds=self.settings.job_stale_after_s)
        with transaction(self.sessions) as db:
            repo = KnowledgeRepository(db)
            source = repo.source_by_id(source_id)
            if source is None or source.status not in ("queued", "running"):
                return RunOutcome("skipped", "nothing to do")
            if not repo.claim(source_id, self.worker_id, now, stale_before):
                return RunOutcome("busy", "another worker holds this source")
            db.refresh(source)
            resumed = source.started_at is not None
            if not resumed:
                source.started_at = now
            source.error = None
            agent_id, kind, generation = source.agent_id, source.kind, source.generation
        try:
            if kind == "website":
                self._crawl(source_id, agent_id, generation, resumed)
            else:
                self._ingest_document(source_id, agent_id, generation)
        except SourceGone:
            return RunOutcome("skipped", "source deleted or restarted")
        except Interrupted:
            self._release(source_id, generation)
            return RunOutcome("interrupted", "shutting down; will resume")
        except FrontdeskError as exc:
            self._fail(source_id, agent_id, generation, str(exc.detail))
            return RunOutcome("failed", str(exc.detail))
        except Exception as exc:  # a bug must fail this source, never the worker
            log.exception("ingestion of source %s crashed", source_id)
            self._fail(source_id, agent_id, generation, f"Unexpected error: {exc}")
            return RunOutcome("failed", str(exc))
        return self._publish(source_id, agent_id, generation)

    # -- documents and pasted text -------------------------------------------------------
    def _ingest_document(self, source_id: str, agent_id: str, generation: int) -> None:
        with transaction(self.sessions) as db:
            source = self._own(db, source_id, generation)
            kind, text, title = source.kind, source.text, source.title
            file_path, file_name = source.file_path, source.file_name
            stored = db.get(UploadedFile, source_id) if kind == "file" else None
            data = stored.data if stored is not None else None
        if kind == "text":
            data, name = (text or "").encode(), title or "Pasted text"
            doc = parse_document(data, name, kind="markdown")
            if title:
                doc.title = title
        else:
            if data is None:
                # Uploaded before files moved into the database (models/uploaded_file.py).
                path = Path(file_path or "")
                if not path.is_file():
                    raise DocumentError(
                        f"The uploaded file {file_name} is no longer stored; upload it again."
                    )
                data = path.read_bytes()
            doc = parse_document(data, file_name)
        # A file read on its own keeps its header and footer: there is no site to share them.
        doc = doc.standalone()
        if doc.is_empty():
            raise DocumentError(
                f"{file_name or title or 'The text'} contains no text to learn from."
            )
        base = {"url": "", "file_name": file_name or "", "source_kind": kind}
        chunks = chunk_document(doc, namespace=f"{source_id}:{generation}")
        self._write_chunks(agent_id, source_id, generation, chunks, doc.title, base)
        with transaction(self.sessions) as db:
            source = self._own(db, source_id, generation)
            source.title = source.title or doc.title or file_name
            source.pages_found = source.pages_fetched = source.pages_indexed = 1
            source.chunk_count = len(chunks)
            source.heartbeat_at = _now()

    # -- websites ------------------------------------------------------------------------
    def _limits(self) -> CrawlLimits:
        s = self.settings
        return CrawlLimits(
            max_pages=s.crawl_max_pages,
            max_depth=s.crawl_max_depth,
            concurrency_per_host=s.crawl_concurrency,
            delay_s=s.crawl_delay_s,
            timeout_s=s.crawl_timeout_s,
            max_bytes=int(s.crawl_max_page_mb * 1024 * 1024),
        )

    def _crawl(self, source_id: str, agent_id: str, generation: int, resumed: bool) -> None:
        with transaction(self.sessions) as db:
            url = self._own(db, source_id, generation).url or ""
        asyncio.run(self._crawl_async(source_id, agent_id, generation, url, resumed))

    async def _crawl_async(
        self, source_id: str, agent_id: str, generation: int, start_url: str, resumed: bool
    ) -> None:
        limits = self._limits()
        async with SiteCrawler(start_url, limits, self.settings.crawl_allowed_hosts) as crawler:
            await crawler.load_robots()
            with transaction(self.sessions) as db:
                seeded = KnowledgeRepository(db).page_count(source_id, generation) > 0
            if not seeded:
                start = crawler.normalize(start_url)
                if start is None:
                    raise DocumentError(f"{start_url} is not a web address Frontdesk can crawl.")
                # Depth counts link hops from an entry point: the start page or a sitemap URL.
                seeds = [(start, 0)] + [(u, 0) for u in await crawler.sitemap_urls()]
                with transaction(self.sessions) as db:
                    self._own(db, source_id, generation)
                    self._add_pages(db, source_id, generation, seeds, limits.max_pages)
            await self._fetch_and_index(crawler, source_id, agent_id, generation, limits, resumed)
        with transaction(self.sessions) as db:
            stats = KnowledgeRepository(db).page_stats(source_id, generation)
        if stats["indexed"] == 0:
            raise DocumentError(_nothing_indexed_message(start_url, self.sessions, source_id))

    async def _fetch_and_index(
        self,
        crawler: SiteCrawler,
        source_id: str,
        agent_id: str,
        generation: int,
        limits: CrawlLimits,
        resumed: bool,
    ) -> None:
        """Fetch the next batch while the previous one is parsed and embedded.

        Fetching waits on the network and the politeness delay, embedding on the CPU; running
        them side by side is what keeps a 200-page site near the slower of the two. New
        links are only known once a batch is indexed, so when nothing is pending the fetcher
        waits for the indexer before deciding the crawl is over.
        """
        batch_size = max(4, limits.concurrency_per_host * 2)
        in_flight: set[str] = set()
        fetched: asyncio.Queue[list[_PageWork] | None] = asyncio.Queue(maxsize=2)
        progressed = asyncio.Event()
        state = _CrawlState()
        renderer = PageRenderer(crawler, find_chromium(self.settings.chromium))

        async def index_loop() -> None:
            while (batch := await fetched.get()) is not None:
                try:
                    await asyncio.to_thread(
                        self._index_batch,
                        source_id,
                        agent_id,
                        generation,
                        batch,
                        limits,
                        resumed,
                        state,
                    )
                finally:
                    in_flight.difference_update(w.page_id for w in batch)
                    progressed.set()

        indexer = asyncio.create_task(index_loop())
        try:
            while True:
                if self._stopping.is_set():
                    raise Interrupted(source_id)
                if indexer.done():
                    indexer.result()  # re-raises what stopped the indexer
                    return
                with transaction(self.sessions) as db:
                    self._own(db, source_id, generation)
                    pending = KnowledgeRepository(db).pending_pages(
                        source_id, generation, batch_size + len(in_flight)
                    )
                    batch = [
                        _PageWork(p.id, p.url, p.depth) for p in pending if p.id not in in_flight
                    ][:batch_size]
                if not batch:
                    if not in_flight:
                        break
                    progressed.clear()
                    waiter = asyncio.create_task(progressed.wait())
                    await asyncio.wait({waiter, indexer}, return_when=asyncio.FIRST_COMPLETED)
                    waiter.cancel()
                    continue
                in_flight.update(w.page_id for w in batch)
                results = await asyncio.gather(*(crawler.fetch(w.url) for w in batch))
                for work, result in zip(batch, results, strict=True):
                    work.result = result
                await _render_scripted(crawler, renderer, batch)
                put = asyncio.create_task(fetched.put(batch))
                await asyncio.wait({put, indexer}, return_when=asyncio.FIRST_COMPLETED)
                if not put.done():
                    put.cancel()
            await fetched.put(None)
            await indexer
        finally:
            with contextlib.suppress(Exception):
                await renderer.__aexit__(None, None, None)
            if not indexer.done():
                indexer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await indexer

    def _index_batch(
        self,
        source_id: str,
        agent_id: str,
        generation: int,
        batch: list[_PageWork],
        limits: CrawlLimits,
        resumed: bool,
        state: _CrawlState,
    ) -> None:
        for work in batch:
            result = work.result
            assert result is not None
            if not result.ok:
                work.error = result.error or "could not be fetched"
                continue
            kind = CONTENT_KINDS.get(result.content_type)
            if kind is None:
                work.error = f"unsupported content type {result.content_type}"
                continue
            try:
                work.doc = parse_document(result.body, result.final_url, kind=kind)
            except DocumentError as exc:
                work.error = str(exc.detail)
                continue
            if work.doc.is_empty():
                work.error = work.note or "no readable text on this page"
                continue
            own = state.repeats.without_repeats(work.doc, result.final_url)
            work.chunks = chunk_document(
                own, namespace=f"{source_id}:{generation}:{result.final_url}"
            )
            work.site_chunks = [
                chunk
                for chunk in site_chunks(
                    work.doc.site_sections, source_id=source_id, generation=generation
                )
                if chunk.id not in state.site_chunk_ids
            ]

        with transaction(self.sessions) as db:
            self._own(db, source_id, generation)
            repo = KnowledgeRepository(db)
            to_write: list[_PageWork] = []
            for work in batch:
                page = db.get(CrawlPage, work.page_id)
                if page is None:
                    continue
                if work.error is not None or work.doc is None:
                    page.status, page.error = "failed", work.error
                    continue
                result = work.result
                assert result is not None
                digest = _digest(work.doc)
                # "/" and "/index.html", or a redirect target also linked directly, are one page.
                duplicate = repo.page_by_hash(source_id, generation, digest) is not None or any(
                    w.doc is not None and _digest(w.doc) == digest for w in to_write
                )
                if duplicate:
                    page.status, page.error = "skipped", "same content as another page"
                    continue
                page.status, page.content_hash = "indexed", digest
                page.error = work.note
                page.title = (work.doc.title or "")[:500]
                page.chunk_count = len(work.chunks or [])
                to_write.append(work)
                if work.depth < limits.max_depth:
                    links = [(link, work.depth + 1) for link in result.links]
                    if result.final_url != work.url:
                        links.append((result.final_url, work.depth))
                    self._add_pages(db, source_id, generation, links, limits.max_pages)
            # Vectors are written before the page rows commit: if the process dies between
            # the two, the page is still pending and its chunks are overwritten next time.
            for work in to_write:
                assert work.result is not None and work.doc is not None
                url = work.result.final_url
                if resumed:
                    self.store.delete_where(
                        agent_id,
                        {"$and": [{"source_gen": source_gen(source_id, generation)}, {"url": url}]},
                    )
                self._write_chunks(
                    agent_id,
                    source_id,
                    generation,
                    work.chunks or [],
                    work.doc.title,
                    {"url": url, "file_name": "", "source_kind": "website"},
                )
                # No url: these belong to the whole site, and resuming a page must not
                # delete what other pages share with it.
                self._write_chunks(
                    agent_id,
                    source_id,
                    generation,
                    work.site_chunks,
                    SITE_WIDE_TITLE,
                    {"url": "", "file_name": "", "source_kind": "website", "site_wide": True},
                )
                state.site_chunk_ids.update(chunk.id for chunk in work.site_chunks)
            self._update_counters(db, source_id, generation, agent_id)

    def _add_pages(
        self,
        db: Session,
        source_id: str,
        generation: int,
        urls: list[tuple[str, int]],
        max_pages: int,
    ) -> None:
        repo = KnowledgeRepository(db)
        known = repo.known_urls(source_id, generation)
        room = max_pages - len(known)
        for url, depth in urls:
            if room <= 0:
                break
            if url in known:
                continue
            known.add(url)
            db.add(CrawlPage(source_id=source_id, generation=generation, url=url, depth=depth))
            room -= 1
        db.flush()

    def _update_counters(self, db: Session, source_id: str, generation: int, agent_id: str) -> None:
        stats = KnowledgeRepository(db).page_stats(source_id, generation)
        site_wide = self.store.count(
            agent_id,
            {"$and": [{"source_gen": source_gen(source_id, generation)}, {"site_wide": True}]},
        )
        source = db.get(KnowledgeSource, source_id)
        if source is None:
            return
        source.pages_found = stats["found"]
        source.pages_fetched = stats["found"] - stats["pending"]
        source.pages_indexed = stats["indexed"]
        source.pages_failed = stats["failed"]
        source.chunk_count = stats["chunks"] + site_wide
        source.heartbeat_at = _now()

    # -- shared steps --------------------------------------------------------------------
    def _write_chunks(
        self,
        agent_id: str,
        source_id: str,
        generation: int,
        chunks: list[Chunk],
        title: str,
        base: dict[str, Any],
    ) -> None:
        if not chunks:
            return
        vectors = self.embedder.embed_documents([c.text for c in chunks])
        gen_key = source_gen(source_id, generation)
        metadatas = [
            {
                **base,
                "source_id": source_id,
                "generation": generation,
                "source_gen": gen_key,
                "title": (title or "")[:500],
                "heading": c.heading[:500],
                "ordinal": c.ordinal,
            }
            for c in chunks
        ]
        self.store.upsert(
            agent_id, [c.id for c in chunks], vectors, [c.text for c in chunks], metadatas
        )

    def _own(self, db: Session, source_id: str, generation: int) -> KnowledgeSource:
        """The source row, still ours: raises SourceGone if deleted, restarted or taken over."""
        source = db.get(KnowledgeSource, source_id)
        if (
            source is None
            or source.generation != generation
            or source.claimed_by != self.worker_id
            or source.status != "running"
        ):
            raise SourceGone(source_id)
        source.heartbeat_at = _now()
        return source

    def _publish(self, source_id: str, agent_id: str, generation: int) -> RunOutcome:
        """Make the new generation the live one, atomically, then drop the old chunks."""
        with transaction(self.sessions) as db:
            try:
                source = self._own(db, source_id, generation)
            except SourceGone:
                return RunOutcome("skipped", "source deleted or restarted")
            old = source.active_generation
            source.active_generation = generation
            source.status, source.error = "ready", None
            source.finished_at = _now()
            source.claimed_by = None
            repo = KnowledgeRepository(db)
            repo.bump_kb_version(agent_id)
            repo.refresh_agent_status(agent_id)
            if old is not None and old != generation:
                repo.delete_pages(source_id, old)
        if old is not None and old != generation:
            self.store.delete_where(agent_id, {"source_gen": source_gen(source_id, old)})
        return RunOutcome("done")

    def _release(self, source_id: str, generation: int) -> None:
        """Hand an interrupted source back to the queue; its frontier keeps the progress."""
        with transaction(self.sessions) as db:
            source = db.get(KnowledgeSource, source_id)
            if (
                source is not None
                and source.generation == generation
                and source.claimed_by == self.worker_id
                and source.status == "running"
            ):
                source.status, source.claimed_by = "queued", None

    def _fail(self, source_id: str, agent_id: str, generation: int, message: str) -> None:
        with transaction(self.sessions) as db:
            source = db.get(KnowledgeSource, source_id)
            if source is None or source.generation != generation:
                return
            source.status, source.error = "failed", message
            source.finished_at = _now()
            source.claimed_by = None
            KnowledgeRepository(db).refresh_agent_status(agent_id)
        # The half-built generation is not live; its chunks would only waste space.
        try:
            self.store.delete_where(agent_id, {"source_gen": source_gen(source_id, generation)})
        except Exception:  # noqa: BLE001 - cleanup must not mask the real failure
            log.warning("could not remove partial chunks of source %s", source_id, exc_info=True)


def _digest(doc: ParsedDocument) -> str:
    whole = doc.standalone().text
    return hashlib.sha256(whole.encode()).hexdigest()


async def _render_scripted(
    crawler: SiteCrawler, renderer: PageRenderer, batch: list[_PageWork]
) -> None:
    """Pages that are a script-filled shell are replaced by what Chromium rendered; without
    Chromium they keep their HTML and a note for the owner (page_render.py)."""
    for work in batch:
        result = work.result
        if result is None or not result.ok or result.content_type not in HTML_TYPES:
            continue
        if not await renderer.needs_render(result.final_url, result.body):
            continue
        html, problem = await renderer.render(result.final_url, result.body)
        if html is None:
            work.note = problem
            continue
        result.body = html
        links = crawler.page_links(html, result.final_url)
        result.links = list(dict.fromkeys([*result.links, *links]))


def _nothing_indexed_message(
    start_url: str, sessions: sessionmaker[Session], source_id: str
) -> str:
    with transaction(sessions) as db:
        source = db.get(KnowledgeSource, source_id)
        failed = (
            KnowledgeRepository(db).failed_pages(source_id, source.generation, limit=1)
            if source
            else []
        )
    reason = f": {failed[0].url} — {failed[0].error}" if failed else ""
    return f"No page of {start_url} could be indexed{reason}"
