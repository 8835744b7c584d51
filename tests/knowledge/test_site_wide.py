"""A crawled site's header, footer and repeated contact block are stored once per site, and a
card's heading sits in the same chunk as its facts, through the real ingestion path."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.knowledge.site_wide import SITE_WIDE_TITLE
from frontdesk.knowledge.vector_store import source_gen
from frontdesk.resources import Resources
from tests.corpus.sites import contains
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.server import LoopbackSite

pytestmark = pytest.mark.slow

HEADER = """<header class="site-header"><a href="/">Juniper Table</a>
<nav><a href="/">Home</a> <a href="/team.html">Team</a> <a href="/menu.html">Menu</a>
<a href="/visit.html">Visit</a></nav><p>Reservations: (718) 555-0142</p></header>"""
# A contact strip written into every page's body, with no element that marks it as such.
STRIP = """<div class="strip"><p>Tables are held for 15 minutes after the booking time;
parties of 8 or more please call ahead.</p></div>"""
FOOTER = """<footer><div class="cols"><div><h4>Hours</h4><p>Tuesday–Sunday 5pm–11pm</p>
<p>Closed Mondays</p></div><div><h4>Find us</h4><p>418 Atlantic Avenue, Brooklyn</p></div>
</div><p>© 2026 Juniper Table</p></footer>"""

PAGES = {
    "index.html": (
        "Juniper Table",
        "<h1>Juniper Table</h1><p>A neighbourhood restaurant cooking over wood fire.</p>"
        "<h2>Weekend Brunch</h2><p>Saturday and Sunday from 10am, eggs and pastries.</p>",
    ),
    "team.html": (
        "Our team",
        "<h1>Our team</h1><div class='grid'>"
        + "".join(
            f"<div class='card'><img src='/{n}.jpg' alt=''><div class='card-body'>"
            f"<h3>{name}</h3><p>{role}</p></div></div>"
            for n, (name, role) in enumerate(
                [
                    ("Maria Santos", "Executive Chef"),
                    ("Devon Park", "Pastry Chef"),
                    ("Lena Ortiz", "General Manager"),
                ]
            )
        )
        + "</div>",
    ),
    "menu.html": (
        "Menu",
        "<h1>Menu</h1><h2>Mains</h2>"
        "<div class='item'><span class='n'>Wood-fired Duck</span>"
        "<span class='d'>cherries, farro</span><span class='p'>$34</span></div>"
        "<div class='item'><span class='n'>Hanger Steak</span>"
        "<span class='d'>chimichurri</span><span class='p'>$38</span></div>",
    ),
    "visit.html": ("Visit", "<h1>Visit us</h1><p>Street parking on Atlantic Avenue.</p>"),
}


def _write_site(root: Path, footer: str = FOOTER) -> None:
    for name, (title, body) in PAGES.items():
        (root / name).write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{HEADER}<main>{body}{STRIP}</main>{footer}</body></html>",
            encoding="utf-8",
        )


def _stored(resources: Resources, agent: dict) -> list:
    gens = [source_gen(s["id"], s["active_generation"]) for s in agent["sources"]]
    return resources.store.chunks(agent["id"], gens)


def _holding(chunks: list, *wanted: str) -> list:
    return [c for c in chunks if all(contains(c.text, w) for w in wanted)]


def test_site_wide_text_is_stored_once_and_cards_keep_their_headings(
    app_client: TestClient, resources: Resources, tmp_path: Path
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    _write_site(tmp_path)
    with LoopbackSite(tmp_path) as site:
        created = client.post("/api/agents", data={"name": "Juniper", "website_url": site.url("/")})
        agent = wait_for_agent(client, created.json()["id"])
        source = agent["sources"][0]
        assert source["status"] == "ready" and source["pages_indexed"] == 4, source
        chunks = _stored(resources, agent)

        # The footer, the header's phone line and the repeated strip: one copy each.
        assert len(_holding(chunks, "418 Atlantic Avenue, Brooklyn")) == 1
        assert len(_holding(chunks, "Tuesday–Sunday 5pm–11pm")) == 1
        assert len(_holding(chunks, "(718) 555-0142")) == 1
        assert len(_holding(chunks, "held for 15 minutes")) == 1
        hours = _holding(chunks, "Tuesday–Sunday 5pm–11pm")[0]
        assert hours.metadata["site_wide"] is True and hours.metadata["url"] == ""
        assert hours.text.startswith(f"{SITE_WIDE_TITLE} › Hours")
        # Navigation and the copyright line are not knowledge.
        assert not _holding(chunks, "© 2026")
        assert not [c for c in chunks if "Home Team Menu" in c.text]

        # Each card's name is in the same chunk as its role; each dish with its price.
        for name, role in [("Maria Santos", "Executive Chef"), ("Lena Ortiz", "General Manager")]:
            assert _holding(chunks, name, role), name
        assert _holding(chunks, "Wood-fired Duck", "cherries, farro", "$34")
        assert _holding(chunks, "Weekend Brunch", "Saturday and Sunday from 10am")

        assert len({c.id for c in chunks}) == len(chunks)
        assert source["chunk_count"] == len(chunks)

        # A re-crawl after the footer changed replaces the site-wide chunks with the source.
        _write_site(tmp_path, FOOTER.replace("5pm–11pm", "4pm–10pm"))
        started = client.post(f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}/recrawl")
        assert started.status_code == 202
        agent = wait_for_agent(client, agent["id"])
        assert agent["sources"][0]["active_generation"] == 2
        chunks = _stored(resources, agent)
        assert len(_holding(chunks, "Tuesday–Sunday 4pm–10pm")) == 1
        assert not _holding(chunks, "5pm–11pm")
        every = resources.store.chunks(agent["id"], [source_gen(source["id"], 1)])
        assert every == []  # generation 1, site-wide chunks included, is gone
        assert agent["sources"][0]["chunk_count"] == len(chunks)
