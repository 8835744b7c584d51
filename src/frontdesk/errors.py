"""One error root and one JSON shape for every error the API returns.

Every error answers `{"error": "<Name>", "detail": ...}`; validation errors (422) too, so a
client needs one code path. `tests/test_error_shape.py` locks the shape.
"""

from __future__ import annotations

from typing import Any


class FrontdeskError(Exception):
    """Base of every error Frontdesk raises on purpose.

    `status` is the HTTP status the API answers with; `detail` is what the owner reads, so it
    says what went wrong and what to do about it.
    """

    status: int = 500
    # Extra response headers (e.g. Retry-After on a 429).
    headers: dict[str, str] | None = None

    def __init__(self, detail: Any = None, *, status: int | None = None) -> None:
        self.detail = detail if detail is not None else self.__class__.__doc__
        if status is not None:
            self.status = status
        super().__init__(str(self.detail))

    @property
    def name(self) -> str:
        return type(self).__name__


class NotFound(FrontdeskError):
    """The resource does not exist in your workspace."""

    status = 404


class Unauthorized(FrontdeskError):
    """Sign in or send an API key."""

    status = 401


class Forbidden(FrontdeskError):
    """You are not allowed to do this."""

    status = 403


class BadRequest(FrontdeskError):
    """The request is not valid."""

    status = 400


class Conflict(FrontdeskError):
    """The request conflicts with the current state."""

    status = 409


class TooManyRequests(FrontdeskError):
    """Too many requests; try again later."""

    status = 429

    def __init__(self, detail: Any = None, *, retry_after_s: int) -> None:
        super().__init__(detail)
        # Whole seconds, at least one: a client that retries at 0 would only be refused again.
        self.retry_after_s = max(1, int(retry_after_s))
        self.headers = {"Retry-After": str(self.retry_after_s)}


class ValidationFailed(FrontdeskError):
    """Some fields are not valid."""

    status = 422


class UnsafeURL(FrontdeskError):
    """The URL points to an address Frontdesk refuses to fetch (private, loopback, metadata)."""

    status = 422


class PayloadTooLarge(FrontdeskError):
    """The upload is larger than the configured limit."""

    status = 413


class DocumentError(FrontdeskError):
    """A document could not be read; the message says why in words the owner understands."""

    status = 422


class ConfigurationError(FrontdeskError):
    """Frontdesk is configured in a way it cannot run with."""

    status = 500


class ServiceUnavailable(FrontdeskError):
    """This part of Frontdesk is not ready to serve yet."""

    status = 503
