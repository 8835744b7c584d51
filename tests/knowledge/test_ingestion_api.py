"""End to end through the HTTP API: the Juniper Lane website plus an uploaded DOCX become a
searchable knowledge base, with live progress, and bad input fails alone and clearly."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from docx import Document
from fastapi.testclient import TestClient

from frontdesk.knowledge.vector_store import source_gen
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site
from tests.website.server import LoopbackSite

pytestmark = pytest.mark.slow


def intake_guide_docx() -> bytes:
    doc = Document()
    doc.add_heading("New client intake guide", level=1)
    doc.add_heading("Your first visit", level=2)
    doc.add_paragraph(
        "Please arrive 15 minutes early for your first appointment and bring your pet's "
        "vaccination records and any medication it takes."
    )
    doc.add_heading("Cats and carriers", level=2)
    doc.add_paragraph("Cats must arrive in a closed carrier; we lend carriers on request.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# (question, text the right chunk contains, where it must come from)
QUESTIONS = [
    ("What are your opening hours on Saturday?", "9:00 am", "/visit/hours.html"),
    ("How much does a rabies vaccination cost?", "$32", "/files/price-list.pdf"),
    ("How much is a canine dental cleaning?", "$240", "/files/price-list.pdf"),
    ("What is the emergency phone number?", "014-9911", None),
    ("555-014-2398", "014-2398", None),
    ("What happens if I miss my appointment?", "$35", "/policies/cancellation.html"),
    ("Do you offer payment plans for large bills?", "25%", "/files/price-list.pdf"),
    ("Where can I park my car?", "Cedar Street", None),
    ("Do you treat reptiles?", "reptiles", "/faq.html"),
    ("Who is the head veterinarian?", "Nandakumar", None),
    ("Are you open on December 26?", "December 25", "/news/winter-hours.html"),
    ("Which days can I book grooming?", "Tuesdays and Thursdays", "/services/grooming.html"),
    ("How early should I arrive for my first appointment?", "15 minutes", "intake-guide.docx"),
    ("What should I bring to the first visit?", "vaccination records", "intake-guide.docx"),
]


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with juniper_site() as running:
        yield running


def _events(client: TestClient, agent_id: str) -> list[tuple[str, dict]]:
    events: list[tuple[str, dict]] = []
    name = None
    with client.stream("GET", f"/api/agents/{agent_id}/knowledge/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                events.append((name, json.loads(line[6:])))
                if name == "done":
                    break
    return events


def _where(hit: dict) -> str:
    return hit["url"] or hit["file_name"] or ""


def test_website_and_docx_become_searchable(
    app_client: TestClient, resources: Resources, site: LoopbackSite
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    created = client.post(
        "/api/agents",
        data={"name": "Juniper Lane Vet", "website_url": site.url("/")},
        files=[("files", ("intake-guide.docx", intake_guide_docx(), "application/octet-stream"))],
    )
    assert created.status_code == 201, created.text
    agent = created.json()
    assert agent["status"] == "ingesting"
    assert sorted(s["kind"] for s in agent["sources"]) == ["file", "website"]

    events = _events(client, agent["id"])
    progress = [data for name, data in events if name == "progress"]
    assert progress and events[-1][0] == "done"
    assert events[-1][1]["agent_status"] == "interviewing"
    website = [e for e in progress if e["kind"] == "website"]
    assert max(e["pages_found"] for e in website) >= 12
    assert website[-1]["status"] == "ready" and website[-1]["pages_indexed"] >= 12

    agent = wait_for_agent(client, agent["id"])
    assert agent["status"] == "interviewing"
    web_source = next(s for s in agent["sources"] if s["kind"] == "website")
    detail = client.get(f"/api/agents/{agent['id']}/knowledge/sources/{web_source['id']}").json()
    failures = {f["url"].rsplit("/", 1)[-1]: f["error"] for f in detail["failures"]}
    assert "404" in failures["careers.html"]

    search = f"/api/agents/{agent['id']}/knowledge/search"
    for question, expected, origin in QUESTIONS:
        hits = client.get(search, params={"q": question, "k": 3}).json()["results"]
        found = [h for h in hits if expected in h["text"]]
        assert found, f"{question!r}: {expected!r} not in top 3: {[h['text'][:80] for h in hits]}"
        if origin:
            assert any(_where(h).endswith(origin) for h in found), (question, found)
        assert all(h["title"] is not None and 0 < h["score"] <= 1 for h in hits)

    # robots.txt: the staff page was never requested, and nothing of it is searchable.
    assert not [p for p in site.requested_paths if p.startswith("/staff-only")]
    rota = client.get(search, params={"q": "ROTA-SECRET-7731 staff rota", "k": 10}).json()
    assert not [h for h in rota["results"] if "ROTA-SECRET" in h["text"]]
    # Navigation and footer boilerplate were not indexed at all.
    gens = [source_gen(s["id"], s["active_generation"]) for s in agent["sources"]]
    stored = resources.store.chunks(agent["id"], gens)
    assert stored
    assert not [c for c in stored if "PixelPaws" in c.text or "Cookie settings" in c.text]
    assert len({c.id for c in stored}) == len(stored)
    assert sum(s["chunk_count"] for s in agent["sources"]) == len(stored)


def test_recrawl_swaps_chunks(
    app_client: TestClient, resources: Resources, site: LoopbackSite
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Vet", "website_url": site.url("/")}).json()
    agent = wait_for_agent(client, agent["id"])
    source = agent["sources"][0]
    before = resources.store.chunks(agent["id"], [source_gen(source["id"], 1)])

    response = client.post(f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}/recrawl")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    again = client.post(f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}/recrawl")
    assert again.status_code in (202, 409)

    agent = wait_for_agent(client, agent["id"])
    source = agent["sources"][0]
    assert source["status"] == "ready" and source["active_generation"] >= 2
    live = resources.store.chunks(
        agent["id"], [source_gen(source["id"], source["active_generation"])]
    )
    assert len(live) == len(before) == source["chunk_count"]
    # The old generation is gone from the collection: no duplicates, nothing stale.
    assert resources.store.count(agent["id"]) == len(live)
    hits = client.get(
        f"/api/agents/{agent['id']}/knowledge/search", params={"q": "emergency phone"}
    ).json()["results"]
    assert any("014-9911" in h["text"] for h in hits)


def test_bad_files_fail_alone_with_clear_messages(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post(
        "/api/agents",
        data={"name": "Docs"},
        files=[
            (
                "files",
                (
                    "prices.pdf",
                    b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage",
                    "application/pdf",
                ),
            ),
            ("files", ("hours.txt", b"We are open every day from 7 to 7.", "text/plain")),
        ],
    ).json()
    agent = wait_for_agent(client, agent["id"])
    by_name = {s["file_name"]: s for s in agent["sources"]}
    assert by_name["prices.pdf"]["status"] == "failed"
    assert "prices.pdf" in by_name["prices.pdf"]["error"]
    assert (
        "damaged" in by_name["prices.pdf"]["error"]
        or "no extractable text" in by_name["prices.pdf"]["error"]
    )
    assert by_name["hours.txt"]["status"] == "ready"
    assert agent["status"] == "interviewing"

    limit = resources.settings.max_upload_bytes
    too_big = client.post(
        f"/api/agents/{agent['id']}/knowledge/files",
        files=[("files", ("huge.txt", b"a" * (limit + 1), "text/plain"))],
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"] == "PayloadTooLarge" and "huge.txt" in too_big.json()["detail"]

    image = client.post(
        f"/api/agents/{agent['id']}/knowledge/files",
        files=[("files", ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "application/pdf"))],
    )
    assert image.status_code == 422 and image.json()["error"] == "DocumentError"

    # Refused creations leave nothing behind.
    names_before = [a["name"] for a in client.get("/api/agents").json()]
    big_agent = client.post(
        "/api/agents",
        data={"name": "Big"},
        files=[("files", ("huge.txt", b"a" * (limit + 1), "text/plain"))],
    )
    assert big_agent.status_code == 413
    assert [a["name"] for a in client.get("/api/agents").json()] == names_before
    assert len(client.get(f"/api/agents/{agent['id']}/knowledge/sources").json()) == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8000/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "ftp://example.com/",
    ],
)
def test_ssrf_probes_are_refused(app_client: TestClient, resources: Resources, url: str) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    response = client.post("/api/agents", data={"name": "Probe", "website_url": url})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] in ("AddressRefused", "UnsafeURL", "ValidationFailed")
    assert client.get("/api/agents").json() == []
