"""Sending deliveries: one signed POST per try, retries with backoff, the outcome logged.

A queue job sends one try of one delivery. It claims the delivery in a short transaction,
sends with no transaction open (a receiver may take the whole timeout), and records the
outcome in a second one. A worker that dies mid-send leaves the claim to expire; the sweep
then sends that try again, so a receiver may see a delivery twice and should dedupe on the
`Frontdesk-Delivery` header.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from frontdesk import __version__
from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.errors import UnsafeURL
from frontdesk.models import WebhookDelivery, WebhookEndpoint
from frontdesk.models.base import as_utc, utcnow
from frontdesk.providers.crawl.ssrf import AddressRefused, guarded_async_client
from frontdesk.webhooks.repository import WebhookRepository
from frontdesk.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_header,
)

log = logging.getLogger(__name__)

USER_AGENT = f"Frontdesk-Webhooks/{__version__}"
OUTBOUND_ALLOW_LIST = "FRONTDESK_OUTBOUND_ALLOWED_HOSTS"
# Waits before the 2nd, 3rd… try, in units of FRONTDESK_WEBHOOK_RETRY_BASE_S (30 s by
# default: 30 s, 2 min, 10 min, 1 h, 6 h). After the last one the delivery has failed.
RETRY_STEPS = (1, 4, 20, 120, 720)
MAX_ATTEMPTS = len(RETRY_STEPS) + 1
EXCERPT_CHARS = 500
# Enough of the receiver's answer for the excerpt; the rest is never read.
_READ_LIMIT = 4096
# A claim outlives the request's timeout by this much before another worker may retry.
_CLAIM_MARGIN_S = 30.0


def retry_delay(settings: Settings, attempts_made: int) -> float | None:
    """Seconds to wait after `attempts_made` failed tries, or None when that was the last."""
    if attempts_made < 1 or attempts_made > len(RETRY_STEPS):
        return None
    return RETRY_STEPS[attempts_made - 1] * settings.webhook_retry_base_s


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Attempt:
    """What one try got: a status code (any answer), or an error (no answer)."""

    status_code: int | None
    excerpt: str | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signing_secrets(endpoint: WebhookEndpoint, now: datetime | None = None) -> tuple[str, ...]:
    """The endpoint's secret, and the one it replaced while that still signs too."""
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and as_utc(until) > (now or utcnow()):
        return (endpoint.secret, endpoint.previous_secret)
    return (endpoint.secret,)


