"""LiveKit configured with the test key pair that signs tokens and webhooks here."""

from __future__ import annotations

import pytest

from frontdesk.config import Settings
from tests.livekit_calls.webhook_signing import KEY, SECRET


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "livekit_url": "wss://frontdesk-test.livekit.cloud",
            "livekit_api_key": KEY,
            "livekit_api_secret": SECRET,
        }
    )
