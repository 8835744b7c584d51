"""Alembic environment: the URL comes from Frontdesk's settings unless the caller set one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from frontdesk.config import Settings
from frontdesk.models import Base

config = context.config
# Any fixed number, the same in every process; PostgreSQL advisory locks are keyed by it.
LOCK_KEY = 0x46524F4E5444  # "FRONTD"

url = config.get_main_option("sqlalchemy.url") or Settings().sqlalchemy_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        # Batch mode lets later migrations alter SQLite tables (it has no ALTER COLUMN).
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Several API processes and workers start at once on one database: each
                # waits here for the one migrating, then finds nothing left to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
