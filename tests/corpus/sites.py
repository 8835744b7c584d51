"""The answer corpus: small-business websites written the way real ones are, with the truth.

Each site lives in `sites/<slug>/`: the pages under `site/` (served as they are, on
loopback) and `truth.json`, which says what a receptionist built from them must know and do.
Tests of the reader and retrieval, the product's exam and `bench/answers.py` all read the
same truth, so the corpus is judged one way everywhere.

`truth.json` (every key required unless marked optional):

    name, kind ("restaurant", "dentist", ...), country (ISO 3166 alpha-2, e.g. "US", "GB"),
    timezone (IANA), currency (ISO 4217), start_path (the page the owner enters, e.g. "/")
    key_facts: [{"label": "...", "together": ["Maria Santos", "Executive Chef"]}, ...]
        what the reader must keep: all strings of one fact appear in one stored chunk
    questions: [{"q": "How much is the duck?", "must": [["$34", "34 dollars"], ...]}, ...]
        a correct reply contains one alternative of every group (case-insensitive)
    unanswerable: ["Do you have valet parking?", ...]   questions the site does not answer
    actions: [{"kind": "booking" | "callback" | "message" | "refused",
               "turns": ["caller's first words", "...next turn"],
               "expect": {...}}]                         see `Action`
    owner_answers: {"booking.types": "...", "hours": "...", "*": "..."}
        the owner's scripted interview answers, by question id prefix (topic.part) or
        topic; "*" answers anything else (leave it out to skip unknown questions)
    pdfs (optional): [{"path": "/price-list.pdf", "title": "...", "lines": ["...", ...]}]
        made into real PDF files when the site is served
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SITES_ROOT = Path(__file__).parent / "sites"
ACTION_KINDS = ("booking", "callback", "message", "refused")


@dataclass(frozen=True)
class KeyFact:
    label: str
    together: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    text: str
    must: tuple[tuple[str, ...], ...]

    def answered_by(self, reply: str) -> bool:
        return all(any(contains(reply, alt) for alt in group) for group in self.must)


@dataclass(frozen=True)
class Action:
    """A request that must land in the database (or, for "refused", must not).

    `expect` keys, all optional, each checked against the rows the conversation made:
      booking:  weekday ("Saturday"), time ("19:00", business-local), duration_minutes,
                name, phone (E.164), email, party_size
      callback: name, phone (E.164) or email: a lead or a message with them
      message:  name, body_has (words the stored message must contain), contact
      refused:  no booking row may exist; reply_has: [[alternatives], ...] on the last reply
    """

    kind: str
    turns: tuple[str, ...]
    expect: dict[str, Any]


@dataclass(frozen=True)
class Pdf:
    path: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CorpusSite:
    slug: str
    root: Path
    name: str
    kind: str
    country: str
    timezone: str
    currency: str
    start_path: str
    key_facts: tuple[KeyFact, ...]
    questions: tuple[Question, ...]
    unanswerable: tuple[str, ...]
    actions: tuple[Action, ...]
    owner_answers: dict[str, str]
    pdfs: tuple[Pdf, ...] = field(default=())

    @property
    def pages(self) -> Path:
        return self.root / "site"

    def owner_answer(self, question_id: str, topic: str) -> str | None:
        """The scripted owner's answer to an interview question, if the owner has one."""
        parts = question_id.split(".")
        for n in range(len(parts), 0, -1):
            answer = self.owner_answers.get(".".join(parts[:n]))
            if answer:
                return answer
        return self.owner_answers.get(topic) or self.owner_answers.get("*")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # every dash is a hyphen
    text = text.replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def contains(text: str, wanted: str) -> bool:
    """Whether `wanted` occurs in `text`, ignoring case, dash kinds and spacing; a wanted
    value that starts or ends with a digit must not be part of a longer number."""
    t, w = _fold(text), _fold(wanted).strip()
    if not w:
        return False
    head = r"(?<![0-9])" if w[0].isdigit() else ""
    tail = r"(?![0-9])" if w[-1].isdigit() else ""
    return re.search(head + re.escape(w) + tail, t) is not None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def load_site(root: Path) -> CorpusSite:
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    where = root.name
    actions = []
    for i, a in enumerate(truth["actions"]):
        if a["kind"] not in ACTION_KINDS:
            raise ValueError(f"{where}: action {i} has unknown kind {a['kind']!r}")
        actions.append(Action(a["kind"], _strings(a["turns"], f"{where} action {i}"), a["expect"]))
    site = CorpusSite(
        slug=root.name,
        root=root,
        name=truth["name"],
        kind=truth["kind"],
        country=truth["country"],
        timezone=truth["timezone"],
        currency=truth["currency"],
        start_path=truth.get("start_path", "/"),
        key_facts=tuple(
            KeyFact(f["label"], _strings(f["together"], f"{where} fact {f['label']}"))
            for f in truth["key_facts"]
        ),
        questions=tuple(
            Question(q["q"], tuple(_strings(g, f"{where} {q['q']}") for g in q["must"]))
            for q in truth["questions"]
        ),
        unanswerable=_strings(truth["unanswerable"], f"{where} unanswerable"),
        actions=tuple(actions),
        owner_answers=dict(truth["owner_answers"]),
        pdfs=tuple(
            Pdf(p["path"], p["title"], _strings(p["lines"], f"{where} {p['path']}"))
            for p in truth.get("pdfs", [])
        ),
    )
    if not site.pages.is_dir():
        raise ValueError(f"{where}: no site/ folder")
    return site


def load_sites(slugs: list[str] | None = None) -> list[CorpusSite]:
    """Every corpus site (or the named ones), in name order."""
    roots = sorted(p for p in SITES_ROOT.iterdir() if (p / "truth.json").is_file())
    sites = [load_site(r) for r in roots]
    if slugs:
        known = {s.slug: s for s in sites}
        missing = [s for s in slugs if s not in known]
        if missing:
            raise KeyError(f"no corpus site named {', '.join(missing)}")
        sites = [known[s] for s in slugs]
    return sites


def _pdf_bytes(pdf: Pdf) -> bytes:
    from fpdf import FPDF  # a dev dependency, as is the whole corpus

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", style="B", size=16)
    doc.cell(0, 10, pdf.title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=11)
    for line in pdf.lines:
        doc.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


@contextmanager
def serve(site: CorpusSite, host: str = "127.0.0.1") -> Iterator[Any]:
    """The site on loopback (a `LoopbackSite`), its PDFs made from `truth.json`."""
    from tests.website.server import LoopbackSite, Route

    routes = {
        p.path: Route(200, {"Content-Type": "application/pdf"}, _pdf_bytes(p)) for p in site.pdfs
    }
    with LoopbackSite(site.pages, routes=routes, host=host) as served:
        yield served
