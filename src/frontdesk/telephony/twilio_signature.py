"""Twilio's request signature (`X-Twilio-Signature`): how Frontdesk knows a webhook came from
the business's Twilio account and not from someone who found the address.

Twilio signs the full URL it requested, followed by each POST parameter's name and value in
the order of their names, with HMAC-SHA1 keyed by the account's auth token, in base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """The signature Twilio sends for a request to `url` with form `params`."""
    signed = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by_twilio(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str | None
) -> bool:
    """Whether `signature` is Twilio's for this request, compared in constant time."""
    if not signature or not auth_token:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode(), signature.encode())


def stream_token(auth_token: str, conversation_id: str) -> str:
    """What the TwiML hands to the media stream (as a <Parameter>) so that the stream proves
    it belongs to the call Twilio's signed request opened: a stream's own handshake carries
    no form to sign, and a guessed conversation id must not be enough to listen in."""
    digest = hmac.new(
        auth_token.encode(), b"frontdesk-stream:" + conversation_id.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
