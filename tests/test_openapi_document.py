"""The dashboard's API client is generated from web/openapi.json: it must be the server's."""

from __future__ import annotations

from pathlib import Path

from frontdesk.openapi_document import openapi_json

COMMITTED = Path(__file__).resolve().parent.parent / "web" / "openapi.json"


def test_committed_openapi_document_matches_the_server() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_json(), (
        "web/openapi.json is out of date: run `make openapi` and commit it "
        "(the dashboard's client is generated from it)."
    )
