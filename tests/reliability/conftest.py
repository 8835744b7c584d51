"""How Frontdesk meets a failing provider does not depend on the database, so the fault
tests run on SQLite alone (each hang waits out a real timeout; twice would double CI time
for nothing). The crash tests bring their own PostgreSQL (tests/test_scale_stack.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"
