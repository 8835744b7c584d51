"""While a re-crawl runs, search keeps answering from the previous crawl; the new chunks
replace the old ones in one step when the new crawl completes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.server import LoopbackSite, Route

pytestmark = pytest.mark.slow

PAGE = (
    "<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
    "<p>{body}</p></main></body></html>"
)


def _write_site(root: Path, hours: str) -> None:
    # hours.html is linked last so the crawl reaches it after the other pages.
    links = "".join(f'<a href="/p{i}.html">Page {i}</a> ' for i in range(6))
    links += '<a href="/hours.html">Hours</a>'
    (root / "index.html").write_text(
        PAGE.format(title="Maple Bakery", body=f"Fresh bread daily. {links}")
    )
    (root / "hours.html").write_text(
        PAGE.format(title="Opening hours", body=f"Maple Bakery opening hours: {hours}.")
    )
    for i in range(6):
        (root / f"p{i}.html").write_text(
            PAGE.format(title=f"Cake {i}", body=f"Cake number {i} is made with butter and love.")
        )


def _search(client: TestClient, agent_id: str, q: str) -> list[str]:
    response = client.get(f"/api/agents/{agent_id}/knowledge/search", params={"q": q, "k": 10})
    return [h["text"] for h in response.json()["results"]]


def test_recrawl_is_atomic_for_searchers(
    app_client: TestClient, resources: Resources, tmp_path: Path
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    _write_site(tmp_path, "seven to three, daily")
    with LoopbackSite(tmp_path) as site:
        agent = client.post("/api/agents", data={"name": "Bakery", "website_url": site.url("/")})
        agent = wait_for_agent(client, agent.json()["id"])
        source = agent["sources"][0]
        assert source["status"] == "ready"
        assert any("seven to three" in t for t in _search(client, agent["id"], "opening hours"))

        # The site changes; every page of the re-crawl is now slow to answer.
        _write_site(tmp_path, "eight to four, closed Mondays")
        for name in ["p0", "p1", "p2", "p3", "p4", "p5", "hours"]:
            page = (tmp_path / f"{name}.html").read_bytes()
            site.add_route(
                f"/{name}.html", Route(200, {"Content-Type": "text/html"}, page, delay_s=0.4)
            )
        started = client.post(f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}/recrawl")
        assert started.status_code == 202

        saw_running = False
        deadline = time.monotonic() + 60
        while True:
            texts = _search(client, agent["id"], "opening hours")
            # Read the source after searching: if generation 1 is still live now, it was live
            # for the whole search.
            current = client.get(f"/api/agents/{agent['id']}").json()
            src = current["sources"][0]
            if src["status"] == "ready":
                break
            saw_running = saw_running or src["status"] == "running"
            assert src["active_generation"] == 1
            assert current["status"] == "ingesting"
            # Mid-crawl: only the old generation answers, complete and unmixed.
            assert any("seven to three" in t for t in texts), (src, texts)
            assert not any("eight to four" in t for t in texts)
            assert time.monotonic() < deadline, src
            time.sleep(0.1)
        assert saw_running
        assert src["active_generation"] == 2 and current["status"] == "interviewing"
        texts = _search(client, agent["id"], "opening hours")
        assert any("eight to four" in t for t in texts)
        assert not any("seven to three" in t for t in texts)
        assert resources.store.count(agent["id"]) == src["chunk_count"]


def test_server_shutdown_requeues_a_running_crawl(
    settings,
    embedder,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """Stopping `serve` mid-crawl puts the source back in the queue (not failed), and the
    next start finishes it."""
    from frontdesk.app import create_app
    from frontdesk.migrate import upgrade
    from frontdesk.resources import build_resources

    links = "".join(f'<a href="/q{i}.html">Item {i}</a> ' for i in range(30))
    (tmp_path / "index.html").write_text(PAGE.format(title="Menu", body=f"Our menu. {links}"))
    for i in range(30):
        (tmp_path / f"q{i}.html").write_text(
            PAGE.format(title=f"Item {i}", body=f"Menu item {i} is a pastry with filling {i}.")
        )
    # 31 pages, one request start every 0.3 s: about 9 s of crawling to interrupt.
    slow = settings.model_copy(update={"crawl_concurrency": 1, "crawl_delay_s": 0.3})
    upgrade(slow.sqlalchemy_url)
    with LoopbackSite(tmp_path) as site:
        resources = build_resources(slow, embedder=embedder)
        with TestClient(create_app(resources=resources)) as app_client:
            client, user = make_signed_in_client(app_client, resources)
            agent = client.post("/api/agents", data={"name": "B", "website_url": site.url("/")})
            agent_id = agent.json()["id"]
            deadline = time.monotonic() + 30
            while client.get(f"/api/agents/{agent_id}").json()["sources"][0]["pages_indexed"] < 2:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        resources.close()

        resources = build_resources(slow, embedder=embedder)
        with TestClient(create_app(resources=resources)) as app_client:
            from tests.factories import sign_in

            client = sign_in(app_client, user)
            source = client.get(f"/api/agents/{agent_id}").json()["sources"][0]
            assert source["status"] in ("queued", "running"), source
            assert source["error"] is None
            agent = wait_for_agent(client, agent_id)
            assert agent["status"] == "interviewing"
            assert agent["sources"][0]["pages_indexed"] == 31
        resources.close()
