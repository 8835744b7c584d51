"""Load benchmark: two API processes under concurrent text conversations, and ingestion by
one worker process against two.

The scale stack, all real processes: a throwaway PostgreSQL database, jobs on Redis (a
queue name of its own), a Chroma server, two `frontdesk serve` processes that run no job
workers, and `frontdesk worker` processes. The language model is a fake OpenAI-compatible
endpoint that answers every request after a fixed latency, so what grows with load is
Frontdesk's own time.

Conversations: each simulated caller (one async httpx client with the owner's session
cookie) starts a conversation, sends K messages one after another, and hangs up. Requests
alternate between the two API processes like a round-robin load balancer, and within one
conversation every request goes to the other process than the one before (the worst case
for keeping the history in step). First one caller alone (p95 of message latency =
p95_single), then 2, 4, 8 … callers at once until a level has errors (non-2xx or transport
errors) or a message p95 above 1.2 x p95_single; max_concurrency is the last level that
passed. `--keep-going` steps on to --max-callers all the same, to show where errors start.

Ingestion: the same pasted-text sources, spread over several agents, ingested by one
`frontdesk worker` process and then by two (each with the same `--workers` threads, the
default deployment unit, so the figure says what adding a worker process buys); chunks per
second from the first source created to the last one ready, with each process's embedding
model loaded beforehand.

Prints progress to stderr and one JSON line last:
{"max_concurrency", "errors", "p95_ratio", "ingest_speedup_2_workers", "p95_single_ms",
 "levels", "ingest", ...}

    .venv/bin/python bench/load.py            # up to 256 callers, 24 sources: 4-9 min
    .venv/bin/python bench/load.py --quick    # up to 32 callers, 12 sources: ~3.5 min
    .venv/bin/python bench/load.py --quick --skip-ingest --sticky   # each conversation on
                                              # one process: what the alternation costs
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import WORDS  # noqa: E402
from tests.postgres_databases import throwaway_postgres  # noqa: E402
from tests.reliability.processes import (  # noqa: E402
    OWNER_PASSWORD,
    Process,
    Server,
    free_port,
    wait_until,
)
from tests.reliability.scripted_openai import Request, ScriptedOpenAIServer  # noqa: E402

# http.server listens with a backlog of 5: a burst of 64 model requests would see dropped
# SYNs and one-second retransmits, a stall of the fake model and not of Frontdesk.
http.server.ThreadingHTTPServer.request_queue_size = 1024

CHROMA = Path(sys.executable).parent / "chroma"
QUESTIONS = [
    "What are your opening hours?",
    "How much is a rabies vaccination?",
    "Do you see rabbits?",
    "Is there parking behind the building?",
    "Can I bring my dog in on Saturday?",
    "How much notice do I need to cancel?",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# -- the stack ---------------------------------------------------------------------------


@contextmanager
def chroma_server(path: Path, log_file: Path) -> Iterator[str]:
    port = free_port()
    with log_file.open("wb") as handle:
        server = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if server.poll() is not None:
            raise SystemExit("the Chroma server exited: " + log_file.read_text()[-2000:])
        try:
            return httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(up, 60)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def redis_queue(url: str) -> Iterator[str]:
    name = f"frontdesk-load-{uuid.uuid4().hex[:8]}"
    try:
        yield name
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)
        client.close()


def fake_model(latency_s: float) -> ScriptedOpenAIServer:
    def respond(request: Request) -> str:
        time.sleep(latency_s)
        if request.wants_json:  # a post-conversation analysis, should a worker run one
            return json.dumps({"summary": "A caller asked about the clinic."})
        return f"Happy to help with that: {request.last_user_text[:60]}"

    return ScriptedOpenAIServer(respond)


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    servers: list[Server] = field(default_factory=list)

    def process_env(self, name: str) -> dict[str, str]:
        return {**self.env, "FRONTDESK_DATA_DIR": str(self.tmp / f"{name}-data")}

    def worker(self, name: str, threads: int) -> Process:
        return Process(
            ["worker", "--workers", str(threads)], self.process_env(name), self.tmp / f"{name}.log"
        )


# -- conversations -----------------------------------------------------------------------


@dataclass
class Tally:
    message_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    first_error: str = ""

    def request_failed(self, what: str, detail: str) -> None:
        self.errors[what] += 1
        if not self.first_error:
            self.first_error = detail[:300]


async def _timed_post(
    client: httpx.AsyncClient, url: str, tally: Tally, what: str, body: Any = None
) -> tuple[httpx.Response | None, float]:
    started = time.perf_counter()
    try:
        response = await client.post(url, json=body)
    except httpx.HTTPError as exc:
        tally.request_failed(what, f"{what}: {type(exc).__name__} {exc}")
        return None, 0.0
    elapsed = (time.perf_counter() - started) * 1000
    if not response.is_success:
        tally.request_failed(what, f"{what}: {response.status_code} {response.text}")
        return None, elapsed
    return response, elapsed


async def conversation(
    client: httpx.AsyncClient,
    bases: list[str],
    offset: int,
    agent_id: str,
    k: int,
    tally: Tally,
    sticky: bool,
) -> None:
    """One caller's conversation; request i goes to process (offset + i) mod 2, or every
    request to process offset mod 2 when `sticky`."""

    def base(i: int) -> str:
        return bases[(offset + (0 if sticky else i)) % len(bases)]

    started, ms = await _timed_post(
        client, f"{base(0)}/api/agents/{agent_id}/conversations", tally, "start"
    )
    if started is None:
        return
    tally.start_ms.append(ms)
    conversation_id = started.json()["id"]
    for i in range(k):
        url = f"{base(i + 1)}/api/conversations/{conversation_id}/messages"
        answered, ms = await _timed_post(
            client, url, tally, "message", {"text": QUESTIONS[i % len(QUESTIONS)]}
        )
        if answered is not None:
            tally.message_ms.append(ms)
    await _timed_post(
        client, f"{base(k + 1)}/api/conversations/{conversation_id}/end", tally, "end"
    )


async def run_level(
    bases: list[str],
    cookies: httpx.Cookies,
    agent_id: str,
    callers: int,
    rounds: int,
    k: int,
    sticky: bool,
) -> Tally:
    """`callers` callers at once, each holding `rounds` conversations one after another."""
    tally = Tally()
    counter = iter(range(callers * rounds))

    async def caller() -> None:
        async with httpx.AsyncClient(cookies=cookies, timeout=60) as client:
            for _ in range(rounds):
                await conversation(client, bases, next(counter), agent_id, k, tally, sticky)

    await asyncio.gather(*(caller() for _ in range(callers)))
    return tally


def level_row(callers: int, tally: Tally, seconds: float, p95_single: float | None) -> dict:
    errors = sum(tally.errors.values())
    row: dict[str, Any] = {
        "concurrency": callers,
        "messages": len(tally.message_ms),
        "errors": errors,
        "p50_ms": round(sorted(tally.message_ms)[len(tally.message_ms) // 2], 1)
        if tally.message_ms
        else None,
        "p95_ms": round(p95(tally.message_ms), 1) if tally.message_ms else None,
        "start_p95_ms": round(p95(tally.start_ms), 1) if tally.start_ms else None,
        "messages_per_s": round(len(tally.message_ms) / seconds, 2),
        "seconds": round(seconds, 1),
    }
    if errors:
        row["errors_by_request"] = dict(tally.errors)
        row["first_error"] = tally.first_error
    if p95_single and row["p95_ms"] is not None:
        row["p95_ratio"] = round(row["p95_ms"] / p95_single, 3)
    return row


def conversation_load(stack: Stack, agent_id: str, args: argparse.Namespace) -> dict[str, Any]:
    bases = [f"http://127.0.0.1:{s.port}" for s in stack.servers]
    cookies = stack.servers[0].client.cookies  # sessions live in the database: any process
    k = args.messages

    def level(callers: int, rounds: int) -> tuple[Tally, float]:
        started = time.perf_counter()
        tally = asyncio.run(run_level(bases, cookies, agent_id, callers, rounds, k, args.sticky))
        return tally, time.perf_counter() - started

    # Both processes load their embedding model and open their pools before anything counts.
    level(2, 1)
    tally, seconds = level(1, args.single_conversations)
    if tally.errors:
        raise SystemExit(f"a single caller already fails: {dict(tally.errors)} {tally.first_error}")
    p95_single = p95(tally.message_ms)
    single = level_row(1, tally, seconds, p95_single)
    log(f"load: single caller {json.dumps(single)}")
    levels, passed, failed = [single], single, None
    callers = 2
    while callers <= args.max_callers:
        rounds = max(1, math.ceil(args.level_messages / (callers * k)))
        tally, seconds = level(callers, rounds)
        row = level_row(callers, tally, seconds, p95_single)
        row["ok"] = row["errors"] == 0 and row.get("p95_ratio", math.inf) <= args.p95_limit
        levels.append(row)
        log(f"load: {json.dumps(row)}")
        if not row["ok"] and failed is None:
            failed = row
            if not args.keep_going:
                break
        if failed is None:
            passed = row
        callers *= 2
    return {
        "max_concurrency": passed["concurrency"],
        "errors": passed["errors"],
        "p95_ratio": passed.get("p95_ratio", 1.0),
        "p95_single_ms": round(p95_single, 1),
        "p95_at_max_ms": passed["p95_ms"],
        "failing_level": failed["concurrency"] if failed else None,
        "errors_at_failing_level": failed["errors"] if failed else None,
        "p95_ratio_at_failing_level": failed.get("p95_ratio") if failed else None,
        "levels": levels,
    }


# -- ingestion ---------------------------------------------------------------------------


def source_text(rng: random.Random, paragraphs: int) -> str:
    parts = []
    for i in range(paragraphs):
        if i % 5 == 0:
            parts.append(f"## {rng.choice(WORDS).capitalize()} {i // 5 + 1}")
        words = [rng.choice(WORDS) for _ in range(rng.randint(80, 130))]
        parts.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(parts)


def create_agent_with_texts(client: httpx.Client, name: str, texts: list[str]) -> str:
    created = client.post("/api/agents", data={"name": name, "text": texts[0]})
    assert created.status_code == 201, created.text
    agent_id = created.json()["id"]
    for i, body in enumerate(texts[1:], start=2):
        added = client.post(
            f"/api/agents/{agent_id}/knowledge/sources",
            json={"kind": "text", "title": f"{name} notes {i}", "text": body},
        )
        assert added.status_code == 201, added.text
    return agent_id


def ingested(client: httpx.Client, agent_ids: list[str]) -> int | None:
    """Chunks of the agents once every source is ready; None while any is not."""
    chunks = 0
    for agent_id in agent_ids:
        agent = client.get(f"/api/agents/{agent_id}").json()
        for source in agent["sources"]:
            if source["status"] == "failed":
                raise SystemExit(f"a source failed to ingest: {source}")
            if source["status"] != "ready":
                return None
            chunks += source["chunk_count"]
    return chunks


def until_ingested(
    client: httpx.Client, agent_ids: list[str], timeout: float, worker: Process
) -> int:
    """Their chunks once ingested. Polled four times a second: the polls take CPU from the
    workers being measured, and 0.25 s is under 1% of a run."""
    deadline = time.monotonic() + timeout
    while (chunks := ingested(client, agent_ids)) is None:
        if time.monotonic() > deadline:
            raise SystemExit(f"ingestion did not finish in {timeout} s: {worker.tail()}")
        time.sleep(0.25)
    return chunks


def ingest_run(
    stack: Stack, processes: int, args: argparse.Namespace, also_ready: list[str]
) -> dict[str, Any]:
    """Ingest the generated sources with `processes` worker processes; `also_ready` are
    agents whose (already queued) sources are ingested first, in the warm-up."""
    client = stack.servers[0].client
    workers = [
        stack.worker(f"worker-{processes}-{i}", args.worker_threads) for i in range(processes)
    ]
    try:
        # Warm-up: enough small sources that every thread of every process takes some,
        # so that no process loads its model inside the measured time.
        warm = [
            f"Warm-up note {i}: we open at nine."
            for i in range(3 * processes * args.worker_threads)
        ]
        warm_agent = create_agent_with_texts(client, f"Warm-up {processes}", warm)
        warmed = [warm_agent, *also_ready]
        until_ingested(client, warmed, 300, workers[0])
        rng = random.Random(11)  # the same texts for every run
        texts = [
            [source_text(rng, args.paragraphs) for _ in range(args.sources_per_agent)]
            for _ in range(args.agents)
        ]
        started = time.perf_counter()
        agent_ids = [
            create_agent_with_texts(client, f"Clinic {processes}-{a}", agent_texts)
            for a, agent_texts in enumerate(texts)
        ]
        chunks = until_ingested(client, agent_ids, 900, workers[0])
        seconds = time.perf_counter() - started
    finally:
        for process in workers:
            process.stop()
    row = {
        "worker_processes": processes,
        "threads_each": args.worker_threads,
        "sources": args.agents * args.sources_per_agent,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "chunks_per_s": round(chunks / seconds, 2),
    }
    log(f"load: ingestion {json.dumps(row)}")
    return row


# -- main --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack_of:
        tmp = Path(stack_of.enter_context(tempfile.TemporaryDirectory()))
        database = stack_of.enter_context(throwaway_postgres(args.postgres, "frontdesk_load"))
        chroma = stack_of.enter_context(chroma_server(tmp / "chroma", tmp / "chroma.log"))
        queue = stack_of.enter_context(redis_queue(args.redis))
        model = stack_of.enter_context(fake_model(args.latency_ms / 1000))
        stack = Stack(
            tmp,
            {
                "FRONTDESK_DATABASE_URL": database,
                "FRONTDESK_QUEUE_URL": args.redis,
                "FRONTDESK_QUEUE_NAME": queue,
                "FRONTDESK_CHROMA_URL": chroma,
                "FRONTDESK_EMBEDDED_WORKERS": "0",
                "FRONTDESK_OWNER_PASSWORD": OWNER_PASSWORD,
                "FRONTDESK_LLM_BASE_URL": model.base_url,
                "FRONTDESK_LLM_API_KEY": "x",
                "FRONTDESK_LLM_MODEL": "fake",
                "FRONTDESK_EMBEDDED_LLM": "false",
                "FRONTDESK_LOG_LEVEL": "WARNING",
            },
        )
        try:
            for i in range(2):
                stack.servers.append(Server(stack.process_env(f"api-{i}"), tmp / f"api-{i}.log"))
            log(f"load: two API processes on ports {[s.port for s in stack.servers]}")
            result: dict[str, Any] = {}
            # The agent callers talk to: its knowledge is ingested with the first warm-up,
            # so every turn's knowledge search runs against a real collection.
            agent_id = create_agent_with_texts(
                stack.servers[0].client, "Juniper Vet", [source_text(random.Random(3), 10)]
            )
            if args.skip_ingest:
                worker = stack.worker("worker-prep", args.worker_threads)
                try:
                    until_ingested(stack.servers[0].client, [agent_id], 300, worker)
                finally:
                    worker.stop()
            else:
                # Ingestion first: the conversations' ended calls queue analysis jobs that
                # a worker started later would take up inside the measured time.
                one = ingest_run(stack, 1, args, [agent_id])
                two = ingest_run(stack, 2, args, [])
                result["ingest_speedup_2_workers"] = round(
                    two["chunks_per_s"] / one["chunks_per_s"], 3
                )
                result["ingest"] = [one, two]
            result = {**conversation_load(stack, agent_id, args), **result}
        except BaseException:
            for server in stack.servers:
                log(f"--- {server.log.name}\n{server.tail(3000)}")
            raise
        finally:
            for server in stack.servers:
                server.stop()
    result.setdefault("ingest_speedup_2_workers", None)
    return {
        "max_concurrency": result.pop("max_concurrency"),
        "errors": result.pop("errors"),
        "p95_ratio": result.pop("p95_ratio"),
        "ingest_speedup_2_workers": result.pop("ingest_speedup_2_workers"),
        **result,
        "latency_ms": args.latency_ms,
        "messages_per_conversation": args.messages,
        "p95_limit": args.p95_limit,
        "routing": "sticky" if args.sticky else "alternating",
        "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FRONTDESK_TEST_POSTGRES_URL")
        or "postgresql://postgres@127.0.0.1:5432/test",
        help="PostgreSQL server; a throwaway database is created on it and dropped after",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--latency-ms", type=float, default=300, help="the fake model's latency")
    parser.add_argument("--quick", action="store_true", help="fewer callers and sources")
    parser.add_argument("--max-callers", type=int, help="highest concurrency tried")
    parser.add_argument("--worker-threads", type=int, default=2, help="`--workers` of each")
    parser.add_argument("--skip-ingest", action="store_true", help="conversations only")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="step on to --max-callers after the first failing level (to see where errors start)",
    )
    parser.add_argument(
        "--sticky",
        action="store_true",
        help="send all of a conversation to one process (default: alternate every request)",
    )
    args = parser.parse_args()
    quick = args.quick
    args.messages = 3 if quick else 4  # per conversation
    args.single_conversations = 6 if quick else 12
    args.level_messages = 24 if quick else 64  # at least this many messages per level
    args.max_callers = args.max_callers or (32 if quick else 256)
    args.p95_limit = 1.2
    args.agents, args.sources_per_agent = (4, 3) if quick else (6, 4)
    args.paragraphs = 10 if quick else 20  # of ~100 words: about 2.7 chunks per 10
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
