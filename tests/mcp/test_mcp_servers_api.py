"""An agent's MCP servers through the API: the check reaches the real test server over stdio
and HTTP; the allow-lists, roles and workspaces are enforced; on SQLite and PostgreSQL."""

from __future__ import annotations

import sys

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import McpServer
from frontdesk.resources import Resources
from tests.factories import make_member, make_owner, make_receptionist, sign_in
from tests.mcp.conftest import TOKEN, http_server, stdio_server

ORDER_TOOLS = {
    "order_status": "Where a customer's order is: packed, shipped, or delivered.",
    "cancel_order": "Cancel an order that has not shipped yet.",
}


def _owner(app_client: TestClient, resources: Resources) -> tuple[TestClient, dict]:
    workspace, owner = make_owner(resources)
    client = sign_in(app_client, owner)
    return client, make_receptionist(client)


def _base(agent: dict) -> str:
    return f"/api/agents/{agent['id']}/mcp-servers"


def _tools(server: dict) -> dict[str, str]:
    return {t["name"]: t["description"].split("\n")[0] for t in server["tools"]}


def test_check_lists_the_tools_over_stdio_and_http(
    app_client: TestClient, resources: Resources, order_server_url: str
) -> None:
    client, agent = _owner(app_client, resources)

    made = client.post(_base(agent), json=http_server(order_server_url))
    assert made.status_code == 201, made.text
    http = made.json()
    assert http["status"] == "unchecked" and http["tools"] == []
    # The token is write-only: shown masked, never in full.
    assert http["headers"] == {"Authorization": "••••5521"}
    assert TOKEN not in made.text

    checked = client.post(f"{_base(agent)}/{http['id']}/check")
    assert checked.status_code == 200, checked.text
    assert checked.json()["status"] == "ok" and checked.json()["last_error"] is None
    assert _tools(checked.json()) == ORDER_TOOLS
    assert checked.json()["checked_at"] is not None

    made = client.post(_base(agent), json=stdio_server())
    assert made.status_code == 201, made.text
    stdio = made.json()
    assert stdio["env"] == {"ORDER_API_KEY": "••••9911"}
    checked = client.post(f"{_base(agent)}/{stdio['id']}/check")
    assert checked.status_code == 200, checked.text
    assert checked.json()["status"] == "ok", checked.json()["last_error"]
    assert _tools(checked.json()) == ORDER_TOOLS

    listed = client.get(_base(agent)).json()
    assert [s["name"] for s in listed] == ["Orders", "Orders (stdio)"]
    assert all(s["status"] == "ok" for s in listed)


def test_update_switches_tools_off_and_keeps_masked_secrets(
    app_client: TestClient, resources: Resources, order_server_url: str
) -> None:
    client, agent = _owner(app_client, resources)
    server = client.post(_base(agent), json=http_server(order_server_url)).json()
    url = f"{_base(agent)}/{server['id']}"
    assert client.post(f"{url}/check").json()["status"] == "ok"

    off = client.patch(url, json={"disabled_tools": ["cancel_order"]})
    assert off.status_code == 200, off.text
    assert {t["name"]: t["enabled"] for t in off.json()["tools"]} == {
        "order_status": True,
        "cancel_order": False,
    }
    # Sending the headers back as shown keeps the stored token: the check still gets in.
    kept = client.patch(url, json={"headers": off.json()["headers"] | {"X-Shop": "north"}})
    assert kept.status_code == 200, kept.text
    assert kept.json()["headers"] == {"Authorization": "••••5521", "X-Shop": "••••"}
    assert kept.json()["status"] == "unchecked"  # a changed target is checked afresh
    assert client.post(f"{url}/check").json()["status"] == "ok"

    # A wrong token: the check stores why it failed, in words that say what to fix.
    client.patch(url, json={"headers": {"Authorization": "Bearer wrong"}})
    failed = client.post(f"{url}/check").json()
    assert failed["status"] == "failed"
    assert "refused the credentials (HTTP 401)" in failed["last_error"]
    assert _tools(failed) == ORDER_TOOLS  # the tools seen last stay listed

    wrong_path = client.patch(url, json={"url": order_server_url.replace("/mcp", "/nope")})
    assert wrong_path.status_code == 200
    client.patch(url, json={"headers": {"Authorization": f"Bearer {TOKEN}"}})
    failed = client.post(f"{url}/check").json()
    assert failed["status"] == "failed" and "is not an MCP server" in failed["last_error"]

    assert client.patch(url, json={"command": "/bin/sh"}).status_code == 422
    assert client.delete(url).status_code == 204
    assert client.get(_base(agent)).json() == []
    assert client.post(f"{url}/check").status_code == 404


