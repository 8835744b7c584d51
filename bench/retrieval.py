"""Retrieval benchmark: 10k chunks in one agent, 200 questions with known answers.

The chunks are facts of 500 fictional businesses (hours, prices, phones, policies, staff…),
so the right chunk must be told apart from many near-identical ones by a name, a number or
the topic. Search goes through the product's HybridSearcher (query embedding + Chroma + BM25
+ fusion). The index is built once; the 200 queries run `--repeat` times and the medians of
the per-run p50/p95 are reported. Prints one JSON line last:
{"chunks", "p50_ms", "p95_ms", "hit_at_1", "hit_at_3", ...}

    .venv/bin/python bench/retrieval.py            # 10,000 chunks
    .venv/bin/python bench/retrieval.py --quick    # 1,000 chunks, under a minute
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from frontdesk.config import Settings  # noqa: E402
from frontdesk.knowledge.search import HybridSearcher  # noqa: E402
from frontdesk.knowledge.vector_store import VectorStore, connect_chroma, source_gen  # noqa: E402
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder  # noqa: E402

FIRST = [
    "Juniper",
    "Maple",
    "Cedar",
    "Harbor",
    "Willow",
    "Summit",
    "Lakeside",
    "Granite",
    "Meadow",
    "Copper",
    "Aspen",
    "Birch",
]
SECOND = [
    "Dental",
    "Bakery",
    "Physio",
    "Vet",
    "Salon",
    "Garage",
    "Yoga",
    "Optician",
    "Florist",
    "Tailor",
    "Barber",
    "Clinic",
]
ITEMS = [
    "checkup",
    "cleaning",
    "haircut",
    "massage",
    "oil-change",
    "consultation",
    "fitting",
    "repair",
    "lesson",
    "trim",
    "inspection",
    "polish",
    "tuning",
    "alignment",
    "wash",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
STAFF = [
    "Priya",
    "Tomas",
    "Alma",
    "Jonas",
    "Keiko",
    "Omar",
    "Lena",
    "Dmitri",
    "Grace",
    "Mateo",
    "Sana",
    "Ivan",
]


def _business(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {SECOND[(i // len(FIRST)) % len(SECOND)]} {i}"


def make_corpus(
    n_chunks: int, seed: int = 11
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(chunk id, text) pairs and (question, expected chunk id) pairs."""
    rng = random.Random(seed)
    per_business = 20
    chunks: list[tuple[str, str]] = []
    questions: list[tuple[str, str]] = []
    for b in range(n_chunks // per_business):
        name = _business(b)
        phone = f"(555) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        open_h, close_h = rng.randint(7, 10), rng.randint(16, 20)
        facts = [
            (
                "Opening hours",
                f"{name} is open {DAYS[0]} to {DAYS[4]} from {open_h}:00 to {close_h}:00 "
                f"and on {DAYS[5]} mornings.",
                f"When is {name} open?",
            ),
            (
                "Contact",
                f"Call {name} on {phone} or write to hello@business{b}.example.",
                f"What is the phone number of {name}?",
            ),
            (
                "Cancellation policy",
                f"{name} asks for {rng.randint(12, 48)} hours notice to cancel; "
                f"late cancellations cost ${rng.randint(10, 60)}.",
                f"What is the cancellation policy at {name}?",
            ),
            (
                "Parking",
                f"Visitors to {name} can park in the {rng.choice(['rear', 'side', 'street'])} "
                f"lot with {rng.randint(2, 30)} spaces.",
                f"Where can I park when visiting {name}?",
            ),
            (
                "Team",
                f"The team at {name} is led by {rng.choice(STAFF)} with {rng.randint(3, 25)} years "
                "of experience.",
                f"Who leads the team at {name}?",
            ),
        ]
        for item in rng.sample(ITEMS, k=per_business - len(facts)):
            price = rng.randint(15, 400)
            facts.append(
                (
                    f"Price of {item}",
                    f"At {name} a {item} costs ${price}, paid at the desk.",
                    f"How much does a {item} cost at {name}?",
                )
            )
        for k, (heading, body, question) in enumerate(facts):
            chunk_id = f"b{b}-{k}"
            chunks.append((chunk_id, f"{name} › {heading}\n\n{body}"))
            questions.append((question, chunk_id))
    rng.shuffle(questions)
    return chunks, questions[:200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 chunks instead of 10,000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the 200 queries")
    args = parser.parse_args()
    n_chunks = 1000 if args.quick else 10_000
    chunks, questions = make_corpus(n_chunks)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(environment="test", data_dir=Path(tmp))
        store = VectorStore(connect_chroma(settings))
        embedder = MiniLMOnnxEmbedder()
        agent_id, gens = "bench", [source_gen("src", 1)]
        started = time.perf_counter()
        for i in range(0, len(chunks), 256):
            batch = chunks[i : i + 256]
            store.upsert(
                agent_id,
                [c for c, _ in batch],
                embedder.embed_documents([t for _, t in batch]),
                [t for _, t in batch],
                [{"source_id": "src", "source_gen": gens[0], "source_kind": "text"} for _ in batch],
            )
        build_s = time.perf_counter() - started
        searcher = HybridSearcher(store, embedder)
        searcher.search(agent_id, 1, gens, "warm up", 3)  # builds the keyword index once

        p50s, p95s, hit1, hit3 = [], [], 0, 0
        for run in range(args.repeat):
            latencies = []
            for question, expected in questions:
                t0 = time.perf_counter()
                hits = searcher.search(agent_id, 1, gens, question, 3)
                latencies.append((time.perf_counter() - t0) * 1000)
                if run == 0:
                    ids = [h.chunk_id for h in hits]
                    hit1 += ids[:1] == [expected]
                    hit3 += expected in ids
            latencies.sort()
            p50s.append(statistics.median(latencies))
            p95s.append(latencies[int(len(latencies) * 0.95) - 1])

    print(
        json.dumps(
            {
                "chunks": len(chunks),
                "queries": len(questions),
                "p50_ms": round(statistics.median(p50s), 2),
                "p95_ms": round(statistics.median(p95s), 2),
                "hit_at_1": round(hit1 / len(questions), 3),
                "hit_at_3": round(hit3 / len(questions), 3),
                "runs": args.repeat,
                "index_build_s": round(build_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
