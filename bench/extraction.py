"""Extraction benchmark: is every key fact of each corpus site kept whole in one stored chunk?

For every site of the answer corpus (tests/corpus/sites/*), the site is served on loopback,
crawled and ingested through the real ingestion path (crawler → reader → chunker → MiniLM →
Chroma, SQLite in a temporary data dir, Chromium for script-built pages when installed), and
the stored chunks are read back. A key fact counts when all of its `together` strings occur
in one chunk (`tests.corpus.sites.contains`). Prints one JSON line last:

    {"extraction": mean share over sites, "sites": {slug: share}, "missing": [...]}

    .venv/bin/python bench/extraction.py                 # every corpus site
    .venv/bin/python bench/extraction.py --quick         # the first 3 sites
    .venv/bin/python bench/extraction.py --site bistro   # named sites (repeatable)
    .venv/bin/python bench/extraction.py --site-dir PATH # any folder with truth.json + site/
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus.sites import (  # noqa: E402
    SITES_ROOT,
    CorpusSite,
    contains,
    load_site,
    load_sites,
    serve,
)

from frontdesk.agents.schemas import AgentCreate  # noqa: E402
from frontdesk.agents.service import AgentService  # noqa: E402
from frontdesk.config import Settings  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.knowledge.vector_store import source_gen  # noqa: E402
from frontdesk.migrate import upgrade  # noqa: E402
from frontdesk.models import KnowledgeSource  # noqa: E402
from frontdesk.resources import Resources, build_resources  # noqa: E402
from frontdesk.workspace.service import Principal, create_workspace_with_owner  # noqa: E402


def _ingest(resources: Resources, principal: Principal, site: CorpusSite, url: str) -> list[str]:
    """Crawl one site into a new agent; the texts of its stored chunks."""
    with transaction(resources.sessionmaker) as db:
        agent = AgentService(db, resources, principal).create(
            AgentCreate(name=site.name, website_url=url)
        )
        agent_id = agent.id
        source_ids = [s.id for s in db.query(KnowledgeSource).filter_by(agent_id=agent_id)]
    for source_id in source_ids:
        outcome = resources.runner.run_source(source_id)
        if outcome.status != "done":
            print(f"{site.slug}: ingestion {outcome.status}: {outcome.detail}", file=sys.stderr)
    with transaction(resources.sessionmaker) as db:
        gens = [
            source_gen(s.id, s.active_generation)
            for s in db.query(KnowledgeSource).filter_by(agent_id=agent_id)
            if s.active_generation is not None
        ]
    return [c.text for c in resources.store.chunks(agent_id, gens)]


def _score(site: CorpusSite, chunks: list[str]) -> tuple[float, list[dict[str, Any]]]:
    missing = []
    for fact in site.key_facts:
        if not any(all(contains(text, part) for part in fact.together) for text in chunks):
            alone = [part for part in fact.together if not any(contains(t, part) for t in chunks)]
            missing.append(
                {
                    "site": site.slug,
                    "label": fact.label,
                    "together": list(fact.together),
                    # Parts found nowhere were lost; otherwise they were split apart.
                    "lost": alone,
                }
            )
    total = len(site.key_facts)
    return (1.0 - len(missing) / total) if total else 1.0, missing


def run(sites: list[CorpusSite]) -> dict[str, Any]:
    shares: dict[str, float] = {}
    missing: list[dict[str, Any]] = []
    chunk_counts: dict[str, int] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            environment="test",
            data_dir=Path(tmp) / "data",
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
                    db, workspace_name="Bench", email="bench@example.com", password="benchmark"
                )
            principal = Principal(workspace_id=workspace.id, user_id=None, via="bench")
            for site in sites:
                with serve(site) as served:
                    chunks = _ingest(resources, principal, site, served.url(site.start_path))
                share, lost = _score(site, chunks)
                shares[site.slug] = round(share, 3)
                chunk_counts[site.slug] = len(chunks)
                missing += lost
        finally:
            resources.close()
    mean = sum(shares.values()) / len(shares) if shares else 0.0
    return {
        "extraction": round(mean, 3),
        "sites": shares,
        "missing": missing,
        "chunks": chunk_counts,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the first 3 sites")
    parser.add_argument("--site", action="append", default=[], help="a corpus site's slug")
    parser.add_argument(
        "--site-dir", action="append", default=[], type=Path, help="a site folder outside it"
    )
    args = parser.parse_args()
    sites = [load_site(path.resolve()) for path in args.site_dir]
    if args.site or not sites:
        if not SITES_ROOT.is_dir():
            raise SystemExit(f"no corpus sites yet ({SITES_ROOT} does not exist); use --site-dir")
        sites += load_sites(args.site or None)
    if args.quick:
        sites = sites[:3]
    if not sites:
        raise SystemExit("no sites to measure")
    print(json.dumps(run(sites), ensure_ascii=False))


if __name__ == "__main__":
    main()
