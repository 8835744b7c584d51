"""What the agent promised, kept: a turn that ends in "I'll pass that on" stores a message.

A small model sometimes tells the caller it will take a message, or pass their request on,
and never calls a tool: the caller hangs up believing the business will call back, and the
owner never hears of it. When a reply commits to such a follow-up and nothing this turn
stored one (a message, a handoff, a lead or a booking), the caller's own recent words are
stored as a message, marked as kept by the runtime, so nothing the caller asked is lost.

And a caller's question that nothing on file answers gets a note saying so: without it a
small model answers "No, we don't offer that" from nothing, which is as invented as a price.
"""

from __future__ import annotations

import re

from livekit.agents import llm

from frontdesk.runtime.caller_words import caller_texts, contact_in
from frontdesk.runtime.errands import name_in
from frontdesk.runtime.knowledge_note import is_reference

# Commitments, not offers: "I'll take a message" / "I will pass that on" / "I've let them
# know"; "I can take a message" or "Would you like me to…" promise nothing yet.
_PROMISE = re.compile(
    r"\b(i'll|i will|i've|i have|we'll|we will)\s+(make sure\s+(to\s+)?)?"
    r"(take (a|your) message|pass (it|this|that|them|your \w+|the message|\w+) (on|along)|"
    r"let (the team|them|our \w+|\w+) know|have (someone|somebody|the team|\w+) (call|contact|get "
    r"back)|passed (it|this|that|your \w+) on|noted (it|that|your))",
    re.IGNORECASE,
)
# The tools that do store something for the business.
STORING_TOOLS = frozenset({"take_message", "handoff_to_human", "capture_lead", "book_appointment"})
KEPT_HEAD = "Kept by the receptionist (the agent promised a follow-up without saving one):"
CALLER_TURNS_KEPT = 3

# A question, not a step of a booking or a greeting: "Do you…?", "What time…", "…?".
_QUESTION = re.compile(
    r"\?\s*$|^\s*(do|does|did|is|are|can|could|will|would|have|has|what|what's|when|where|"
    r"who|which|how|why)\b",
    re.IGNORECASE,
)
_ACTION_WORDS = re.compile(
    r"\b(book|booking|appointment|reserve|reservation|table for|schedule|cancel|reschedul\w*|"
    r"move my|message|call me|call back|callback|speak to|talk to|my name|my number)\b",
    re.IGNORECASE,
)
NOTHING_ON_FILE = "Nothing on file answers this question."


def promises_follow_up(text: str) -> bool:
    return bool(_PROMISE.search(text))


def stored_this_turn(chat_ctx: llm.ChatContext) -> bool:
    """Whether a storing tool succeeded since the caller last spoke."""
    calls: dict[str, str] = {}
    for item in reversed(chat_ctx.items):
        if item.type == "message" and item.role == "user":
            break
        if item.type == "function_call":
            calls[item.call_id] = item.name
    return any(
        item.type == "function_call_output"
        and not item.is_error
        and calls.get(item.call_id) in STORING_TOOLS
        for item in chat_ctx.items
    )


def kept_message(chat_ctx: llm.ChatContext, reply: str) -> str:
    """The message to store: what the caller said, and what the agent promised."""
    said = [t.strip() for t in caller_texts(chat_ctx) if t.strip()][-CALLER_TURNS_KEPT:]
    lines = [KEPT_HEAD, *(f"Caller: {t}" for t in said), f"Receptionist: {reply.strip()}"]
    return "\n".join(lines)


def asks_about_business(text: str) -> bool:
    """A question for the knowledge base (not a booking step, a name, or small talk)."""
    return bool(_QUESTION.search(text)) and not _ACTION_WORDS.search(text)


# A yes or a no, stated as the business's: "No, we do not offer shockwave therapy", "Yes,
# there is an elevator". After "nothing on file answers this" either one is made up.
_VERDICT = re.compile(
    # "Sorry, but we don't offer weekend workshops": a lead-in does not make it less a no.
    r"^\W*(?:(?:i'm |i am )?sorry|unfortunately|actually|well|oh)?\W*(?:but\s+)?"
    r"(yes|yeah|yep|no|nope|sure|of course|absolutely|definitely|unfortunately|"
    r"we (do|don't|do not|have|offer|sell|provide|can|can't|cannot|accept|take)|"
    r"there (is|are|isn't|aren't|is no|are no)|our \w+ (do|don't|do not|can|can't|cannot)|"
    r"you (need|don't need|do not need|can|can't|cannot|will))\b",
    re.IGNORECASE,
)
_ADMITS = re.compile(
    r"\b(don't know|do not know|don't have|do not have|not sure|no information|can't find|"
    r"cannot find|take a message|check with|find out|ask the team)\b",
    re.IGNORECASE,
)


# "Yes, we service gas, diesel and hybrid vehicles." to "Do you do Colorado emissions
# testing?": the yes or no itself, whatever the rest of the sentence is about.
_OPENING_VERDICT = re.compile(
    r"^\W*(?:yes|yeah|yep|no|nope|sure|of course|absolutely|definitely)\b", re.IGNORECASE
)


def opens_with_verdict(sentence: str) -> bool:
    """Whether a sentence starts with a bare yes or no (not "No problem", which is none)."""
    return bool(_OPENING_VERDICT.search(sentence)) and not re.match(
        r"^\W*no (?:problem|worries)\b", sentence, re.IGNORECASE
    )


# "Of course, go ahead." to "Wait, stop please.": agreeing to what the caller asks of the
# call itself states nothing about the business.
_ACKNOWLEDGEMENT = re.compile(
    r"^\W*(?:yes|yeah|sure|of course|okay|ok|certainly|absolutely)\W*"
    r"(?:(?:please\s+)?(?:go ahead|go on|take your time|i'm listening|i am listening|"
    r"one moment|i'll wait|i will wait|i'll hold|i will hold)\W*)?$",
    re.IGNORECASE,
)


def acknowledges(sentence: str) -> bool:
    """Whether a sentence only agrees ("Sure.", "Of course, take your time.")."""
    return bool(_ACKNOWLEDGEMENT.match(sentence))


def answers_from_nothing(sentence: str) -> bool:
    """Whether a sentence gives a verdict (yes or no) rather than admitting not knowing."""
    return bool(_VERDICT.search(sentence)) and not _ADMITS.search(sentence)


def caller_details(chat_ctx: llm.ChatContext) -> tuple[str | None, str | None]:
    """The name and contact (email or phone) the caller gave, latest first, if any. A
    message that answers a question asking for the name, or gives a number with it, may
    start with the bare name ("Dana Whitfield, and my cell is…")."""
    texts = caller_texts(chat_ctx)
    asked_before = _agent_before(chat_ctx)
    name = contact = None
    for index in range(len(texts) - 1, -1, -1):
        text = texts[index]
        if contact is None:
            contact = contact_in(text)
        if name is None:
            answering = "name" in asked_before.get(index, "").lower()
            name = name_in(text, answering=answering or contact_in(text) is not None)
    return name, contact


def _agent_before(chat_ctx: llm.ChatContext) -> dict[int, str]:
    """What the receptionist said just before each caller message (by its index)."""
    before: dict[int, str] = {}
    index, said = 0, ""
    for item in chat_ctx.items:
        if item.type != "message" or is_reference(item):
            continue
        if item.role == "assistant":
            said = item.text_content or ""
        elif item.role == "user":
            before[index] = said
            index += 1
    return before
