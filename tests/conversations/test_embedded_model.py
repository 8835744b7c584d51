"""Smoke test with the real embedded model (Qwen2.5-Coder-1.5B on llama.cpp): a question
answered from the test website's knowledge, and one booking, checked in the database.
Behaviour, not speed: the limits are generous for a loaded 2-core machine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.exams.question_bank import ExamQuestion
from frontdesk.exams.question_writer import write_questions
from frontdesk.exams.service import knowledge_chunks
from frontdesk.migrate import upgrade
from frontdesk.models import Appointment
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.providers.llm.embedded import EmbeddedModel
from frontdesk.providers.llm.local_model import MODEL_SHA256, is_ready
from frontdesk.providers.llm.structured import BackgroundStructured
from frontdesk.resources import Resources, build_resources
from tests.factories import EVERY_DAY, make_signed_in_client
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture
def model_resources(settings: Settings, embedder: MiniLMOnnxEmbedder) -> Iterator[Resources]:
    real = settings.model_copy(update={"embedded_llm": True})
    upgrade(real.sqlalchemy_url)
    resources = build_resources(real, embedder=embedder)
    assert resources.embedded_llm is not None
    yield resources
    resources.close()


async def _write_exam_questions(resources: Resources, agent_id: str) -> list[ExamQuestion]:
    with transaction(resources.sessionmaker) as db:
        chunks = knowledge_chunks(resources, db, agent_id)
    model = resources.structured_factory()
    try:
        return await write_questions(model, chunks, want=3, known=[])
    finally:
        await model.aclose()


def test_answers_from_knowledge_and_books(model_resources: Resources) -> None:
    with juniper_site() as site, TestClient(create_app(resources=model_resources)) as app_client:
        client, _ = make_signed_in_client(app_client, model_resources)
        agent = client.post(
            "/api/agents",
            data={"name": "Juniper Lane Veterinary Clinic", "website_url": site.url("/")},
        ).json()
        wait_for_agent(client, agent["id"])
        client.patch(
            f"/api/agents/{agent['id']}",
            json={
                "persona_name": "Maya",
                "scheduling": {"timezone": "UTC", "hours": EVERY_DAY, "min_notice_minutes": 0},
            },
        )
        conversation = client.post(f"/api/agents/{agent['id']}/conversations").json()
        answer = client.post(
            f"/api/conversations/{conversation['id']}/messages",
            json={"text": "How much is a rabies vaccination?"},
        ).json()
        assert "32" in answer["reply"], answer

        booking = client.post(
            f"/api/conversations/{conversation['id']}/messages",
            json={
                "text": "Please book an appointment for tomorrow at 10am. "
                "My name is Ann Lee and my phone is 555 222 3333."
            },
        ).json()
        assert any(
            c["name"] == "book_appointment" and not c["error"] for c in booking["tool_calls"]
        ), booking
        questions = asyncio.run(_write_exam_questions(model_resources, agent["id"]))
        assert len(questions) >= 2, questions
        assert all(q.written_by_model and q.expected for q in questions)
    # The model file was joined from its packages and verified.
    assert is_ready(model_resources.settings.resolved_data_dir) and len(MODEL_SHA256) == 64
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    with transaction(model_resources.sessionmaker) as db:
        stored = db.query(Appointment).filter_by(agent_id=agent["id"]).one()
        assert stored.customer_name == "Ann Lee" and stored.customer_phone == "5552223333"
        assert stored.starts_at.replace(tzinfo=UTC) == datetime(
            tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=UTC
        )
        assert stored.conversation_id == conversation["id"]


def test_a_callers_request_goes_before_background_work(tmp_path: Path) -> None:
    """An exam's long request is in flight on the one-at-a-time model when a caller's turn
    comes: the caller is answered first, and the background request, started again once
    the caller is served, still completes."""
    embedded = EmbeddedModel(tmp_path)  # the model alone: no database is involved
    embedded.server()
    breeds = {
        "type": "object",
        "properties": {"breeds": {"type": "array", "items": {"type": "string"}, "maxItems": 30}},
        "required": ["breeds"],
    }
    number = {
        "type": "object",
        "properties": {"answer": {"type": "integer"}},
        "required": ["answer"],
    }

    async def scenario() -> None:
        background = BackgroundStructured(embedded.structured())
        caller = embedded.structured()
        exam = asyncio.create_task(
            background.complete(
                system="You answer in JSON.",
                prompt="List thirty dog breeds, by name only.",
                schema=breeds,
                max_tokens=600,
            )
        )
        while embedded.gate.background_in_flight == 0:
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.0)  # well into the long answer
        answer = await caller.complete(
            system="You answer in JSON.", prompt="What is two plus two?", schema=number
        )
        assert answer == {"answer": 4}
        assert not exam.done(), "the caller waited for the background request to finish"
        assert embedded.gate.preemptions == 1
        listed = await exam
        assert len(listed["breeds"]) >= 5, listed
        await background.aclose()
        await caller.aclose()

    try:
        asyncio.run(scenario())
    finally:
        embedded.close()
