"""Retrieval on the answer corpus: do the caller's real questions reach their answer?

Each corpus site (tests/corpus/sites/) is served on loopback and ingested through the
product's own path (crawler → reader → chunker → MiniLM → a real Chroma in a temp dir), one
agent per site. Then every question of the site's truth is searched three ways, top 3:

- hybrid: the product's `KnowledgeService.search` (vectors + BM25, fused), the lookup the
  agent makes before each caller turn;
- keyword / vector: each side alone, to see which one carries a hit;
- note: the knowledge note the model is shown, built from the hybrid top 5 exactly as the
  agent builds it (`tools.is_relevant`, then `knowledge_note.focus`).

A question is hit when one text (a chunk, or the note) holds an alternative of every one of
its `must` groups (`tests.corpus.sites.contains`). A miss is an extraction loss when no
stored chunk holds the whole answer (the reader or chunker lost or split it), and a ranking
loss when one does but it is not in the top 3. `unanswerable_noted` is the share of the
questions a site does not answer that still get a note (passages deemed relevant): each is a
chance for the model to improvise. `in_code` is the share of questions the embedded model's
agent answers in code (`quoted_answers`, `who_answers`, `faq_answers`, `timetable_answers`),
`in_code_right` the share of those holding the answer, `unanswerable_in_code` how many
unanswerable questions got one (each a wrong answer); `refusal_rules_read` the share of the
sites' requests against a stated rule ("refused" actions) whose rule `booking_limits` reads
out before booking. Prints one JSON line last:
{"hit_at_3", "note_hit", "unanswerable_noted", "keyword_hit_at_3", "vector_hit_at_3",
 "in_code", "in_code_right", "unanswerable_in_code", "refusal_rules_read", "questions",
 "sites": {...}, "misses": [...]}

    .venv/bin/python bench/corpus_retrieval.py             # every corpus site
    .venv/bin/python bench/corpus_retrieval.py --quick     # the first 3 sites
    .venv/bin/python bench/corpus_retrieval.py --site bistro --verbose
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus_agents import SiteAgent, corpus_resources, ingest  # noqa: E402
from tests.corpus.sites import Question, contains, load_site, load_sites  # noqa: E402

from frontdesk.db import transaction  # noqa: E402
from frontdesk.knowledge.keyword_index import KeywordIndex  # noqa: E402
from frontdesk.knowledge.search import SearchHit  # noqa: E402
from frontdesk.knowledge.service import KnowledgeService  # noqa: E402
from frontdesk.models import Agent  # noqa: E402
from frontdesk.resources import Resources  # noqa: E402
from frontdesk.runtime.booking_limits import booking_limits  # noqa: E402
from frontdesk.runtime.code_answers import answer_in_code  # noqa: E402
from frontdesk.runtime.knowledge_note import focus  # noqa: E402
from frontdesk.runtime.reception_agent import NOTE_PASSAGES  # noqa: E402
from frontdesk.runtime.services import Snippet  # noqa: E402
from frontdesk.runtime.tools import is_relevant  # noqa: E402

TOP = 3
# The passages the agent searches for its note (and reads its answers in code from).
NOTED = NOTE_PASSAGES
QUICK_SITES = 3


@dataclass
class Tally:
    questions: int = 0
    hybrid: int = 0
    note: int = 0
    keyword: int = 0
    vector: int = 0
    # Questions the site does not answer, and how many of them still got a note.
    unanswerable: int = 0
    noted: int = 0
    # Questions answered in code (a quoted line or the person a card names) and how many of
    # those hold the answer; unanswerable questions answered in code (each one a wrong
    # answer); requests to book against a stated rule, and how many had that rule read out.
    in_code: int = 0
    in_code_right: int = 0
    unanswerable_in_code: int = 0
    refusals: int = 0
    refusals_read: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.questions += other.questions
        self.hybrid += other.hybrid
        self.note += other.note
        self.keyword += other.keyword
        self.vector += other.vector
        self.unanswerable += other.unanswerable
        self.noted += other.noted
        self.in_code += other.in_code
        self.in_code_right += other.in_code_right
        self.unanswerable_in_code += other.unanswerable_in_code
        self.refusals += other.refusals
        self.refusals_read += other.refusals_read
        self.misses.extend(other.misses)

    def share(self, count: int) -> float:
        return round(count / self.questions, 3) if self.questions else 0.0

    def noted_share(self) -> float:
        return round(self.noted / self.unanswerable, 3) if self.unanswerable else 0.0

    def figures(self) -> dict[str, object]:
        return {
            "hit_at_3": self.share(self.hybrid),
            "note_hit": self.share(self.note),
            "unanswerable_noted": self.noted_share(),
            "keyword_hit_at_3": self.share(self.keyword),
            "vector_hit_at_3": self.share(self.vector),
            "in_code": self.share(self.in_code),
            "in_code_right": round(self.in_code_right / self.in_code, 3) if self.in_code else 0.0,
            "unanswerable_in_code": self.unanswerable_in_code,
            "refusal_rules_read": (
                round(self.refusals_read / self.refusals, 3) if self.refusals else 0.0
            ),
            "questions": self.questions,
        }


def _vector_top(resources: Resources, built: SiteAgent, question: str) -> list[str]:
    embedding = resources.embedder.embed_query(question)
    live = {c.id for c in built.chunks}
    nearest = resources.store.nearest_ids(built.agent_id, embedding, TOP + 10)
    by_id = {c.id: c.text for c in built.chunks}
    return [by_id[i] for i, _ in nearest if i in live][:TOP]


def _hits(resources: Resources, built: SiteAgent, question: str, k: int = NOTED) -> list[SearchHit]:
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, built.agent_id)
        assert agent is not None
        return KnowledgeService(db, resources).search(agent, question, k)


def _relevant(resources: Resources, built: SiteAgent, question: str) -> list[str]:
    """The passages the agent keeps for its note (`tools.is_relevant`)."""
    hits = _hits(resources, built, question)
    return [h.text for h in hits if is_relevant(_snippet(h), question)]


def _in_code(question: str, relevant: list[str], business_name: str) -> str | None:
    """The answer the embedded model's agent gives in code, as `ReceptionAgent` does (here
    without the owner's services, which only the built agent has)."""
    if not relevant:
        return None
    return answer_in_code(question, relevant, business_name=business_name)


