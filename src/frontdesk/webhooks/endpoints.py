"""Webhook endpoints of the workspace, their test events and delivery log. Owner and admins
only; docs/webhooks.md tells the business's developers how to verify what arrives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from frontdesk.db import DbSession, PageOffset
from frontdesk.errors import Conflict, Forbidden
from frontdesk.models import WebhookDelivery
from frontdesk.openapi_errors import error_responses
from frontdesk.webhooks.schemas import (
    DeliveryStatus,
    WebhookDeliveryPage,
    WebhookDeliveryPublic,
    WebhookEndpointCreate,
    WebhookEndpointPublic,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    endpoint_public,
)
from frontdesk.webhooks.service import WebhookService
from frontdesk.workspace.auth import CurrentPrincipal
from frontdesk.workspace.service import Principal

# Every webhook endpoint is for the owner and admins only (the service checks).
router = APIRouter(prefix="/api/webhooks", tags=["webhooks"], responses=error_responses(Forbidden))


def _service(request: Request, principal: Principal, db: DbSession) -> WebhookService:
    return WebhookService(db, principal, request.app.state.resources.settings)


@router.get("", response_model=list[WebhookEndpointPublic])
def list_webhook_endpoints(
    request: Request, principal: CurrentPrincipal, db: DbSession
) -> list[WebhookEndpointPublic]:
    """The workspace's webhook endpoints, oldest first (secrets only as a hint)."""
    return [endpoint_public(e) for e in _service(request, principal, db).endpoints()]


@router.post("", response_model=WebhookEndpointWithSecret, status_code=201)
def create_webhook_endpoint(
    body: WebhookEndpointCreate, request: Request, principal: CurrentPrincipal, db: DbSession
) -> WebhookEndpointPublic:
    """Add an endpoint that receives the chosen events as signed JSON POSTs. The answer holds
    the signing secret (`whsec_…`) in full: store it now, it is not shown again. 422 when
    the address is not http(s) or points to a private, loopback or link-local address that
    FRONTDESK_OUTBOUND_ALLOWED_HOSTS does not name."""
    endpoint = _service(request, principal, db).create(body)
    return endpoint_public(endpoint, with_secret=True)


@router.get("/{endpoint_id}", response_model=WebhookEndpointPublic)
def get_webhook_endpoint(
    endpoint_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> WebhookEndpointPublic:
    """One webhook endpoint."""
    return endpoint_public(_service(request, principal, db).get(endpoint_id))


@router.patch("/{endpoint_id}", response_model=WebhookEndpointPublic)
def update_webhook_endpoint(
    endpoint_id: str,
    body: WebhookEndpointUpdate,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> WebhookEndpointPublic:
    """Change the address, the events, the description, or enable/disable the endpoint.
    Only the fields sent change. A disabled endpoint gets no new events, and what was
    waiting for it is marked failed (retry it after enabling)."""
    return endpoint_public(_service(request, principal, db).update(endpoint_id, body))


@router.delete("/{endpoint_id}", status_code=204)
def delete_webhook_endpoint(
    endpoint_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Delete the endpoint with its delivery log; nothing more is sent to it."""
    _service(request, principal, db).delete(endpoint_id)
    return Response(status_code=204)


@router.post("/{endpoint_id}/rotate-secret", response_model=WebhookEndpointWithSecret)
def rotate_webhook_secret(
    endpoint_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> WebhookEndpointPublic:
    """Replace the signing secret; the new one is in the answer, shown only now. Requests
    from now on (retries of older events included) are signed with it and, for 24 hours,
    with the old one too (two `v1=` values), so the receiver can switch at its own pace."""
    endpoint = _service(request, principal, db).rotate_secret(endpoint_id)
    return endpoint_public(endpoint, with_secret=True)


@router.post("/{endpoint_id}/test", response_model=WebhookDeliveryPublic)
def send_webhook_test(
    endpoint_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> WebhookDelivery:
    """Send a signed `webhook.test` event now and answer with its delivery: the status code
    the endpoint answered, or the error (refused address, timeout, connection error). It is
    logged like any delivery but not retried."""
    return _service(request, principal, db).send_test(endpoint_id)


@router.get("/{endpoint_id}/deliveries", response_model=WebhookDeliveryPage)
def list_webhook_deliveries(
    endpoint_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: PageOffset = 0,
) -> WebhookDeliveryPage:
    """The endpoint's delivery log, newest first: event, status, tries, the last response
    code and error, and when a pending one is tried next. `total` counts every match."""
    total, rows = _service(request, principal, db).deliveries(
        endpoint_id, status=status, limit=limit, offset=offset
    )
    return WebhookDeliveryPage(
        total=total, deliveries=[WebhookDeliveryPublic.model_validate(r) for r in rows]
    )


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/retry",
    response_model=WebhookDeliveryPublic,
    status_code=202,
    responses=error_responses(Conflict),
)
def retry_webhook_delivery(
    endpoint_id: str,
    delivery_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> WebhookDelivery:
    """Try a failed or waiting delivery again now (in the background: the answer is the
    delivery, pending; read the log for the outcome). 409 when it already succeeded, is a
    test event, or the endpoint is disabled."""
    return _service(request, principal, db).retry(endpoint_id, delivery_id)
