"""Answers benchmark: agents built from the corpus's websites, questioned and judged in code.

Does an agent built from a small business's website answer what the site says, admit what
it does not, invent nothing, and do what callers ask?

Every site of the answer corpus (tests/corpus/sites/) is served on loopback and its agent is
built the way an owner builds one, through the HTTP API of a real `frontdesk serve`
process: the agent is created with the site's URL, the crawl is awaited, the onboarding
interview is answered with the site's scripted owner answers, the agent is generated, and
the product's own exam runs (its score is read from the exams API). Then every question,
every question the site does not answer and every request that must land in the database is
put to the agent through the text conversation API, each in a fresh conversation, and the
replies and database rows are judged in code (bench/answers_judge.py, bench/invented.py).

Figures (pooled over the sites run):
- facts: share of questions whose reply holds one alternative of every `must` group;
- unanswerable: share of unanswerable questions whose reply admits not knowing and states
  nothing invented;
- actions: share of requests whose expected rows exist (or, refused, do not);
- invented: share of all replies stating a number, price, time, date, phone, email or
  name found in neither the knowledge, the agent's settings and business facts, the
  conversation's tool results nor the caller's words;
- exam_gap: mean over sites of |the product's exam score - this benchmark's score|, the
  latter pooled over the site's questions, unanswerable questions and requests;
- reply_p50_s: median of the server's reply time over every answered turn.

The model is the embedded one unless FRONTDESK_LLM_BASE_URL (with FRONTDESK_LLM_API_KEY and
FRONTDESK_LLM_MODEL) names an OpenAI-compatible endpoint. Progress goes to stderr; one JSON
line is printed last.

    .venv/bin/python bench/answers.py                  # every corpus site (hours)
    .venv/bin/python bench/answers.py --quick          # 3 sites
    .venv/bin/python bench/answers.py --sites a,b --json-out result.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.answers_judge import Rows, Verdict, admits_not_knowing, judge_action  # noqa: E402
from bench.invented import Claim, Evidence  # noqa: E402
from tests.corpus.sites import CorpusSite, load_sites, serve  # noqa: E402
from tests.reliability.processes import Process, free_port, wait_until  # noqa: E402

from frontdesk.config import Settings  # noqa: E402
from frontdesk.db import build_engine, build_sessionmaker, transaction  # noqa: E402
from frontdesk.models import Appointment, CallerMessage, Lead  # noqa: E402
from frontdesk.models.base import as_utc  # noqa: E402

OWNER_EMAIL = "owner@answers-bench.example"
OWNER_PASSWORD = "answers-bench-password"
QUICK_SITES = 3
INGEST_TIMEOUT_S = 900.0
EXAM_TIMEOUT_S = 3600.0
EXAM_APPEARS_S = 120.0  # after this, an exam the generation did not start is started here
MAX_INTERVIEW_STEPS = 80

Progress = Callable[[str], None]


def log(message: str) -> None:
    print(f"answers: {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# -- the server ----------------------------------------------------------------------------


class Frontdesk:
    """A `frontdesk serve` process with its own data dir, and the owner signed in to it."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.data_dir = tmp / "data"
        # A kept data dir (--keep) may already hold agents built by an earlier run.
        self.reuse = self.data_dir.exists()
        self.port = free_port()
        self.log_file = tmp / "serve.log"
        # Everything in the data dir (SQLite, Chroma, the queue): nothing shared with whatever
        # the caller's environment points at, but the language model settings.
        self.process = Process(
            ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
            {
                "FRONTDESK_DATA_DIR": str(self.data_dir),
                "FRONTDESK_DATABASE_URL": "",
                "FRONTDESK_QUEUE_URL": "",
                "FRONTDESK_CHROMA_URL": "",
                "FRONTDESK_OWNER_EMAIL": OWNER_EMAIL,
                "FRONTDESK_OWNER_PASSWORD": OWNER_PASSWORD,
                # The corpus sites are served on loopback, which the crawler refuses unless
                # the operator allows it.
                "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
                "FRONTDESK_LOG_LEVEL": "WARNING",
                **env,
            },
            self.log_file,
        )
        # A turn of the embedded model on a busy 2-core machine can take minutes.
        self.client = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}", timeout=httpx.Timeout(900, connect=10)
        )
        try:
            # The first start joins the embedded model's parts into the data dir.
            wait_until(self._healthy, 900, lambda: "frontdesk serve: " + self.process.tail())
            self.call(
                "POST", "/api/auth/login", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
            )
        except BaseException:
            self.stop()
            raise
        settings = Settings(data_dir=self.data_dir, database_url="")
        self.engine = build_engine(settings.sqlalchemy_url)
        self.sessionmaker = build_sessionmaker(self.engine)

    def _healthy(self) -> bool:
        if self.process.popen.poll() is not None:
            raise BenchError("frontdesk serve exited: " + self.process.tail())
        try:
            return self.client.get("/api/health").status_code == 200
        except httpx.TransportError:
            return False

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, **kwargs)
        if not response.is_success:
            raise BenchError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def rows(self, conversation_id: str) -> Rows:
        """The appointments, leads and messages one conversation left, read from the database."""

        def of(model: Any) -> list[dict[str, Any]]:
            found = db.query(model).filter(model.conversation_id == conversation_id).all()
            out = []
            for row in found:
                values = {c.key: getattr(row, c.key) for c in model.__table__.columns}
                for key in ("starts_at", "ends_at"):
                    if values.get(key) is not None:
                        values[key] = as_utc(values[key])
                out.append(values)
            return out

        with transaction(self.sessionmaker) as db:
            return Rows(of(Appointment), of(Lead), of(CallerMessage))

    def stop(self) -> None:
        self.client.close()
        self.process.stop()
        if hasattr(self, "engine"):
            self.engine.dispose()


