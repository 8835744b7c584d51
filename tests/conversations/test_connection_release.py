"""While an agent answers (seconds of model time), the request holds no database
connection: a busy process would otherwise run out of them. When it does run out anyway,
the caller is told the server is busy (503), not that it broke."""

from __future__ import annotations

import threading
import time

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout

from frontdesk.app import install_error_handlers
from frontdesk.resources import Resources
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.waiting import wait_for_agent


def test_a_message_in_flight_holds_no_database_connection(
    chat: tuple[TestClient, dict], chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    # The agent's knowledge is indexed first: the ingest job's own connections are not the
    # message's (counted, they made this test fail now and then).
    wait_for_agent(client, agent["id"])
    conversation = client.post(f"/api/agents/{agent['id']}/conversations").json()
    pool = chat_resources.engine.pool
    fake_llm.script(Say("We see cats and dogs.", delay_s=3.0))
    answers: list[httpx.Response] = []
    sending = threading.Thread(
        target=lambda: answers.append(
            client.post(
                f"/api/conversations/{conversation['id']}/messages",
                json={"text": "Do you see cats?"},
            )
        )
    )
    sending.start()
    # Once the caller's turn is stored, the model is thinking: sample then (a fixed head
    # start was too short on a loaded machine).
    transcript = f"/api/conversations/{conversation['id']}"
    while all(t["role"] != "caller" for t in client.get(transcript).json()["turns"]):
        time.sleep(0.05)
    held = []
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        held.append(pool.checkedout())  # type: ignore[attr-defined]
        time.sleep(0.05)
    assert sending.is_alive(), "the answer came before the sampling ended: nothing was tested"
    sending.join(timeout=30)
    assert answers and answers[0].status_code == 200, answers
    assert answers[0].json()["reply"] == "We see cats and dogs."
    assert max(held) == 0, held


def test_no_free_connection_is_a_503_with_retry_after() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/busy")
    def busy() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 20 reached")

    answer = TestClient(app).get("/busy")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json() == {
        "error": "ServiceUnavailable",
        "detail": "The server is busy; try again in a moment.",
    }
