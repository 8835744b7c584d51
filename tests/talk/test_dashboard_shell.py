"""The dashboard shell: one page for every dashboard address, public (it holds no data),
never cached stale; and the built modules the widget imports from other sites."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from frontdesk.talk.web_bundle import MANIFEST, STATIC_DIR


@pytest.mark.parametrize("path", ["/", "/login", "/setup", "/settings", "/agents/new",
                                  "/agents/abc/widget"])  # fmt: skip
def test_every_dashboard_address_gets_the_shell(app_client: TestClient, path: str) -> None:
    page = app_client.get(path)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    assert '<div id="dashboard"></div>' in page.text
    script = re.search(
        r'<script type="module" src="(/static/assets/dashboard-[\w-]+\.js)">', page.text
    )
    assert script, page.text
    assert app_client.get(script.group(1)).status_code == 200


def test_api_addresses_are_not_the_shell(app_client: TestClient) -> None:
    assert app_client.get("/api/agents").status_code == 401
    assert app_client.get("/api/nothing-here").json()["error"] == "NotFound"


def test_widget_modules_load_from_other_origins(app_client: TestClient) -> None:
    """The widget runs on the business's site and imports its modules (and the LiveKit
    client, and the microphone worklet) from here: they must be readable cross-origin."""
    manifest = json.loads((STATIC_DIR / MANIFEST).read_text())
    files = [manifest["src/widget/main.ts"]["file"]] + [
        chunk["file"] for key, chunk in manifest.items() if "livekit-transport" in key
    ]
    assert len(files) == 2, manifest.keys()
    for file in files:
        served = app_client.get(f"/static/{file}", headers={"Origin": "https://juniper.example"})
        assert served.status_code == 200
        assert served.headers["access-control-allow-origin"] == "*"
    # Chunks and the worklet are found relative to the module, not the page's own site.
    widget = (STATIC_DIR / files[0]).read_text()
    assert 'from"./' in widget.replace(" ", "") or "from'./" in widget
    assert "/static/" not in widget
