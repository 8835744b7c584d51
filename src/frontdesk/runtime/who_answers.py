"""'Who owns the place?', 'Who does your desserts?': the person the business's pages name.

Team pages write a person as a card: a name, a job title, a few lines about them ("Priya
Raman / Pastry Chef / Everything sweet comes out of Priya's oven"). Given such a card in its
note, the embedded 1.5B model still answered "Who does your desserts?" with the desserts,
"Who owns the place?" with its own persona's name, and "Who's the hygienist?" with the
practice manager whose number it had been given. When the passages found hold exactly one
person for what was asked, the desk says who, with the job title the card gives.

A person is a name of two or three capitalised words that heads a card whose job title
follows it (in the card's label or at the start of its text), or that the card's text goes
on to call by the first name alone ("Maria grew up…"), or one written with "Dr"; a name
sharing a word with the question ("Custom Cakes" for "who designs the custom cakes?") is
the page's heading, not a person. Measured on the answer corpus's 28 who-questions (the
search's top 3, as the agent has them): 10 answered this way, all 10 with the right person,
none of the unanswerable ones; the rest went on to the model.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import Piece, pieces, stems_of
from frontdesk.knowledge.stemming import STOPWORDS
from frontdesk.knowledge.text_chunks import HEADING_SEPARATOR
from frontdesk.runtime.knowledge_note import THE_BUSINESS

_ASKS_WHO = re.compile(r"\b(?:who|whom|whose|who's)\b", re.IGNORECASE)
# Words that ask who rather than say about what ("Who's the best person there for Subarus?").
_ASKING = stems_of(
    "who whom whose best person people there someone anyone recommend talk speak work would "
    "should go see"
)
# Job titles small businesses give their people.
_ROLE = re.compile(
    r"\b(?:owner|co-owner|founder|director|manager|chef|cook|baker|sommelier|dentist|"
    r"hygienist|nurse|vet|veterinarian|physio\w*|therapist|kinesiologist|stylist|colou?rist|"
    r"barber|coach|trainer|instructor|teacher|attorney|lawyer|partner|associate|paralegal|"
    r"counsel|mechanic|technician|plumber|electrician|receptionist|designer|specialist|"
    r"consultant|practitioner|doctor|surgeon|assistant|optometrist|pharmacist|accountant)s?\b",
    re.IGNORECASE,
)
# A card's text that opens with its job title: "Owner & Head Coach — Former hurler."
_LEADING_ROLE = re.compile(r"^((?:[A-Z][\w'&,.-]*\s+|&\s+){0,3}(?i:" + _ROLE.pattern + r"))")
# A family name may join a capital after an apostrophe or hyphen: O’Brien, Smith-Jones.
# (Each part starts at an apostrophe, hyphen or capital, so a failed match cannot backtrack
# through the ways of cutting one word.)
_FAMILY_NAME = r"[A-Z](?:[a-zà-ÿ]+(?:(?:['’-][A-Z]?|[A-Z])[a-zà-ÿ]+)*|['’][A-Z][a-zà-ÿ]+)"
_NAME = re.compile(rf"\b(?:Dr\.? )?([A-Z][a-zà-ÿ'’]+)(?: {_FAMILY_NAME}){{1,2}}\b")
# Titles written after a name on one line ("Dr Sarah Mitchell Principal Veterinarian").
_TITLE_WORDS = frozenset(
    [
        "Principal",
        "Senior",
        "Junior",
        "Head",
        "Lead",
        "Chief",
        "Executive",
        "Associate",
        "Managing",
        "Master",
    ]
)
_TITLE_MAX_WORDS = 6
_LABEL_PARTS = re.compile(rf"{re.escape(HEADING_SEPARATOR)}| — ")


def asks_who(question: str) -> bool:
    return _ASKS_WHO.search(question) is not None


def who_answer(question: str, texts: list[str], business_name: str = "") -> str | None:
    """ "That would be Priya Raman, our Pastry Chef." when the passages name exactly one
    person for what the question asks; None otherwise."""
    if not _ASKS_WHO.search(question):
        return None
    about = stems_of(question) - THE_BUSINESS - _ASKING - _naming(question, business_name)
    if not about:
        return None
    if _OWNER_ASKED.search(question) and not about - _RUNNING:
        # Asked who runs the business itself: its hosts' own introduction, else its owner.
        hosts = _hosts(texts)
        if hosts:
            return f"That would be {hosts}."
        about = stems_of("owner")
    about = _as_written(about, texts)
    found: dict[str, str] = {}
    for rank, text in enumerate(texts):
        for piece in pieces(rank, text):
            if piece.is_label or not about <= piece.stems | piece.label_stems:
                continue
            for name, role in _people(piece, text):
                if not stems_of(name) & about:
                    found.setdefault(name, role)
    if len(found) != 1:
        return None
    name, role = next(iter(found.items()))
    return f"That would be {name}" + (f", our {role}" if role else "") + "."


def _as_written(about: set[str], texts: list[str]) -> set[str]:
    """The question's words as the passages write them: a plural the stemmer keeps whole
    ("Subarus", of a card's "Subaru & Toyota specialist") meets its singular; and when at
    least two words are written there, the words no passage writes at all are how the
    caller put it ("fixing a bad dye job" of "colour correction"), not what is asked."""
    written = {
        stem for rank, text in enumerate(texts) for p in pieces(rank, text) for stem in p.stems
    }
    out = set()
    for word in about:
        if word not in written:
            word = next(
                (w for w in written if len(w) >= _PLURAL_BASE and word in (f"{w}s", f"{w}es")),
                word,
            )
        out.add(word)
    seen = out & written
    return seen if len(seen) >= _SEEN_ENOUGH and 2 * len(seen) >= len(out) else out


_PLURAL_BASE = 4
_SEEN_ENOUGH = 2


def _naming(question: str, business_name: str) -> set[str]:
    """The words by which the question names the business: its name's words written with a
    capital ("Who runs Rose Cottage?"), not its trade said in passing ("Who's the head vet
    there?" of "Paws Vet Brunswick" asks for a vet)."""
    named = {w for w in re.findall(r"[\w'’&-]+", business_name) if w[:1].isupper()}
    said = [w for w in re.findall(r"[\w'’&-]+", question) if w in named]
    return stems_of(" ".join(said))


# "Who runs the place?", "Who owns Rose Cottage?": the people the business's own pages
# introduce themselves as ("We're Sarah and Tom Whitaker, and since 2011…").
_OWNER_ASKED = re.compile(
    r"\bwho(?:'s| is| are)?\b.*\b(?:runs?|owns?|owners?|founded|started|behind|in charge)\b",
    re.IGNORECASE,
)
_RUNNING = stems_of("run runs owns owner founded started behind in charge")
_FIRST = r"[A-Z][a-zà-ÿ]+"
_HOSTS = re.compile(
    rf"(?:^|[.!]\s+|\bHi,?\s+)(?:We['’]re|We are|I['’]m|I am|My name is)\s+"
    rf"(?P<names>{_FIRST}(?:(?:,\s+|\s+(?:and|&)\s+){_FIRST})*(?:\s+{_FAMILY_NAME})?)\b"
)


def _hosts(texts: list[str]) -> str | None:
    """The people the passages introduce in the first person, when exactly one such
    introduction is found (a review's "I'm…" sits in quotation marks and is left out)."""
    found: set[str] = set()
    for text in texts:
        for line in text.split("\n"):
            if line.lstrip()[:1] in "“\"'‘":
                continue
            for match in _HOSTS.finditer(line):
                names = match["names"]
                if names.split()[0].lower() not in STOPWORDS:
                    found.add(names)
    return next(iter(found)) if len(found) == 1 else None


def _people(piece: Piece, chunk: str) -> list[tuple[str, str]]:
    """The people a piece is about, each with their job title when the card gives one."""
    people = []
    label, text = piece.label, piece.text
    inline = [part.strip() for part in _LABEL_PARTS.split(text, maxsplit=2)]
    if len(inline) > 1 and _as_name(inline[0]) and _ROLE.search(inline[1]):
        # A card written on one line under the page's heading ("Sophie Clarke — Dental
        # Hygienist — Sophie's gentle scale…"): its name and title are the card's label.
        label, text = " — ".join(inline[:2]), inline[2] if len(inline) > 2 else ""
    parts = [part.strip() for part in _LABEL_PARTS.split(label)]
    leading = _LEADING_ROLE.match(text)
    for index, part in enumerate(parts):
        name = _as_name(part)
        if name is None:
            continue
        roles = [p for p in parts[index + 1 :] if _ROLE.search(p)]
        if leading and not roles:
            # The whole title, up to where the card's text goes on ("Owner & ASE Master
            # Technician — Mike opened…").
            title = re.split(r" — |[.,;:!?]\s", text, maxsplit=1)[0].strip(" .,")
            roles = [title if len(title.split()) <= _TITLE_MAX_WORDS else leading.group(1)]
        first = name.removeprefix("Dr. ").removeprefix("Dr ").split()[0]
        # Called by the first name alone ("Maria grew up…", "Priya's oven"), not as the start
        # of other capitalised words ("Brown Butter" of a dish named "Brown Butter Cake").
        called = re.search(rf"\b{re.escape(first)}\b(?!\s+[A-Z])", chunk)
        if roles or called or name.startswith("Dr"):
            people.append((name, roles[0] if roles else ""))
    if people:
        return people
    # No card: a name in the sentence itself, beside a job title ("Led by David Okafor").
    for match in _NAME.finditer(piece.text):
        name = _as_name(match.group(0))
        if name is None or (match.start() == 0 and not name.startswith("Dr")):
            continue  # a sentence's first words are capitalised whatever they are
        if name.startswith("Dr") or _ROLE.search(piece.text):
            people.append((name, ""))
    return people


def _as_name(text: str) -> str | None:
    """`text` as a person's name, without the titles written after it, or None."""
    found = _NAME.fullmatch(text.strip())
    if found is None or found.group(1).lower() in STOPWORDS or _ROLE.search(text):
        return None
    words = found.group(0).split()
    while len(words) > 2 and words[-1] in _TITLE_WORDS:
        words.pop()
    return " ".join(words)
