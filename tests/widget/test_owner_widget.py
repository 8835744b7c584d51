"""The owner's side of the widget: settings with their validation, the snippet, the
deploy / pause switch and what may not undo it, and the widget script."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.migrate import upgrade
from frontdesk.models import Agent
from frontdesk.resources import Resources, build_resources
from frontdesk.talk.endpoints import static_dir
from frontdesk.widget.service import settings_of
from tests.factories import make_receptionist, make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.widget.conftest import Widget, make_ready


def test_widget_state_has_defaults_and_the_exact_snippet(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Bakery"}).json()
    state = client.get(f"/api/agents/{agent['id']}/widget")
    assert state.status_code == 200, state.text
    body = state.json()
    assert body["public_key"].startswith("pk_")
    assert body["snippet"] == (
        f'<script src="http://testserver/widget.js" data-agent="{body["public_key"]}" '
        "async></script>"
    )
    assert body["status"] == "draft"
    assert body["minutes_used_today"] == 0 and body["daily_minutes_cap"] == 60
    assert body["settings"] == {
        "color": "#2563eb",
        "position": "bottom-right",
        "button_label": "Talk to us",
        "greeting": None,
        "avatar_initials": None,
        "avatar_url": None,
        "modes": ["voice", "text"],
        "allowed_origins": [],
        "daily_minutes_cap": 60,
    }


def test_allowed_origins_default_to_the_website_until_the_owner_sets_them() -> None:
    agent = Agent(name="Juniper", website_url="HTTPS://www.Juniper.example:443/about?x=1")
    agent.widget = {}
    assert settings_of(agent).allowed_origins == ["https://www.juniper.example"]
    agent.widget = {"allowed_origins": []}
    assert settings_of(agent).allowed_origins == []
    assert settings_of(Agent(name="No site", widget={})).allowed_origins == []


def test_settings_are_validated_and_normalized(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Bakery"}).json()
    url = f"/api/agents/{agent['id']}/widget"
    patched = client.patch(
        url,
        json={
            "color": "#AA00ff",
            "position": "bottom-left",
            "button_label": "  Chat   with us ",
            "greeting": "Hi! Ask me about our bread.",
            "avatar_initials": "jb",
            "avatar_url": "https://cdn.example/face.png",
            "modes": ["text", "text"],
            "allowed_origins": ["HTTPS://Bakery.example/", "http://localhost:5173", "https://bakery.example"],
            "daily_minutes_cap": 0,
        },
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    settings = patched.json()["settings"]
    assert settings["color"] == "#aa00ff" and settings["button_label"] == "Chat with us"
    assert settings["avatar_initials"] == "JB" and settings["modes"] == ["text"]
    assert settings["allowed_origins"] == ["https://bakery.example", "http://localhost:5173"]
    assert patched.json()["daily_minutes_cap"] == 0
    # Only the fields sent change; null clears what may be empty.
    again = client.patch(url, json={"greeting": None, "modes": ["voice", "text"]}).json()
    assert again["settings"]["greeting"] is None and again["settings"]["color"] == "#aa00ff"

    bad = {
        "color": "blue",
        "position": "top-left",
        "button_label": "x" * 41,
        "greeting": "x" * 301,
        "avatar_initials": "J2",
        "avatar_url": "http://cdn.example/face.png",
        "modes": [],
        "allowed_origins": ["https://bakery.example/menu"],
        "daily_minutes_cap": 100_001,
    }
    for field, value in bad.items():
        response = client.patch(url, json={field: value})
        assert response.status_code == 422, (field, response.text)
        assert response.json()["error"] == "ValidationFailed"
        assert response.json()["detail"][0]["loc"] == ["body", field]
    for origin in [
        "bakery.example",
        "https://bakery.example?x",
        "https://user@bakery.example",
        "null",
    ]:
        response = client.patch(url, json={"allowed_origins": [origin]})
        assert response.status_code == 422, (origin, response.text)
    assert client.patch(url, json={"color": None}).status_code == 422
    assert client.patch(url, json={"button_label": "   "}).status_code == 422
    assert client.get(url).json()["settings"]["color"] == "#aa00ff"  # nothing half-saved


def test_another_workspaces_agent_is_404(widget: Widget) -> None:
    stranger, _ = make_signed_in_client(TestClient(widget.app), widget.resources)
    agent_id = widget.agent["id"]
    for method, path in [
        ("GET", f"/api/agents/{agent_id}/widget"),
        ("PATCH", f"/api/agents/{agent_id}/widget"),
        ("POST", f"/api/agents/{agent_id}/deploy"),
        ("POST", f"/api/agents/{agent_id}/pause"),
    ]:
        response = stranger.request(method, path, json={} if method == "PATCH" else None)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"] == "NotFound"
    assert TestClient(widget.app).get(f"/api/agents/{agent_id}/widget").status_code == 401


def test_deploy_is_refused_until_the_agent_is_ready(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    draft = client.post("/api/agents", data={"name": "Empty"}).json()
    refused = client.post(f"/api/agents/{draft['id']}/deploy")
    assert refused.status_code == 409 and refused.json()["error"] == "Conflict"
    assert "add its website or documents" in refused.json()["detail"]

    wait_for_agent(client, agent["id"])
    refused = client.post(f"/api/agents/{agent['id']}/deploy")
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Finish the onboarding interview first")
    assert client.post(f"/api/agents/{agent['id']}/pause").status_code == 409

    make_ready(client, chat_resources, agent["id"])
    deployed = client.post(f"/api/agents/{agent['id']}/deploy")
    assert deployed.status_code == 200 and deployed.json()["status"] == "deployed"
    assert set(deployed.json()) >= {"id", "name", "status", "updated_at"}
    paused = client.post(f"/api/agents/{agent['id']}/pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert client.post(f"/api/agents/{agent['id']}/pause").json()["status"] == "paused"
    assert client.post(f"/api/agents/{agent['id']}/deploy").json()["status"] == "deployed"
    assert client.post(f"/api/agents/{agent['id']}/deploy").json()["status"] == "deployed"
    assert client.get(f"/api/agents/{agent['id']}").json()["status"] == "deployed"


def test_deploy_waits_while_sources_are_read(settings: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    # No job workers: the source stays queued, so the agent stays "ingesting".
    quiet = settings.model_copy(update={"embedded_workers": 0})
    upgrade(quiet.sqlalchemy_url)
    resources = build_resources(quiet, embedder=embedder)
    try:
        with TestClient(create_app(resources=resources)) as app_client:
            client, _ = make_signed_in_client(app_client, resources)
            agent = make_receptionist(client)
            assert client.get(f"/api/agents/{agent['id']}").json()["status"] == "ingesting"
            refused = client.post(f"/api/agents/{agent['id']}/deploy")
            assert refused.status_code == 409
            assert refused.json()["detail"] == (
                "Juniper Vet is still reading its sources; deploy it once they are done."
            )
    finally:
        resources.close()


def test_new_knowledge_keeps_the_owners_switch(widget: Widget) -> None:
    owner, agent_id = widget.owner, widget.agent["id"]
    for switch in ("deploy", "pause"):
        assert owner.post(f"/api/agents/{agent_id}/{switch}").status_code == 200
        added = owner.post(
            f"/api/agents/{agent_id}/knowledge/sources",
            json={"kind": "text", "title": f"After {switch}", "text": "We also see rabbits."},
        )
        assert added.status_code == 201, added.text
        read = wait_for_agent(owner, agent_id)
        assert all(s["status"] == "ready" for s in read["sources"])
        assert read["status"] == ("deployed" if switch == "deploy" else "paused")
        source_id = added.json()["id"]
        assert (
            owner.post(f"/api/agents/{agent_id}/knowledge/sources/{source_id}/recrawl").status_code
            == 202
        )
        assert wait_for_agent(owner, agent_id)["status"] == read["status"]


def test_widget_script_is_served_for_any_site(widget: Widget, tmp_path) -> None:  # type: ignore[no-untyped-def]
    widget.app.dependency_overrides[static_dir] = lambda: tmp_path
    try:
        missing = widget.caller.get("/widget.js")
        assert missing.status_code == 503
        assert missing.json()["error"] == "ServiceUnavailable"
        assert "npm run build" in missing.json()["detail"]

        # Vite's build: the widget is a hashed module; /widget.js imports it and starts it.
        manifest = {"src/widget/main.ts": {"file": "assets/widget-Ab12.js", "isEntry": True}}
        (tmp_path / ".vite").mkdir()
        (tmp_path / ".vite" / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        loader = widget.caller.get("/widget.js", headers={"Origin": "https://anyone.example"})
        assert loader.status_code == 200
        assert 'import(new URL("static/assets/widget-Ab12.js", script.src).href)' in loader.text
        assert "widget.start(script)" in loader.text and "document.currentScript" in loader.text

        # A widget built as one file is served as it is.
        (tmp_path / "widget.js").write_text("console.log('widget');\n", encoding="utf-8")
        served = widget.caller.get("/widget.js", headers={"Origin": "https://anyone.example"})
    finally:
        widget.app.dependency_overrides.clear()
    assert served.status_code == 200 and served.text == "console.log('widget');\n"
    for response in (loader, served):
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.headers["cache-control"] == "public, max-age=300"
        assert "access-control-allow-origin" not in response.headers
