"""Post-conversation analysis benchmark: the embedded model summarises finished calls.

Three ended conversations of the Juniper Lane test business (a question, a booking, a
message with a question the agent could not answer) are analysed as the queue job does it:
outcome and caller details in code, summary and unanswered questions from the embedded
model (schema-constrained), checked against what the caller said. Each is analysed
`--runs` times; the model is loaded and warm before timing. Prints one JSON line last:
{"analysis_p50_s", "analysis_max_s", "summaries", "conversations", "outcomes_right"}

    .venv/bin/python bench/analysis.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.text_turn import _setup  # noqa: E402

from frontdesk.conversations.analysis_job import ConversationAnalyzer  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.models import Conversation, ConversationTurn  # noqa: E402
from frontdesk.resources import Resources  # noqa: E402

BOOKED = {"name": "book_appointment", "error": False, "result": "Booked for Friday 10:00.",
          "arguments": {"name": "Ann Lee", "phone": "555-014-2398", "day": "friday",
                        "time": "10am", "appointment_type": "checkup"}}  # fmt: skip
MESSAGE = {"name": "take_message", "error": False, "result": "Message taken.",
           "arguments": {"name": "Tom Ortiz", "contact": "tom@example.com",
                         "message": "Call back about the bill."}}  # fmt: skip
CALLS: dict[str, tuple[str, list[tuple[str, str, list[dict]]]]] = {
    "answered": ("answered", [
        ("agent", "Juniper Lane Vet, this is Maya. How can I help?", []),
        ("caller", "Hi, how much is a rabies vaccination for my dog?", []),
        ("agent", "A rabies vaccination is $32.", []),
        ("caller", "And are you open on Saturday morning?", []),
        ("agent", "Yes, Saturday from 9:00 am to 1:00 pm.", []),
        ("caller", "Great, thanks, bye.", []),
    ]),
    "booked": ("booked", [
        ("agent", "Juniper Lane Vet, this is Maya. How can I help?", []),
        ("caller", "I'd like a checkup for my cat on Friday at ten. I'm Ann Lee.", []),
        ("agent", "What number can we reach you on?", []),
        ("caller", "555 014 2398.", []),
        ("agent", "You're booked for a checkup on Friday at 10:00.", [BOOKED]),
    ]),
    "message": ("message_taken", [
        ("agent", "Juniper Lane Vet, this is Maya. How can I help?", []),
        ("caller", "Do you board reptiles over the holidays?", []),
        ("agent", "I'm not sure we do; I can take a message for the team.", []),
        ("caller", "Yes please, I'm Tom Ortiz, tom@example.com, and ask about my bill too.", []),
        ("agent", "I've passed your message on; someone will get back to you.", [MESSAGE]),
    ]),
}  # fmt: skip


def _store(resources: Resources, workspace_id: str, agent_id: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    with transaction(resources.sessionmaker) as db:
        for key, (_, turns) in CALLS.items():
            row = Conversation(workspace_id=workspace_id, agent_id=agent_id, channel="voice",
                               status="ended", ended_at=datetime.now(UTC))  # fmt: skip
            db.add(row)
            db.flush()
            for seq, (role, text, tools) in enumerate(turns):
                db.add(ConversationTurn(conversation_id=row.id, seq=seq, role=role, text=text,
                                        tool_calls=tools, timings={}))  # fmt: skip
            ids[key] = row.id
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        resources, principal, agent_id = _setup(Path(tmp), embedded=True, crawl=False)
        try:
            assert resources.embedded_llm is not None
            resources.embedded_llm.server()  # load the model before timing
            ids = _store(resources, principal.workspace_id, agent_id)
            analyzer = ConversationAnalyzer(resources)
            times: list[float] = []
            summaries = outcomes_right = 0
            for run in range(runs):
                for key, conversation_id in ids.items():
                    started = time.perf_counter()
                    outcome = analyzer.run(conversation_id)
                    times.append(time.perf_counter() - started)
                    with transaction(resources.sessionmaker) as db:
                        row = db.get(Conversation, conversation_id)
                        assert row is not None
                        summaries += row.summary is not None
                        outcomes_right += outcome == CALLS[key][0]
                        print(f"run {run + 1} {key}: {times[-1]:.1f} s, {outcome}, "
                              f"summary={row.summary!r}, unanswered={row.unanswered}, "
                              f"caller={row.caller_details}, error={row.analysis_error!r}",
                              file=sys.stderr)  # fmt: skip
        finally:
            resources.close()
    print(json.dumps({
        "analysis_p50_s": round(statistics.median(times), 2),
        "analysis_max_s": round(max(times), 2),
        "summaries": summaries,
        "conversations": len(times),
        "outcomes_right": outcomes_right,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
