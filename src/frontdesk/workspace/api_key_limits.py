"""Rate limits per API key: every request made with a key (FRONTDESK_API_KEY_REQUESTS), and a
smaller quota for what makes an agent answer (FRONTDESK_API_KEY_CONVERSATIONS). Dashboard
sessions are not limited here.

Counted by the auth dependency (workspace/auth.py), so every route that takes an API key is
covered; the key's id is the counter's name, so a rotated key starts afresh and two keys of
one workspace do not share. Every answer to a key request says where its tightest window
stands in X-RateLimit-Limit / -Remaining / -Reset (Unix time), refusals included.
"""

from __future__ import annotations

import math

from limits.storage import Storage
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.config import Settings
from frontdesk.rate_limiting import (
    Limit,
    LimitReached,
    RateLimiter,
    WindowState,
    build_storage,
)

# Where the auth dependency leaves the headers for RateLimitHeaders (request.state).
STATE_KEY = "api_key_rate_limit"


def window_headers(window: WindowState) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(window.remaining),
        "X-RateLimit-Reset": str(math.ceil(window.reset_at)),
    }


class ApiKeyLimits:
    """The API keys' rate limits over one storage."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.storage = storage or build_storage(settings, "api-key-limits")
        self._limiter = RateLimiter(self.storage)
        self.requests = Limit.parse(
            "requests",
            settings.api_key_requests,
            "This API key made {amount} request{s} in the last {period}, its limit; "
            "try again in {wait}.",
        )
        self.conversations = Limit.parse(
            "conversations",
            settings.api_key_conversations,
            "This API key made an agent answer {amount} time{s} in the last {period} (new "
            "conversations, calls and messages), its limit; try again in {wait}.",
        )

    def count(self, key_id: str, *, conversation: bool = False) -> dict[str, str]:
        """Count one request of the key `key_id` (and one conversation or message when
        `conversation`); the X-RateLimit-* headers to answer with. A refusal (LimitReached,
        a 429 that carries those headers too) counts in neither limit."""
        checks = [(self.requests, key_id)]
        if conversation:
            checks.append((self.conversations, key_id))
        try:
            self._limiter.hit(checks)
        except LimitReached as refused:
            refused.headers = {**(refused.headers or {}), **window_headers(refused.window)}
            raise
        return window_headers(self._limiter.tightest(checks))

    def close(self) -> None:
        self._limiter.close()


class RateLimitHeaders:
    """Adds the X-RateLimit-* headers the auth dependency left in the request's state to the
    answer, whatever kind of response the endpoint returns (a dependency's own `Response`
    only reaches answers built by FastAPI from a return value)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # Held from the start: a layer below may hand on a copy of the scope, never of this.
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = state.get(STATE_KEY)
                if headers:
                    present = {name.lower() for name, _ in message.get("headers", [])}
                    extra = [
                        (name.lower().encode(), value.encode())
                        for name, value in headers.items()
                        if name.lower().encode() not in present
                    ]
                    message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
