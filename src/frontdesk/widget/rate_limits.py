"""Rate limits of the public widget endpoints, per client IP and per agent.

Moving windows from the `limits` library. The counters live in this process's memory by
default; with `FRONTDESK_QUEUE_URL=redis://…` they live in that Redis, so every API process
behind a load balancer counts the same requests. Built in the app's lifespan, never at import.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from frontdesk.config import Settings
from frontdesk.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    """One limited action (e.g. "sessions per IP"): its windows and what a refusal says."""

    name: str
    windows: tuple[RateLimitItem, ...]
    refusal: str


def _limit(name: str, spec: str, refusal: str) -> Limit:
    return Limit(name, tuple(parse_many(spec)), refusal)


def build_storage(settings: Settings) -> Storage:
    url = settings.queue_url
    if url.startswith(("redis://", "rediss://")):
        # The queue name keeps deployments (and test runs) sharing one Redis apart.
        return RedisStorage(url, key_prefix=f"{settings.queue_name}:widget-limits")
    return MemoryStorage()


class WidgetLimits:
    """The widget's rate limits over one storage."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.storage = storage or build_storage(settings)
        self._limiter = MovingWindowRateLimiter(self.storage)
        busy = "Too many conversations are being started"
        self.sessions_per_ip = _limit(
            "sessions-ip",
            settings.widget_sessions_per_ip,
            f"{busy} from your network; please try again in a moment.",
        )
        self.sessions_per_agent = _limit(
            "sessions-agent",
            settings.widget_sessions_per_agent,
            f"{busy} with this business right now; please try again in a moment.",
        )
        self.messages_per_ip = _limit(
            "messages-ip",
            settings.widget_messages_per_ip,
            "You are sending messages faster than we can answer; please wait a moment.",
        )
        self.messages_per_agent = _limit(
            "messages-agent",
            settings.widget_messages_per_agent,
            "This business is receiving too many messages right now; please wait a moment.",
        )

    def hit(self, limit: Limit, key: str) -> None:
        """Count one request against every window of `limit` for `key`; TooManyRequests
        (with Retry-After) when a window is full. A refused request is not counted."""
        for window in limit.windows:
            if not self._limiter.test(window, limit.name, key):
                raise TooManyRequests(
                    limit.refusal, retry_after_s=self._retry_after(window, limit, key)
                )
        for window in limit.windows:
            # Another process may have filled the window since the test: then refuse too.
            if not self._limiter.hit(window, limit.name, key):
                raise TooManyRequests(
                    limit.refusal, retry_after_s=self._retry_after(window, limit, key)
                )

    def _retry_after(self, window: RateLimitItem, limit: Limit, key: str) -> int:
        stats = self._limiter.get_window_stats(window, limit.name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def session(self, client_ip: str, agent_id: str) -> None:
        """A new widget conversation from `client_ip` with `agent_id`."""
        self.hit(self.sessions_per_ip, client_ip)
        self.hit(self.sessions_per_agent, agent_id)

    def message(self, client_ip: str, agent_id: str) -> None:
        """A widget message from `client_ip` to `agent_id`."""
        self.hit(self.messages_per_ip, client_ip)
        self.hit(self.messages_per_agent, agent_id)

    def close(self) -> None:
        client = getattr(self.storage, "storage", None)  # the Redis client, when there is one
        close = getattr(client, "close", None)
        if callable(close):
            close()
