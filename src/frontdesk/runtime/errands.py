"""What a caller's words ask to have done, and the details they gave for it.

Read in code, for the action desk (`action_desk`): "can I get a table for four this Saturday
at 7pm?" is a booking, "I'd like someone to call me back" a callback, "could you pass a
message on" a message, while "do you take reservations?" is a question about the business.
Names and contact details are read the way callers give them when asked ("Dana Whitfield,
and my cell is…", "Sure, it's Marcus Lee, 718-555-0173", "My name's Elena Park").
"""

from __future__ import annotations

import itertools
import re
from typing import Literal

Kind = Literal["booking", "callback", "message"]

_MESSAGE = re.compile(
    r"\b(leave|take|pass|give|send|get)\b[^.?!]{0,25}\bmessages?\b|\bmessage (for|to)\b|"
    r"\bpass (it|this|that|them) (on|along)\b|\blet (?!me\b|us\b)(?:[\w'’]+\.? ){1,3}know\b|"
    # "Could you tell Niamh I won't make Wednesday yoga?"; not "tell me", "tell if…".
    r"\b(can|could|would|will|please) (you )?tell (?!me\b|us\b|if\b|whether\b|when\b|what\b|"
    r"how\b|who\b|where\b|which\b|the\b|a\b|an\b|about\b)\w+",
    re.IGNORECASE,
)
_CALLBACK = re.compile(
    r"\b(call|ring|phone|text) (me|us)\b|\bcall ?back\b|\bget back to (me|us)\b|"
    r"\b(contact|reach) (me|us)\b|\bgive (me|us) a (call|ring|bell)\b|"
    r"\b(someone|somebody|anyone|a person|the manager|the owner)\b[^.?!]{0,20}"
    r"\b(call|ring|phone|contact|get back)\b",
    re.IGNORECASE,
)
_BOOKING = re.compile(
    r"\b(book|booking|reserve|reservation|appointment|table for|a table|fit (me|us) in|"
    r"schedule|slot|come in|get in|sign (me|us) up|"
    # A visit to the caller's home, or the caller bringing something in: "could someone
    # come take a look Tuesday at 9am?", "can I bring my car in on Friday?"
    r"come (out|over|round|around|by|and \w+|take a look|have a look)|send (someone|somebody)|"
    r"bring\b[^.?!]{0,30}\bin)\b",
    re.IGNORECASE,
)
# A day or time said: what makes naming a kind of appointment a request for one.
_WHEN = re.compile(
    r"\d|\b(today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"morning|afternoon|evening|noon|next week|this week|weekend)\b",
    re.IGNORECASE,
)
# A request, not a question about how booking works ("Can I book online?").
_WANTS = re.compile(
    r"\b(i'd like|i would like|i want|i need|we'd like|we would like|we want|we need|"
    r"can i|could i|may i|can we|could we|may we|can you|could you|would you|will you|"
    r"i'm looking|we're looking|looking to|i'd love|we'd love|please|book (me|us)|"
    r"i wanna|let's|i'll take|we'll take|i'll have|(?:can|could) (?:someone|somebody))\b",
    re.IGNORECASE,
)
_ABOUT_BOOKING = re.compile(
    r"\b(online|website|app|in advance|ahead|how far|how long|how many|how much|how do|"
    r"how can|policy|policies|walk-?ins?|cancel\w*|resched\w*|move my|change my|deposit|"
    r"(?:do|will|would) (?:i|we) (?:need|have) to|required|requirements?|take reservations|"
    r"accept reservations|"
    r"do you (take|accept|do)|do (i|we|you) need|without|know|open|closed?|hours|price|"
    r"cost|fee|"
    # "What days can I bring my cockatiel in?" asks when the business does it.
    r"(?:what|which) days?|on what days?)\b",
    re.IGNORECASE,
)
_DECLINES = re.compile(
    r"^\W*(no|nope|nah|never ?mind|forget it|that's all|that is all|no thanks|not now|"
    r"don't worry|do not worry|cancel that)\b",
    re.IGNORECASE,
)

