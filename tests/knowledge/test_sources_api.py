"""Knowledge sources through the API: adding, limits of the crawl, deleting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.migrate import upgrade
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import Resources, build_resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site

pytestmark = pytest.mark.slow


def test_add_text_and_delete_source(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Bakery"}).json()
    assert agent["status"] == "draft"
    base = f"/api/agents/{agent['id']}/knowledge"
    empty = client.post(f"{base}/sources", json={"kind": "text", "text": ""})
    assert empty.status_code == 422
    unknown = client.post(f"{base}/sources", json={"kind": "fax", "number": "1"})
    assert unknown.status_code == 422

    first = client.post(
        f"{base}/sources",
        json={"kind": "text", "title": "Cakes", "text": "Carrot cake costs $34 a whole cake."},
    ).json()
    second = client.post(
        f"{base}/sources",
        json={"kind": "text", "title": "Bread", "text": "Sourdough loaves are baked at 6 am."},
    ).json()
    agent = wait_for_agent(client, agent["id"])
    assert agent["status"] == "interviewing"
    assert {s["title"] for s in agent["sources"]} == {"Cakes", "Bread"}

    assert client.delete(f"{base}/sources/{first['id']}").status_code == 204
    assert client.get(f"{base}/sources/{first['id']}").status_code == 404
    hits = client.get(f"{base}/search", params={"q": "carrot cake price $34"}).json()["results"]
    assert hits and all(h["source_id"] == second["id"] for h in hits)
    assert resources.store.count(agent["id"], {"source_id": first["id"]}) == 0

    client.delete(f"{base}/sources/{second['id']}")
    assert client.get(f"/api/agents/{agent['id']}").json()["status"] == "draft"
    assert client.get(f"{base}/search", params={"q": "sourdough"}).json()["results"] == []


@pytest.fixture
def capped_client(
    settings: Settings, embedder: MiniLMOnnxEmbedder, request: pytest.FixtureRequest
) -> Iterator[tuple[TestClient, Resources]]:
    capped = settings.model_copy(update=request.param)
    upgrade(capped.sqlalchemy_url)
    resources = build_resources(capped, embedder=embedder)
    with TestClient(create_app(resources=resources)) as client:
        yield client, resources
    resources.close()


@pytest.mark.parametrize("capped_client", [{"crawl_max_pages": 5}], indirect=True)
def test_page_cap(capped_client: tuple[TestClient, Resources]) -> None:
    app_client, resources = capped_client
    client, _ = make_signed_in_client(app_client, resources)
    with juniper_site() as site:
        agent = client.post("/api/agents", data={"name": "V", "website_url": site.url("/")}).json()
        agent = wait_for_agent(client, agent["id"])
    source = agent["sources"][0]
    assert source["pages_found"] == 5
    assert source["pages_indexed"] + source["pages_failed"] <= 5


@pytest.mark.parametrize("capped_client", [{"crawl_max_depth": 0}], indirect=True)
def test_depth_cap(capped_client: tuple[TestClient, Resources]) -> None:
    app_client, resources = capped_client
    client, _ = make_signed_in_client(app_client, resources)
    with juniper_site() as site:
        agent = client.post("/api/agents", data={"name": "V", "website_url": site.url("/")}).json()
        agent = wait_for_agent(client, agent["id"])
        paths = set(site.requested_paths)
    # Depth 0: the entry points (start page and sitemap URLs); no link is followed.
    assert "/files/price-list.pdf" not in paths and "/careers.html" not in paths
    assert "/news/winter-hours.html" in paths
    assert agent["sources"][0]["status"] == "ready"
