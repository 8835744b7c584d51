"""Another account on the same machine reads the data dir.

The data dir holds the SQLite database (password hashes, session tokens, callers' details,
webhook and calendar secrets), the job queue and the signing key. Attack: a local user with
no rights to Frontdesk simply opens those files, which a server started under the common
umask 022 used to create world-readable (0755 dir, 0644 files). Here a real `frontdesk serve`
starts on a fresh data dir under umask 022, and every one of them must be private to the
account that runs it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.config import DEVELOPMENT_SECRET
from tests.reliability.processes import OWNER_PASSWORD, Server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    env = {
        "FRONTDESK_DATA_DIR": str(data),
        "FRONTDESK_DATABASE_URL": "",
        "FRONTDESK_QUEUE_URL": "",
        "FRONTDESK_CHROMA_URL": "",
        # The development default makes the server keep a random key in the data dir.
        "FRONTDESK_SECRET_KEY": DEVELOPMENT_SECRET,
        "FRONTDESK_OWNER_PASSWORD": OWNER_PASSWORD,
        "FRONTDESK_EMBEDDED_LLM": "false",
    }
    previous = os.umask(0o022)  # inherited by the server process
    try:
        process = Server(env, tmp_path / "serve.log")
    finally:
        os.umask(previous)
    try:
        # The signing key is made on first use: a widget token, or checking a setup link.
        process.client.post(
            "/api/auth/setup",
            json={
                "token": "not-the-link",
                "workspace_name": "W",
                "name": "N",
                "email": "n@example.com",
                "password": "a-long-enough-password",
            },
        )
        yield data
    finally:
        process.stop()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_data_dir_is_private_to_the_server_account(server: Path) -> None:
    data = server
    assert _mode(data) == 0o700, oct(_mode(data))
    modes = {
        name: _mode(data / name)
        for name in ("frontdesk.db", "queue.db", "secret.key")
        if (data / name).exists()
    }
    assert set(modes) == {"frontdesk.db", "queue.db", "secret.key"}, sorted(os.listdir(data))
    assert modes == {name: 0o600 for name in modes}, {k: oct(v) for k, v in modes.items()}
    # SQLite's companions take the database file's mode.
    for companion in data.glob("*.db-*"):
        assert _mode(companion) & 0o077 == 0, (companion.name, oct(_mode(companion)))
