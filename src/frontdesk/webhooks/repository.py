"""All queries on webhook endpoints and deliveries; every owner-facing one is scoped by
workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from frontdesk.models import WebhookDelivery, WebhookEndpoint


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def endpoints(self, workspace_id: str) -> list[WebhookEndpoint]:
        return list(
            self.session.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.workspace_id == workspace_id)
                .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
            )
        )

    def endpoint(self, workspace_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        return self.session.scalar(
            select(WebhookEndpoint).where(
                WebhookEndpoint.id == endpoint_id, WebhookEndpoint.workspace_id == workspace_id
            )
        )

    def subscribed(self, workspace_id: str, event_type: str) -> list[WebhookEndpoint]:
        # A workspace has a handful of endpoints; filtering the JSON list here keeps the
        # query the same on SQLite and PostgreSQL.
        return [
            e for e in self.endpoints(workspace_id) if e.enabled and event_type in (e.events or [])
        ]

    def event_exists(self, workspace_id: str, event_id: str) -> bool:
        found = self.session.scalar(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.workspace_id == workspace_id,
                WebhookDelivery.event_id == event_id,
            )
            .limit(1)
        )
        return found is not None

    def deliveries(
        self,
        workspace_id: str,
        endpoint_id: str,
        *,
        status: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[WebhookDelivery]]:
        query = select(WebhookDelivery).where(
            WebhookDelivery.workspace_id == workspace_id,
            WebhookDelivery.endpoint_id == endpoint_id,
        )
        if status:
            query = query.where(WebhookDelivery.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return total, list(rows)

    def delivery(
        self, workspace_id: str, endpoint_id: str, delivery_id: str
    ) -> WebhookDelivery | None:
        return self.session.scalar(
            select(WebhookDelivery).where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.workspace_id == workspace_id,
            )
        )

    def claim(self, delivery_id: str, *, now: datetime, until: datetime) -> bool:
        """Take a due delivery for one try: one conditional UPDATE, so of two workers that
        race for it only one sends. `until` is when it is due again should this worker
        die mid-send."""
        result = self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
            )
            .values(next_attempt_at=until)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    def prune(self, settled_before: datetime) -> int:
        """Delete delivered and failed deliveries created before `settled_before`; pending
        ones stay whatever their age."""
        result = self.session.execute(
            delete(WebhookDelivery)
            .where(
                WebhookDelivery.status.in_(("succeeded", "failed")),
                WebhookDelivery.created_at < settled_before,
            )
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) or 0

    def due_ids(self, now: datetime, *, limit: int = 500) -> list[str]:
        return list(
            self.session.scalars(
                select(WebhookDelivery.id)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at)
                .limit(limit)
            )
        )
