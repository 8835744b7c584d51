"""'My wife is vegetarian, is there a main she can have?': the dishes the menu marks so.

Menus mark what suits a diet on the dish itself ("Wild Mushroom Risotto / Carnaroli rice,
parmesan, thyme (vegetarian) / $27", "Gluten-Free Almond Cake (slice) — $5.50"), and
callers ask whether there is anything for someone who cannot eat something. Given the
risotto's line in its note, the embedded 1.5B model answered "I don't have any vegetarian
options"; given the almond cake's, "I don't know". When a few lines of the passages name
the diet asked about, the desk reads them out with the dish they belong to; a section the
caller names ("a main course", "in the case") keeps only the lines under it (none there,
the model answers: a gluten-free cake to order is not one in the case). A
line that warns rather than offers ("our kitchen is not gluten-free") is read out after
them: for an allergy, the warning matters as much as the dish.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import in_context, own_heading, pieces, stems_of
from frontdesk.knowledge.stemming import ASKING
from frontdesk.runtime.knowledge_note import THE_BUSINESS

# Each diet as menus and callers write it; a vegan asks for more than a vegetarian dish.
_DIETS = [
    re.compile(r"\b(?:vegetarian|veggie|meatless)\b", re.IGNORECASE),
    re.compile(r"\b(?:vegan|plant[- ]based)\b", re.IGNORECASE),
    re.compile(r"\b(?:gluten|coeliac|celiac)", re.IGNORECASE),
    re.compile(r"\b(?:dairy|lactose)", re.IGNORECASE),
    re.compile(r"\bnut(?:s|-free)?\b", re.IGNORECASE),
    re.compile(r"\bhalal\b", re.IGNORECASE),
    re.compile(r"\bkosher\b", re.IGNORECASE),
]
_ASKS_ANY = re.compile(
    r"\b(?:is there|are there|do you (?:have|do|make|offer|serve)|have you got|anything|"
    r"any|options?|what can|which)\b",
    re.IGNORECASE,
)
_CAVEAT = re.compile(
    r"\b(?:not|no|cannot|can['’]t|may contain|traces?|shared|guarantee)\b", re.IGNORECASE
)
# Words of such a question that name no section of the menu.
_NOT_A_SECTION = stems_of(
    "eat eats can cannot can't could have has is there are anything something any options "
    "option food dish dishes she he they we i need suit suitable free allergy allergic "
    "intolerant intolerance diet"
)
_MOST = 4


def diet_answer(question: str, texts: list[str]) -> str | None:
    """ "Yes: <dish>: <its line>." for the few lines of `texts` naming the diet asked
    about, with any warning about it after them; None when none or too many do."""
    marks = next((d for d in _DIETS if d.search(question)), None)
    if marks is None or _ASKS_ANY.search(question) is None:
        return None
    diet = stems_of(" ".join(m.group(0) for m in marks.finditer(question)))
    section = stems_of(question) - diet - _NOT_A_SECTION - ASKING - THE_BUSINESS
    offers: list[tuple[bool, str]] = []  # (under the section named, the line as said)
    caveats: list[str] = []
    for rank, text in enumerate(texts):
        heading = stems_of(own_heading(text)) | stems_of(text.partition("\n")[0])
        for piece in pieces(rank, text):
            if piece.is_label or not marks.search(f"{piece.label} {piece.text}"):
                continue
            said = in_context(piece)  # with the dish (or section) it belongs to
            if _CAVEAT.search(piece.text):
                caveats.append(piece.text)
                continue
            under = bool(section & (piece.label_stems | heading | piece.stems))
            if said not in (s for _, s in offers):
                offers.append((under, said))
    if section:
        # "Is there a main course…?": only what is under it; none there, the model says.
        offers = [o for o in offers if o[0]]
    lines = [said.rstrip(".") for _, said in offers]
    if not lines or len(lines) > _MOST:
        return None
    answer = "Yes: " + "; ".join(lines) + "."
    if caveats:
        answer += " Please note: " + " ".join(dict.fromkeys(caveats))
    return answer