@contextmanager
def frontdesk(env: dict[str, str], keep: Path | None = None) -> Iterator[Frontdesk]:
    """A fresh server, or with `keep` one whose data (and built agents) outlive the run."""
    with tempfile.TemporaryDirectory(prefix="answers-bench-") as tmp:
        home = Path(tmp)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            home = keep
        server = Frontdesk(home, env)
        try:
            yield server
        except BaseException:
            log("frontdesk serve's log, last lines:\n" + server.process.tail(3000))
            raise
        finally:
            server.stop()


# -- building an agent as an owner does -----------------------------------------------------


def _wait_ingested(fd: Frontdesk, agent_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + INGEST_TIMEOUT_S
    while True:
        agent = fd.call("GET", f"/api/agents/{agent_id}")
        if all(s["status"] in ("ready", "failed") for s in agent["sources"]):
            return agent
        if time.monotonic() > deadline:
            raise BenchError(f"ingestion did not finish in {INGEST_TIMEOUT_S:g} s")
        time.sleep(1)


def _interview(fd: Frontdesk, site: CorpusSite, agent_id: str) -> list[dict[str, Any]]:
    """Answer every interview question with the site's scripted owner answer (or skip it)."""
    path = f"/api/agents/{agent_id}/onboarding"
    state = fd.call("POST", path, json={})
    asked: list[dict[str, Any]] = []
    for _ in range(MAX_INTERVIEW_STEPS):
        question = state["current"]
        if question is None:
            break
        answer = site.owner_answer(question["id"], question["topic"])
        asked.append({"id": question["id"], "text": question["text"], "answer": answer})
        if answer:
            state = fd.call(
                "POST", f"{path}/answers", json={"question_id": question["id"], "answer": answer}
            )
        else:
            state = fd.call("POST", f"{path}/skip", json={"question_id": question["id"]})
        if state["current"] and state["current"]["id"] == question["id"]:
            raise BenchError(f"the interview stays on question {question['id']!r}")
    return asked


def _exam(fd: Frontdesk, agent_id: str) -> dict[str, Any]:
    """The exam generation started in the background, once finished (started here if the
    product did not start one)."""
    path = f"/api/agents/{agent_id}/exams"
    started = time.monotonic()
    asked = False
    while True:
        exams = fd.call("GET", path)
        if exams and exams[0]["status"] != "running":
            return fd.call("GET", f"{path}/{exams[0]['id']}")
        if not exams and not asked and time.monotonic() - started > EXAM_APPEARS_S:
            fd.call("POST", path)
            asked = True
        if time.monotonic() - started > EXAM_TIMEOUT_S:
            raise BenchError(f"the exam did not finish in {EXAM_TIMEOUT_S:g} s")
        time.sleep(2)


def _knowledge(fd: Frontdesk, agent: dict[str, Any]) -> list[str]:
    """Every stored chunk of the agent, with its page title and heading."""
    texts = []
    for source in agent["sources"]:
        offset = 0
        while True:
            page = fd.call(
                "GET",
                f"/api/agents/{agent['id']}/knowledge/sources/{source['id']}/chunks",
                params={"limit": 200, "offset": offset},
            )
            for chunk in page["chunks"]:
                texts.append(
                    " \n".join(filter(None, (chunk["title"], chunk["heading"], chunk["text"])))
                )
            offset += len(page["chunks"])
            if not page["chunks"] or offset >= page["total"]:
                break
    return texts


def _settings_text(agent: dict[str, Any]) -> str:
    keys = ("name", "persona_name", "greeting", "instructions", "business_facts", "scheduling")
    return json.dumps({k: agent.get(k) for k in keys}, ensure_ascii=False)


# -- talking to it -------------------------------------------------------------------------


@dataclass
class Turn:
    said: str
    reply: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    reply_s: float | None = None
    error: str | None = None
    invented: list[Claim] = field(default_factory=list)


@dataclass
class Talk:
    conversation_id: str
    turns: list[Turn]

    @property
    def last_reply(self) -> str:
        return self.turns[-1].reply if self.turns else ""

    @property
    def invented(self) -> list[Claim]:
        return [c for t in self.turns for c in t.invented]


def _talk(fd: Frontdesk, agent_id: str, said: tuple[str, ...] | list[str]) -> Talk:
    started = fd.call("POST", f"/api/agents/{agent_id}/conversations")
    talk = Talk(started["id"], [])
    for words in said:
        turn = Turn(words)
        talk.turns.append(turn)
        try:
            out = fd.call(
                "POST", f"/api/conversations/{talk.conversation_id}/messages", json={"text": words}
            )
        except (BenchError, httpx.HTTPError) as exc:
            turn.error = str(exc)[:500]
            break
        turn.reply = out["reply"]
        turn.tool_calls = out["tool_calls"]
        if "reply_ms" in out["timings"]:
            turn.reply_s = out["timings"]["reply_ms"] / 1000
        if out["ended"]:
            break
    return talk


def _judge_invented(talk: Talk, knowledge: list[str], today: Any) -> None:
    """Mark each reply's claims that nothing the agent had or heard supports."""
    results = [str(c.get("result") or "") for t in talk.turns for c in t.tool_calls]
    evidence = Evidence(knowledge + results, caller=[t.said for t in talk.turns], today=today)
    for turn in talk.turns:
        turn.invented = evidence.unsupported(turn.reply) if turn.reply else []


# -- one site -------------------------------------------------------------------------------


@dataclass
class SiteResult:
    slug: str
    facts: list[bool] = field(default_factory=list)
    unanswerable: list[bool] = field(default_factory=list)
    actions: list[bool] = field(default_factory=list)
    replies: int = 0
    invented_replies: int = 0
    reply_s: list[float] = field(default_factory=list)
    exam_score: float | None = None
    exam: dict[str, Any] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def score(self) -> float | None:
        judged = self.facts + self.unanswerable + self.actions
        return sum(judged) / len(judged) if judged else None

    def figures(self) -> dict[str, Any]:
        score = self.score
        return {
            "facts": _share(self.facts),
            "unanswerable": _share(self.unanswerable),
            "actions": _share(self.actions),
            "invented": round(self.invented_replies / self.replies, 3) if self.replies else None,
            "score": round(score, 3) if score is not None else None,
            "exam_score": self.exam_score,
            "exam_gap": round(abs(self.exam_score - score), 3)
            if self.exam_score is not None and score is not None
            else None,
            "questions": len(self.facts),
            "replies": self.replies,
            "reply_p50_s": round(statistics.median(self.reply_s), 3) if self.reply_s else None,
            **({"error": self.error} if self.error else {}),
        }

    def count(self, talk: Talk) -> None:
        for turn in talk.turns:
            if turn.reply:
                self.replies += 1
                self.invented_replies += bool(turn.invented)
                if turn.reply_s is not None and turn.error is None:
                    self.reply_s.append(turn.reply_s)
            if turn.invented:
                self.failures.append(
                    {"kind": "invented", "said": turn.said, "reply": turn.reply,
                     "claims": [asdict(c) for c in turn.invented]}
                )  # fmt: skip


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def run_site(fd: Frontdesk, site: CorpusSite, progress: Progress = log) -> SiteResult:
    result = SiteResult(site.slug)
    try:
        _run_site(fd, site, result, progress)
    except (BenchError, httpx.HTTPError) as exc:
        # A site whose agent cannot be built (or questioned) fails what was not judged yet,
        # as its callers would find; the other sites still run.
        result.error = str(exc)[:1000]
        progress(f"{site.slug}: failed: {result.error}")
        for judged, wanted in (
            (result.facts, site.questions),
            (result.unanswerable, site.unanswerable),
            (result.actions, site.actions),
        ):
            judged.extend([False] * (len(wanted) - len(judged)))
    return result


def _built(fd: Frontdesk, site: CorpusSite) -> str | None:
    """An agent a kept data dir already holds for this site, generated and examined."""
    for agent in fd.call("GET", "/api/agents"):
        if agent["name"] == site.name and agent["status"] in ("ready", "deployed"):
            exams = fd.call("GET", f"/api/agents/{agent['id']}/exams")
            if exams and exams[0]["status"] == "done":
                return str(agent["id"])
    return None


def _run_site(fd: Frontdesk, site: CorpusSite, result: SiteResult, progress: Progress) -> None:
    reused = _built(fd, site) if fd.reuse else None
    if reused is not None:
        # Only for trying changes to conversations: the crawl, interview and generation of
        # the kept agent are not measured again.
        progress(f"{site.slug}: reusing agent {reused}")
        # Bookings an earlier run made would take the very slots the requests ask for.
        _clear_calendar(fd, reused)
        asked: list[dict[str, Any]] = []
        agent_id, t0 = reused, time.perf_counter()
        exam = _exam(fd, agent_id)
        t1 = t2 = t3 = t0
    else:
        agent_id, asked, exam, (t0, t1, t2, t3) = _build(fd, site, progress)
    _question(fd, site, result, progress, agent_id, asked, exam, (t0, t1, t2, t3))


def _build(
    fd: Frontdesk, site: CorpusSite, progress: Progress
) -> tuple[str, list[dict[str, Any]], dict[str, Any], tuple[float, float, float, float]]:
    with serve(site) as served:
        progress(f"{site.slug}: crawling {served.url(site.start_path)}")
        t0 = time.perf_counter()
        created = fd.call(
            "POST",
            "/api/agents",
            data={"name": site.name, "website_url": served.url(site.start_path)},
        )
        agent_id = created["id"]
        _wait_ingested(fd, agent_id)
        t1 = time.perf_counter()
        progress(f"{site.slug}: interview")
        asked = _interview(fd, site, agent_id)
        t2 = time.perf_counter()
        progress(f"{site.slug}: generating the agent")
        fd.call("POST", f"/api/agents/{agent_id}/onboarding/complete", json={})
        progress(f"{site.slug}: the product's exam")
        try:
            exam = _exam(fd, agent_id)
        except BenchError as exc:  # the questions are still worth asking
            progress(f"{site.slug}: no exam score: {exc}")
            exam = {"status": "missing", "total": 0, "passed": 0, "score": None, "error": str(exc)}
        t3 = time.perf_counter()
    return agent_id, asked, exam, (t0, t1, t2, t3)


def _clear_calendar(fd: Frontdesk, agent_id: str) -> None:
    """Cancel the agent's upcoming bookings, as the owner would in the dashboard."""
    path = f"/api/agents/{agent_id}/appointments"
    for appointment in fd.call("GET", path, params={"status": "booked", "upcoming": "true"}):
        fd.call("POST", f"{path}/{appointment['id']}/cancel")


def _question(
    fd: Frontdesk,
    site: CorpusSite,
    result: SiteResult,
    progress: Progress,
    agent_id: str,
    asked: list[dict[str, Any]],
    exam: dict[str, Any],
    times: tuple[float, float, float, float],
) -> None:
    t0, t1, t2, t3 = times
    agent = fd.call("GET", f"/api/agents/{agent_id}")
    result.build = {
        "agent_id": agent_id,
        "pages": sum(s["pages_indexed"] for s in agent["sources"] if s["kind"] == "website"),
        "chunks": agent["chunk_count"],
        "failed_sources": [s["error"] for s in agent["sources"] if s["status"] == "failed"],
        "interview": asked,
        "ingest_s": round(t1 - t0, 1),
        "interview_s": round(t2 - t1, 1),
        "generate_and_exam_s": round(t3 - t2, 1),
    }
    result.exam_score = exam["score"]
    result.exam = {k: exam[k] for k in ("status", "total", "passed", "score", "error")}
    knowledge = [*_knowledge(fd, agent), _settings_text(agent)]
    today = datetime.now(ZoneInfo(site.timezone)).date()

    total = len(site.questions) + len(site.unanswerable) + len(site.actions)
    n = 0
    for question in site.questions:
        n += 1
        progress(f"{site.slug}: question {n}/{total}")
        talk = _talk(fd, agent_id, [question.text])
        _judge_invented(talk, knowledge, today)
        passed = question.answered_by(talk.last_reply)
        result.facts.append(passed)
        result.count(talk)
        if not passed:
            result.failures.append(
                {"kind": "fact", "q": question.text, "reply": talk.last_reply,
                 "must": [list(g) for g in question.must], "error": talk.turns[-1].error}
            )  # fmt: skip
    for text in site.unanswerable:
        n += 1
        progress(f"{site.slug}: question {n}/{total} (unanswerable)")
        talk = _talk(fd, agent_id, [text])
        _judge_invented(talk, knowledge, today)
        admitted = admits_not_knowing(talk.last_reply)
        passed = admitted and not talk.invented
        result.unanswerable.append(passed)
        result.count(talk)
        if not passed:
            why = "states something invented" if admitted else "does not admit not knowing"
            result.failures.append(
                {"kind": "unanswerable", "q": text, "reply": talk.last_reply, "why": why}
            )
    for action in site.actions:
        n += 1
        progress(f"{site.slug}: request {n}/{total} ({action.kind})")
        talk = _talk(fd, agent_id, action.turns)
        _judge_invented(talk, knowledge, today)
        verdict: Verdict = judge_action(
            action, fd.rows(talk.conversation_id), talk.last_reply, site.timezone
        )
        result.actions.append(verdict.passed)
        result.count(talk)
        # Every request is judged on the calendar as the owner left it, not on the slot the
        # previous request (or run, with --keep) took.
        _clear_calendar(fd, agent_id)
        if not verdict.passed:
            result.failures.append(
                {"kind": "action", "action": action.kind, "why": verdict.why,
                 "turns": [{"said": t.said, "reply": t.reply, "tool_calls": t.tool_calls,
                            "error": t.error} for t in talk.turns]}
            )  # fmt: skip
    progress(f"{site.slug}: {json.dumps(result.figures())}")


# -- the whole run ---------------------------------------------------------------------------


def summary(results: list[SiteResult]) -> dict[str, Any]:
    def pooled(kind: str) -> float | None:
        values = [v for r in results for v in getattr(r, kind)]
        return _share(values)

    replies = sum(r.replies for r in results)
    gaps = [f["exam_gap"] for f in (r.figures() for r in results) if f["exam_gap"] is not None]
    reply_s = [s for r in results for s in r.reply_s]
    return {
        "facts": pooled("facts"),
        "unanswerable": pooled("unanswerable"),
        "actions": pooled("actions"),
        "invented": round(sum(r.invented_replies for r in results) / replies, 3)
        if replies
        else None,
        "exam_gap": round(statistics.fmean(gaps), 3) if gaps else None,
        "sites": len(results),
        "questions": sum(len(r.facts) for r in results),
        "reply_p50_s": round(statistics.median(reply_s), 3) if reply_s else None,
        "per_site": {r.slug: r.figures() for r in results},
    }


def pick_sites(quick: bool, names: str | None) -> list[CorpusSite]:
    sites = load_sites([s.strip() for s in names.split(",") if s.strip()] if names else None)
    if quick and not names and len(sites) > QUICK_SITES:
        # Spread over the corpus (sorted by name), the same three every run.
        step = len(sites) / QUICK_SITES
        sites = [sites[int(i * step)] for i in range(QUICK_SITES)]
    return sites


def run(
    sites: list[CorpusSite],
    env: dict[str, str] | None = None,
    progress: Progress = log,
    after_site: Callable[[list[SiteResult]], None] = lambda _: None,
    keep: Path | None = None,
) -> tuple[dict[str, Any], list[SiteResult]]:
    """Build and question an agent for each site on one fresh `frontdesk serve`;
    `after_site` gets the results so far after each site."""
    if not sites:
        raise BenchError("no corpus sites to run")
    results: list[SiteResult] = []
    with frontdesk(env or {}, keep) as fd:
        for i, site in enumerate(sites, start=1):
            progress(f"site {i}/{len(sites)}: {site.slug}")
            results.append(run_site(fd, site, progress))
            after_site(results)
    return summary(results), results


def full_result(results: list[SiteResult], seconds: float) -> dict[str, Any]:
    """The summary with every site's details and failures, for the closing note."""
    endpoint = os.environ.get("FRONTDESK_LLM_BASE_URL")
    return {
        **summary(results),
        "seconds": round(seconds, 1),
        "model": os.environ.get("FRONTDESK_LLM_MODEL", "") if endpoint else "embedded",
        "sites_detail": {
            r.slug: {**r.figures(), "exam": r.exam, "build": r.build, "failures": r.failures}
            for r in results
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SITES} sites")
    parser.add_argument("--sites", help="comma-separated site slugs (tests/corpus/sites/)")
    parser.add_argument(
        "--json-out", type=Path, help="write the full result here (rewritten after each site)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the server's data here; a later run with the same dir reuses the agents "
        "built for the same sites (for trying conversation changes: builds are not measured)",
    )
    args = parser.parse_args()
    sites = pick_sites(args.quick, args.sites)
    log(f"{len(sites)} site(s): {', '.join(s.slug for s in sites)}")
    started = time.perf_counter()

    def write(results: list[SiteResult]) -> None:
        # After every site, so a long run stopped half-way still leaves its figures.
        if args.json_out:
            full = full_result(results, time.perf_counter() - started)
            args.json_out.write_text(json.dumps(full, indent=2, ensure_ascii=False, default=str))

    result, _ = run(sites, after_site=write, keep=args.keep)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
