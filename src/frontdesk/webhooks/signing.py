"""Signatures on webhook requests, and the check a receiver runs (docs/webhooks.md).

Each request carries `Frontdesk-Timestamp` (unix seconds) and
`Frontdesk-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. Signing the
timestamp with the body is what makes a captured request useless later: changing the
timestamp breaks the signature, and an old timestamp is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
# How old (or how far ahead, for a receiver whose clock runs behind) a request may be.
TOLERANCE_S = 300

EVENT_HEADER = "Frontdesk-Event"
DELIVERY_HEADER = "Frontdesk-Delivery"
TIMESTAMP_HEADER = "Frontdesk-Timestamp"
SIGNATURE_HEADER = "Frontdesk-Signature"


class InvalidSignature(Exception):
    """The request was not signed with this secret, or is too old to accept."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` under the whole secret string."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes, *older: str) -> str:
    """`v1=<hex>`, one per secret, the current one first (older ones sign too while a
    rotation's grace period lasts)."""
    return ", ".join(
        f"{SIGNATURE_VERSION}={signature(key, timestamp, body)}" for key in (secret, *older)
    )


def verify(
    secret: str,
    body: bytes,
    timestamp: str | int | None,
    signature_value: str | None,
    *,
    tolerance_s: int = TOLERANCE_S,
    now: float | None = None,
) -> None:
    """Accept a request or raise `InvalidSignature` saying why.

    `signature_value` is the whole `Frontdesk-Signature` header; it may hold several
    comma-separated `v1=` values (one per secret while a secret is being rotated), and
    one match is enough.
    """
    if timestamp is None or signature_value is None:
        raise InvalidSignature("The timestamp or signature header is missing.")
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise InvalidSignature(f"The timestamp {timestamp!r} is not unix seconds.") from None
    current = time.time() if now is None else now
    if sent_at < current - tolerance_s:
        raise InvalidSignature("The timestamp is too old; this may be a replayed request.")
    if sent_at > current + tolerance_s:
        raise InvalidSignature("The timestamp is too far in the future; check the clocks.")
    expected = signature(secret, sent_at, body)
    offered = [
        value.strip()
        for version, _, value in (
            part.strip().partition("=") for part in signature_value.split(",")
        )
        if version == SIGNATURE_VERSION
    ]
    # compare_digest takes as long for a near miss as for a wild guess.
    if not any(hmac.compare_digest(expected, value) for value in offered):
        raise InvalidSignature("The signature does not match the body and timestamp.")


def verify_headers(
    secret: str, body: bytes, headers: Mapping[str, str], *, now: float | None = None
) -> None:
    """`verify` with the request's headers (any mapping that looks names up as sent; HTTP
    libraries' header objects ignore case)."""
    verify(secret, body, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), now=now)
