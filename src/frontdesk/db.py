"""Engine and session factories: one transaction per request or job.

Services and repositories never commit. The request dependency (`get_db`) and the job wrapper
(`transaction`) commit once at the end, or roll back, so a two-step change cannot half-happen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection


def build_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL and a busy timeout so jobs and requests coexist."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def build_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work outside a request (jobs, CLI): commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_db(conn: HTTPConnection) -> Iterator[Session]:
    """FastAPI dependency: the request's session, committed once after the endpoint returns."""
    with transaction(conn.app.state.resources.sessionmaker) as session:
        yield session


def release(session: Session) -> None:
    """Commit the request's transaction before a long wait (an agent's answer takes the
    model's time), so its connection goes back to the pool meanwhile; used again, the
    session takes one anew. Without this every message in flight held a connection it no
    longer needed, and a busy process ran out of them."""
    session.commit()


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` after `session` commits (never if it rolls back).

    Jobs are enqueued this way: a worker must not pick up a job for a row it cannot see yet.
    """
    session.info.setdefault("on_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_on_commit(session: Session) -> None:
    callbacks = session.info.pop("on_commit", [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_on_commit(session: Session) -> None:
    session.info.pop("on_commit", None)


# The request's session. scope="function" makes FastAPI commit before the response is sent,
# so a client that gets 201 can read what it created with its very next request.
DbSession = Annotated[Session, Depends(get_db, scope="function")]

# How far into a list a page may start. Both databases take 64-bit offsets and refuse
# larger ones with an error, not an empty page, so a page starting past any real list is
# refused as input instead (422).
PageOffset = Annotated[
    int, Query(ge=0, le=2**31 - 1, description="How many rows to skip (0 for the first page)")
]
