"""Text-turn benchmark: caller turns on the test business, embedded model, warm.

Measures, over N caller turns through the real runtime (livekit AgentSession + the agent's
tools + the knowledge note per turn):
- time to first token and to the full reply with the embedded model (p50/p95, prefix warm);
- the runtime's own overhead per turn with an instant scripted LLM (p95).
Prints one JSON line last:
{"ttft_p50_s", "ttft_p95_s", "reply_p50_s", "overhead_p95_ms", "exam_score"}
`exam_score` is the agent's exam (questions from its facts, plus questions it cannot
answer) with the embedded model.

    .venv/bin/python bench/text_turn.py            # 30 turns
    .venv/bin/python bench/text_turn.py --quick    # 6 turns, under a minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fake_llm import Say, ScriptedLLM  # noqa: E402

from frontdesk.config import Settings  # noqa: E402
from frontdesk.conversations.service import ConversationHub  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.exams.service import ExamRunner  # noqa: E402
from frontdesk.migrate import upgrade  # noqa: E402
from frontdesk.models import Agent, Exam  # noqa: E402
from frontdesk.providers.llm.factory import LLMFactory  # noqa: E402
from frontdesk.resources import Resources, build_resources  # noqa: E402
from frontdesk.workspace.service import Principal, create_workspace_with_owner  # noqa: E402

QUESTIONS = [
    "What are your opening hours?",
    "How much is a rabies vaccination?",
    "What is your phone number?",
    "Where are you located?",
    "Do you do dental cleaning for dogs?",
    "How much is microchipping?",
    "Is there parking?",
    "Do you treat rabbits?",
    "What is your email address?",
    "How much is a nail trim?",
]
FACTS = {
    "business_name": "Juniper Lane Veterinary Clinic",
    "address": "14 Juniper Lane, Millbrook",
    "phone": "(555) 014-2398",
    "email": "hello@juniperlanevet.example",
    "services": [
        {"name": "Annual wellness exam", "price": "$68"},
        {"name": "Rabies vaccination", "price": "$32"},
        {"name": "Canine dental cleaning", "price": "$240"},
        {"name": "Microchipping", "price": "$45"},
        {"name": "Nail trim", "price": "$15"},
    ],
    "extra": {"Parking": "six free spaces behind the building", "Exotic pets": "rabbits yes"},
}


def _setup(
    data_dir: Path, *, embedded: bool, llm_factory: LLMFactory | None = None
) -> tuple[Resources, Principal, str]:
    settings = Settings(environment="test", data_dir=data_dir, embedded_llm=embedded)
    upgrade(settings.sqlalchemy_url)
    resources = build_resources(settings, llm_factory=llm_factory)
    with transaction(resources.sessionmaker) as db:
        workspace, user = create_workspace_with_owner(
            db, workspace_name="Bench", email="bench@example.com", password="benchmark"
        )
        agent = Agent(workspace_id=workspace.id, name="Juniper Lane Vet", business_facts=FACTS)
        db.add(agent)
        db.flush()
        agent_id = agent.id
    return resources, Principal(workspace.id, user.id, "bench"), agent_id


async def _turns(resources: Resources, principal: Principal, agent_id: str, n: int) -> list[dict]:
    hub = ConversationHub(resources)
    started = await hub.start(principal, agent_id)
    results = []
    try:
        for i in range(n):
            results.append(
                await hub.message(principal, started["id"], QUESTIONS[i % len(QUESTIONS)])
            )
    finally:
        await hub.close_all()
    return results


async def _exam(resources: Resources, principal: Principal, agent_id: str) -> float | None:
    hub = ConversationHub(resources)
    runner = ExamRunner(resources, hub)
    exam_id, questions = await runner.create(principal, agent_id)
    await runner.run(principal, exam_id, agent_id, questions)
    await hub.close_all()
    with transaction(resources.sessionmaker) as db:
        exam = db.get(Exam, exam_id)
        return exam.score if exam is not None else None


def measure_model(turns: int) -> dict[str, float | None]:
    with tempfile.TemporaryDirectory() as tmp:
        resources, principal, agent_id = _setup(Path(tmp), embedded=True)
        embedded = resources.embedded_llm
        assert embedded is not None
        embedded.server()
        # One throw-away conversation warms the agent's prefix, as `serve` does at start.
        asyncio.run(_turns(resources, principal, agent_id, 1))
        results = asyncio.run(_turns(resources, principal, agent_id, turns))
        exam_score = asyncio.run(_exam(resources, principal, agent_id))
        resources.close()
    ttft = sorted(
        r["timings"].get("first_token_ms", r["timings"]["reply_ms"]) / 1000 for r in results
    )
    reply = sorted(r["timings"]["reply_ms"] / 1000 for r in results)
    return {
        "ttft_p50_s": round(statistics.median(ttft), 3),
        "ttft_p95_s": round(ttft[max(0, int(len(ttft) * 0.95) - 1)], 3),
        "reply_p50_s": round(statistics.median(reply), 3),
        "exam_score": exam_score,
    }


def measure_overhead(turns: int) -> float:
    fake = ScriptedLLM()
    fake.script(*[Say("Sure.") for _ in range(turns + 5)])
    with tempfile.TemporaryDirectory() as tmp:
        resources, principal, agent_id = _setup(Path(tmp), embedded=False, llm_factory=lambda: fake)

        async def run() -> list[float]:
            hub = ConversationHub(resources)
            started = await hub.start(principal, agent_id)
            times = []
            for i in range(turns):
                t0 = time.perf_counter()
                await hub.message(principal, started["id"], QUESTIONS[i % len(QUESTIONS)])
                times.append((time.perf_counter() - t0) * 1000)
            await hub.close_all()
            return times

        times = sorted(asyncio.run(run()))
        resources.close()
    return round(times[max(0, int(len(times) * 0.95) - 1)], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 turns instead of 30")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    turns = 6 if args.quick else 30
    result = measure_model(turns)
    result["overhead_p95_ms"] = measure_overhead(turns)
    result["turns"] = turns
    print(json.dumps(result))


if __name__ == "__main__":
    main()
