"""A website whose content a script builds is read through the real Chromium, which may reach
nothing but the site itself; without Chromium the owner is told what to install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.knowledge.page_render import (
    BROWSER_NEEDED,
    _filled_by,
    needs_browser,
    script_targets,
)
from frontdesk.knowledge.vector_store import source_gen
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.server import LoopbackSite

CHROMIUM = Path("/usr/bin/chromium")

SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>Saffron Kitchen</title>
<script type="module" src="/assets/app.js"></script></head>
<body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>
</body></html>"""

# What a React/Vue build does, without the framework: fetch the data, build the DOM.
APP = """
const root = document.getElementById('root');
const menu = await (await fetch('/api/menu.json')).json();
let html = '<h1>Saffron Kitchen</h1><h2>' + menu.title + '</h2>';
for (const dish of menu.dishes) {
  html += '<div class="dish"><h3>' + dish.name + '</h3><p>' + dish.about + '</p><span>'
    + dish.price + '</span></div>';
}
html += '<a href="/about.html">About us</a>';
try {
  const leaked = await (await fetch('OTHER/secret.json')).text();
  html += '<p>' + leaked + '</p>';
} catch (e) {}
try {
  const beacon = new WebSocket('ws://HOST/socket');
} catch (e) {}
root.innerHTML = html;
"""
MENU = {
    "title": "Dinner",
    "dishes": [
        {"name": "Lamb Biryani", "about": "slow-cooked with saffron rice", "price": "$24"},
        {"name": "Paneer Tikka", "about": "charred in the tandoor", "price": "$18"},
    ],
}
ABOUT = """<!doctype html><html><head><title>About</title>
<script src="/assets/hours.js" defer></script></head><body><main><h1>About us</h1>
<p>Family run since 1998 by chef Anjali Rao.</p>
<p>Our spices are ground every morning, our breads baked to order in a clay tandoor, and our
kitchen cooks the recipes of three generations of the Rao family from Hyderabad. Tables
for groups of up to twelve can be booked by phone, and every curry can be made mild.</p>
<h2>Opening hours</h2>
<ul id="opening-hours"></ul><div id="map"></div></main></body></html>"""
# A page with text of its own whose opening hours a script writes in.
HOURS = """document.addEventListener('DOMContentLoaded', () => {
  document.querySelector('#opening-hours').innerHTML =
    '<li>Tuesday to Sunday: 5pm to 10:30pm</li><li>Closed on Mondays</li>';
});"""


def _write(root: Path, other_origin: str, host: str) -> None:
    (root / "assets").mkdir()
    (root / "api").mkdir()
    (root / "index.html").write_text(SHELL)
    (root / "assets" / "app.js").write_text(
        APP.replace("OTHER", other_origin).replace("HOST", host)
    )
    (root / "api" / "menu.json").write_text(json.dumps(MENU))
    (root / "about.html").write_text(ABOUT)
    (root / "assets" / "hours.js").write_text(HOURS)


def test_shell_pages_and_script_filled_containers_are_recognised() -> None:
    assert needs_browser(SHELL.encode())
    assert not needs_browser(ABOUT.encode())
    # The about page has text, but an empty list a script of the site's own may fill; the
    # empty map placeholder is not content.
    ids, sources, inline = script_targets(ABOUT.encode(), "http://127.0.0.1:8000/about.html")
    assert ids == ["opening-hours"]
    assert sources == ["http://127.0.0.1:8000/assets/hours.js"]
    assert _filled_by("opening-hours", HOURS) and not _filled_by("opening", HOURS)
    # Plenty of text with a script or two is an ordinary page.
    assert not needs_browser(
        b"<html><body><script src='/a.js'></script><p>" + b"Words. " * 100 + b"</p></body></html>"
    )


def _crawl(client: TestClient, site: LoopbackSite) -> dict:
    created = client.post("/api/agents", data={"name": "Saffron", "website_url": site.url("/")})
    assert created.status_code == 201, created.text
    return wait_for_agent(client, created.json()["id"])


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed here")
def test_script_built_page_is_rendered_in_chromium_inside_the_address_guard(
    app_client: TestClient, resources: Resources, tmp_path: Path
) -> None:
    assert resources.settings.chromium == str(CHROMIUM)
    client, _ = make_signed_in_client(app_client, resources)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "secret.json").write_text('"INTERNAL-SECRET-4242"')
    (tmp_path / "site").mkdir()
    with LoopbackSite(tmp_path / "other", host="127.0.0.2") as other:
        with LoopbackSite(tmp_path / "site") as site:
            _write(tmp_path / "site", other.base_url, f"127.0.0.1:{site.port}")
            agent = _crawl(client, site)
            source = agent["sources"][0]
            assert source["status"] == "ready", source
            gens = [source_gen(source["id"], source["active_generation"])]
            text = "\n".join(c.text for c in resources.store.chunks(agent["id"], gens))
            served = site.requested_paths
        assert "Lamb Biryani" in text and "slow-cooked with saffron rice" in text
        chunk = next(
            c.text for c in resources.store.chunks(agent["id"], gens) if "Paneer Tikka" in c.text
        )
        assert "$18" in chunk and "charred in the tandoor" in chunk
        # The link the script wrote was followed, and that page's script-written hours read.
        assert "Anjali Rao" in text and "/about.html" in served
        assert "Tuesday to Sunday: 5pm to 10:30pm" in text
        # The browser's requests went through the crawler: the data, the script, once each.
        assert "/api/menu.json" in served and "/assets/app.js" in served
        # Another origin was never reached, nor its answer read.
        assert "INTERNAL-SECRET" not in text
        assert other.requests == []
        detail = client.get(f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}").json()
        assert detail["failures"] == []


@pytest.mark.slow
def test_without_chromium_the_owner_is_told_how_to_read_the_page(
    app_client: TestClient, resources: Resources, tmp_path: Path
) -> None:
    resources.runner.settings = resources.settings.model_copy(update={"chromium": ""})
    client, _ = make_signed_in_client(app_client, resources)
    with LoopbackSite(tmp_path) as site:
        _write(tmp_path, "http://127.0.0.2:9", f"127.0.0.1:{site.port}")
        (tmp_path / "index.html").write_text(
            SHELL.replace(
                '<div id="root"></div>', '<div id="root"></div><a href="/about.html">About</a>'
            )
        )
        agent = _crawl(client, site)
    source = agent["sources"][0]
    assert source["status"] == "ready"  # the about page is plain HTML
    detail = client.get(f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}").json()
    notes = {f["url"].rsplit("/", 1)[-1]: f["error"] for f in detail["failures"]}
    assert notes == {"": BROWSER_NEEDED, "about.html": BROWSER_NEEDED}
    assert "apt-get install chromium" in notes[""] and "FRONTDESK_CHROMIUM" in notes[""]