def test_servers_that_do_not_answer_are_reported_in_plain_words(
    app_client: TestClient, resources: Resources
) -> None:
    client, agent = _owner(app_client, resources)
    nobody = client.post(
        _base(agent), json={"name": "Gone", "transport": "http", "url": "http://127.0.0.1:9/mcp"}
    ).json()
    failed = client.post(f"{_base(agent)}/{nobody['id']}/check").json()
    assert failed["status"] == "failed"
    assert failed["last_error"] == (
        "The server at http://127.0.0.1:9/mcp did not answer (nothing accepts connections there)."
    )

    not_mcp = client.post(
        _base(agent),
        json={"name": "Echo", "transport": "stdio", "command": sys.executable,
              "args": ["-c", "print('hello')"]},
    ).json()  # fmt: skip
    failed = client.post(f"{_base(agent)}/{not_mcp['id']}/check").json()
    assert failed["status"] == "failed"
    assert "is not an MCP server" in failed["last_error"]


def test_validation_names_what_to_fix(
    app_client: TestClient, resources: Resources, settings
) -> None:  # type: ignore[no-untyped-def]
    client, agent = _owner(app_client, resources)

    def refused(body: dict) -> str:
        response = client.post(_base(agent), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["error"] in ("ValidationFailed", "UnsafeURL")
        return str(response.json()["detail"])

    assert "not allowed: FRONTDESK_MCP_STDIO_COMMANDS" in refused(
        {"name": "Shell", "transport": "stdio", "command": "/bin/sh", "args": ["-c", "id"]}
    )
    assert "Unknown transport 'websocket'" in refused(
        {"name": "X", "transport": "websocket", "url": "wss://example.com/"}
    )
    assert "is not a web address" in refused({"name": "X", "transport": "http", "url": "ftp://x"})
    assert "needs its URL" in refused({"name": "X", "transport": "http"})
    # Loopback by another name, and a private network: refused, naming the allow-list.
    for url in ("http://localhost:8000/mcp", "http://10.0.0.5/mcp"):
        detail = refused({"name": "Inside", "transport": "http", "url": url})
        assert "not a public internet address" in detail
        assert "FRONTDESK_OUTBOUND_ALLOWED_HOSTS" in detail
    assert "valid HTTP header name" in refused(
        {"name": "X", "transport": "http", "url": "http://127.0.0.1:9/mcp",
         "headers": {"Bad Header": "x"}}
    )  # fmt: skip
    assert client.get(_base(agent)).json() == []  # nothing refused was stored


def test_stdio_is_refused_when_no_command_is_allowed(
    app_client: TestClient, resources: Resources
) -> None:
    resources.settings.mcp_stdio_commands = []
    client, agent = _owner(app_client, resources)
    response = client.post(_base(agent), json=stdio_server())
    assert response.status_code == 422
    assert "FRONTDESK_MCP_STDIO_COMMANDS" in response.json()["detail"]
    assert "switched off" in response.json()["detail"]


def test_members_cannot_run_programs_and_workspaces_are_apart(
    app_client: TestClient, resources: Resources, order_server_url: str
) -> None:
    workspace, owner = make_owner(resources)
    member = make_member(resources, workspace)
    client = sign_in(app_client, owner)
    agent = make_receptionist(client)
    stdio = client.post(_base(agent), json=stdio_server()).json()
    client.post("/api/auth/logout")

    sign_in(app_client, member)
    refused = app_client.post(_base(agent), json=stdio_server())
    assert refused.status_code == 403, refused.text
    assert "runs a program on the Frontdesk machine" in refused.json()["detail"]
    assert (
        app_client.patch(f"{_base(agent)}/{stdio['id']}", json={"enabled": False}).status_code
        == 403
    )
    assert app_client.delete(f"{_base(agent)}/{stdio['id']}").status_code == 403
    # An HTTP server runs nothing here: a member may add one, and read the list.
    assert app_client.post(_base(agent), json=http_server(order_server_url)).status_code == 201
    assert len(app_client.get(_base(agent)).json()) == 2
    app_client.post("/api/auth/logout")

    _, stranger = make_owner(resources, workspace_name="Other business")
    sign_in(app_client, stranger)
    assert app_client.get(_base(agent)).status_code == 404
    assert app_client.post(_base(agent), json=http_server(order_server_url)).status_code == 404
    assert app_client.post(f"{_base(agent)}/{stdio['id']}/check").status_code == 404
    own = make_receptionist(app_client, name="Other Vet")
    # Their own agent with the first agent's server id: still not theirs.
    assert app_client.patch(f"{_base(own)}/{stdio['id']}", json={"name": "Mine"}).status_code == 404


def test_names_are_unique_per_agent_and_go_with_the_agent(
    app_client: TestClient, resources: Resources
) -> None:
    client, agent = _owner(app_client, resources)
    body = {"name": "Orders", "transport": "http", "url": "http://127.0.0.1:9/mcp"}
    assert client.post(_base(agent), json=body).status_code == 201
    again = client.post(_base(agent), json=body | {"name": " orders "})
    assert again.status_code == 422
    assert again.json()["detail"] == "This agent already has an MCP server named 'orders'."
    other = make_receptionist(client, name="Cedar Spa")
    assert client.post(_base(other), json=body).status_code == 201  # another agent's own

    assert client.delete(f"/api/agents/{agent['id']}").status_code == 204
    with transaction(resources.sessionmaker) as db:
        assert db.query(McpServer).filter_by(agent_id=agent["id"]).count() == 0
        assert db.query(McpServer).filter_by(agent_id=other["id"]).count() == 1
