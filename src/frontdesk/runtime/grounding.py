"""Nothing invented: every sentence the agent says is checked before it is sent or spoken.

A small model states prices, addresses, hours and policies that no page holds ("$50 per
pound", "123 Main St"). The prompt asks it not to; this module makes sure. The model's
streamed reply is cut into sentences as it arrives, and each sentence goes out only when
every claim in it (claims.py, proper_names.py) is supported by the turn's evidence
(evidence.py). The first unsupported sentence of a caller's turn is replaced by an honest
one; later ones are dropped, so the caller hears "I don't have that" once, not three times.
Sentences go out one by one: a voice starts speaking the first sentence as soon as it is
complete, never after the whole reply.

It runs after the model, inside the agent's `llm_node` that every channel's text passes,
so it holds for text and voice, for the embedded model and any OpenAI-compatible one.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from livekit.agents import llm
from livekit.agents.types import FlushSentinel

from frontdesk.runtime.claims import Claim, find_claims
from frontdesk.runtime.evidence import Evidence
from frontdesk.runtime.knowledge_note import is_reference
from frontdesk.runtime.prompt import facts_lines, phone_line
from frontdesk.runtime.proper_names import ABBREVIATIONS, name_claims
from frontdesk.runtime.spec import AgentSpec

log = logging.getLogger(__name__)

HONEST = "I don't have that in front of me; I can take a message and have someone call you back."
# A withheld sentence whose turn had a line of the kind of fact asked for: the line is read
# out, as what is on file, not as the answer (it may not be).
ON_FILE_LEAD = "I'm not sure about that; what I have on file says:"
ON_FILE_OFFER = "I can take a message and have someone call you back."
# A reply that states no value of the kind asked for, when the note has a line that does.
ON_FILE_SAYS = "What I have on file says:"
# When the owner turned message taking off, the agent must not offer it.
HONEST_NO_MESSAGE = "I'm sorry, I don't have that in front of me."
# Said in code when nothing on file answers a question at all (the search found nothing
# relevant): what the embedded model said there anyway, without three seconds of
# generation. Worded so that the knowledge-gap collector reads it as not knowing.
UNKNOWN = "I don't know that, I'm afraid; I can take a message and have someone call you back."
UNKNOWN_NO_MESSAGE = "I'm sorry, I don't know that."
# The name of the record a withheld sentence leaves among the turn's tool calls.
CHECK_NAME = "grounding_check"

# A sentence ends at . ! ? (with closing quotes) followed by a space, or at a line break.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def unsupported(sentence: str, evidence: Evidence) -> list[Claim]:
    """The claims of one sentence that the evidence does not support."""
    reading = find_claims(sentence)
    claims = reading.claims + name_claims(reading.blanked, reading.written)
    return [c for c in claims if not evidence.supports(c)]


@dataclass(frozen=True)
class Withheld:
    """A sentence the caller did not get, and why."""

    sentence: str
    claims: tuple[str, ...]
    replaced: bool  # replaced by the honest sentence, or dropped after one already was

    @property
    def reason(self) -> str:
        return "unsupported: " + ", ".join(self.claims)

    def record(self) -> dict[str, Any]:
        """As a tool-call record of the owner's transcript (never shown to callers)."""
        return {
            "name": CHECK_NAME,
            "arguments": {"sentence": self.sentence, "unsupported": list(self.claims)},
            "result": "replaced with an honest answer" if self.replaced else "dropped",
            "error": False,
        }

    def voice_record(self) -> dict[str, Any]:
        """As the voice recorder keeps tool calls: arguments as the model's JSON text."""
        return {**self.record(), "arguments": json.dumps(self.record()["arguments"])}


