from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdesk.config import Settings
from tests.webhooks.receiver import Receiver, webhook_receiver


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings, with the loopback receiver allowed and retries in tens of
    milliseconds instead of minutes."""
    return settings.model_copy(
        update={"outbound_allowed_hosts": ["127.0.0.1"], "webhook_retry_base_s": 0.05}
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running
