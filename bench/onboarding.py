"""Onboarding benchmark: from "website URL entered" to "agent ready to talk".

A 50-page site on loopback (the Juniper Lane test website plus generated pet-care articles
linked from it), the embedded model, 2 cores. Timed: the crawl and indexing, the interview
with scripted owner answers (each question worded by the embedded model, as the product
does; the owner's thinking time is not counted: answers are instant), the agent's
generation and the indexing of the answers. Not timed: loading the model (done once at
setup) and the exam the agent then takes in the background; its score is reported.

Prints one JSON line last: {"url_to_ready_s", "questions", "exam_score", ...}

    .venv/bin/python bench/onboarding.py            # 50 pages, with the exam
    .venv/bin/python bench/onboarding.py --quick    # the test website alone, no exam
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.website.juniper_site import (  # noqa: E402
    JUNIPER_ROOT,
    price_list_pdf,
    robots_txt,
    sitemap_xml,
)
from tests.website.server import LoopbackSite, Route  # noqa: E402

from frontdesk.agents.schemas import AgentCreate  # noqa: E402
from frontdesk.agents.service import AgentService  # noqa: E402
from frontdesk.config import Settings  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.knowledge.repository import KnowledgeRepository  # noqa: E402
from frontdesk.migrate import upgrade  # noqa: E402
from frontdesk.models import Agent, KnowledgeSource  # noqa: E402
from frontdesk.onboarding.service import OnboardingService  # noqa: E402
from frontdesk.onboarding.terminal import model_phraser  # noqa: E402
from frontdesk.resources import Resources, build_resources  # noqa: E402
from frontdesk.workspace.service import Principal, create_workspace_with_owner  # noqa: E402
from text_turn import _exam  # noqa: E402

ANSWERS = {
    "booking.types": "Wellness exam 30 minutes, vaccination 15 minutes, dental cleaning 2 hours",
    "handoff.contacts": "Emergencies go to Dr. Priya Nandakumar, 555-014-7777",
    "boundaries.never": "Never give a diagnosis or a medicine dose over the phone.",
    "persona.persona": "Call her Maya, warm and friendly.",
    "languages.languages": "English and Spanish",
}
PETS = ("dogs", "cats", "rabbits", "guinea pigs", "ferrets", "kittens", "puppies", "older pets")
SUBJECTS = (
    ("Keeping {pet} cool in summer", "Shade, fresh water and short walks in the morning "
     "keep {pet} comfortable. Watch for heavy panting and bring them in early."),
    ("Feeding {pet} well", "A steady diet suited to age and weight matters more than any "
     "supplement. Ask us at the next wellness exam what fits your {pet}."),
    ("Travelling with {pet}", "A familiar blanket and a secure carrier make trips calmer. "
     "Short practice drives help {pet} get used to the car."),
    ("Dental health for {pet}", "Bad breath is often the first sign of dental disease. "
     "Daily brushing and yearly checks keep the teeth of {pet} healthy."),
    ("New {pet} at home", "Give new {pet} a quiet corner, a routine and time. Book a first "
     "check-up within two weeks of bringing them home."),
)  # fmt: skip


def build_site(root: Path, articles: int) -> None:
    """The test website plus `articles` pages under /articles/, linked from the home page."""
    shutil.copytree(JUNIPER_ROOT, root)
    folder = root / "articles"
    folder.mkdir()
    links = []
    for i in range(articles):
        title, body = SUBJECTS[i % len(SUBJECTS)]
        pet = PETS[(i // len(SUBJECTS)) % len(PETS)]
        heading = title.format(pet=pet)
        text = body.format(pet=pet)
        (folder / f"{i}.html").write_text(
            f"<!doctype html><html><head><title>{heading} | Juniper Lane</title></head><body>"
            f"<main><h1>{heading}</h1><p>{text}</p><p>Article {i} of our pet-care series."
            "</p></main></body></html>"
        )
        links.append(f'<li><a href="/articles/{i}.html">{heading}</a></li>')
    (folder / "index.html").write_text(
        "<!doctype html><html><head><title>Pet care articles</title></head><body><main>"
        f"<h1>Pet care articles</h1><ul>{''.join(links)}</ul></main></body></html>"
    )
    home = root / "index.html"
    home.write_text(
        home.read_text().replace(
            "</main>", '<p><a href="/articles/index.html">Pet care articles</a></p></main>', 1
        )
    )


def _ingest_queued(resources: Resources, agent_id: str) -> None:
    with transaction(resources.sessionmaker) as db:
        queued = KnowledgeRepository(db).working_source_ids(agent_id)
    for source_id in queued:
        outcome = resources.runner.run_source(source_id)
        if outcome.status != "done":
            raise SystemExit(f"ingestion failed: {outcome}")


def run(articles: int, exam: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        build_site(Path(tmp) / "site", articles)
        settings = Settings(
            environment="test",
            data_dir=Path(tmp) / "data",
            crawl_allowed_hosts=["127.0.0.1"],
            crawl_max_pages=articles + 40,
        )
        upgrade(settings.sqlalchemy_url)
        resources = build_resources(settings)
        assert resources.embedded_llm is not None
        resources.embedded_llm.server()  # loaded at setup, not per agent
        resources.embedder.embed_query("warm up")
        with transaction(resources.sessionmaker) as db:
            workspace, user = create_workspace_with_owner(
                db, workspace_name="Bench", email="bench@example.com", password="benchmark"
            )
        principal = Principal(workspace.id, user.id, "bench")
        phraser = model_phraser(resources)
        # Served like the test website (robots.txt keeps out the staff page; the sitemap
        # lists pages no link reaches), with the articles linked from the home page.
        pdf = Route(200, {"Content-Type": "application/pdf"}, price_list_pdf())
        with LoopbackSite(Path(tmp) / "site", routes={"/files/price-list.pdf": pdf}) as site:
            base = site.base_url
            site.add_route(
                "/robots.txt", Route(200, {"Content-Type": "text/plain"}, robots_txt(base))
            )
            site.add_route(
                "/sitemap.xml", Route(200, {"Content-Type": "application/xml"}, sitemap_xml(base))
            )
            started = time.perf_counter()
            with transaction(resources.sessionmaker) as db:
                agent = AgentService(db, resources, principal).create(
                    AgentCreate(name="Juniper Lane Veterinary Clinic", website_url=site.url("/"))
                )
                agent_id = agent.id
            _ingest_queued(resources, agent_id)
            ingested = time.perf_counter()
            with transaction(resources.sessionmaker) as db:
                pages = sum(
                    s.pages_indexed for s in db.query(KnowledgeSource).filter_by(agent_id=agent_id)
                )
                row, _ = OnboardingService(db, resources, principal, phraser).start(agent_id)
                current = row.questions[row.position] if row.questions else None
            asked = 0
            while current is not None:
                reply = ANSWERS.get(current["id"], "Yes, that's right.")
                print(f"Q: {current['text']}\nA: {reply}", file=sys.stderr)
                with transaction(resources.sessionmaker) as db:
                    service = OnboardingService(db, resources, principal, phraser)
                    row = service.answer(agent_id, current["id"], reply)
                    asked += 1
                    current = (
                        row.questions[row.position] if row.position < len(row.questions) else None
                    )
            interviewed = time.perf_counter()
            with transaction(resources.sessionmaker) as db:
                OnboardingService(db, resources, principal).finish(agent_id)
            _ingest_queued(resources, agent_id)
            ready = time.perf_counter()
            with transaction(resources.sessionmaker) as db:
                status = db.get(Agent, agent_id).status  # type: ignore[union-attr]
        if status != "ready":
            raise SystemExit(f"the agent ended {status!r}, not ready")
        score = asyncio.run(_exam(resources, principal, agent_id))["exam_score"] if exam else None
        resources.close()
    return {
        "url_to_ready_s": round(ready - started, 1),
        "questions": asked,
        "exam_score": score,
        "pages": pages,
        "ingest_s": round(ingested - started, 1),
        "interview_s": round(interviewed - ingested, 1),
        "generate_s": round(ready - interviewed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the test website alone, no exam")
    args = parser.parse_args()
    result = run(0 if args.quick else 36, exam=not args.quick)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
