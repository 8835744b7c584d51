"""First run in the browser: `frontdesk serve` prints a setup link; its token creates the
workspace and owner once, and is worth nothing afterwards."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from frontdesk.resources import Resources
from frontdesk.workspace.auth import SESSION_COOKIE
from frontdesk.workspace.security import setup_token
from tests.factories import PASSWORD, make_owner


def _setup(client: TestClient | httpx.Client, token: str, **changes: str) -> httpx.Response:
    body = {
        "token": token,
        "workspace_name": "Juniper Vet",
        "name": "Ana Ruiz",
        "email": "Ana@Juniper.example",
        "password": PASSWORD,
        **changes,
    }
    return client.post("/api/auth/setup", json=body)


def test_setup_creates_the_owner_once(app_client: TestClient, resources: Resources) -> None:
    token = setup_token(resources.settings.signing_key)
    assert len(token) == 32
    assert app_client.get("/api/auth/setup").json() == {"needed": True}
    assert app_client.get("/api/auth/me").status_code == 401

    wrong = _setup(app_client, "not-the-token")
    assert wrong.status_code == 401 and wrong.json()["error"] == "Unauthorized"
    for bad in ({"password": "short"}, {"email": "ana"}, {"workspace_name": " "}, {"name": ""}):
        response = _setup(app_client, token, **bad)
        assert response.status_code == 422, bad
        assert response.json()["error"] == "ValidationFailed"
    assert app_client.get("/api/auth/setup").json() == {"needed": True}

    done = _setup(app_client, token)
    assert done.status_code == 201, done.text
    assert done.headers["set-cookie"].startswith(f"{SESSION_COOKIE}=")
    me = done.json()
    assert (me["email"], me["name"], me["role"]) == ("ana@juniper.example", "Ana Ruiz", "owner")
    assert me["workspace_name"] == "Juniper Vet" and me["via"] == "session"
    # Signed in by the same cookie as a login.
    assert app_client.get("/api/auth/me").json() == me

    assert app_client.get("/api/auth/setup").json() == {"needed": False}
    again = _setup(TestClient(app_client.app), token, email="mallory@example.com")
    assert again.status_code == 409 and again.json()["error"] == "Conflict"


def test_setup_is_refused_once_any_user_exists(
    app_client: TestClient, resources: Resources
) -> None:
    make_owner(resources)
    token = setup_token(resources.settings.signing_key)
    assert app_client.get("/api/auth/setup").json() == {"needed": False}
    assert _setup(app_client, token).status_code == 409


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, httpx.Client]:
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.get("/api/health").status_code == 200:
                return server, client
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise AssertionError("server did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.slow
def test_serve_prints_the_setup_link_until_the_owner_exists(
    tmp_path: Path, database_url: str
) -> None:
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_EMBEDDED_LLM": "false",
        "FRONTDESK_OWNER_PASSWORD": "",
        "COLUMNS": "60",  # a narrow terminal must not break the link
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "serve.log"
    server, client = _serve(env, log)
    try:
        printed = log.read_text()
        [link] = [line.strip() for line in printed.splitlines() if "/setup?token=" in line]
        note = data_dir / "first-run-setup.txt"
        assert link in note.read_text()
        assert stat.S_IMODE(note.stat().st_mode) == 0o600
        url = urlsplit(link)
        assert (url.scheme, url.hostname, url.path) == ("http", "127.0.0.1", "/setup")
        assert url.port == client.base_url.port
        [token] = parse_qs(url.query)["token"]
        assert client.get("/api/auth/setup").json() == {"needed": True}
        made = _setup(client, token)
        assert made.status_code == 201, made.text
        assert client.get("/api/auth/me").json()["role"] == "owner"
    finally:
        _stop(server)

    # Set up: the next start prints no link and removes the note.
    server, client = _serve(env, log)
    try:
        assert "/setup?token=" not in log.read_text()
        assert not (data_dir / "first-run-setup.txt").exists()
        login = client.post(
            "/api/auth/login", json={"email": "ana@juniper.example", "password": PASSWORD}
        )
        assert login.status_code == 200
    finally:
        _stop(server)
