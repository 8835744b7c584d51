"""What a business's pages say limits the booking a caller asks for.

"Can I book my NHS check-up for Saturday?" of a practice whose page says "Saturday clinics
are for private patients only"; "a DUI consultation" of a firm that "does not take criminal
defense (including DUI)"; "my Tesla" of a garage that "does not work on fully electric
vehicles (Tesla, Nissan Leaf…)". Such a sentence shares one or two words with the request
(the caller's matter, or the day) and says what is not done, who only, how much notice;
it is seldom the passage most like the request as a whole, so it is looked for among the
pieces of the passages found, not only in the note a question would get.

The desk reads the sentences found to the caller before booking; the caller decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from frontdesk.knowledge.passage_pieces import Piece, pieces, stems_of
from frontdesk.onboarding.opening_hours import read_line
from frontdesk.onboarding.site_lines import Line
from frontdesk.runtime.knowledge_note import PRICE_SHAPE
from frontdesk.runtime.services import Snippet

# Sentences that limit a booking: what is not done, who or when only, ages, notice, numbers.
# Not a bare "no": "no hot water" is a service, not a rule.
_LIMIT = re.compile(
    r"\b(only|must|minimum|maximum|at least|up to|no more than|not|don't|do not|doesn't|"
    r"does not|cannot|can't|won't|never|under|over|aged?|years? old|require[sd]?|"
    r"need(s)? to|notice|in advance|ahead|drop[- ]?off|closed|except|unless|limit(ed)?)s?\b|"
    r"\d+\s*\+|\bneeds? \d",
    re.IGNORECASE,
)
_DAY_NAMES = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekdays?\b|\bweekends?\b",
    re.IGNORECASE,
)
# A line of a price list ("Kids' Cut (12 & under) — $30") names an item, not a rule.
_ITEM_MAX_WORDS = 8
# Sentences sharing this share of their words say the same thing (a banner and the page).
_SAME = 0.5
BUDGET_CHARS = 200
LINES = 2
# Words every booking request shares (and the day names, weighed apart below): a sentence
# sharing only these with the request is about booking in general, not this caller's matter.
_GENERAL_WORDS = (
    "book booking booked appointment appointments reserve reservation table tables slot "
    "time day today tonight tomorrow week name phone number email please like want need "
    "would could can get come next this people person party group consultation session "
    "visit bring someone new"
)
GENERAL = frozenset(stems_of(_GENERAL_WORDS))
_DAY_STEMS = frozenset(
    stems_of(
        "monday tuesday wednesday thursday friday saturday sunday weekday weekend morning "
        "afternoon evening"
    )
)


def matter_of(request: str, appointment_types: Sequence[Mapping[str, Any]]) -> str:
    """The caller's own words of a request ("Tesla Model" of "Can I bring my Tesla Model 3
    in for new brakes on Friday at 9am?"): what to look the rules up by as well, since the
    whole request finds the passages about brakes and Fridays."""
    general = GENERAL | {t for kind in appointment_types for t in stems_of(str(kind.get("name")))}
    words = re.findall(r"[A-Za-z][\w'-]*", request)
    return " ".join(w for w in words if (stems_of(w) - general - _DAY_STEMS) and len(w) > 2)


def booking_limits(
    request: str, snippets: Sequence[Snippet], appointment_types: Sequence[Mapping[str, Any]]
) -> str:
    """The one or two sentences of the found passages that limit this request, or "".

    A sentence counts when it says a limit and shares with the request a word of the
    caller's own matter ("DUI", "Hannah", "custom cake"), or names the day asked for with a
    limit ("Saturday clinics are … only"); the more such words, the better. The words every
    booking shares, and the appointment kinds' own names, do not count: every request would
    find the sentences about booking in general."""
    general = GENERAL | {t for kind in appointment_types for t in stems_of(str(kind.get("name")))}
    asked = {t for t in stems_of(request) if not t[0].isdigit()}
    matter = asked - general - _DAY_STEMS
    days = asked & _DAY_STEMS
    if not matter and not days:
        return ""
    # The words of the kind the caller named ("private" of "Private session"): a sentence
    # with them and the days it is limited to is that kind's rule for the day asked
    # ("Private sessions are available Monday to Friday…" for "a private session on
    # Sunday"), where the opening times name days too but not the kind.
    kind_named: set[str] = set()
    for kind in appointment_types:
        own_words = stems_of(str(kind.get("name"))) - GENERAL
        if own_words and own_words <= asked:
            kind_named |= own_words
    scored: list[tuple[float, int, int, Piece]] = []
    for rank, snippet in enumerate(snippets):
        for piece in pieces(rank, snippet.text):
            if piece.is_label or not _LIMIT.search(piece.text):
                continue
            own = len(matter & piece.stems)
            through_label = len((matter & piece.label_stems) - piece.stems)
            if PRICE_SHAPE.search(piece.text) and len(piece.text.split()) <= _ITEM_MAX_WORDS:
                continue
            # The day asked for counts in a sentence about that day alone ("Saturday clinics
            # are for private patients only"), not in opening times ("Thursday to Saturday").
            on_day = len(days & piece.stems) if len(_DAY_NAMES.findall(piece.text)) == 1 else 0
            if days and kind_named & piece.stems and _DAY_NAMES.search(piece.text):
                on_day = max(on_day, 1)
            if not own and not on_day:
                continue  # a label's word alone ("Surgery") is not this sentence's subject
            scored.append((own + 0.5 * through_label + 0.5 * on_day, rank, piece.position, piece))
    if not scored:
        return ""
    best = max(s[0] for s in scored)
    kept: list[Piece] = []
    used = 0
    for score, *_, piece in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if score * 2 < best or len(kept) == LINES:
            break
        if any(_same(piece, other) for other in kept):
            continue  # one rule said twice (a banner and its page, a footer on two pages)
        if kept and used + len(piece.text) > BUDGET_CHARS:
            continue
        kept.append(piece)
        used += len(piece.text)
    kept.sort(key=lambda p: (p.rank, p.position))
    return " ".join(_sentence(p.text) for p in kept)


def _same(piece: Piece, other: Piece) -> bool:
    shared = len(piece.stems & other.stems)
    return shared >= _SAME * min(len(piece.stems), len(other.stems))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


# How much notice a rule asks for: "72 hours", "72-hour", "three days", "a week".
_NOTICE_WORDS = re.compile(r"\b(?:notice|in advance|ahead)\b", re.IGNORECASE)
_PERIOD = re.compile(
    r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|"
    r"twenty-four|forty-eight)[\s-]?(?:minute|min|hour|hr|day|business day|week|month)s?\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def notice_unstated(reply: str, note: str, question: str) -> str | None:
    """The note's sentence that says how much notice is needed, when the reply speaks of
    notice without saying how much, or None.

    A page's "we can't accept custom orders with less notice than that" reads well after
    the sentence before it ("we need at least 72 hours' notice"); quoted alone, the caller
    is refused without being told what would do."""
    if not _NOTICE_WORDS.search(reply) or _PERIOD.search(reply):
        return None
    asked = stems_of(question)
    best: tuple[int, int, str] | None = None
    for position, raw in enumerate(_SENTENCE_END.split(note)):
        sentence = raw.strip().removeprefix("- ").strip()
        if not (_NOTICE_WORDS.search(sentence) and _PERIOD.search(sentence)):
            continue
        # The rule about the caller's own matter ("custom cakes") before any other.
        key = (len(asked & stems_of(sentence)), -position, sentence)
        if best is None or key[:2] > best[:2]:
            best = key
    return _sentence(best[2]) if best else None


_CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
# "between 10:00 and 17:00" read as the range it is (the hours reader knows "10:00–17:00").
_BETWEEN = re.compile(rf"\bbetween\s+({_CLOCK})\s+and\s+({_CLOCK})", re.IGNORECASE)


def kind_off_day(conditions: str, kind_name: str, day: date) -> str | None:
    """The rule among `conditions` that keeps this kind to certain days, when `day` is not
    one of them ("Private sessions are available Monday to Friday between 10:00 and
    17:00…" for a Sunday), or None. Only a sentence naming the kind and giving its hours
    on the days it names counts: "Saturday clinics are for private patients only" gives no
    hours, and the opening times do not name the kind."""
    own_words = stems_of(kind_name) - GENERAL
    if not conditions or not own_words:
        return None
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    for raw in _SENTENCE_END.split(conditions):
        sentence = raw.strip()
        if not sentence or not own_words & stems_of(sentence):
            continue
        said = read_line(Line(_BETWEEN.sub(r"\1–\2", sentence), "", "", 0))
        if said is None:  # (a kind's hours read as "partial": a part of the business's)
            continue
        open_days = {d for d, intervals in said.days.items() if intervals}
        if open_days and weekday not in open_days:
            return _sentence(sentence)
    return None
