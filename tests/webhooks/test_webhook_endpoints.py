"""Managing endpoints: who may, which addresses, test events, secrets, the log's paging;
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.models import WebhookDelivery, WebhookEndpoint
from frontdesk.models.base import as_utc
from frontdesk.resources import Resources
from frontdesk.webhooks.delivery import WebhookSender
from frontdesk.webhooks.events import emit
from frontdesk.webhooks.signing import InvalidSignature, verify_headers
from tests.factories import make_member, make_owner, make_signed_in_client, sign_in
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_webhook_events import add_endpoint, deliveries


def test_a_test_event_is_sent_now_signed_and_logged(
    app_client: TestClient, resources: Resources, receiver: Receiver
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    endpoint = add_endpoint(client, receiver, ["lead.created", "appointment.booked"])
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["events"] == ["appointment.booked", "lead.created"]
    listed = client.get("/api/webhooks").json()
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0] and endpoint["secret"].startswith(
        listed[0]["secret_hint"][:-1]
    )

    sent = client.post(f"/api/webhooks/{endpoint['id']}/test")
    assert sent.status_code == 200, sent.text
    delivery = sent.json()
    assert delivery["event_type"] == "webhook.test" and delivery["status"] == "succeeded"
    assert delivery["response_status"] == 200 and delivery["attempts"] == 1
    assert delivery["duration_ms"] is not None and delivery["last_error"] is None
    [request] = receiver.requests
    assert request.verified, request.problem
    assert request.headers["Frontdesk-Delivery"] == delivery["id"]
    assert json.loads(request.body) == delivery["payload"]
    assert deliveries(client, endpoint["id"])[0]["id"] == delivery["id"]

    # A receiver that refuses: the answer says so, and a test is not retried.
    receiver.fail_first = 2
    failed = client.post(f"/api/webhooks/{endpoint['id']}/test").json()
    assert (failed["status"], failed["response_status"]) == ("failed", 500)
    assert failed["last_error"] == "The endpoint answered 500."
    assert failed["next_attempt_at"] is None
    retry = client.post(f"/api/webhooks/{endpoint['id']}/deliveries/{failed['id']}/retry")
    assert retry.status_code == 409

    # A new secret: for a day the old one signs too, so a receiver that still checks with
    # it accepts; once the grace period is over only the new one does.
    old = receiver.secret
    rotated = client.post(f"/api/webhooks/{endpoint['id']}/rotate-secret").json()
    assert rotated["secret"] != old and rotated["secret"].startswith("whsec_")
    client.post(f"/api/webhooks/{endpoint['id']}/test")
    during = receiver.requests[-1]
    assert during.verified, during.problem
    assert during.headers["Frontdesk-Signature"].count("v1=") == 2
    verify_headers(rotated["secret"], during.body, during.headers)
    with transaction(resources.sessionmaker) as db:
        row = db.get(WebhookEndpoint, endpoint["id"])
        assert row is not None and row.previous_secret == old
        row.previous_secret_until = datetime.now(UTC) - timedelta(seconds=1)
    client.post(f"/api/webhooks/{endpoint['id']}/test")
    after = receiver.requests[-1]
    assert not after.verified and after.headers["Frontdesk-Signature"].count("v1=") == 1
    verify_headers(rotated["secret"], after.body, after.headers)
    with pytest.raises(InvalidSignature):
        verify_headers(old, after.body, after.headers)

    # Paging and the status filter, newest first.
    page = client.get(f"/api/webhooks/{endpoint['id']}/deliveries", params={"limit": 2}).json()
    assert page["total"] == 4 and len(page["deliveries"]) == 2
    assert page["deliveries"][0]["response_status"] == 400  # the last one, refused
    succeeded = deliveries(client, endpoint["id"], status="succeeded")
    assert [d["status"] for d in succeeded] == ["succeeded", "succeeded"]
    assert succeeded[0]["created_at"] > succeeded[1]["created_at"]
    bad = client.get(f"/api/webhooks/{endpoint['id']}/deliveries", params={"status": "lost"})
    assert bad.status_code == 422


def test_an_unreachable_endpoint_gives_the_error_in_the_log(
    app_client: TestClient, resources: Resources
) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    # Nothing listens on port 9 of loopback: a connection error, not a status code.
    endpoint = client.post(
        "/api/webhooks", json={"url": "http://127.0.0.1:9/hooks", "events": ["lead.created"]}
    ).json()
    delivery = client.post(f"/api/webhooks/{endpoint['id']}/test").json()
    assert delivery["status"] == "failed" and delivery["response_status"] is None
    assert delivery["last_error"].startswith("Could not connect")


def test_private_addresses_are_refused_without_the_allow_list(
    settings: Settings, embedder, receiver: Receiver
) -> None:  # type: ignore[no-untyped-def]
    from frontdesk.app import create_app
    from frontdesk.migrate import upgrade
    from frontdesk.resources import build_resources

    strict = settings.model_copy(update={"outbound_allowed_hosts": []})
    upgrade(strict.sqlalchemy_url)
    resources = build_resources(strict, embedder=embedder)
    try:
        with TestClient(create_app(resources=resources)) as app_client:
            client, owner = make_signed_in_client(app_client, resources)
            for url in [receiver.url, "http://10.0.0.5/hooks", "http://[::1]:8080/",
                        "http://169.254.169.254/latest"]:  # fmt: skip
                refused = client.post(
                    "/api/webhooks", json={"url": url, "events": ["lead.created"]}
                )
                assert refused.status_code == 422, url
                assert refused.json()["error"] == "UnsafeURL"
                assert "FRONTDESK_OUTBOUND_ALLOWED_HOSTS" in refused.json()["detail"]
            for url, words in [("ftp://example.com/x", "http:// or https://"),
                               ("https:///path", "no host name"),
                               ("https://user:pw@example.com/", "credentials")]:  # fmt: skip
                invalid = client.post(
                    "/api/webhooks", json={"url": url, "events": ["lead.created"]}
                )
                assert invalid.status_code == 422 and words in json.dumps(invalid.json()), url
            unknown = client.post(
                "/api/webhooks", json={"url": receiver.url, "events": ["lead.lost"]}
            )
            assert unknown.status_code == 422
            none = client.post("/api/webhooks", json={"url": receiver.url, "events": []})
            assert none.status_code == 422 and "Choose at least one event" in none.text

            # Saved while the host was allowed, sent after it no longer is: refused at send time.
            with transaction(resources.sessionmaker) as db:
                row = WebhookEndpoint(
                    workspace_id=owner.workspace_id, url=receiver.url, secret="whsec_x",
                    events=["lead.created"],
                )  # fmt: skip
                db.add(row)
                db.flush()
                endpoint_id = row.id
            delivery = client.post(f"/api/webhooks/{endpoint_id}/test").json()
            assert delivery["status"] == "failed" and delivery["response_status"] is None
            assert "not a public internet address" in delivery["last_error"]
            assert receiver.requests == []
            moved = client.patch(f"/api/webhooks/{endpoint_id}", json={"url": "http://10.1.2.3/"})
            assert moved.status_code == 422
            emptied = client.patch(f"/api/webhooks/{endpoint_id}", json={"events": []})
            assert emptied.status_code == 422 and "Choose at least one event" in emptied.text
    finally:
        resources.close()


def test_members_get_403_and_other_workspaces_get_404(
    app_client: TestClient, resources: Resources, receiver: Receiver
) -> None:
    workspace, owner = make_owner(resources)
    client = sign_in(app_client, owner)
    endpoint = add_endpoint(client, receiver, ["lead.created"])
    base = f"/api/webhooks/{endpoint['id']}"

    with TestClient(app_client.app) as other_client:
        other_client.cookies.clear()
        member = make_member(resources, workspace, role="member")
        sign_in(other_client, member)
        assert other_client.get("/api/webhooks").status_code == 403
        assert other_client.post(f"{base}/test").status_code == 403
        assert other_client.get(f"{base}/deliveries").status_code == 403
        body = other_client.post(
            "/api/webhooks", json={"url": receiver.url, "events": ["lead.created"]}
        ).json()
        assert body["error"] == "Forbidden"

        admin = make_member(resources, workspace, role="admin")
        sign_in(other_client, admin)
        assert other_client.get(base).status_code == 200

        _, stranger = make_owner(resources, workspace_name="Another business")
        sign_in(other_client, stranger)
        assert other_client.get("/api/webhooks").json() == []
        for method, path in [("GET", base), ("PATCH", base), ("DELETE", base),
                             ("POST", f"{base}/test"), ("POST", f"{base}/rotate-secret"),
                             ("GET", f"{base}/deliveries")]:  # fmt: skip
            kwargs = {"json": {"enabled": False}} if method == "PATCH" else {}
            answer = other_client.request(method, path, **kwargs)
            assert answer.status_code == 404, (method, path)
            assert answer.json()["error"] == "NotFound"
    assert receiver.requests == []

    # The owner disables, edits and deletes; a disabled endpoint gets no events.
    changed = client.patch(
        base, json={"enabled": False, "description": "  Old CRM ", "events": ["appointment.booked"]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["enabled"] is False and changed.json()["description"] == "Old CRM"
    assert changed.json()["events"] == ["appointment.booked"]
    with transaction(resources.sessionmaker) as db:
        assert emit(db, workspace.id, "appointment.booked", {"appointment": {}}) is None
    assert client.patch(base, json={"enabled": True}).json()["enabled"] is True
    with transaction(resources.sessionmaker) as db:
        assert emit(db, workspace.id, "appointment.booked", {"appointment": {}}) is not None
        assert emit(db, workspace.id, "lead.created", {"lead": {}}) is None  # not subscribed
    assert client.patch(base, json={"colour": "red"}).status_code == 422
    assert client.delete(base).status_code == 204
    assert client.get(base).status_code == 404
    assert client.get("/api/webhooks").json() == []


def test_the_log_keeps_settled_deliveries_for_the_configured_days(
    resources: Resources, settings: Settings
) -> None:
    workspace, _ = make_owner(resources)
    now = datetime.now(UTC)
    with transaction(resources.sessionmaker) as db:
        endpoint = WebhookEndpoint(
            workspace_id=workspace.id, url="https://example.com/h", secret="whsec_x", events=[]
        )
        db.add(endpoint)
        db.flush()
        for status, age_days in [("succeeded", 31), ("failed", 31), ("pending", 31),
                                 ("succeeded", 29), ("failed", 1)]:  # fmt: skip
            db.add(
                WebhookDelivery(
                    workspace_id=workspace.id, endpoint_id=endpoint.id, event_id="evt_1",
                    event_type="lead.created", payload={}, status=status, attempts=1,
                    created_at=now - timedelta(days=age_days),
                )
            )  # fmt: skip

    assert WebhookSender(settings, resources.sessionmaker).prune(now=now) == 2
    with transaction(resources.sessionmaker) as db:
        kept = sorted(
            (d.status, (now - as_utc(d.created_at)).days) for d in db.query(WebhookDelivery)
        )
    # Old pending deliveries stay: they are still to be sent.
    assert kept == [("failed", 1), ("pending", 31), ("succeeded", 29)]
