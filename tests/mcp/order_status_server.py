"""A small MCP server for the tests: a shop's order lookup, built with the mcp SDK's server API.

    python tests/mcp/order_status_server.py stdio
    python tests/mcp/order_status_server.py http --port 8765 [--token SECRET]

Over HTTP it serves streamable HTTP at /mcp on 127.0.0.1; with --token every request must
carry `Authorization: Bearer SECRET`. It is a script (not imported by the tests), so it runs
the same way Frontdesk runs any stdio server: as a separate program.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

ORDERS = {
    "A100": "shipped on November 24, arriving November 27",
    "B200": "being packed, ships tomorrow",
}

server = MCPServer(name="order-status")


@server.tool()
def order_status(order_number: str) -> str:
    """Where a customer's order is: packed, shipped, or delivered.

    Args:
        order_number: The order number, like A100.
    """
    number = order_number.strip().upper()
    if number not in ORDERS:
        raise ToolError(f"There is no order {number}; ask the caller to check the number.")
    return f"Order {number} is {ORDERS[number]}."


@server.tool()
def cancel_order(order_number: str) -> str:
    """Cancel an order that has not shipped yet.

    Args:
        order_number: The order number, like B200.
    """
    return f"Order {order_number.strip().upper()} is cancelled."


def _require_token(app: Any, token: str) -> Any:
    """Refuse any request without the bearer token, as a hosted MCP server with an API key does."""
    expected = f"Bearer {token}".encode()

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and dict(scope["headers"]).get(b"authorization") != expected:
            body = json.dumps({"error": "unauthorized"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return guarded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("transport", choices=["stdio", "http"])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="")
    options = parser.parse_args()
    if options.transport == "stdio":
        server.run("stdio")
        return
    import uvicorn

    app = server.streamable_http_app(host="127.0.0.1")
    if options.token:
        app = _require_token(app, options.token)
    uvicorn.run(app, host="127.0.0.1", port=options.port, log_level="warning")


if __name__ == "__main__":
    main()
