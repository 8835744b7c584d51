"""The order-status MCP server of these tests, run as a real program: over streamable HTTP on
a loopback port, and over stdio when Frontdesk starts it."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from frontdesk.config import Settings

SERVER_SCRIPT = Path(__file__).with_name("order_status_server.py")
TOKEN = "order-status-test-token-5521"
# The exact command lines these tests may run over stdio (FRONTDESK_MCP_STDIO_COMMANDS): the
# order-status server, and a Python one-liner that is not an MCP server.
STDIO_COMMANDS = [
    shlex.join([sys.executable, str(SERVER_SCRIPT), "stdio"]),
    shlex.join([sys.executable, "-c", "print('hello')"]),
]
STDIO_ENV = ["ORDER_API_KEY"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback may be reached (the test server lives there) and the test servers' command
    lines may be run."""
    return settings.model_copy(
        update={
            "outbound_allowed_hosts": ["127.0.0.1"],
            "mcp_stdio_commands": STDIO_COMMANDS,
            "mcp_stdio_env": STDIO_ENV,
        }
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_order_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The HTTP test server as its own process: its MCP address, and the process."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVER_SCRIPT), "http", "--port", str(port), "--token", TOKEN],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the MCP test server did not start") from None
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}/mcp", process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def order_server_url() -> Iterator[str]:
    """The HTTP test server's MCP address; it wants `Authorization: Bearer TOKEN`."""
    with running_order_server() as (url, _):
        yield url


def stdio_server() -> dict:
    """The create body of the test server run over stdio by Frontdesk itself."""
    return {
        "name": "Orders (stdio)",
        "transport": "stdio",
        "command": sys.executable,
        "args": [str(SERVER_SCRIPT), "stdio"],
        "env": {"ORDER_API_KEY": "stdio-secret-value-9911"},
    }


def http_server(url: str) -> dict:
    return {
        "name": "Orders",
        "transport": "http",
        "url": url,
        "headers": {"Authorization": f"Bearer {TOKEN}"},
    }