async def post_event(
    settings: Settings,
    *,
    url: str,
    secrets: tuple[str, ...],
    delivery_id: str,
    event_type: str,
    payload: dict[str, Any],
) -> Attempt:
    """One signed POST. Never raises: every failure becomes the attempt's error."""
    body = body_bytes(payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: event_type,
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature_header(secrets[0], timestamp, body, *secrets[1:]),
    }
    timeout = settings.webhook_timeout_s
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        async with (
            guarded_async_client(
                settings.outbound_allowed_hosts, timeout=timeout, user_agent=USER_AGENT
            ) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            raw = b""
            async for chunk in response.aiter_bytes():
                raw += chunk
                if len(raw) >= _READ_LIMIT:
                    break
    except UnsafeURL as exc:
        return Attempt(None, None, outbound_refusal(url, exc), took())
    except httpx.TimeoutException:
        return Attempt(None, None, f"No answer within {timeout:g} seconds.", took())
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        return Attempt(None, None, f"Could not connect: {reason}.", took())
    excerpt = raw.decode("utf-8", errors="replace").strip()[:EXCERPT_CHARS] or None
    error = None
    if response.is_redirect:
        error = (
            f"The endpoint answered {response.status_code} with a redirect to "
            f"{response.headers.get('location', '?')}; redirects are not followed, so save "
            "the final address."
        )
    elif not 200 <= response.status_code < 300:
        error = f"The endpoint answered {response.status_code}."
    return Attempt(response.status_code, excerpt, error, took())


def outbound_refusal(url: str, exc: UnsafeURL) -> str:
    """The refusal in the webhook's own words: the guard's message names the crawler."""
    if isinstance(exc, AddressRefused):
        shown = exc.host if str(exc.address) == exc.host else f"{exc.host} ({exc.address})"
        return (
            f"Frontdesk does not send webhooks to {url}: {shown} is not a public internet "
            f"address. Add the host to {OUTBOUND_ALLOW_LIST} if this is intended."
        )
    return str(exc.detail)


def record(settings: Settings, delivery: WebhookDelivery, attempt: Attempt, *, retry: bool) -> None:
    """Write one try's outcome onto the delivery; `retry` says whether a failure is tried
    again later (test events are not)."""
    now = utcnow()
    delivery.attempts = (delivery.attempts or 0) + 1
    delivery.last_attempt_at = now
    delivery.response_status = attempt.status_code
    delivery.response_excerpt = attempt.excerpt
    delivery.last_error = attempt.error[:2000] if attempt.error else None
    delivery.duration_ms = attempt.duration_ms
    if attempt.succeeded:
        delivery.status, delivery.next_attempt_at = "succeeded", None
        return
    wait = retry_delay(settings, delivery.attempts) if retry else None
    if wait is None:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.status, delivery.next_attempt_at = "pending", now + timedelta(seconds=wait)


@dataclass(frozen=True)
class _Claimed:
    url: str
    secrets: tuple[str, ...]
    event_type: str
    payload: dict[str, Any]


class WebhookSender:
    """The queue's side (jobs.py): send one try of a delivery, find the due ones."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions

    def deliver(self, delivery_id: str) -> float | None:
        """Send one try if the delivery is due; seconds until its next try, or None when
        there is none (sent, failed for good, not due, or taken by another worker)."""
        claimed = self._claim(delivery_id)
        if claimed is None:
            return None
        attempt = asyncio.run(
            post_event(
                self.settings,
                url=claimed.url,
                secrets=claimed.secrets,
                delivery_id=delivery_id,
                event_type=claimed.event_type,
                payload=claimed.payload,
            )
        )
        with transaction(self.sessions) as db:
            delivery = db.get(WebhookDelivery, delivery_id)
            if delivery is None:  # the endpoint was deleted meanwhile
                return None
            record(self.settings, delivery, attempt, retry=True)
            log.info(
                "webhook delivery %s (%s) try %d: %s",
                delivery_id,
                delivery.event_type,
                delivery.attempts,
                attempt.status_code or attempt.error,
            )
            if delivery.status != "pending" or delivery.next_attempt_at is None:
                return None
            return max(0.0, (delivery.next_attempt_at - utcnow()).total_seconds())

    def _claim(self, delivery_id: str) -> _Claimed | None:
        now = utcnow()
        until = now + timedelta(seconds=self.settings.webhook_timeout_s + _CLAIM_MARGIN_S)
        with transaction(self.sessions) as db:
            if not WebhookRepository(db).claim(delivery_id, now=now, until=until):
                return None
            delivery = db.get(WebhookDelivery, delivery_id)
            endpoint = db.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
            if delivery is None or endpoint is None:
                return None
            if not endpoint.enabled:
                delivery.status, delivery.next_attempt_at = "failed", None
                delivery.last_error = "The endpoint was disabled before this was sent."
                return None
            return _Claimed(
                endpoint.url, signing_secrets(endpoint, now), delivery.event_type, delivery.payload
            )

    def prune(self, now: datetime | None = None) -> int:
        """Trim the delivery log to FRONTDESK_WEBHOOK_LOG_DAYS (a daily job)."""
        cutoff = (now or utcnow()) - timedelta(days=self.settings.webhook_log_days)
        with transaction(self.sessions) as db:
            return WebhookRepository(db).prune(cutoff)

    def due_ids(self, now: datetime | None = None) -> list[str]:
        with transaction(self.sessions) as db:
            return WebhookRepository(db).due_ids(now or utcnow())
