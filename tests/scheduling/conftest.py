"""A real Radicale CalDAV server for the whole run (see tests/radicale_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdesk.config import Settings
from tests.radicale_server import RadicaleServer, running_radicale


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    yield from running_radicale(tmp_path_factory.mktemp("radicale"))


@pytest.fixture
def loopback_allowed(settings: Settings) -> None:
    """Radicale listens on 127.0.0.1, which only an allow-listed host may be."""
    settings.outbound_allowed_hosts = ["127.0.0.1"]
