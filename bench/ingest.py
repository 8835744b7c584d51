"""Ingestion benchmark: generate a 200-page business site on loopback and ingest it.

Runs the real pipeline in this process (crawler → trafilatura → chunker → MiniLM → Chroma,
SQLite frontier), as a worker would, with the product's default crawl settings except the
allow-list for 127.0.0.1. Prints one JSON line last:
{"pages", "seconds", "pages_per_s", "chunks", "peak_rss_mb", ...}

    .venv/bin/python bench/ingest.py            # 200 pages
    .venv/bin/python bench/ingest.py --quick    # 40 pages, well under a minute
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.website.server import LoopbackSite  # noqa: E402

from frontdesk.agents.schemas import AgentCreate  # noqa: E402
from frontdesk.agents.service import AgentService  # noqa: E402
from frontdesk.config import Settings  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.migrate import upgrade  # noqa: E402
from frontdesk.models import KnowledgeSource  # noqa: E402
from frontdesk.resources import build_resources  # noqa: E402
from frontdesk.workspace.service import Principal, create_workspace_with_owner  # noqa: E402

WORDS = [
    "appointment",
    "clinic",
    "service",
    "price",
    "visit",
    "team",
    "patient",
    "owner",
    "booking",
    "weekend",
    "morning",
    "evening",
    "policy",
    "deposit",
    "parking",
    "entrance",
    "question",
    "answer",
    "treatment",
    "consultation",
    "follow-up",
    "reminder",
    "schedule",
    "holiday",
    "emergency",
    "friendly",
    "experienced",
    "gentle",
    "modern",
    "equipment",
    "certified",
    "insurance",
    "payment",
    "card",
    "cash",
    "plan",
    "discount",
    "family",
    "senior",
    "student",
]
TOPICS = ["Services", "Pricing", "Policies", "Our team", "Visiting us", "News", "Guides"]


def _paragraph(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def generate_site(root: Path, pages: int, seed: int = 7) -> None:
    """A nested site: /section-k/page-n.html, every page with nav and footer boilerplate."""
    rng = random.Random(seed)
    sections = [f"section-{i}" for i in range(len(TOPICS))]
    paths = ["index.html"] + [
        f"{sections[i % len(sections)]}/page-{i}.html" for i in range(1, pages)
    ]
    # The menu links each section's first page, as a real site's navigation would.
    firsts = {p.split("/")[0]: p for p in reversed(paths[1:])}
    nav = "".join(
        f'<a href="/{firsts[s]}">{TOPICS[i]}</a> ' for i, s in enumerate(sections) if s in firsts
    )
    for i, path in enumerate(paths):
        links = "".join(
            f'<li><a href="/{paths[j]}">Read more {j}</a></li>'
            for j in rng.sample(range(len(paths)), k=min(6, len(paths)))
        )
        # A "next page" link, so every generated page is reachable.
        links += f'<li><a href="/{paths[(i + 1) % len(paths)]}">Next</a></li>'
        body = "".join(
            f"<h2>{rng.choice(TOPICS)} detail {k}</h2>"
            f"<p>{_paragraph(rng, rng.randint(60, 140))}</p>"
            for k in range(rng.randint(2, 4))
        )
        html = (
            f"<!doctype html><html><head><title>Page {i} — Bench Clinic</title></head><body>"
            f"<header><nav>{nav}</nav></header><main><h1>Bench Clinic page {i}</h1>"
            f"<p>Fact {i}: the code for this page is BENCH-{i:04d}.</p>{body}"
            f"<ul>{links}</ul></main>"
            "<footer>© 2026 Bench Clinic · Privacy · Terms</footer></body></html>"
        )
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)


def run(pages: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        site_dir = Path(tmp) / "site"
        generate_site(site_dir, pages)
        with LoopbackSite(site_dir) as site:
            settings = Settings(
                environment="test",
                data_dir=Path(tmp) / "data",
                crawl_allowed_hosts=["127.0.0.1"],
                # "/" and "/index.html" are two frontier entries for one page.
                crawl_max_pages=pages + 10,
                crawl_max_depth=10,
            )
            upgrade(settings.sqlalchemy_url)
            resources = build_resources(settings)
            resources.embedder.embed_query("warm up")  # model load is not ingestion time
            with transaction(resources.sessionmaker) as db:
                workspace, _ = create_workspace_with_owner(
                    db, workspace_name="Bench", email="bench@example.com", password="benchmark"
                )
            principal = Principal(workspace_id=workspace.id, user_id=None, via="bench")
            started = time.perf_counter()
            with transaction(resources.sessionmaker) as db:
                agent = AgentService(db, resources, principal).create(
                    AgentCreate(name="Bench Clinic", website_url=site.base_url + "/")
                )
                source_id = next(
                    s.id for s in db.query(KnowledgeSource).filter_by(agent_id=agent.id)
                )
            outcome = resources.runner.run_source(source_id)
            seconds = time.perf_counter() - started
            with transaction(resources.sessionmaker) as db:
                source = db.get(KnowledgeSource, source_id)
                assert source is not None
                indexed, chunks, failed = (
                    source.pages_indexed,
                    source.chunk_count,
                    source.pages_failed,
                )
            resources.close()
    if outcome.status != "done":
        raise SystemExit(f"ingestion failed: {outcome}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "pages": indexed,
        "pages_failed": failed,
        "seconds": round(seconds, 2),
        "pages_per_s": round(indexed / seconds, 2),
        "chunks": chunks,
        "chunks_per_s": round(chunks / seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "crawl_delay_s": settings.crawl_delay_s,
        "crawl_concurrency": settings.crawl_concurrency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 pages instead of 200")
    parser.add_argument("--pages", type=int, default=None)
    args = parser.parse_args()
    pages = args.pages or (40 if args.quick else 200)
    print(json.dumps(run(pages)))


if __name__ == "__main__":
    main()
