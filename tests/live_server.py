"""`frontdesk serve`'s app under uvicorn on a loopback port, in a background thread of the
test process: real HTTP and WebSocket connections (as a browser or an attacker makes them),
while the test can still hand the app its resources (a scripted model, real speech models)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from frontdesk.app import create_app
from frontdesk.resources import Resources
from frontdesk.talk.web_bundle import MANIFEST, STATIC_DIR
from tests.factories import make_owner, sign_in


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(resources: Resources) -> Iterator[str]:
    """`frontdesk serve`'s app under uvicorn in a background thread; yields its base URL."""
    if not (STATIC_DIR / MANIFEST).is_file():
        pytest.fail("The browser bundle is not built: run `make install-dev` (or npm run build).")
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(resources=resources), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@contextmanager
def owner_client(resources: Resources, url: str) -> Iterator[httpx.Client]:
    """A new workspace's owner signed in over HTTP to the server at `url`: the client holds
    the session cookie, as the owner's browser would."""
    _, owner = make_owner(resources)
    with httpx.Client(base_url=url, timeout=60) as client:
        yield sign_in(client, owner)
