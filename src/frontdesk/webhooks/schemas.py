from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontdesk.timestamps import UtcDatetime
from frontdesk.webhooks.events import EVENT_TYPES, EventType

DeliveryStatus = Literal["pending", "succeeded", "failed"]


def _checked_url(value: str) -> str:
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a valid address ({exc}).") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("Use an http:// or https:// address, e.g. https://example.com/hooks.")
    if not parts.hostname:
        raise ValueError("The address has no host name; e.g. https://example.com/hooks.")
    if parts.username or parts.password:
        raise ValueError("Leave credentials out of the address; check the signature instead.")
    return url


def _checked_events(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("Choose at least one event to send: " + ", ".join(EVENT_TYPES) + ".")
    # One entry per type, in a stable order, however the owner ticked them.
    return sorted(set(value))


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="Where to POST events (http or https)")
    events: list[EventType] = Field(description="The event types to send")
    description: str | None = Field(default=None, max_length=500)
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _checked_url(value)

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        return _checked_events(value)


class WebhookEndpointUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2000)
    events: list[EventType] | None = None
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _checked_url(value)

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _checked_events(value)


class WebhookEndpointPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    enabled: bool
    description: str | None
    secret_hint: str = Field(description="The secret's first characters, to tell secrets apart")
    created_at: UtcDatetime


class WebhookEndpointWithSecret(WebhookEndpointPublic):
    secret: str = Field(description="The signing secret; shown only when created or rotated")


class WebhookDeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="Sent as the Frontdesk-Delivery header")
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: UtcDatetime | None = Field(description="When a pending delivery is tried")
    last_attempt_at: UtcDatetime | None
    response_status: int | None = Field(description="The HTTP status the endpoint answered")
    response_excerpt: str | None = Field(description="The start of the endpoint's answer")
    last_error: str | None
    duration_ms: int | None
    payload: dict[str, Any] = Field(description="The JSON body that was (or will be) sent")
    created_at: UtcDatetime


class WebhookDeliveryPage(BaseModel):
    total: int = Field(description="Deliveries matching the filter, before limit and offset")
    deliveries: list[WebhookDeliveryPublic]


def endpoint_public(endpoint: Any, *, with_secret: bool = False) -> WebhookEndpointPublic:
    fields = {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events or []),
        "enabled": endpoint.enabled,
        "description": endpoint.description,
        "secret_hint": endpoint.secret[:10] + "…",
        "created_at": endpoint.created_at,
    }
    if with_secret:
        return WebhookEndpointWithSecret(**fields, secret=endpoint.secret)
    return WebhookEndpointPublic(**fields)
