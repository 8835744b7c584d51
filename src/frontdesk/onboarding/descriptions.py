"""One sentence that says what the business is, in the site's own words.

Home and about pages open with it ("Juniper Lane is a family-run veterinary clinic in
Millbrook, caring for cats, dogs and small pets since 2008."). Calls to action ("Get in
touch with our team", "Book your table today") sit in the same places and are never a
description: a sentence that starts with an imperative or invites the reader to act is
left out, and so are sentences that carry a phone number, a price or the hours.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from frontdesk.runtime.knowledge_note import sentences

_CALL_TO_ACTION = re.compile(
    r"^(?:get|call|contact|book|reserve|visit|click|sign|join|order|follow|subscribe|email|"
    r"e-mail|text|message|schedule|find|come|let|give|check|learn|discover|browse|explore|"
    r"request|make|ask|see|view|read|download|shop|try|enjoy|don't|do not|please|stop|treat|"
    r"drop|pop|swing|bring|grab|start|claim|register|apply|reach|talk|chat|send|fill|"
    r"welcome to|thank)\b"
    r"|\b(?:get in touch|contact us|call us|book now|book online|click here|sign up|"
    r"subscribe|follow us|cookie|privacy|all rights reserved|©|newsletter|reach out|"
    r"we'd love to hear|give us a call|drop us a line)\b",
    re.IGNORECASE,
)
_DESCRIBES = re.compile(
    r"\b(?:is an?|are an?|is the|family[- ]run|family[- ]owned|independent|since \d{4}|"
    r"established|founded|serving|offers?|provides?|specialis|specializ|located|based in|"
    r"we are|we're|has been|have been|dedicated|welcomes?)\b",
    re.IGNORECASE,
)
_FACT_NOISE = re.compile(r"[$€£]\s?\d|\d{3}[ .-]\d{3,4}|@|\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b", re.I)
_ABOUT_PAGE = re.compile(r"about|story|who-we-are|our-team|ueber|uber-uns|chi-siamo", re.I)


def _page_weight(source: str, heading: str) -> int:
    path = urlparse(source).path or source
    if path in ("", "/", "/index.html") or _ABOUT_PAGE.search(path):
        return 2
    if re.search(r"about|welcome|our story|who we are", heading, re.I):
        return 2
    return 0


def find_description(chunks: list[tuple[str, str]], business: str = "") -> str | None:
    """The sentence that best says what the business is, or None when no sentence does."""
    name_words = {w for w in re.findall(r"[a-z]{3,}", business.lower())}
    best: tuple[float, str] | None = None
    order = 0
    for text, source in chunks:
        heading = text.split("\n\n", 1)[0] if "\n\n" in text else ""
        # A paragraph's soft line breaks are not sentence ends: join them first.
        body = text.split("\n\n", 1)[1] if heading else text
        paragraphs = [" ".join(p.split("\n")) for p in body.split("\n\n")]
        for sentence in sentences("\n\n" + "\n".join(paragraphs)):
            order += 1
            sentence = " ".join(sentence.split())
            words = sentence.split()
            if not 6 <= len(words) <= 45 or not sentence.endswith((".", "!")):
                continue
            if sentence.endswith("?") or _CALL_TO_ACTION.search(sentence):
                continue
            if _FACT_NOISE.search(sentence) or " | " in sentence:
                continue
            score = 0.0
            if _DESCRIBES.search(sentence):
                score += 2
            mentions = name_words & set(re.findall(r"[a-z]{3,}", sentence.lower()))
            if name_words and len(mentions) >= min(2, len(name_words)):
                score += 2
            if re.match(r"(?:we|our)\b", sentence, re.I):
                score += 1
            score += _page_weight(source, heading)
            if score < 3:
                continue
            score -= order / 10_000  # the earlier of equals
            if best is None or score > best[0]:
                best = (score, sentence)
    return best[1] if best else None
