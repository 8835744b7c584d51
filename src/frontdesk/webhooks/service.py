"""The owner's side of webhooks: endpoints, test events, the delivery log, retries.

Only the workspace's owner and admins manage webhooks (the secrets sign what the business's
systems trust); every lookup is scoped to the principal's workspace.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.orm import Session

from frontdesk.config import Settings
from frontdesk.db import on_commit
from frontdesk.errors import Conflict, NotFound, UnsafeURL
from frontdesk.models import WebhookDelivery, WebhookEndpoint
from frontdesk.models.base import new_id, utcnow
from frontdesk.providers.crawl.ssrf import check_url
from frontdesk.webhooks.delivery import outbound_refusal, post_event, record, signing_secrets
from frontdesk.webhooks.events import (
    DISPATCH_KEY,
    TEST_EVENT,
    Dispatch,
    envelope,
    new_event_id,
    ping_data,
)
from frontdesk.webhooks.repository import WebhookRepository
from frontdesk.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate
from frontdesk.webhooks.signing import new_secret
from frontdesk.workspace.service import Principal, require_admin

MAX_ENDPOINTS = 20
ROTATION_GRACE = timedelta(hours=24)


class WebhookService:
    def __init__(self, db: Session, principal: Principal, settings: Settings) -> None:
        require_admin(principal)
        self.db = db
        self.principal = principal
        self.settings = settings
        self.repo = WebhookRepository(db)

    @property
    def workspace_id(self) -> str:
        return self.principal.workspace_id

    def endpoints(self) -> list[WebhookEndpoint]:
        return self.repo.endpoints(self.workspace_id)

    def get(self, endpoint_id: str) -> WebhookEndpoint:
        endpoint = self.repo.endpoint(self.workspace_id, endpoint_id)
        if endpoint is None:
            raise NotFound("No such webhook endpoint in your workspace.")
        return endpoint

    def _check_address(self, url: str) -> None:
        """Refuse private, loopback and link-local addresses now, with a clear answer; the
        sender checks every connection again, since DNS can change after saving."""
        try:
            asyncio.run(check_url(url, self.settings.outbound_allowed_hosts))
        except UnsafeURL as exc:
            raise UnsafeURL(outbound_refusal(url, exc)) from None

    def create(self, body: WebhookEndpointCreate) -> WebhookEndpoint:
        if len(self.endpoints()) >= MAX_ENDPOINTS:
            raise Conflict(
                f"A workspace can have {MAX_ENDPOINTS} webhook endpoints; delete one you no "
                "longer use first."
            )
        self._check_address(body.url)
        endpoint = WebhookEndpoint(
            workspace_id=self.workspace_id,
            url=body.url,
            secret=new_secret(),
            events=list(body.events),
            enabled=body.enabled,
            description=(body.description or "").strip() or None,
        )
        self.db.add(endpoint)
        self.db.flush()
        return endpoint

    def update(self, endpoint_id: str, change: WebhookEndpointUpdate) -> WebhookEndpoint:
        endpoint = self.get(endpoint_id)
        sent = change.model_fields_set
        if "url" in sent and change.url is not None and change.url != endpoint.url:
            self._check_address(change.url)
            endpoint.url = change.url
        if "events" in sent and change.events is not None:
            endpoint.events = list(change.events)
        if "description" in sent:
            endpoint.description = (change.description or "").strip() or None
        if "enabled" in sent and change.enabled is not None:
            endpoint.enabled = change.enabled
        self.db.flush()
        return endpoint

    def delete(self, endpoint_id: str) -> None:
        # Its deliveries go with it (ON DELETE CASCADE); a worker mid-send finds nothing
        # to record and stops.
        self.db.delete(self.get(endpoint_id))
        self.db.flush()

    def rotate_secret(self, endpoint_id: str) -> WebhookEndpoint:
        """A new secret; the old one signs every request too for a day, so the receiver can
        switch over without refusing anything (a second rotation ends that at once)."""
        endpoint = self.get(endpoint_id)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = utcnow() + ROTATION_GRACE
        endpoint.secret = new_secret()
        self.db.flush()
        return endpoint

    def send_test(self, endpoint_id: str) -> WebhookDelivery:
        """Send a `webhook.test` event now and log it; a failed test is not retried (the
        owner is looking at the answer and can send another)."""
        endpoint = self.get(endpoint_id)
        event_id, delivery_id, now = new_event_id(), new_id(), utcnow()
        payload = envelope(event_id, TEST_EVENT, self.workspace_id, now, ping_data(endpoint.url))
        # Nothing is written before the request, so no write lock is held while the
        # endpoint takes its time to answer.
        attempt = asyncio.run(
            post_event(
                self.settings,
                url=endpoint.url,
                secrets=signing_secrets(endpoint),
                delivery_id=delivery_id,
                event_type=TEST_EVENT,
                payload=payload,
            )
        )
        delivery = WebhookDelivery(
            id=delivery_id,
            workspace_id=self.workspace_id,
            endpoint_id=endpoint.id,
            event_id=event_id,
            event_type=TEST_EVENT,
            payload=payload,
            status="pending",
            attempts=0,
            next_attempt_at=None,
        )
        record(self.settings, delivery, attempt, retry=False)
        self.db.add(delivery)
        self.db.flush()
        return delivery

    def deliveries(
        self, endpoint_id: str, *, status: str | None, limit: int, offset: int
    ) -> tuple[int, list[WebhookDelivery]]:
        endpoint = self.get(endpoint_id)
        return self.repo.deliveries(
            self.workspace_id, endpoint.id, status=status, limit=limit, offset=offset
        )

    def retry(self, endpoint_id: str, delivery_id: str) -> WebhookDelivery:
        """Make a failed (or waiting) delivery due now and hand it to the queue; it gets one
        more try, and goes back to failed if that fails too."""
        endpoint = self.get(endpoint_id)
        delivery = self.repo.delivery(self.workspace_id, endpoint.id, delivery_id)
        if delivery is None:
            raise NotFound("No such delivery for this webhook endpoint.")
        if delivery.status == "succeeded":
            raise Conflict("This delivery already succeeded; send a test event instead.")
        if not endpoint.enabled:
            raise Conflict("This endpoint is disabled; enable it before retrying.")
        if delivery.event_type == TEST_EVENT:
            raise Conflict("Test events are not retried; send a new test event instead.")
        delivery.status, delivery.next_attempt_at = "pending", utcnow()
        self.db.flush()
        dispatch: Dispatch | None = self.db.info.get(DISPATCH_KEY)
        if dispatch is not None:
            on_commit(self.db, lambda: dispatch(delivery_id))
        return delivery