class GroundingLog:
    """The sentences withheld since a channel last collected them for its transcript."""

    @staticmethod
    def of(agent: object) -> GroundingLog | None:
        """The log of an agent that checks its sentences (a `ReceptionAgent`)."""
        found = getattr(agent, "grounding", None)
        return found if isinstance(found, GroundingLog) else None

    def __init__(self) -> None:
        self._items: list[Withheld] = []

    # A channel that never collects (a warm-up, a command-line chat) keeps only the latest.
    LIMIT = 100

    def add(self, item: Withheld) -> None:
        self._items = [*self._items[-(self.LIMIT - 1) :], item]

    def take(self) -> list[Withheld]:
        items, self._items = self._items, []
        return items


def sentence_end(text: str) -> int | None:
    """Where the first complete sentence of `text` ends, if one is complete yet."""
    for match in _END.finditer(text):
        if match.group(0) == "." and not text[match.end() :].startswith("\n"):
            word = _WORD_BEFORE.search(text[: match.start()])
            # "Dr. Patel", "St. James", "J. Smith": not the end of a sentence.
            if word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        return match.end()
    return None


class SentenceGate:
    """Cuts one model generation into sentences and lets only supported ones through."""

    def __init__(
        self,
        check: Callable[[str], list[Claim]],
        *,
        log: GroundingLog,
        honest: str = HONEST,
        replaced: bool = False,
    ) -> None:
        self._check = check
        self._log = log
        self._honest = honest
        self.replaced = replaced  # the honest sentence was said in this caller turn already
        self._buffer = ""

    def feed(self, text: str) -> Iterator[str]:
        self._buffer += text
        while (end := sentence_end(self._buffer)) is not None:
            # The space after it goes out with it: a voice's sentence splitter then knows
            # the sentence is whole and speaks it without waiting for the next one.
            while end < len(self._buffer) and self._buffer[end] in " \t":
                end += 1
            piece, self._buffer = self._buffer[:end], self._buffer[end:]
            out = self._release(piece)
            if out:
                yield out

    def finish(self) -> Iterator[str]:
        piece, self._buffer = self._buffer, ""
        out = self._release(piece)
        if out:
            yield out

    def _release(self, piece: str) -> str:
        sentence = piece.strip()
        if not sentence:
            return piece
        try:
            missing = self._check(sentence)
        except Exception:  # noqa: BLE001 - an unreadable sentence is not sent unchecked
            log.exception("the grounding check failed on a sentence; it is withheld")
            missing = [Claim("unchecked", sentence, None)]
        if not missing:
            return piece
        lead = piece[: len(piece) - len(piece.lstrip())]
        trail = piece[len(piece.rstrip()) :]
        withheld = Withheld(sentence, tuple(c.text for c in missing), not self.replaced)
        self._log.add(withheld)
        if self.replaced:
            return ""
        self.replaced = True
        return f"{lead}{self._honest}{trail}"

    def chunk(self, chunk: llm.ChatChunk | str | FlushSentinel) -> Iterator[Any]:
        """One chunk of the model's stream: text is held to sentence ends, everything else
        (tool calls, token counts) passes unchanged."""
        if isinstance(chunk, str):
            yield from self.feed(chunk)
            return
        if isinstance(chunk, FlushSentinel):
            yield from self.finish()
            yield chunk
            return
        delta = chunk.delta
        if delta is None or not delta.content:
            yield chunk
            return
        yield from self.feed(delta.content)
        if delta.tool_calls or delta.extra or chunk.usage is not None:
            yield chunk.model_copy(update={"delta": delta.model_copy(update={"content": None})})


