"""The OpenAPI document as the dashboard's client generator reads it (web/openapi.json)."""

from __future__ import annotations

import json

from frontdesk.app import create_app
from frontdesk.config import Settings


def openapi_json() -> str:
    """The document, serialized the same way every time so a diff shows only real changes.
    Building the app connects to nothing: resources are made in its lifespan."""
    document = create_app(Settings()).openapi()
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