def _refusals(resources: Resources, built: SiteAgent, tally: Tally) -> None:
    """Requests to book against a rule the site states: is the rule read before booking
    (`booking_limits` on the search's top 3, as the action desk has them)?"""
    for action in built.site.actions:
        if action.kind != "refused":
            continue
        request = action.turns[0]
        snippets = [_snippet(h) for h in _hits(resources, built, request, TOP)]  # as the desk
        said = booking_limits(request, snippets, [])
        tally.refusals += 1
        tally.refusals_read += all(
            any(contains(said, alt) for alt in group) for group in action.expect["reply_has"]
        )


def _snippet(hit: SearchHit) -> Snippet:
    """A search hit as the agent receives it (`ReceptionServices.search_knowledge`)."""
    return Snippet(
        hit.text,
        "",
        hit.similarity or 0.0,
        hit.keyword_coverage,
        sentence_score=hit.sentence_similarity,
        piece_scores=hit.piece_similarities,
    )


def judge(resources: Resources, built: SiteAgent, verbose: bool = False) -> Tally:
    tally = Tally()
    for text in built.site.unanswerable:
        tally.unanswerable += 1
        relevant = _relevant(resources, built, text)
        tally.noted += bool(relevant)
        tally.unanswerable_in_code += _in_code(text, relevant, built.site.name) is not None
    _refusals(resources, built, tally)
    keyword = KeywordIndex([(c.id, c.text) for c in built.chunks])
    by_id = {c.id: c.text for c in built.chunks}
    for question in built.site.questions:
        with transaction(resources.sessionmaker) as db:
            agent = db.get(Agent, built.agent_id)
            assert agent is not None
            hits = KnowledgeService(db, resources).search(agent, question.text, NOTED)
        hybrid = [h.text for h in hits[:TOP]]
        kept = [h for h in hits if is_relevant(_snippet(h), question.text)]
        relevant = [h.text for h in kept]
        closeness = [h.piece_similarities for h in kept]
        note = focus(question.text, relevant, closeness=closeness) if relevant else ""
        said = _in_code(question.text, relevant, built.site.name)
        tally.in_code += said is not None
        tally.in_code_right += said is not None and question.answered_by(said)
        keyword_top = [by_id[i] for i, _ in keyword.search(question.text, TOP)]
        vector_top = _vector_top(resources, built, question.text)

        found = {
            "hybrid": _answered(question, hybrid),
            "note": question.answered_by(note),
            "keyword": _answered(question, keyword_top),
            "vector": _answered(question, vector_top),
        }
        tally.questions += 1
        tally.hybrid += found["hybrid"]
        tally.note += found["note"]
        tally.keyword += found["keyword"]
        tally.vector += found["vector"]
        if not (found["hybrid"] and found["note"]):
            stored = _answered(question, list(by_id.values()))
            miss: dict[str, object] = {
                "site": built.site.slug,
                "q": question.text,
                "lost_in": "note" if found["hybrid"] else ("ranking" if stored else "extraction"),
                "keyword": found["keyword"],
                "vector": found["vector"],
            }
            tally.misses.append(miss)
            if verbose:
                print(json.dumps(miss), file=sys.stderr)
                print(f"  must: {question.must}\n  note: {note!r}", file=sys.stderr)
                for h in hits:
                    print(
                        f"  [{h.vector_rank},{h.keyword_rank},{h.similarity}] {h.text[:160]!r}",
                        file=sys.stderr,
                    )
    return tally


def _answered(question: Question, texts: list[str]) -> bool:
    return any(question.answered_by(text) for text in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_SITES} sites")
    parser.add_argument("--site", action="append", help="only this site (repeatable)")
    parser.add_argument(
        "--sites-dir", type=Path, help="a folder of sites in the corpus format (default: corpus)"
    )
    parser.add_argument("--verbose", action="store_true", help="each miss on stderr")
    args = parser.parse_args()
    if args.sites_dir:
        roots = sorted(p for p in args.sites_dir.iterdir() if (p / "truth.json").is_file())
        sites = [load_site(r) for r in roots]
        if args.site:
            sites = [s for s in sites if s.slug in args.site]
    else:
        sites = load_sites(args.site)
    if args.quick:
        sites = sites[:QUICK_SITES]
    if not sites:
        raise SystemExit("no corpus sites to measure")

    total = Tally()
    per_site: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp, corpus_resources(Path(tmp)) as (res, principal):
        res.embedder.embed_query("warm up")  # the model load is not a site's time
        for site in sites:
            built = ingest(site, res, principal)
            tally = judge(res, built, args.verbose)
            total.add(tally)
            per_site[site.slug] = {
                **tally.figures(),
                "pages": built.pages,
                "chunks": len(built.chunks),
                "ingest_s": round(built.seconds, 1),
                **({"ingestion_failed": built.failure} if built.failure else {}),
            }
    print(
        json.dumps(
            {
                **total.figures(),
                "sites": per_site,
                "misses": total.misses,
            }
        )
    )


if __name__ == "__main__":
    main()
