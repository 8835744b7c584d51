"""Apply Alembic migrations from code (used by `make run`, `frontdesk serve` and the tests)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest revision (idempotent). Processes that start
    together take turns: PostgreSQL through an advisory lock (migrations/env.py), a SQLite
    file through a lock file beside it, since SQLite runs DDL outside a transaction."""
    with _sqlite_file_lock(url):
        command.upgrade(alembic_config(url), "head")


@contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    parsed = make_url(url)
    database = parsed.database or ""
    if not parsed.drivername.startswith("sqlite") or database in ("", ":memory:"):
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
