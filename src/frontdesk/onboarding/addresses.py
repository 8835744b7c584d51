"""The business's street address, in the shapes real sites write it.

An address is found by its locality first — the part with a postcode, which has a shape per
country: "Springfield, IL 62701", "Toronto, ON M5H 2N2", "Sydney NSW 2000", "Oxford
OX1 4AB", "10435 Berlin", "1016 GV Amsterdam" — then widened to the left to the street on
the same line, or on the line above (footers put the street and the town on two lines).
Without a postcode, a street number with a street word ("14 Juniper Lane, Millbrook") or a
continental street name with its number ("Kastanienallee 12") still counts, ranked lower.
The value kept is the site's own text, so it can be quoted back to the owner.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from frontdesk.onboarding.site_lines import Line
from frontdesk.onboarding.time_zones import AU_STATES, CA_PROVINCES, COUNTRY_NAMES, US_STATES


@dataclass(frozen=True)
class Address:
    text: str
    source: str
    country: str | None  # ISO 3166 alpha-2 when the shape tells
    region: str | None  # a US state, Canadian province or Australian state, as written


def _alternatives(table: tuple[tuple[str, str, str], ...]) -> str:
    names = sorted((n for _, n, _ in table), key=len, reverse=True)
    return "|".join([*(re.escape(n) for n in names), *(c for c, _, _ in table)])


_CITY = r"[A-Z][A-Za-z.'’-]+(?:[ -][A-Z][A-Za-z.'’-]+){0,3}"
_LOCALITIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "US",
        re.compile(
            rf"\b{_CITY},?\s+(?P<region>{_alternatives(US_STATES)})\.?,?\s+\d{{5}}(?:-\d{{4}})?\b"
        ),
    ),
    (
        "CA",
        re.compile(
            rf"\b{_CITY},?\s+(?P<region>{_alternatives(CA_PROVINCES)}),?\s+"
            r"[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"
        ),
    ),
    ("AU", re.compile(rf"\b{_CITY},?\s+(?P<region>{_alternatives(AU_STATES)}),?\s+\d{{4}}\b")),
    # UK: the postcode closes the address ("London SW1A 2AA", "Oxford, OX1 4AB").
    ("GB", re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b")),
    # Ireland: the Eircode closes the address ("Dublin 2, D02 YX88").
    ("IE", re.compile(r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}\b")),
    # Continental Europe: postcode then town ("10435 Berlin", "75002 Paris", "1016 GV
    # Amsterdam", "A-1010 Wien"), after a comma or at the start of a line.
    (
        "EU",
        re.compile(
            r"(?:(?<=,)|(?<=^))\s*(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2}(?=\s))?\s+"
            r"[A-ZÄÖÜÉÈ][\wäöüßéèàçñ'’.-]+(?:[ -][A-ZÄÖÜ][\wäöüßéèàçñ'’.-]+){0,2}",
            re.MULTILINE,
        ),
    ),
)
_STREET_WORD = (
    r"(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Way|Drive|Dr|Boulevard|Blvd|Place|Pl|Court|Ct|"
    r"Square|Sq|Terrace|Parkway|Pkwy|Highway|Hwy|Row|Close|Crescent|Walk|Parade|Broadway|"
    r"Circle|Cir|Trail|Plaza|Alley|Mews|Gardens|Green|Hill|Market)"
)
_NUMBERED_STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?(?:-\d{{1,5}})?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'’.-]*\s+){{0,4}}"
    rf"{_STREET_WORD}\b\.?(?:\s+[NSEW]{{1,2}}\b)?"
    rf"(?:,\s*(?:Suite|Unit|Ste\.?|Floor|Fl\.?|#)\s*[\w-]+)?(?:,\s*{_CITY}(?![\w-]))?"
)
_CONTINENTAL_STREET = re.compile(
    r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|allee|weg|platz|gasse|damm|ring|ufer|"
    r"chaussee|gracht|straat|laan|plein|kade)\s+\d{1,4}[a-z]?\b"
    r"|\b(?:rue|avenue|boulevard|place|calle|avenida|via|viale|piazza|plaza)\s+[^,\n]{2,40}?"
    r"\s\d{1,4}\b|\b\d{1,4},?\s+(?:rue|avenue|boulevard|place|quai)\s+[^,\n]{2,40}",
    re.IGNORECASE,
)
# Where the address part of a line starts: after a label or a table cell.
_LABEL = re.compile(
    r"^.*?(?:address|adresse|anschrift|location|find us|visit us|where to find us|we are at|"
    r"located at|you'll find us at)\s*(?:is|at)?\s*[:\-–|]?\s*",
    re.IGNORECASE,
)
_ADDRESS_PART = re.compile(rf"\d|{_STREET_WORD}\b|\b(?:Suite|Unit|Floor|Flat|Apt)\b", re.I)
_UNIT = re.compile(r"\s*(?:Suite|Unit|Ste\.?|Floor|Fl\.?|Flat|Apt\.?|Apartment|#)\s*\w", re.I)
_HEADING_HINT = re.compile(r"contact|address|find us|visit|location|directions|footer", re.I)


def _street_start(prefix: str) -> int:
    """Where the address starts in the text before a locality ("Visit us: 12 High Street,
    Oxford " → the offset of "12"); -1 when no street with a number or street word."""
    start = 0
    cell = prefix.rfind(" | ")
    if cell >= 0:
        start = cell + 3
    label = _LABEL.match(prefix, start)
    if label:
        start = label.end()
    # Not after an initial: "311 W. Monroe St." is one street.
    for sentence_end in re.finditer(r"(?<=[.!?])(?<!\b[A-Z]\.)\s+(?=[A-Z])", prefix):
        if sentence_end.end() > start:
            start = sentence_end.end()
    parts = [(m.start(), m.group(0)) for m in re.finditer(r"[^,]+", prefix[start:])]
    kept: list[tuple[int, str]] = []
    street_met = False
    for offset, part in reversed(parts):
        if not part.strip():
            continue
        unit = _UNIT.match(part)
        if street_met and not unit or len(part.split()) > 7 or len(kept) >= 4:
            break
        kept.insert(0, (offset, part))
        if unit and street_met:
            break  # "Unit 4, 12 High Street": the unit comes before the street
        numbered = re.search(r"\d", part) and (
            re.search(rf"\b{_STREET_WORD}\b", part, re.I) or _CONTINENTAL_STREET.search(part)
        )
        if not unit and (re.match(r"\s*\d", part) or numbered):
            street_met = True  # the street number: the address starts here (or its unit)
    while kept and not _ADDRESS_PART.search(kept[0][1]):
        kept.pop(0)  # a leading name ("Juniper Lane Vet, 14 …") is not the address
    if not kept:
        return -1
    offset, part = kept[0]
    return start + offset + (len(part) - len(part.lstrip()))


def _town_only(prefix: str) -> bool:
    """Nothing but a town before the postcode: a few words without digits."""
    prefix = _LABEL.sub("", prefix).strip(" ,:")
    return len(prefix.split()) <= 4 and not re.search(r"\d", prefix)


def _country_after(line: str, end: int) -> str | None:
    tail = line[end : end + 30].strip(" ,").lower()
    for name, code in COUNTRY_NAMES.items():
        if tail.startswith(name):
            return code
    return None


def _with_country(line: str, end: int) -> int:
    tail = line[end:]
    match = re.match(r"\s*,?\s*([A-Za-zÄÖÜäöüé. ]{2,20})", tail)
    if match and match.group(1).strip().lower() in COUNTRY_NAMES:
        return end + match.end()
    return end


def _candidates(chunk: list[Line]) -> list[tuple[int, Address]]:
    found: list[tuple[int, Address]] = []
    for i, line in enumerate(chunk):
        text = line.text
        hinted = 1 if _HEADING_HINT.search(line.heading) or _LABEL.match(text) else 0
        for country, pattern in _LOCALITIES:
            for match in pattern.finditer(text):
                end = _with_country(text, match.end())
                locality = text[match.start() : end].strip(" ,")
                begin = _street_start(text[: match.start()])
                value = ""
                if begin >= 0:
                    value = text[begin:end].strip(" ,")
                elif i > 0 and _town_only(text[: match.start()]):
                    # The street on the line above the town ("27 Kentish Town Road" over
                    # "London NW1 8NH").
                    above = chunk[i - 1].text
                    top = _street_start(above) if len(above.split()) <= 8 else -1
                    if top >= 0:
                        value = f"{above[top:].strip(' ,')}, {text[:end].strip(' ,')}"
                street = value.replace(locality, "")
                if not value or (
                    country in ("EU", "GB", "IE")
                    and not re.search(rf"\d|\b{_STREET_WORD}\b", street)
                ):
                    continue  # a postcode-like number needs a street with a number beside it
                code = country if country != "EU" else _country_after(text, match.end())
                region = match.groupdict().get("region")
                found.append((3 + hinted, Address(value, line.source, code, region)))
        for pattern in (_NUMBERED_STREET, _CONTINENTAL_STREET):
            for match in pattern.finditer(text):
                value = match.group(0).strip(" ,.")
                found.append((1 + hinted, Address(value, line.source, None, None)))
    return found


def find_address(chunks: list[list[Line]]) -> Address | None:
    """The site's address: the best-shaped one (with a postcode, under a contact heading),
    then the one the site gives most often, then the first met."""
    scored: list[tuple[int, Address]] = []
    for chunk in chunks:
        scored.extend(_candidates(chunk))
    if not scored:
        return None
    counts = Counter(a.text.lower() for _, a in scored)
    best = max(
        enumerate(scored), key=lambda item: (item[1][0], counts[item[1][1].text.lower()], -item[0])
    )
    return best[1][1]
