from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.errors import ConfigurationError
from frontdesk.resources import Resources
from frontdesk.workspace.auth import SESSION_COOKIE
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import ensure_first_run_owner
from tests.factories import PASSWORD, make_owner


def test_login_sets_http_only_cookie_and_me_works(
    app_client: TestClient, resources: Resources
) -> None:
    _, user = make_owner(resources, email="Ana@Example.com")
    response = app_client.post(
        "/api/auth/login", json={"email": "ana@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = app_client.get("/api/auth/me").json()
    assert me["user"]["email"] == "ana@example.com"
    assert me["workspace_id"] == user.workspace_id and me["via"] == "session"
    assert (me["user_id"], me["email"], me["role"]) == (user.id, "ana@example.com", "owner")
    assert me["workspace_name"] == "Test business" and me["name"] is None

    assert app_client.post("/api/auth/logout").status_code == 204
    assert app_client.get("/api/auth/me").status_code == 401


def test_wrong_password_and_unknown_user_are_401(
    app_client: TestClient, resources: Resources
) -> None:
    _, user = make_owner(resources)
    for email, password in [(user.email, "wrong password"), ("nobody@example.com", PASSWORD)]:
        response = app_client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.json() == {"error": "Unauthorized", "detail": "Wrong email or password."}


def test_passwords_are_hashed(resources: Resources) -> None:
    _, user = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        stored = WorkspaceRepository(db).user(user.id)
        assert stored is not None
        assert PASSWORD not in stored.password_hash
        assert stored.password_hash.startswith("$argon2id$")


def test_api_key_lifecycle(app_client: TestClient, resources: Resources) -> None:
    _, user = make_owner(resources)
    app_client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    created = app_client.post("/api/api-keys", json={"name": "zapier"})
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("fdk_")
    listed = app_client.get("/api/api-keys").json()
    assert [k["name"] for k in listed] == ["zapier"] and "key" not in listed[0]

    app_client.post("/api/auth/logout")
    headers = {"Authorization": f"Bearer {key}"}
    me = app_client.get("/api/auth/me", headers=headers).json()
    assert me["via"] == "api_key" and me["workspace_id"] == user.workspace_id
    assert app_client.get("/api/agents", headers={"X-API-Key": key}).status_code == 200

    assert (
        app_client.delete(f"/api/api-keys/{created.json()['id']}", headers=headers).status_code
        == 204
    )
    revoked = app_client.get("/api/agents", headers=headers)
    assert revoked.status_code == 401


def test_owner_from_the_environment_is_created_once(resources: Resources) -> None:
    with transaction(resources.sessionmaker) as db:
        created = ensure_first_run_owner(db, email="Owner@Frontdesk.local", password=PASSWORD)
    assert created
    with transaction(resources.sessionmaker) as db:
        assert not ensure_first_run_owner(db, email="other@frontdesk.local", password=PASSWORD)
        repo = WorkspaceRepository(db)
        workspace = repo.first_workspace()
        assert workspace is not None
        [owner] = repo.users(workspace.id)
        assert (owner.email, owner.role) == ("owner@frontdesk.local", "owner")


def test_default_secret_is_refused_in_production(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match="FRONTDESK_SECRET_KEY"):
        Settings(environment="production", data_dir=tmp_path)
    ok = Settings(environment="production", data_dir=tmp_path, secret_key="x" * 40)
    assert ok.secure_cookies


def test_settings_read_environment(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FRONTDESK_CRAWL_ALLOWED_HOSTS", "127.0.0.1, Intranet.Local")
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", "postgresql://u@db/x")
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.crawl_allowed_hosts == ["127.0.0.1", "intranet.local"]
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@db/x"


def test_change_password(app_client: TestClient, resources: Resources) -> None:
    _, user = make_owner(resources)
    app_client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    wrong = app_client.post(
        "/api/auth/password", json={"current_password": "nope", "new_password": "new-password-1"}
    )
    assert wrong.status_code == 401
    short = app_client.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert short.status_code == 422
    ok = app_client.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "new-password-1"}
    )
    assert ok.status_code == 204
    assert app_client.get("/api/auth/me").status_code == 200  # this session survives
    app_client.post("/api/auth/logout")
    old = app_client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = app_client.post(
        "/api/auth/login", json={"email": user.email, "password": "new-password-1"}
    )
    assert new.status_code == 200
