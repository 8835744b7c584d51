"""A source's chunks for the dashboard's preview: what search sees, in reading order."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.knowledge.site_wide import SITE_WIDE_TITLE
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site

pytestmark = pytest.mark.slow

TOPICS = ["Grooming", "Vaccines", "Dental care", "Boarding", "Surgery"]


def _section(number: int, topic: str) -> str:
    sentences = " ".join(
        f"{topic} fact {i} of section {number}: the clinic explains this in detail."
        for i in range(20)
    )
    return f"# Section {number}: {topic}\n\n{sentences}\n"


def test_text_source_chunks_page_in_order(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Juniper"}).json()
    base = f"/api/agents/{agent['id']}/knowledge/sources"
    text = "\n".join(_section(n, topic) for n, topic in enumerate(TOPICS, start=1))
    source = client.post(base, json={"kind": "text", "title": "Services", "text": text}).json()
    [ready] = wait_for_agent(client, agent["id"])["sources"]
    assert ready["chunk_count"] >= len(TOPICS)

    pages = []
    offset = 0
    while True:
        page = client.get(f"{base}/{source['id']}/chunks", params={"limit": 2, "offset": offset})
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["total"] == ready["chunk_count"]
        if not body["chunks"]:
            break
        assert len(body["chunks"]) <= 2
        pages.extend(body["chunks"])
        offset += 2
    assert len(pages) == ready["chunk_count"] == len({c["id"] for c in pages})
    assert all(c["title"] == "Services" and c["url"] is None for c in pages)
    # Reading order: the sections come as written.
    firsts = [next(i for i, c in enumerate(pages) if topic in c["text"]) for topic in TOPICS]
    assert firsts == sorted(firsts)
    assert "Section 1" in (pages[0]["heading"] or "") + pages[0]["text"]

    assert client.get(f"{base}/{source['id']}/chunks", params={"limit": 0}).status_code == 422
    assert client.get(f"{base}/nope/chunks").status_code == 404
    stranger, _ = make_signed_in_client(TestClient(app_client.app), resources)
    assert stranger.get(f"{base}/{source['id']}/chunks").status_code == 404


def test_website_chunks_name_their_pages(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    with juniper_site() as site:
        agent = client.post("/api/agents", data={"name": "Juniper", "website_url": site.url("/")})
        agent_id = agent.json()["id"]
        [source] = wait_for_agent(client, agent_id)["sources"]
        home = site.url("/")
    body = client.get(
        f"/api/agents/{agent_id}/knowledge/sources/{source['id']}/chunks", params={"limit": 200}
    ).json()
    assert body["total"] == source["chunk_count"] == len(body["chunks"]) > 0
    # What every page shares (its header and footer) is stored once for the site, with no
    # page of its own; every other chunk names its page, page by page.
    shared = [c for c in body["chunks"] if c["title"] == SITE_WIDE_TITLE]
    assert all(c["url"] is None for c in shared)
    urls = [c["url"] for c in body["chunks"] if c["title"] != SITE_WIDE_TITLE]
    assert all(u and u.startswith(home) for u in urls)
    assert urls == sorted(urls)