# Words that start a sentence with a capital but are not names.
_NOT_NAME_WORDS = """yes yeah yep sure ok okay hi hello hey thanks thank sorry please well so
    and but it's
    it is i'm my name this that the a an no not just actually great perfect fine cool alright
    call email phone mobile cell number monday tuesday wednesday thursday friday saturday
    sunday today tomorrow tonight january february march april may june july august september
    october november december"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# "Dana", "O'Connor", "McDonald", "Jean-Luc", "D'Angelo".
_WORD = r"(?:Ma?c)?[A-Z](?:[a-zà-ÿ]+|(?=['’]))(?:['’\-][A-Z]?[a-zà-ÿ]+)*"
_NAME_RUN = rf"({_WORD}(?: (?:{_WORD}|[A-Z]\.|de|van|von|da|del|le|la|bin|al)){{0,3}})"
_INTRODUCED = re.compile(
    rf"\b(?i:my name is|my name's|name's|name is|this is|it's|it is|i'm|i am|call me)\s+"
    rf"{_NAME_RUN}(?=[\s,.;!?]|$)"
)
# A reply to "Could I have your name and number?" that starts with the name.
_LEADING = re.compile(
    rf"^\W*(?:(?i:yes|yeah|sure|ok|okay|of course|certainly|hi|hello)\W+)*{_NAME_RUN}"
    r"\s*(?:[,.;:]|-|\band\b|$|(?=\s*\+?\d))"
)


def intent(text: str, kind_words: frozenset[str] = frozenset()) -> Kind | None:
    """The errand `text` asks for, if any: a message before a callback before a booking
    ("can someone call me before I book?" wants a call). `kind_words` are the words of the
    business's appointment types ("assessment", "cleaning"): saying one with a day or a
    time is asking to book."""
    if _MESSAGE.search(text):
        return "message"
    if _CALLBACK.search(text):
        return "callback"
    if _ABOUT_BOOKING.search(text):
        return None
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    # "Can you install a water softener?" asks what is done; "a deep tissue massage on
    # Tuesday at 3pm" asks for one.
    booking = bool(_BOOKING.search(text)) or bool(words & kind_words) and says_when(text)
    if booking and _WANTS.search(text):
        return "booking"
    return None


def says_when(text: str) -> bool:
    """Whether the caller names a day or a time ("Tuesday", "tomorrow", "at 3")."""
    return bool(_WHEN.search(text))


def declines(text: str) -> bool:
    return bool(_DECLINES.search(text))


def _clean(name: str) -> str | None:
    words = name.split()
    while words and words[-1].lower().strip(".") in _NOT_NAMES:
        words.pop()
    if not words or words[0].lower() in _NOT_NAMES:
        return None
    return " ".join(words)


# Said plainly enough to read even in lower case (speech-to-text may write "john smith").
_NAMED = re.compile(r"\bmy name(?: is|'s)\s+([a-z][a-z'’-]+(?: [a-z][a-z'’-]+)?)\b", re.I)


def name_in(text: str, *, answering: bool = False) -> str | None:
    """The name the caller gives in `text`: "my name is…", "it's…", "I'm…"; or, when
    `answering` a question that asked for it, a name at the start ("Dana Whitfield, 555…")."""
    for found in _INTRODUCED.finditer(text):
        name = _clean(found.group(1))
        if name:
            return name
    named = _NAMED.search(text)
    if named:
        words = list(itertools.takewhile(lambda w: w.lower() not in _NOT_NAMES,
                                         named.group(1).split()))  # fmt: skip
        if words:
            return " ".join(w[:1].upper() + w[1:] for w in words)
    if answering:
        # "20:30 then. Bo Chan, 07700 900555.": the name may start any sentence of the reply.
        for sentence in re.split(r"(?<=[.!?;])\s+", text):
            leading = _LEADING.search(sentence)
            name = _clean(leading.group(1)) if leading else None
            if name:
                return name
    return None


# The asking around a message request, and whom it is for ("for Dr Patel", "to Sophie").
_ASKING = re.compile(
    r"\b(can|could|may|would|will) (i|you|we)\b|\bplease\b|\b(i'd|i would|we'd|we would) "
    r"like to\b|\b(i|we) (want|need) to\b|\b(hi|hello|hey)\b|\b(for|to) (?:(?:dr|mr|mrs|ms|"
    r"miss)\.?\s+)?[A-Z]\w+(?: [A-Z]\w+)?\W*$|\b(for|to) (the )?(team|manager|owner|doctor|"
    r"dentist|vet|chef|office|front desk)\W*$",
    re.IGNORECASE,
)


def request_body(text: str) -> str:
    """What a message says once "can I leave a message (for Sophie)?" is taken out of it."""
    rest = _MESSAGE.sub(" ", text)
    rest = re.sub(_ASKING, " ", rest)
    return " ".join(re.findall(r"[A-Za-z0-9']+", rest))


def has_content(text: str) -> bool:
    """Whether a message request already says what the message is (not only that there is
    one): a few words beyond the asking."""
    return len(request_body(text).split()) >= 5
