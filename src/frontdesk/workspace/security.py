"""Password hashing and opaque tokens.

Passwords use Argon2id. Session tokens and API keys are random and stored only as sha256
hashes: they carry enough entropy that a slow hash adds nothing, and lookups stay indexed.
"""

from __future__ import annotations

import hashlib
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


def new_password() -> str:
    """A first-run password that is easy to type from a terminal."""
    return "-".join(secrets.token_hex(3) for _ in range(4))
