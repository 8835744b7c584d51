"""The Alembic migrations build exactly the schema the ORM models describe."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from frontdesk.migrate import upgrade
from frontdesk.models import Base


def test_migrations_match_models(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)  # idempotent
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    """Two API processes and a worker started at the same moment on a new database all come
    up: on PostgreSQL each waits for the one migrating (SQLite serialises its writers)."""
    script = "import sys; from frontdesk.migrate import upgrade; upgrade(sys.argv[1])"
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = [(p.wait(timeout=120), p.stdout.read().decode()) for p in starts if p.stdout]
    assert [code for code, _ in outputs] == [0, 0, 0], "\n".join(out for _, out in outputs)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    engine.dispose()
    assert len(heads) == 1