def _strings(value: Any) -> Iterable[str]:
    """Every text and number in the owner's settings, however nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def spec_texts(spec: AgentSpec) -> list[str]:
    """What the owner has told the agent: business facts, hours, names, greeting, rules of
    their own (never the product's prompt rules, whose examples are not facts)."""
    texts = [*facts_lines(spec), spec.name, spec.persona_name, spec.greeting, spec.instructions]
    if spec.caller_number:
        texts.append(phone_line(spec.caller_number))  # the agent may read it back
    texts += list(_strings(spec.business_facts))
    texts += [
        f"{t.get('name')}: {t.get('duration_minutes')} minutes" for t in spec.appointment_types
    ]
    return [t for t in texts if t]


def context_texts(chat_ctx: llm.ChatContext) -> list[str]:
    """What this conversation has shown the model: the caller's words, knowledge notes,
    tool results, and the agent's own earlier replies (which passed this check)."""
    texts = []
    for item in chat_ctx.items:
        if item.type == "message" and item.role in ("user", "assistant"):
            texts.append(item.text_content or "")
        elif item.type == "function_call_output":
            texts.append(str(item.output or ""))
    return texts


def shown_texts(spec: AgentSpec, chat_ctx: llm.ChatContext) -> list[str]:
    """What the business has told the receptionist by this turn: the owner's settings, the
    knowledge notes and the tool results; not the caller's words nor its own replies."""
    texts = spec_texts(spec)
    for item in chat_ctx.items:
        if item.type == "message" and item.role == "user" and is_reference(item):
            texts.append(item.text_content or "")
        elif item.type == "function_call_output":
            texts.append(str(item.output or ""))
    return texts


def turn_evidence(spec: AgentSpec, chat_ctx: llm.ChatContext, now: datetime) -> Evidence:
    today = now.astimezone(ZoneInfo(spec.timezone)).date()
    return Evidence([*spec_texts(spec), *context_texts(chat_ctx)], today=today)


# The receptionist naming itself: "I'm Rosie", "this is Rosie", "Rosie speaking".
_SELF_NAMING = (
    r"\b(?:i'?m|i am|this is|it'?s|my name is|name'?s|call me)\s+{name}\b"
    r"|\b{name}\s+(?:here|speaking)\b"
)


def persona_check(spec: AgentSpec, chat_ctx: llm.ChatContext) -> Callable[[str], list[Claim]]:
    """A check that the receptionist's own name is said only of the receptionist.

    The name is in the prompt, so the evidence holds it; a small model then answers "Who
    runs Rose Cottage?" with "Rose Cottage is run by Rosie". Unless the business's own texts
    name someone so (the owner called the receptionist after a real person), the name
    counts as supported only where the receptionist names itself."""
    name = (spec.persona_name or "").strip()
    if not name:
        return lambda sentence: []
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    business = [*facts_lines(spec), *_strings(spec.business_facts)]
    shown = [
        item.text_content or "" if item.type == "message" else str(item.output or "")
        for item in chat_ctx.items
        if (item.type == "message" and item.role == "user") or item.type == "function_call_output"
    ]
    if any(pattern.search(text) for text in [*business, *shown]):
        return lambda sentence: []
    naming = re.compile(_SELF_NAMING.format(name=re.escape(name)), re.IGNORECASE)

    def check(sentence: str) -> list[Claim]:
        if pattern.search(sentence) and not naming.search(sentence):
            return [Claim("name", name, None)]
        return []

    return check


def full_sentence(line: str) -> str:
    """A line of a page said as a sentence: "Check-out by 10:30 am" ends with a full stop."""
    line = line.strip()
    return line if line.endswith((".", "!", "?", "…")) else f"{line}."


def honest_sentence(spec: AgentSpec, on_file: str | None = None) -> str:
    """What replaces a withheld sentence: that the agent does not have it, and, when the
    turn's knowledge has a line of the kind of fact asked for (`knowledge_note.on_file`),
    that line as written, so the caller hears what the business did say."""
    if on_file:
        said = f"{ON_FILE_LEAD} {full_sentence(on_file)}"
        return f"{said} {ON_FILE_OFFER}" if spec.tool_enabled("take_message") else said
    return HONEST if spec.tool_enabled("take_message") else HONEST_NO_MESSAGE


def unknown_sentence(spec: AgentSpec) -> str:
    return UNKNOWN if spec.tool_enabled("take_message") else UNKNOWN_NO_MESSAGE
