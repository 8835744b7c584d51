"""Widget session tokens: what a caller's browser holds for one widget conversation.

A token is `wst1.<payload>.<signature>`: the payload is base64url JSON naming the
conversation, its agent and workspace, the origin the session was opened from, the mode and
the expiry; the signature is HMAC-SHA256 over `wst1.<payload>` with a key derived from
`Settings.signing_key`. Nothing is stored on the server, so any API process can check a token
another one minted; the price is that a token cannot be revoked before it expires, which is
why it is short-lived and bound to one conversation (an ended conversation refuses messages).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from frontdesk.errors import Unauthorized

VERSION = "wst1"
# The signing key also signs other things (the first-run setup link); deriving a key per
# purpose means a signature made for one can never pass as the other.
PURPOSE = b"frontdesk widget session token v1"


@dataclass(frozen=True)
class WidgetToken:
    conversation_id: str
    agent_id: str
    workspace_id: str
    origin: str
    mode: str  # "text" | "voice"
    expires_at: datetime


def _key(signing_key: bytes) -> bytes:
    return hmac.new(signing_key, PURPOSE, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_key: bytes, signed: str) -> str:
    return _b64(hmac.new(_key(signing_key), signed.encode("ascii"), hashlib.sha256).digest())


def mint_token(
    signing_key: bytes,
    *,
    conversation_id: str,
    agent_id: str,
    workspace_id: str,
    origin: str,
    mode: str,
    ttl_s: int,
    now: datetime | None = None,
) -> tuple[str, WidgetToken]:
    """A new token for the conversation, valid `ttl_s` seconds from now (whole seconds)."""
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    claims = WidgetToken(
        conversation_id=conversation_id,
        agent_id=agent_id,
        workspace_id=workspace_id,
        origin=origin,
        mode=mode,
        expires_at=issued + timedelta(seconds=ttl_s),
    )
    payload = {
        "c": conversation_id,
        "a": agent_id,
        "w": workspace_id,
        "o": origin,
        "m": mode,
        "exp": int(claims.expires_at.timestamp()),
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    signed = f"{VERSION}.{body}"
    return f"{signed}.{_sign(signing_key, signed)}", claims


def read_token(signing_key: bytes, token: str, *, now: datetime | None = None) -> WidgetToken:
    """The claims of a token this server minted and that has not expired; Unauthorized
    otherwise (malformed, forged or expired)."""
    invalid = Unauthorized("This widget session token is not valid; open a new session.")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise invalid
    signed = f"{parts[0]}.{parts[1]}"
    try:
        expected = _sign(signing_key, signed)
    except UnicodeEncodeError as exc:
        raise invalid from exc
    if not hmac.compare_digest(expected, parts[2]):
        raise invalid
    try:
        data = json.loads(_unb64(parts[1]))
        claims = WidgetToken(
            conversation_id=_text(data, "c"),
            agent_id=_text(data, "a"),
            workspace_id=_text(data, "w"),
            origin=_text(data, "o"),
            mode=_text(data, "m"),
            expires_at=datetime.fromtimestamp(int(data["exp"]), UTC),
        )
    except (binascii.Error, ValueError, TypeError, KeyError, OverflowError) as exc:
        raise invalid from exc
    if claims.expires_at <= (now or datetime.now(UTC)):
        raise Unauthorized("This widget session has expired; open a new session.")
    return claims


def _text(data: dict[str, object], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"token claim {key} is not text")
    return value


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header; Unauthorized when there is none."""
    value = (authorization or "").strip()
    if value[:7].lower() != "bearer " or not value[7:].strip():
        raise Unauthorized(
            "Send the widget session token as `Authorization: Bearer <token>` (the answer "
            "of POST /api/widget/{public_key}/sessions carries it)."
        )
    return value[7:].strip()
