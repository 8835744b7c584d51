from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import UploadedFile
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal, create_api_key
from tests.factories import make_owner, make_signed_in_client
from tests.knowledge.waiting import wait_for_agent


def test_create_list_get_update_delete(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    created = client.post(
        "/api/agents",
        data={"name": "  Juniper   Lane Vet ", "text": "We are open Monday to Friday, 8 to 6."},
    )
    assert created.status_code == 201, created.text
    agent = created.json()
    assert agent["name"] == "Juniper Lane Vet"
    assert agent["status"] in ("ingesting", "interviewing")
    assert [s["kind"] for s in agent["sources"]] == ["text"]

    client.post("/api/agents", data={"name": "Other Bakery"})
    assert [a["name"] for a in client.get("/api/agents", params={"q": "junip"}).json()] == [
        "Juniper Lane Vet"
    ]
    drafts = client.get("/api/agents", params={"status": "draft"}).json()
    assert [a["name"] for a in drafts] == ["Other Bakery"]

    ready = wait_for_agent(client, agent["id"])
    # Read and searchable: the owner's interview comes next.
    assert ready["status"] == "interviewing"
    assert ready["sources"][0]["chunk_count"] >= 1

    patched = client.patch(f"/api/agents/{agent['id']}", json={"name": "Juniper Vet"})
    assert patched.status_code == 200 and patched.json()["name"] == "Juniper Vet"
    assert client.patch(f"/api/agents/{agent['id']}", json={"name": ""}).status_code == 422

    hits = client.get(f"/api/agents/{agent['id']}/knowledge/search", params={"q": "open Monday"})
    assert hits.json()["results"], hits.text

    assert client.delete(f"/api/agents/{agent['id']}").status_code == 204
    assert client.get(f"/api/agents/{agent['id']}").status_code == 404
    assert resources.store.collection_name(agent["id"]) not in [
        c.name for c in resources.store.client.list_collections()
    ]


def test_delete_removes_uploaded_files(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    created = client.post(
        "/api/agents",
        data={"name": "Notes"},
        files=[
            (
                "files",
                ("notes.md", b"# Parking\n\nSix free spaces behind the building.", "text/markdown"),
            )
        ],
    ).json()
    ready = wait_for_agent(client, created["id"])
    source_id = ready["sources"][0]["id"]
    # Kept in the database (any worker on any machine reads it), not on this disk.
    with transaction(resources.sessionmaker) as db:
        stored = db.get(UploadedFile, source_id)
        assert stored is not None and stored.data.startswith(b"# Parking")
    assert not (resources.settings.uploads_dir / created["id"]).exists()
    client.delete(f"/api/agents/{created['id']}")
    with transaction(resources.sessionmaker) as db:
        assert db.get(UploadedFile, source_id) is None


def test_other_workspace_gets_404_everywhere(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Mine", "text": "Secret prices: $99"}).json()
    ready = wait_for_agent(client, agent["id"])
    source_id = ready["sources"][0]["id"]

    other_ws, other_user = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        _, key = create_api_key(
            db, Principal(workspace_id=other_ws.id, user_id=other_user.id, via="test"), "intruder"
        )
    intruder = {"Authorization": f"Bearer {key}"}
    base = f"/api/agents/{agent['id']}"
    probes = [
        ("GET", base, None),
        ("PATCH", base, {"name": "stolen"}),
        ("DELETE", base, None),
        ("GET", f"{base}/knowledge/sources", None),
        ("POST", f"{base}/knowledge/sources", {"kind": "text", "text": "x"}),
        ("GET", f"{base}/knowledge/sources/{source_id}", None),
        ("POST", f"{base}/knowledge/sources/{source_id}/recrawl", None),
        ("DELETE", f"{base}/knowledge/sources/{source_id}", None),
        ("GET", f"{base}/knowledge/search?q=prices", None),
        ("GET", f"{base}/knowledge/events", None),
    ]
    for method, url, body in probes:
        response = client.request(method, url, json=body, headers=intruder)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["error"] == "NotFound"
    upload = client.post(
        f"{base}/knowledge/files",
        files=[("files", ("a.txt", b"hello", "text/plain"))],
        headers=intruder,
    )
    assert upload.status_code == 404
    assert client.get("/api/agents", headers=intruder).json() == []
    # Nothing changed for the owner.
    assert client.get(base).json()["name"] == "Mine"
    assert client.get(f"{base}/knowledge/sources").json()[0]["status"] == "ready"
