"""Corpus sites ingested the product's own way, for the benchmarks that read what was stored.

Each site of the answer corpus is served on loopback and becomes one agent whose website is
crawled and indexed through the real path (crawler → reader → chunker → MiniLM → Chroma,
SQLite in a temporary data dir, Chromium for script-built pages when installed). The
extraction and retrieval benchmarks then read the stored chunks or search them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus.sites import CorpusSite, serve  # noqa: E402

from frontdesk.agents.schemas import AgentCreate  # noqa: E402
from frontdesk.agents.service import AgentService  # noqa: E402
from frontdesk.config import Settings  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.knowledge.vector_store import StoredChunk, source_gen  # noqa: E402
from frontdesk.migrate import upgrade  # noqa: E402
from frontdesk.models import KnowledgeSource  # noqa: E402
from frontdesk.resources import Resources, build_resources  # noqa: E402
from frontdesk.workspace.service import Principal, create_workspace_with_owner  # noqa: E402


@dataclass
class SiteAgent:
    site: CorpusSite
    agent_id: str
    chunks: list[StoredChunk]
    pages: int
    seconds: float
    failure: str | None = None


@contextmanager
def corpus_resources(data_dir: Path) -> Iterator[tuple[Resources, Principal]]:
    """The product's resources on a fresh data dir (no language model), and one workspace."""
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        crawl_allowed_hosts=["127.0.0.1"],
        crawl_delay_s=0.0,
        crawl_max_pages=100,
        crawl_max_depth=6,
        embedded_llm=False,
    )
    upgrade(settings.sqlalchemy_url)
    resources = build_resources(settings)
    try:
        with transaction(resources.sessionmaker) as db:
            workspace, _ = create_workspace_with_owner(
                db, workspace_name="Corpus", email="corpus@example.com", password="benchmark"
            )
        yield resources, Principal(workspace_id=workspace.id, user_id=None, via="bench")
    finally:
        resources.close()


def ingest(site: CorpusSite, resources: Resources, principal: Principal) -> SiteAgent:
    """One agent built from the site as an owner would: its address, crawled and indexed."""
    started = time.perf_counter()
    with serve(site) as served:
        with transaction(resources.sessionmaker) as db:
            agent = AgentService(db, resources, principal).create(
                AgentCreate(name=site.name, website_url=served.base_url + site.start_path)
            )
            agent_id = agent.id
            source_ids = [s.id for s in db.query(KnowledgeSource).filter_by(agent_id=agent_id)]
        # A site the reader cannot read still counts: all its facts are extraction losses.
        failures = []
        for source_id in source_ids:
            outcome = resources.runner.run_source(source_id)
            if outcome.status != "done":
                failures.append(outcome.detail or outcome.status)
    with transaction(resources.sessionmaker) as db:
        sources = db.query(KnowledgeSource).filter_by(agent_id=agent_id).all()
        gens = [source_gen(s.id, s.active_generation) for s in sources if s.active_generation]
        pages = sum(s.pages_indexed for s in sources)
    return SiteAgent(
        site=site,
        agent_id=agent_id,
        chunks=resources.store.chunks(agent_id, gens),
        pages=pages,
        seconds=time.perf_counter() - started,
        failure="; ".join(failures) or None,
    )
