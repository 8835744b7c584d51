"""Team members and roles: owners and admins run the workspace, members use its agents."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import ApiKey, AuthSession
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal, create_api_key
from tests.factories import PASSWORD, make_member, make_owner, sign_in


def _client(app_client: TestClient) -> TestClient:
    """Another browser on the same running app."""
    return TestClient(app_client.app)


def test_owner_adds_lists_renames_and_removes_members(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, owner = make_owner(resources)
    sign_in(app_client, owner)
    added = app_client.post(
        "/api/workspace/members",
        json={
            "email": "Lee@Example.com",
            "name": " Lee  Park ",
            "role": "admin",
            "password": "x" * 8,
        },
    )
    assert added.status_code == 201, added.text
    lee = added.json()
    assert (lee["email"], lee["name"], lee["role"]) == ("lee@example.com", "Lee Park", "admin")
    assert lee["workspace_id"] == workspace.id and "password" not in added.text

    team = app_client.get("/api/workspace/members").json()
    assert [(m["email"], m["role"]) for m in team] == [
        (owner.email, "owner"),
        ("lee@example.com", "admin"),
    ]

    # The new admin signs in with the password they were given and sees who they are.
    lee_client = _client(app_client)
    login = lee_client.post(
        "/api/auth/login", json={"email": "lee@example.com", "password": "x" * 8}
    )
    assert login.status_code == 200
    me = lee_client.get("/api/auth/me").json()
    assert (me["user_id"], me["name"], me["role"]) == (lee["id"], "Lee Park", "admin")

    renamed = app_client.patch(
        f"/api/workspace/members/{lee['id']}", json={"name": "Lee P.", "role": "member"}
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["role"]) == ("Lee P.", "member")
    # The demotion counts at once, in the session already open.
    assert lee_client.get("/api/workspace/members").status_code == 403

    assert app_client.delete(f"/api/workspace/members/{lee['id']}").status_code == 204
    assert lee_client.get("/api/auth/me").status_code == 401
    assert [m["role"] for m in app_client.get("/api/workspace/members").json()] == ["owner"]
    with transaction(resources.sessionmaker) as db:
        assert db.query(AuthSession).filter_by(user_id=lee["id"]).count() == 0


def test_what_cannot_be_given_or_taken(app_client: TestClient, resources: Resources) -> None:
    workspace, owner = make_owner(resources)
    admin = make_member(resources, workspace, role="admin")
    sign_in(app_client, admin)

    # One owner per workspace.
    second_owner = app_client.post(
        "/api/workspace/members",
        json={"email": "x@example.com", "name": "X", "role": "owner", "password": PASSWORD},
    )
    assert second_owner.status_code == 422 and second_owner.json()["error"] == "ValidationFailed"
    promote = app_client.patch(f"/api/workspace/members/{admin.id}", json={"role": "owner"})
    assert promote.status_code == 422

    taken = app_client.post(
        "/api/workspace/members",
        json={"email": owner.email, "name": "Again", "role": "member", "password": PASSWORD},
    )
    assert taken.status_code == 409 and taken.json()["error"] == "Conflict"
    for body in (
        {"email": "not-an-email", "name": "X", "password": PASSWORD},
        {"email": "y@example.com", "name": "X", "password": "short"},
        {"email": "y@example.com", "name": "  ", "password": PASSWORD},
    ):
        response = app_client.post("/api/workspace/members", json=body)
        assert response.status_code == 422, body

    for method, path, body in (
        ("PATCH", f"/api/workspace/members/{owner.id}", {"role": "member"}),
        ("PATCH", f"/api/workspace/members/{admin.id}", {"role": "member"}),
        ("DELETE", f"/api/workspace/members/{owner.id}", None),
        ("DELETE", f"/api/workspace/members/{admin.id}", None),
    ):
        response = app_client.request(method, path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"] == "Forbidden"
    # Renaming the owner, or yourself, is fine.
    assert (
        app_client.patch(f"/api/workspace/members/{owner.id}", json={"name": "The Boss"}).json()[
            "name"
        ]
        == "The Boss"
    )


def test_members_use_agents_but_not_settings_team_or_keys(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, _ = make_owner(resources)
    member = make_member(resources, workspace)
    sign_in(app_client, member)
    agent = app_client.post("/api/agents", data={"name": "Juniper"})
    assert agent.status_code == 201
    assert app_client.get("/api/agents").status_code == 200
    assert app_client.get(f"/api/agents/{agent.json()['id']}/conversations").status_code == 200
    assert app_client.get("/api/auth/me").json()["role"] == "member"

    for method, path, body in (
        ("GET", "/api/workspace", None),
        ("PATCH", "/api/workspace", {"name": "Mine now"}),
        ("GET", "/api/workspace/members", None),
        ("POST", "/api/workspace/members", {"email": "a@b.co", "name": "A", "password": PASSWORD}),
        ("PATCH", f"/api/workspace/members/{member.id}", {"name": "Me"}),
        ("DELETE", f"/api/workspace/members/{member.id}", None),
        ("GET", "/api/api-keys", None),
        ("POST", "/api/api-keys", {"name": "mine"}),
        ("DELETE", "/api/api-keys/whatever", None),
    ):
        response = app_client.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)
        error = response.json()
        assert error["error"] == "Forbidden" and "owner and admins" in error["detail"]


def test_api_keys_act_with_their_creators_role(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, owner = make_owner(resources)
    admin = make_member(resources, workspace, role="admin")
    admin_client = sign_in(_client(app_client), admin)
    key = admin_client.post("/api/api-keys", json={"name": "zapier"}).json()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    assert app_client.get("/api/auth/me", headers=headers).json()["role"] == "admin"
    assert app_client.get("/api/api-keys", headers=headers).status_code == 200

    sign_in(app_client, owner)
    app_client.patch(f"/api/workspace/members/{admin.id}", json={"role": "member"})
    app_client.post("/api/auth/logout")
    assert app_client.get("/api/auth/me", headers=headers).json()["role"] == "member"
    assert app_client.get("/api/api-keys", headers=headers).status_code == 403
    assert app_client.get("/api/agents", headers=headers).status_code == 200

    # Removing the person revokes the keys they made.
    sign_in(app_client, owner)
    assert app_client.delete(f"/api/workspace/members/{admin.id}").status_code == 204
    app_client.post("/api/auth/logout")
    assert app_client.get("/api/agents", headers=headers).status_code == 401
    with transaction(resources.sessionmaker) as db:
        assert db.query(ApiKey).count() == 0


def test_a_key_without_a_creator_acts_as_an_admin(
    app_client: TestClient, resources: Resources
) -> None:
    workspace, _ = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        _, key = create_api_key(db, Principal(workspace.id, None, "cli", role="owner"), "cron")
    me = app_client.get("/api/auth/me", headers={"X-API-Key": key}).json()
    assert (me["role"], me["user_id"], me["email"], me["via"]) == ("admin", None, None, "api_key")


def test_another_workspaces_members_are_404(app_client: TestClient, resources: Resources) -> None:
    _, owner = make_owner(resources)
    other_workspace, _ = make_owner(resources)
    stranger = make_member(resources, other_workspace)
    sign_in(app_client, owner)
    assert (
        app_client.patch(f"/api/workspace/members/{stranger.id}", json={"name": "Mine"}).status_code
        == 404
    )
    assert app_client.delete(f"/api/workspace/members/{stranger.id}").status_code == 404
    emails = [m["email"] for m in app_client.get("/api/workspace/members").json()]
    assert emails == [owner.email]
