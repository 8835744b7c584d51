"""Password hashing and opaque tokens.

Passwords use Argon2id. Session tokens and API keys are random and stored only as sha256
hashes: they carry enough entropy that a slow hash adds nothing, and lookups stay indexed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

API_KEY_PREFIX = "fdk_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Changing this label invalidates every printed setup link; there is no reason to.
_SETUP_LABEL = b"frontdesk first-run setup v1"


def setup_token(signing_key: bytes) -> str:
    """The token of the first-run setup link.

    Derived from the signing key rather than stored, so `serve`, its workers and any later
    start print and accept the same link; it opens nothing once a user exists.
    """
    digest = hmac.new(signing_key, _SETUP_LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:32]


def setup_token_matches(signing_key: bytes, token: str) -> bool:
    return hmac.compare_digest(setup_token(signing_key).encode(), token.encode())
