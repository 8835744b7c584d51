"""Throttling of password sign-in: failed attempts per client IP and per email address, and
a bound on how many passwords are checked at once.

Without it, anyone who can reach the login form can guess passwords as fast as the server
answers, and each guess costs an Argon2 verification (tens of MiB of memory, tens of ms of
CPU), so a flood of guesses is also a cheap way to exhaust the server.

Only failed attempts are counted, so an office behind one NAT address signing in all day is
never refused; once a window is full, further attempts are refused before the password is
verified at all. The client IP is the socket's peer as uvicorn reports it (uvicorn rewrites
it from X-Forwarded-For only for the proxies in its FORWARDED_ALLOW_IPS, 127.0.0.1 by
default); a header sent by anyone else changes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from limits.storage import Storage

from frontdesk.config import Settings
from frontdesk.errors import TooManyRequests
from frontdesk.rate_limiting import Limit, RateLimiter, build_storage

# How long a sign-in waits for a free verification slot before it is told to come back.
_SLOT_WAIT_S = 5.0


class LoginLimits:
    """Sign-in's limits over one storage, and its verification slots."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.storage = storage or build_storage(settings, "login-limits")
        self._limiter = RateLimiter(self.storage)
        self.per_ip = Limit.parse(
            "failed-ip",
            settings.login_failures_per_ip,
            "Too many failed sign-ins from your network ({amount} in a {period}); "
            "try again in {wait}.",
        )
        self.per_email = Limit.parse(
            "failed-email",
            settings.login_failures_per_email,
            "Too many failed sign-ins for this account ({amount} in a {period}); "
            "try again in {wait}.",
        )
        self._slots = threading.BoundedSemaphore(settings.login_concurrent_checks)

    def _checks(self, client_ip: str, email: str) -> list[tuple[Limit, str]]:
        return [(self.per_ip, client_ip), (self.per_email, email.strip().lower())]

    def before(self, client_ip: str, email: str) -> None:
        """TooManyRequests (with Retry-After) when this IP or this email has used up its
        failed attempts; nothing is counted here."""
        self._limiter.check(self._checks(client_ip, email))

    def failed(self, client_ip: str, email: str) -> None:
        """Count one failed attempt against the IP and the email."""
        self._limiter.count(self._checks(client_ip, email))

    @contextmanager
    def verifying(self) -> Iterator[None]:
        """Hold one of FRONTDESK_LOGIN_CONCURRENT_CHECKS slots while a password is verified;
        TooManyRequests when none frees up in a few seconds."""
        if not self._slots.acquire(timeout=_SLOT_WAIT_S):
            raise TooManyRequests(
                "Too many sign-ins are being checked right now; try again in a moment.",
                retry_after_s=2,
            )
        try:
            yield
        finally:
            self._slots.release()

    def close(self) -> None:
        self._limiter.close()
