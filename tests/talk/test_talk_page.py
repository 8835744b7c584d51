"""The talk page over HTTP: only for the agent's signed-in owner, built from Vite's
manifest, and a clear 503 while the browser bundle has not been built."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from frontdesk.talk.endpoints import static_dir
from frontdesk.talk.web_bundle import STATIC_DIR


def test_owner_gets_the_page_with_hashed_assets(chat) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    assert (STATIC_DIR / ".vite" / "manifest.json").is_file(), "build it: make install-dev"
    page = client.get(f"/talk/{agent['id']}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    assert f'data-agent-id="{agent["id"]}"' in page.text
    assert "Talk to Juniper Vet" in page.text
    script = re.search(r'<script type="module" src="(/static/assets/talk-[\w-]+\.js)">', page.text)
    assert script, page.text
    served = client.get(script.group(1))
    assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    assert "immutable" in served.headers["cache-control"]
    style = re.search(r'<link rel="stylesheet" href="(/static/assets/[\w-]+\.css)">', page.text)
    assert style and client.get(style.group(1)).status_code == 200


def test_unknown_agent_is_a_404_in_the_error_shape(chat) -> None:  # type: ignore[no-untyped-def]
    client, _ = chat
    response = client.get("/talk/no-such-agent")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


def test_signed_out_visitor_is_refused(chat) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    stranger = TestClient(client.app)
    response = stranger.get(f"/talk/{agent['id']}")
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"


def test_unbuilt_bundle_answers_503_saying_how_to_build_it(chat, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    client.app.dependency_overrides[static_dir] = lambda: tmp_path / "static"
    try:
        response = client.get(f"/talk/{agent['id']}")
    finally:
        client.app.dependency_overrides.clear()
    assert response.status_code == 503
    assert response.json()["error"] == "ServiceUnavailable"
    assert "make run" in response.json()["detail"]
    assert "npm run build" in response.json()["detail"]
