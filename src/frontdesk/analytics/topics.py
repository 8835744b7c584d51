"""Top topics: what callers talk about, from the words they used.

Deliberately simple and explainable rather than clever: each caller message is lower-cased,
emails, links and numbers are dropped, and common words (the list below: function words,
greetings, politeness, the receptionist small talk every call has) are removed. What is left
are keywords; two keywords said one right after the other ("opening hours", "puppy
checkup") also make a two-word phrase, shown once two conversations used it. A term
counts once per conversation, however often it was repeated there, so one talkative caller
cannot make a topic. Terms are ranked by the number of conversations that used them; a word
is left out when a phrase containing it was used in as many conversations (it adds nothing
the phrase does not say). The caller's own name, once the analysis found it, is no topic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

MAX_TOPICS = 10
MIN_PHRASE = 2  # conversations

_NOISE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")

# One string, so the list reads as prose and stays easy to extend.
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each either else even ever every few for from
    further get gets getting got had hadn't has hasn't have haven't having he her here hers
    herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself
    just let let's like many may maybe me might mine more most much must my myself no nor
    not now of off often on once one only or other our ours ourselves out over own same
    she should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they're this those through to too under until up upon us
    very was wasn't we we're we've were weren't what what's when where which while who
    who's whom whose why will with won't would wouldn't yes yeah yet you you'd you'll
    you're you've your yours yourself yourselves
    hi hello hey hiya morning afternoon evening good great fine okay ok sure thanks thank
    please pls bye goodbye cheers sorry excuse well oh um uh hmm right alright
    want wanted wanting need needs needed know tell told ask asked asking say said wondering
    wonder looking look see call calling called help question questions thing things
    something anything someone anyone today tomorrow still really actually just also
    name number phone email address lot bit kind sort
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def keywords(text: str) -> list[str | None]:
    """The message's words in order, with None where a common word was removed (so that
    phrases only join words the caller said next to each other)."""
    words: list[str | None] = []
    for word in _WORD.findall(_NOISE.sub(" ", text.lower().replace("’", "'"))):
        word = word.strip("'-")
        words.append(None if len(word) < 3 or word in STOP_WORDS else word)
    return words


def terms(text: str) -> set[str]:
    words = keywords(text)
    found = {w for w in words if w}
    for first, second in zip(words, words[1:], strict=False):
        if first and second and first != second:
            found.add(f"{first} {second}")
    return found


def top_topics(
    messages: Iterable[tuple[str, str, str | None]], limit: int = MAX_TOPICS
) -> list[tuple[str, int]]:
    """(phrase, conversations) for `messages` given as (conversation id, caller text, the
    caller's name when the conversation's analysis found one). A caller saying their own
    name is no topic: its words are left out of that conversation's terms."""
    per_conversation: dict[str, set[str]] = {}
    for conversation_id, text, caller_name in messages:
        found = terms(text)
        if caller_name:
            name = {word for word in keywords(caller_name) if word}
            found = {term for term in found if not name & set(term.split(" "))}
        per_conversation.setdefault(conversation_id, set()).update(found)
    counts = Counter(term for found in per_conversation.values() for term in found)
    # A phrase one caller said once is chance wording; its words still count on their own.
    counts = Counter({t: n for t, n in counts.items() if " " not in t or n >= MIN_PHRASE})
    phrase_counts: dict[str, int] = {}
    for term, count in counts.items():
        if " " in term:
            for word in term.split(" "):
                phrase_counts[word] = max(phrase_counts.get(word, 0), count)
    kept = [
        (term, count)
        for term, count in counts.items()
        if " " in term or phrase_counts.get(term, 0) < count
    ]
    # Most conversations first; on a tie a phrase before a word, then alphabetical, so the
    # same rows always give the same list.
    kept.sort(key=lambda item: (-item[1], -item[0].count(" "), item[0]))
    return kept[:limit]
