from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.resources import Resources
from tests.factories import make_receptionist, make_signed_in_client

# The address Prometheus scrapes from when it runs beside the server: /metrics answers it
# without a token (TestClient's default client address is no IP at all).
LOOPBACK = ("127.0.0.1", 50000)
# ...and the name it asks for: /metrics also wants a loopback name in Host (TestClient's
# default, "testserver", is what a DNS-rebinding page would look like).
LOOPBACK_URL = "http://127.0.0.1"


@pytest.fixture
def local_chat(chat_resources: Resources) -> Iterator[tuple[TestClient, dict]]:
    """A signed-in client on the loopback address and an agent with a greeting."""
    with TestClient(
        create_app(resources=chat_resources), client=LOOPBACK, base_url=LOOPBACK_URL
    ) as app_client:
        client, _ = make_signed_in_client(app_client, chat_resources)
        yield client, make_receptionist(client)
