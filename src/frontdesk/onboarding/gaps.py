"""What the knowledge base says about each checklist topic, and the questions that follow.

Every live chunk is read sentence by sentence (a few hundred chunks for a 50-page site: a
regex pass, not a model call), so the survey is complete and the same on every run. The
plan asks, in checklist order: about each part nothing states; which of two different
answers holds when two pages disagree (opening hours); and, only to reach the minimum,
whether a found fact is still right, quoting it.
"""

from __future__ import annotations

import re
from typing import Any

from frontdesk.onboarding.checklist import MAX_QUESTIONS, MIN_QUESTIONS, TOPICS, Part
from frontdesk.runtime.knowledge_note import sentences

QUOTE_CHARS = 160
RULES_QUOTED = 4  # sentences quoted for an always-confirmed part
FOLLOW_UP_ROOM = 2  # questions kept free for follow-ups on the owner's answers
CONFLICTING_PARTS = ("hours",)  # parts where two pages stating it differently is worth asking


MIN_WORDS = 4  # a heading ("Parking") names a topic; it does not answer it


def _quote(sentence: str) -> str:
    # Table cells and list bullets read as prose in a question.
    sentence = " ".join(sentence.replace(" | ", ": ").split()).lstrip("-•* ")
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[: QUOTE_CHARS - 1] + "…"


def _matches(part: Part, sentence: str) -> int:
    return sum(1 for _ in re.finditer(part.pattern, sentence, re.IGNORECASE))


def survey(chunks: list[tuple[str, str]]) -> dict[str, Any]:
    """{"topic.part": {"quote", "source", "others": [{"quote", "source"}]}} for found parts."""
    found: dict[str, Any] = {}
    for topic in TOPICS:
        for part in topic.parts:
            hits: list[tuple[str, str]] = []
            for text, source in chunks:
                for sentence in sentences(text):
                    if len(sentence.split()) >= MIN_WORDS and part.search(sentence):
                        hits.append((_quote(sentence), source))
            if not hits:
                continue
            # The sentence that states the most ("Monday–Friday 8–6 and Saturday 9–1" over
            # "Monday–Friday 8–6"); the first of equals.
            quote, source = max(hits, key=lambda hit: _matches(part, hit[0]))
            if part.always_confirm:  # every rule the site states, each once
                quote = " ".join(dict.fromkeys(q for q, _ in hits[:RULES_QUOTED]))
            others = [{"quote": q, "source": s} for q, s in hits[1:] if s != source and q != quote]
            found[f"{topic.key}.{part.key}"] = {"quote": quote, "source": source, "others": others}
    return found


def _question(topic: str, part: Part, kind: str, text: str, quote: str | None = None) -> dict:
    return {
        "id": f"{topic}.{part.key}" + ("" if kind == "ask" else f".{kind}"),
        "topic": topic,
        "part": part.key,
        "kind": kind,
        "text": text,
        "quote": quote,
        "answer": None,
        "skipped": False,
    }


def plan(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The interview's first questions, in checklist order (follow-ups come later)."""
    asked: list[dict[str, Any]] = []
    confirmable: list[dict[str, Any]] = []
    for topic in TOPICS:
        for part in topic.parts:
            hit = found.get(f"{topic.key}.{part.key}")
            if hit is None:
                if part.ask:
                    asked.append(_question(topic.key, part, "ask", part.ask))
            elif part.key in CONFLICTING_PARTS and hit["others"]:
                first, second = hit["quote"].rstrip("."), hit["others"][0]["quote"].rstrip(".")
                text = (
                    f'Your site says "{first}" on one page and "{second}" on another. '
                    "Which is right today?"
                )
                asked.append(_question(topic.key, part, "conflict", text, first))
            elif part.confirm:
                quote = hit["quote"].rstrip(".")  # the template closes the quote itself
                text = part.confirm.format(quote=quote)
                question = _question(topic.key, part, "confirm", text, quote)
                (asked if part.always_confirm else confirmable).append(question)
    room = MIN_QUESTIONS - len(asked)
    if room > 0:
        asked += confirmable[:room]
    order = {t.key: i for i, t in enumerate(TOPICS)}
    asked.sort(key=lambda q: order[q["topic"]])  # stable: within a topic, as planned
    return asked[: MAX_QUESTIONS - FOLLOW_UP_ROOM]
