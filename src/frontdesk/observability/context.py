"""The ids every log line carries: the HTTP request's and the conversation's being handled.

They live in context variables, so they follow the work wherever asyncio takes it (tasks
created inside copy them, `asyncio.to_thread` and Starlette's thread pool too) and never leak
from one request or conversation into another.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("frontdesk_request_id", default=None)
conversation_id: ContextVar[str | None] = ContextVar("frontdesk_conversation_id", default=None)

# What we accept from a client's (or proxy's) X-Request-ID: enough for UUIDs, ULIDs and the
# ids load balancers mint, and nothing that could forge a log line or a header.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def new_request_id(incoming: str | None) -> str:
    """The incoming id when it is well formed, a fresh one otherwise."""
    if incoming and _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


@contextmanager
def conversation_scope(value: str) -> Iterator[None]:
    """Everything logged inside (and in tasks started inside) names this conversation."""
    token = conversation_id.set(value)
    try:
        yield
    finally:
        conversation_id.reset(token)


def bind_conversation(value: str) -> None:
    """Name the conversation for the rest of the current task, e.g. a call's socket or a
    LiveKit job, whose task ends with the call; tasks it starts afterwards inherit it."""
    conversation_id.set(value)
