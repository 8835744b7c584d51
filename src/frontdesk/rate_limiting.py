"""Rate limits over the `limits` library: moving windows, counted in this process's memory by
default, or in Redis when `FRONTDESK_QUEUE_URL=redis://…` so that every API process behind a
load balancer counts the same requests.

Used by the public widget (per client IP, per agent: widget/rate_limits.py), by API keys
(workspace/api_key_limits.py) and by sign-in (workspace/login_limits.py). Built in the app's
lifespan, never at import.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from frontdesk.config import Settings
from frontdesk.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    """One limited action (e.g. "sessions per IP"): its windows and what a refusal says.

    `refusal` may name the full window with `{amount}` and `{period}` ("120" and "minute"),
    `{s}` after a word counted by `{amount}`, and the wait with `{wait}` ("23 seconds")."""

    name: str
    windows: tuple[RateLimitItem, ...]
    refusal: str

    @classmethod
    def parse(cls, name: str, spec: str, refusal: str) -> Limit:
        """`spec` in `limits` notation, several windows separated by ";" (10/minute;100/day)."""
        return cls(name, tuple(parse_many(spec)), refusal)


@dataclass(frozen=True)
class WindowState:
    """Where one window of a limit stands for one key, as the X-RateLimit-* headers say it."""

    limit: int
    remaining: int
    reset_at: float  # Unix time at which the window has room for one more request


def period(window: RateLimitItem) -> str:
    """'minute', '5 minutes': the length of a window in words."""
    unit = window.GRANULARITY.name
    return unit if window.multiples == 1 else f"{window.multiples} {unit}s"


def build_storage(settings: Settings, purpose: str) -> Storage:
    url = settings.queue_url
    if url.startswith(("redis://", "rediss://")):
        # The queue name keeps deployments (and test runs) sharing one Redis apart; the
        # purpose keeps the widget's counts apart from the API keys'.
        return RedisStorage(url, key_prefix=f"{settings.queue_name}:{purpose}")
    return MemoryStorage()


def close_storage(storage: Storage) -> None:
    client = getattr(storage, "storage", None)  # the Redis client, when there is one
    close = getattr(client, "close", None)
    if callable(close):
        close()


class LimitReached(TooManyRequests):
    """A full window: a 429 like any other, carrying where that window stands."""

    def __init__(self, detail: str, *, retry_after_s: int, window: WindowState) -> None:
        super().__init__(detail, retry_after_s=retry_after_s)
        self.window = window

    @property
    def name(self) -> str:
        # Clients read one error name for every 429, whoever refused.
        return "TooManyRequests"


class RateLimiter:
    """Counts requests against `Limit`s for keys, in one storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._windows = MovingWindowRateLimiter(storage)

    def hit(self, checks: Sequence[tuple[Limit, str]]) -> None:
        """Count one request against every window of every (limit, key) in `checks`.

        TooManyRequests (with Retry-After) when any window is full; a refused request is
        counted in none of them, so a client that keeps retrying too early is not locked out
        for longer."""
        # Test every window before counting in any: counting window by window would leave a
        # refused request counted in the windows before the full one.
        for limit, key in checks:
            for window in limit.windows:
                if not self._windows.test(window, limit.name, key):
                    raise self.refusal(limit, window, key)
        for limit, key in checks:
            for window in limit.windows:
                # Each hit is atomic (a Lua script on Redis) and refuses when full: another
                # process may have filled the window since the test. The windows counted before
                # it keep this request; that race is rare and errs towards refusing.
                if not self._windows.hit(window, limit.name, key):
                    raise self.refusal(limit, window, key)

    def check(self, checks: Sequence[tuple[Limit, str]]) -> None:
        """TooManyRequests when any window of `checks` is full, counting nothing: for limits
        on failures, which are counted (with `count`) only once the attempt has failed."""
        for limit, key in checks:
            for window in limit.windows:
                if not self._windows.test(window, limit.name, key):
                    raise self.refusal(limit, window, key)

    def count(self, checks: Sequence[tuple[Limit, str]]) -> None:
        """Count one event in every window of `checks`, never refusing: it already happened."""
        for limit, key in checks:
            for window in limit.windows:
                self._windows.hit(window, limit.name, key)

    def state(self, limit: Limit, window: RateLimitItem, key: str) -> WindowState:
        stats = self._windows.get_window_stats(window, limit.name, key)
        return WindowState(window.amount, max(0, stats.remaining), stats.reset_time)

    def tightest(self, checks: Sequence[tuple[Limit, str]]) -> WindowState:
        """The window nearest to refusing (fewest requests left) among `checks`."""
        states = [
            self.state(limit, window, key) for limit, key in checks for window in limit.windows
        ]
        return min(states, key=lambda s: (s.remaining, -s.reset_at))

    def refusal(self, limit: Limit, window: RateLimitItem, key: str) -> LimitReached:
        state = self.state(limit, window, key)
        wait = max(1, math.ceil(state.reset_at - time.time()))
        detail = limit.refusal.format(
            amount=window.amount,
            s="" if window.amount == 1 else "s",
            period=period(window),
            wait=f"{wait} second{'s' if wait != 1 else ''}",
        )
        return LimitReached(detail, retry_after_s=wait, window=state)

    def close(self) -> None:
        close_storage(self.storage)
