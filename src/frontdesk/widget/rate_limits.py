"""Rate limits of the public widget endpoints, per client IP and per agent.

The counting itself (moving windows, memory or Redis shared by every API process) is
rate_limiting.py's; this module names the widget's limits and what a refusal says.
"""

from __future__ import annotations

from limits.storage import Storage

from frontdesk.config import Settings
from frontdesk.rate_limiting import Limit, RateLimiter, build_storage


class WidgetLimits:
    """The widget's rate limits over one storage."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.storage = storage or build_storage(settings, "widget-limits")
        self._limiter = RateLimiter(self.storage)
        busy = "Too many conversations are being started"
        self.sessions_per_ip = Limit.parse(
            "sessions-ip",
            settings.widget_sessions_per_ip,
            f"{busy} from your network; please try again in a moment.",
        )
        self.sessions_per_agent = Limit.parse(
            "sessions-agent",
            settings.widget_sessions_per_agent,
            f"{busy} with this business right now; please try again in a moment.",
        )
        self.messages_per_ip = Limit.parse(
            "messages-ip",
            settings.widget_messages_per_ip,
            "You are sending messages faster than we can answer; please wait a moment.",
        )
        self.messages_per_agent = Limit.parse(
            "messages-agent",
            settings.widget_messages_per_agent,
            "This business is receiving too many messages right now; please wait a moment.",
        )

    def hit(self, limit: Limit, key: str) -> None:
        """Count one request against every window of `limit` for `key`; TooManyRequests
        (with Retry-After) when a window is full. A refused request is not counted."""
        self._limiter.hit([(limit, key)])

    def session(self, client_ip: str, agent_id: str) -> None:
        """A new widget conversation from `client_ip` with `agent_id`; refused by either
        limit, it counts against neither."""
        self._limiter.hit([(self.sessions_per_ip, client_ip), (self.sessions_per_agent, agent_id)])

    def message(self, client_ip: str, agent_id: str) -> None:
        """A widget message from `client_ip` to `agent_id`; refused by either limit, it
        counts against neither."""
        self._limiter.hit([(self.messages_per_ip, client_ip), (self.messages_per_agent, agent_id)])

    def close(self) -> None:
        self._limiter.close()
