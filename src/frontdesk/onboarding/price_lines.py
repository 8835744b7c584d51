"""Services and dishes with their prices, from menus, price tables and cards.

A price is a number with a currency, either side ("$14", "£25.50", "€ 12", "12,50 €",
"CHF 40", "150 kr"), optionally a range or a unit ("$80–$120", "$95 per person"). Its item
is found the way a reader pairs them:

- on the same line, before it: "Margherita — $14", "Haircut: £25", "Cut & blow-dry 45 €",
  "Botox from $299", a table row "Check-up | 30 min | $80" or, as the HTML reader writes
  rows, "Check-up — Duration: 30 min — Price: $80";
- on a line of its own, under the item: a card "Duck Confit / Crispy leg, lentils / $34"
  gives the item, its description and the price;
- in a sentence: "A wellness exam costs $68", "Rabies vaccination ($32)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontdesk.onboarding.site_lines import Line

_AMOUNT = r"\d{1,3}(?:[,.\u202f ]\d{3})*(?:[.,]\d{1,2})?|\d{1,6}(?:[.,]\d{1,2})?"
_BEFORE = r"(?:US\$|A\$|AU\$|C\$|CA\$|NZ\$|HK\$|S\$|R\$|\$|€|£|¥|₹|CHF|EUR|GBP|USD|AUD|CAD|NZD)"
_AFTER = r"(?:€|EUR|£|kr\.?|SEK|NOK|DKK|CHF|zł|PLN|Kč|Ft|euros?|dollars?|pounds?)"
_UNIT = (
    r"(?:\s?(?:per|/|a|an|each|pro)\s?(?:person|pp|head|guest|hour|hr|session|visit|month|"
    r"night|class|lb|pound|kg|dozen|item|slice|piece|week|day|treatment|pet|dog|cat|tooth|"
    r"unit|Person|Stunde)\b)?"
)
_SIGN_FIRST = rf"{_BEFORE}\s?(?:{_AMOUNT})(?:\s?[-–]\s?{_BEFORE}?\s?(?:{_AMOUNT}))?"
_SIGN_AFTER = rf"(?<![\w.,])(?:{_AMOUNT})(?:\s?[-–]\s?(?:{_AMOUNT}))?\s?{_AFTER}(?![A-Za-z])"
PRICE = re.compile(
    rf"(?:\b(?:from|starting at|ab)\s+)?(?:{_SIGN_FIRST}|{_SIGN_AFTER}){_UNIT}",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s*(?:\.{2,}|…+|[—–:|·]|\s-\s|\t)\s*$")
_SENTENCE_PRICE = re.compile(
    r"(?:^|[.;:]\s*|\b(?:an?|the|our)\s+)([A-Za-z][\w'& -]{2,50}?)\s+"
    r"(?:costs?|is|are|starts? at|runs?|will be|comes? to)\s+(?:just\s+|only\s+)?(?:from\s+)?$",
    re.IGNORECASE,
)
_NOT_ITEMS = re.compile(
    r"^(?:total|subtotal|price|prices|cost|costs|from|only|just|each|per|it|this|that|"
    r"and|or|plus|save|was|now|call|book|order|buy|free|tax|vat|tip|page)\b",
    re.I,
)
_LABELLED_ROW = re.compile(r" — [^—:]{1,40}: ")
_SKIP_LINE = re.compile(r"\b(?:copyright|©|all rights reserved|gift card balance)\b", re.I)
MAX_SERVICES = 60


@dataclass(frozen=True)
class PricedItem:
    name: str
    price: str
    description: str | None
    source: str
    line: str  # the line the price is on, as written


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:an?|the|our)\s+", "", name.strip(" -–—:|.,*•·\t"), flags=re.I)
    name = re.sub(r"\s+(?:from|starting at|is|are|costs?|only|just|ab)$", "", name, flags=re.I)
    return " ".join(name.split()).strip(" -–—:|.,")


_PROSE = re.compile(r"\b(?:are|is|was|for|over|with|if|when|available|you|we|our|your)\b", re.I)


def _good_name(name: str) -> bool:
    words = name.split()
    return (
        not (len(words) >= 4 and _PROSE.search(name))  # a sentence, not an item
        and 2 <= len(name) <= 80
        and 1 <= len(words) <= 10
        and bool(re.match(r"[^\W\d_]", name))
        and not _NOT_ITEMS.match(name)
        and not name.endswith("?")
        and name.count(". ") == 0
    )


def _title_like(line: str) -> bool:
    """A line that can name an item: short, not a sentence, no price of its own."""
    return (
        _good_name(_clean_name(line))
        and len(line.split()) <= 8
        and not line.rstrip().endswith((".", "!", "?", ":"))
        and not PRICE.search(line)
    )


def _from_line(lines: list[Line], i: int) -> list[PricedItem]:
    line = lines[i]
    text = line.text
    if _SKIP_LINE.search(text):
        return []
    found: list[PricedItem] = []
    cells = [c.strip() for c in text.split(" | ")] if " | " in text else None
    if cells is None and _LABELLED_ROW.search(text):
        # The HTML reader's table row, "Men's cut — Duration: 30 min — Price: £32": each
        # cell after the first carries its column's header.
        parts = [c.strip() for c in text.split(" — ")]
        cells = parts[:1] + [c.split(": ", 1)[1] if ": " in c else c for c in parts[1:]]
    if cells and len(cells) >= 2:
        # A table row: the first cell with words names it; other word cells describe it.
        priced = [c for c in cells if PRICE.fullmatch(c.strip())]
        named = [c for c in cells if not PRICE.search(c) and _good_name(_clean_name(c))]
        if priced and named:
            name = _clean_name(named[0])
            rest = [c for c in cells if c and c != named[0] and c not in priced]
            return [PricedItem(name, priced[0], "; ".join(rest) or None, line.source, text)]
    last = 0
    for match in PRICE.finditer(text):
        price = match.group(0).strip()
        if not re.search(r"\d", price):
            continue
        before = text[last : match.start()]
        last = match.end()
        name, description = "", None
        sentence = _SENTENCE_PRICE.search(before)
        bracket = re.search(r"([A-Z][\w'& -]{2,50}?)\s*\($", before)
        if sentence:
            name = _clean_name(sentence.group(1))
        elif bracket:
            name = _clean_name(bracket.group(1))
        elif _SEPARATOR.search(before) or len(text.split()) <= 8:
            # "Margherita — $14", "Cut & blow-dry 45 €"; in a longer sentence ("New clients
            # pay a $20 deposit") the words before a price are not an item's name.
            name = _clean_name(_SEPARATOR.sub("", before))
        if not before.strip(" -–—:|.…\t") and i > 0:
            # A price on a line of its own: the item is the title line above (a card), with
            # a description line between.
            above = [lines[k] for k in range(max(0, i - 3), i)]
            titles = [k for k in range(len(above)) if _title_like(above[k].text)]
            # The nearest short title without commas ("Duck Confit" over its "Crispy leg,
            # lentils" line), else the nearest title-like line.
            plain = [k for k in titles if "," not in above[k].text]
            if titles:
                k = (plain or titles)[-1]
                name = _clean_name(above[k].text)
                description = " ".join(x.text for x in above[k + 1 :]) or None
        elif (len(name.split()) > 6 or "," in name) and i > 0 and _title_like(lines[i - 1].text):
            # "Crispy leg, lentils, jus — $34" under "Duck Confit": a description line.
            description, name = name, _clean_name(lines[i - 1].text)
        if name and _good_name(name):
            name = name[:1].upper() + name[1:]
            found.append(PricedItem(name, price, description, line.source, text))
    return found


def find_priced_items(chunks: list[list[Line]]) -> list[PricedItem]:
    """Every distinct item with a price, in the order the site lists them."""
    items: dict[str, PricedItem] = {}
    for lines in chunks:
        for i in range(len(lines)):
            for item in _from_line(lines, i):
                items.setdefault(item.name.lower(), item)
    return list(items.values())[:MAX_SERVICES]
