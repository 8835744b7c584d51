"""Locks the one error shape: {"error": "<Name>", "detail": ...} for every error, 422 too."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.resources import Resources
from tests.factories import make_signed_in_client


def _assert_shape(response, status: int, name: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    assert body["error"] == name
    assert body["detail"]


def test_unauthenticated_is_401(app_client: TestClient) -> None:
    _assert_shape(app_client.get("/api/agents"), 401, "Unauthorized")


def test_unknown_route_is_404(app_client: TestClient) -> None:
    _assert_shape(app_client.get("/api/no-such-thing"), 404, "NotFound")


def test_wrong_method_is_405(app_client: TestClient) -> None:
    _assert_shape(app_client.put("/api/health"), 405, "MethodNotAllowed")


def test_validation_error_is_422_with_fields(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    response = client.post("/api/api-keys", json={"name": ""})
    _assert_shape(response, 422, "ValidationFailed")
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    # Malformed JSON is a validation error too, in the same shape.
    bad = client.post(
        "/api/api-keys", content=b"{not json", headers={"content-type": "application/json"}
    )
    _assert_shape(bad, 422, "ValidationFailed")


def test_domain_error_is_named(app_client: TestClient, resources: Resources) -> None:
    client, _ = make_signed_in_client(app_client, resources)
    _assert_shape(client.get("/api/agents/does-not-exist"), 404, "NotFound")
    _assert_shape(
        client.get("/api/agents/does-not-exist/knowledge/search", params={"q": "x"}),
        404,
        "NotFound",
    )
    _assert_shape(client.get("/api/agents", params={"status": "bogus"}), 422, "ValidationFailed")
