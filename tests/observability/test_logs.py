"""JSON log lines, read back with json: each carries the id of the request that wrote it,
and the conversation's id while a text conversation with the scripted model is handled."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontdesk.observability.context import new_request_id
from frontdesk.observability.logs import build_handler, configure_logging
from tests.fake_llm import Say, ScriptedLLM


class JsonLines:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def all(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def with_message(self, start: str) -> list[dict]:
        return [entry for entry in self.all() if entry["message"].startswith(start)]


@pytest.fixture
def json_lines() -> Iterator[JsonLines]:
    """The app's log records, as FRONTDESK_LOG_FORMAT=json writes them."""
    lines = JsonLines()
    handler = build_handler("json", lines.stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


def test_lines_carry_the_request_and_conversation_ids(
    chat: tuple[TestClient, dict], fake_llm: ScriptedLLM, json_lines: JsonLines
) -> None:
    client, agent = chat
    fake_llm.script(Say("We see cats and dogs."))
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    conversation_id = started.json()["id"]
    start_request = started.headers["x-request-id"]

    said = client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "Do you treat cats?"},
        headers={"X-Request-ID": "lb-7f3a.9c21"},
    )
    assert said.status_code == 200, said.text
    # A well-formed id from the load balancer is kept, so its logs and ours join up.
    assert said.headers["x-request-id"] == "lb-7f3a.9c21"

    [opened] = json_lines.with_message("conversation started on text")
    assert opened["request_id"] == start_request
    assert opened["conversation_id"] == conversation_id
    assert opened["level"] == "INFO" and opened["logger"] == "frontdesk.conversations.service"
    assert opened["time"].endswith("+00:00")

    [replied] = json_lines.with_message("agent replied in")
    assert replied["request_id"] == "lb-7f3a.9c21"
    assert replied["conversation_id"] == conversation_id

    # The access line of each request, with its route template and status.
    [access] = [
        e for e in json_lines.all() if e["logger"] == "frontdesk.access" and e["status"] == 201
    ]
    assert access["request_id"] == start_request
    assert access["route"] == "/api/agents/{agent_id}/conversations"
    assert access["conversation_id"] is None

    ended = client.post(f"/api/conversations/{conversation_id}/end")
    assert ended.status_code in (200, 204), ended.text
    [closing] = json_lines.with_message("conversation ended")
    assert closing["conversation_id"] == conversation_id

    # The analysis job runs on a worker thread, after the request: its lines name the
    # conversation and no request.
    deadline = time.monotonic() + 20
    while not json_lines.with_message(f"conversation {conversation_id} analysed"):
        assert time.monotonic() < deadline, "the analysis job never logged"
        time.sleep(0.1)
    [analysed] = json_lines.with_message(f"conversation {conversation_id} analysed")
    assert analysed["conversation_id"] == conversation_id
    assert analysed["request_id"] is None

    # No line of another request or conversation was stamped with these ids by mistake.
    for entry in json_lines.all():
        if entry["request_id"] == start_request:
            assert entry["conversation_id"] in (None, conversation_id)


def test_a_malformed_request_id_is_replaced(app_client: TestClient) -> None:
    forged = "abc\r\nX-Admin: yes"
    for sent in (forged, "x" * 200, ""):
        response = app_client.get("/api/health", headers={"X-Request-ID": sent})
        assert response.status_code == 200
        echoed = response.headers["x-request-id"]
        assert echoed != sent and len(echoed) == 32 and echoed.isalnum()
    # Every request gets its own.
    assert new_request_id(None) != new_request_id(None)


def test_exceptions_and_extras_are_json_fields() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("frontdesk.test_logs")
    handler = build_handler("json", stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("the calendar said no")
        except ValueError:
            logger.exception("booking failed", extra={"attempt": 2, "slot": object()})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    [entry] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert entry["message"] == "booking failed" and entry["level"] == "ERROR"
    assert "ValueError: the calendar said no" in entry["exception"]
    assert entry["attempt"] == 2 and entry["slot"].startswith("<object")
    assert entry["request_id"] is None and entry["conversation_id"] is None


def test_text_format_shows_the_ids(app_client: TestClient) -> None:
    stream = io.StringIO()
    handler = build_handler("text", stream)
    access = logging.getLogger("frontdesk.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        response = app_client.get("/api/agents")
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    line = stream.getvalue().strip()
    assert line.startswith("INFO frontdesk.access: GET /api/agents 401 ")
    assert line.endswith(f"[request={response.headers['x-request-id']}]")


def test_configure_logging_makes_one_json_handler_for_everyone() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    uvicorn_access = logging.getLogger("uvicorn.access")
    saved_uvicorn = list(uvicorn_access.handlers), uvicorn_access.propagate
    uvicorn_access.addHandler(logging.NullHandler())
    uvicorn_access.propagate = False
    try:
        configure_logging("json", "warning")
        [handler] = root.handlers
        assert root.level == logging.WARNING
        assert uvicorn_access.handlers == [] and uvicorn_access.propagate
        assert logging.getLogger("huey").level == logging.WARNING
        record = logging.makeLogRecord({"name": "uvicorn.error", "msg": "Started", "levelno": 30})
        assert handler.filter(record)
        assert json.loads(handler.format(record))["message"] == "Started"
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        uvicorn_access.handlers[:], uvicorn_access.propagate = saved_uvicorn
