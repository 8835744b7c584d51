"""How the agent's streamed reply is cut into pieces for a text-to-speech engine that
synthesizes whole pieces (Piper).

livekit's default cuts whole sentences: the first audio waits until the model has written
the first sentence and started the next one. A caller hears the wait, not the sentence
length, so the first piece here ends at the first clause ("Yes, we're open on Saturdays,")
once it has a few words; everything after it goes sentence by sentence as before. Periods
are left to blingfire's sentence splitting, which knows "Dr. Patel" is not a sentence end.
"""

from __future__ import annotations

import re

from livekit.agents import tokenize
from livekit.agents.tokenize import blingfire
from livekit.agents.tokenize.tokenizer import SentenceStream

from frontdesk.runtime.grounding import sentence_end

# A comma, semicolon, colon, question or exclamation mark (with closing quotes or brackets)
# followed by a space: a place where a speaker pauses anyway. Not "1,200" (no space).
_CLAUSE_END = re.compile(r"[,;:!?][\"'\u201d\u2019)\]]*\s+")
MIN_FIRST_WORDS = 3  # "Yes," alone would be a chunk of its own, and sound clipped
MIN_SENTENCE_CHARS = 20  # shorter sentences ride with the next one (livekit's default)
STREAM_CONTEXT_CHARS = 10
_ANY_SENTENCE = blingfire.SentenceTokenizer(min_sentence_len=1)


class _Splitter:
    """The split function of one reply's stream: the first clause, then sentences."""

    def __init__(self, sentences: blingfire.SentenceTokenizer, *, streaming: bool) -> None:
        self._sentences = sentences
        self._first_sent = False
        self._streaming = streaming

    def __call__(self, text: str) -> list[str]:
        if self._first_sent:
            return self._sentences.tokenize(text)
        cut = _first_clause_end(text)
        # A whole first sentence, however short ("Yes."), that ends before any usable
        # clause is the first piece instead.
        first = _ANY_SENTENCE.tokenize(text)
        start = text.find(first[0]) if len(first) > 1 else -1  # -1: newlines were folded
        if start >= 0 and (cut is None or start + len(first[0]) <= cut):
            cut = start + len(first[0])
        if cut is None and self._streaming and _whole_sentence(text):
            # A first sentence that has arrived whole is spoken now, not once the next one
            # has been written and checked too. (The empty piece tells the stream it is cut.)
            self._first_sent = True
            return [text.strip(), ""]
        if cut is None:
            return self._sentences.tokenize(text)
        self._first_sent = True
        return [text[:cut].strip(), text[cut:].strip()]


def _whole_sentence(text: str) -> bool:
    """Whether `text` is exactly one finished sentence. The grounding check releases only
    whole sentences, and livekit's markdown filter passes text on up to a space or a
    period, so a reply's text that ends at a sentence mark here ends a sentence."""
    body = text.strip()
    return bool(body) and sentence_end(body + " ") == len(body)


def _first_clause_end(text: str) -> int | None:
    """The end of the first clause with enough words, when more text follows it."""
    for match in _CLAUSE_END.finditer(text):
        if match.end() >= len(text):
            return None  # nothing after it yet: the clause might still be "1,200"
        if len(text[: match.start()].split()) >= MIN_FIRST_WORDS:
            return match.start() + 1
    return None


class ClauseFirstTokenizer(tokenize.SentenceTokenizer):
    def __init__(self) -> None:
        self._sentences = blingfire.SentenceTokenizer(min_sentence_len=MIN_SENTENCE_CHARS)

    def tokenize(self, text: str, *, language: str | None = None) -> list[str]:
        return _Splitter(self._sentences, streaming=False)(text)

    def stream(self, *, language: str | None = None) -> SentenceStream:
        return tokenize.BufferedSentenceStream(
            tokenizer=_Splitter(self._sentences, streaming=True),
            # Every piece the splitter makes is spoken as it is: sentence lengths are the
            # sentence tokenizer's business, and the first clause must not wait.
            min_token_len=1,
            min_ctx_len=STREAM_CONTEXT_CHARS,
        )
