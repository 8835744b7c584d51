"""schema.org JSON-LD as sentences a receptionist can quote.

Site builders and SEO plugins write the business's name, address, phone, opening hours,
menu and FAQ into `<script type="application/ld+json">`, often more completely than the
visible page does. Each object becomes a section of plain lines ("Telephone: …",
"Monday–Friday: 09:00–17:00", "Duck confit — slow-cooked leg — $34"). The business itself
(LocalBusiness and its subtypes, Organization) is site-wide; menus, services, offers and
FAQs belong to the page they are on. A block that is not valid JSON, or not schema.org, is
skipped: structured data adds facts, it never costs a page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from frontdesk.knowledge.documents import Section

__all__ = ["StructuredSections", "structured_data_sections"]

_MAX_SCRIPT_CHARS = 1_000_000
_MAX_ITEMS = 2000
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DAY_CODES = {day[:2].lower(): day for day in _DAYS} | {day.lower(): day for day in _DAYS}
_CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹"}
# Types whose object describes the business: site-wide facts.
_BUSINESS_HINTS = (
    "business",
    "organization",
    "restaurant",
    "store",
    "shop",
    "dentist",
    "clinic",
    "hotel",
    "lodging",
    "bedandbreakfast",
    "physician",
    "practice",
    "office",
    "salon",
    "spa",
    "gym",
    "center",
    "centre",
    "bakery",
    "cafe",
    "coffee",
    "bar",
    "pub",
    "service",
    "agency",
    "attorney",
    "lawyer",
    "dealer",
    "repair",
    "contractor",
    "plumber",
    "electrician",
    "veterinary",
    "pharmacy",
    "hospital",
    "school",
    "club",
    "studio",
)
_IGNORED_TYPES = {
    "website",
    "webpage",
    "breadcrumblist",
    "listitem",
    "imageobject",
    "searchaction",
    "sitenavigationelement",
    "readaction",
    "entrypoint",
    "collectionpage",
    "aboutpage",
    "contactpage",
    "itempage",
    "profilepage",
    "searchresultspage",
}
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class StructuredSections:
    page: list[Section] = field(default_factory=list)
    site: list[Section] = field(default_factory=list)


def _types(item: dict[str, Any]) -> list[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)]


def _words(type_name: str) -> str:
    """ "LocalBusiness" → "Local business"."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type_name)
    return spaced[:1].upper() + spaced[1:].lower()


def _plain(value: Any) -> str:
    """A scalar as one line of text; HTML inside JSON-LD strings (FAQ answers) unwrapped."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        return ""
    text = html.unescape(_TAGS.sub(" ", value))
    return re.sub(r"\s+", " ", text).strip()


class _Graph:
    """All JSON-LD objects of a page, with `{"@id": …}` references resolved."""

    def __init__(self, roots: list[Any]) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.top: list[dict[str, Any]] = []
        self.top_ids: set[str] = set()
        self._count = 0
        for root in roots:
            for item in self._items(root):
                self.top.append(item)
        for item in self.top:
            self._index(item, 0)
            if isinstance(item.get("@id"), str):
                self.top_ids.add(item["@id"])

    def _items(self, value: Any) -> list[dict[str, Any]]:
        if isinstance(value, list):
            return [item for v in value for item in self._items(v)]
        if isinstance(value, dict):
            if "@graph" in value:
                return self._items(value["@graph"])
            return [value]
        return []

    def _index(self, value: Any, depth: int) -> None:
        if depth > 20 or self._count > _MAX_ITEMS:
            return
        if isinstance(value, list):
            for v in value:
                self._index(v, depth + 1)
        elif isinstance(value, dict):
            self._count += 1
            ident = value.get("@id")
            if isinstance(ident, str) and len(value) > 1:
                self.by_id.setdefault(ident, value)
            for v in value.values():
                self._index(v, depth + 1)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.by_id.get(value["@id"], value)
        return value

    def many(self, item: dict[str, Any], key: str) -> list[Any]:
        value = item.get(key)
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        return [self.resolve(v) for v in values[:_MAX_ITEMS]]

    def text(self, item: dict[str, Any], key: str) -> str:
        parts = []
        for value in self.many(item, key):
            if isinstance(value, dict):
                value = value.get("name") or value.get("@value") or ""
            text = _plain(value)
            if text and text not in parts:
                parts.append(text)
        return ", ".join(parts)


def _address(graph: _Graph, value: Any) -> str:
    value = graph.resolve(value)
    if isinstance(value, str):
        return _plain(value)
    if not isinstance(value, dict):
        return ""
    region_line = " ".join(
        p for p in (graph.text(value, "addressRegion"), graph.text(value, "postalCode")) if p
    )
    parts = [
        graph.text(value, "streetAddress"),
        graph.text(value, "addressLocality"),
        region_line,
        graph.text(value, "addressCountry"),
    ]
    return ", ".join(p for p in parts if p)


def _price(graph: _Graph, offer: Any) -> str:
    offer = graph.resolve(offer)
    if not isinstance(offer, dict):
        return _plain(offer)
    price = _plain(offer.get("price"))
    if not price:
        spec = graph.resolve(offer.get("priceSpecification"))
        if isinstance(spec, list):
            spec = spec[0] if spec else None
        if isinstance(spec, dict):
            return _price(graph, spec)
        low, high = _plain(offer.get("lowPrice")), _plain(offer.get("highPrice"))
        price = f"{low}–{high}" if low and high else low or high
    if not price:
        return ""
    currency = _plain(offer.get("priceCurrency")).upper()
    symbol = _CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{symbol}{price}"
    return f"{price} {currency}".strip()


def _prices(graph: _Graph, item: dict[str, Any]) -> str:
    prices = [p for p in (_price(graph, o) for o in graph.many(item, "offers")) if p]
    return ", ".join(dict.fromkeys(prices))


def _day_names(value: Any) -> list[str]:
    names = []
    for day in value if isinstance(value, list) else [value]:
        if isinstance(day, str):
            name = day.rsplit("/", 1)[-1].strip().lower()
            if name in _DAY_CODES:
                names.append(_DAY_CODES[name])
            elif name == "publicholidays":
                names.append("Public holidays")
    return names


def _time(value: Any) -> str:
    text = _plain(value)
    match = re.fullmatch(r"(\d{1,2}:\d{2})(?::\d{2})?(?:[+-]\d{2}:?\d{2}|Z)?", text)
    return match.group(1) if match else text


def _day_span(days: list[str]) -> str:
    """Days in week order, consecutive runs written "Monday–Friday"."""
    known = sorted({d for d in days if d in _DAYS}, key=_DAYS.index)
    runs: list[list[str]] = []
    for day in known:
        if runs and _DAYS.index(day) == _DAYS.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(r) for r in runs]
    words += [d for d in days if d not in _DAYS]
    return ", ".join(words)


def _hours_from_specs(graph: _Graph, specs: list[Any]) -> list[str]:
    by_hours: dict[str, list[str]] = {}
    extra: list[str] = []
    for spec in specs:
        if not isinstance(spec, dict):
            continue
        opens, closes = _time(spec.get("opens")), _time(spec.get("closes"))
        hours = f"{opens}–{closes}" if opens and closes else "closed"
        if opens == closes == "00:00":
            hours = "closed"
        days = _day_names(spec.get("dayOfWeek"))
        valid = " to ".join(
            p for p in (_plain(spec.get("validFrom")), _plain(spec.get("validThrough"))) if p
        )
        if valid:
            extra.append(f"{_day_span(days) or valid}: {hours}" + (f" ({valid})" if days else ""))
            continue
        by_hours.setdefault(hours, []).extend(days)
    lines = [f"{_day_span(days)}: {hours}" for hours, days in by_hours.items() if days]
    return lines + extra


_OPENING_HOURS = re.compile(
    r"^\s*([A-Za-z]{2}(?:\s*-\s*[A-Za-z]{2})?(?:\s*,\s*[A-Za-z]{2}(?:\s*-\s*[A-Za-z]{2})?)*)"
    r"\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$"
)


def _hours_from_text(values: list[Any]) -> list[str]:
    """ "Mo-Fr 09:00-17:00" (schema.org's openingHours text form) → "Monday–Friday: …"."""
    lines = []
    for value in values:
        for entry in value if isinstance(value, list) else [value]:
            text = _plain(entry)
            match = _OPENING_HOURS.match(text)
            if not match:
                if text:
                    lines.append(text)
                continue
            days: list[str] = []
            for part in match.group(1).split(","):
                ends = [p.strip().lower() for p in part.split("-")]
                if len(ends) == 2 and ends[0] in _DAY_CODES and ends[1] in _DAY_CODES:
                    first, last = _DAYS.index(_DAY_CODES[ends[0]]), _DAYS.index(_DAY_CODES[ends[1]])
                    days += [
                        _DAYS[i % 7] for i in range(first, last + 1 + (7 if last < first else 0))
                    ]
                elif ends[0] in _DAY_CODES:
                    days.append(_DAY_CODES[ends[0]])
            lines.append(f"{_day_span(days)}: {match.group(2)}–{match.group(3)}")
    return lines


def _labelled(graph: _Graph, item: dict[str, Any], fields: list[tuple[str, str]]) -> list[str]:
    lines = []
    for key, label in fields:
        value = graph.text(item, key)
        if value:
            lines.append(f"{label}: {value}")
    return lines


_BUSINESS_FIELDS = [
    ("legalName", "Legal name"),
    ("alternateName", "Also known as"),
    ("description", "Description"),
    ("slogan", "Slogan"),
    ("telephone", "Telephone"),
    ("faxNumber", "Fax"),
    ("email", "Email"),
    ("url", "Website"),
    ("priceRange", "Price range"),
    ("servesCuisine", "Cuisine"),
    ("acceptsReservations", "Accepts reservations"),
    ("paymentAccepted", "Payment accepted"),
    ("currenciesAccepted", "Currencies accepted"),
    ("checkinTime", "Check-in time"),
    ("checkoutTime", "Check-out time"),
    ("petsAllowed", "Pets allowed"),
    ("numberOfRooms", "Number of rooms"),
    ("medicalSpecialty", "Medical specialty"),
    ("areaServed", "Area served"),
    ("foundingDate", "Founded"),
    ("knowsLanguage", "Languages"),
    ("isAcceptingNewPatients", "Accepting new patients"),
]


def _business(graph: _Graph, item: dict[str, Any], kind: str) -> list[Section]:
    name = graph.text(item, "name") or _words(kind)
    lines = [f"{name} is a {_words(kind).lower()}." if graph.text(item, "name") else ""]
    for address in graph.many(item, "address") + graph.many(item, "location"):
        if isinstance(address, dict) and "address" in address:
            address = address["address"]
        text = _address(graph, address)
        if text:
            lines.append(f"Address: {text}")
    lines += _labelled(graph, item, _BUSINESS_FIELDS)
    hours = _hours_from_specs(graph, graph.many(item, "openingHoursSpecification"))
    hours += _hours_from_text(graph.many(item, "openingHours"))
    special = _hours_from_specs(graph, graph.many(item, "specialOpeningHoursSpecification"))
    if hours:
        lines.append("Opening hours:\n" + "\n".join(hours))
    if special:
        lines.append("Special opening hours:\n" + "\n".join(special))
    for point in graph.many(item, "contactPoint"):
        if isinstance(point, dict):
            parts = _labelled(graph, point, [("telephone", "Telephone"), ("email", "Email")])
            label = graph.text(point, "contactType") or "Contact"
            if parts:
                lines.append(f"{label[:1].upper()}{label[1:]}: " + ", ".join(parts))
    amenities = [
        graph.text(a, "name") for a in graph.many(item, "amenityFeature") if isinstance(a, dict)
    ]
    if any(amenities):
        lines.append("Amenities: " + ", ".join(a for a in amenities if a))
    people = []
    for key in ("founder", "employee", "member", "employees"):
        for person in graph.many(item, key):
            if isinstance(person, dict) and graph.text(person, "name"):
                role = graph.text(person, "jobTitle")
                people.append(graph.text(person, "name") + (f" — {role}" if role else ""))
    if people:
        lines.append("People:\n" + "\n".join(dict.fromkeys(people)))
    sections = [Section(headings=[name], text="\n".join(line for line in lines if line))]
    for menu in graph.many(item, "hasMenu"):
        # A menu that is an object of its own in the page's graph is read as one (page text).
        if isinstance(menu, dict) and menu.get("@id") not in graph.top_ids:
            sections += _menu(graph, menu, [name])
    for catalog in graph.many(item, "hasOfferCatalog") + graph.many(item, "makesOffer"):
        if isinstance(catalog, dict):
            sections += _offers(graph, catalog, [name])
    return sections


def _menu_item_line(graph: _Graph, item: dict[str, Any]) -> str:
    parts = [graph.text(item, "name"), graph.text(item, "description"), _prices(graph, item)]
    diets = [_plain(d).rsplit("/", 1)[-1] for d in graph.many(item, "suitableForDiet")]
    if any(diets):
        parts.append(", ".join(re.sub(r"Diet$", "", d) for d in diets if d))
    return " — ".join(p for p in parts if p)


def _menu(graph: _Graph, menu: dict[str, Any], path: list[str], depth: int = 0) -> list[Section]:
    title = graph.text(menu, "name") or "Menu"
    headings = [*path, title]
    lines = [graph.text(menu, "description")]
    lines += [
        _menu_item_line(graph, item)
        for item in graph.many(menu, "hasMenuItem")
        if isinstance(item, dict)
    ]
    sections = []
    text = "\n".join(line for line in lines if line)
    if text:
        sections.append(Section(headings=headings, text=text))
    if depth < 4:
        for section in graph.many(menu, "hasMenuSection"):
            if isinstance(section, dict):
                sections += _menu(graph, section, headings, depth + 1)
    return sections


def _offers(graph: _Graph, item: dict[str, Any], path: list[str], depth: int = 0) -> list[Section]:
    """An OfferCatalog, Service, Offer or Product as lines "name — description — price"."""
    title = graph.text(item, "name") or _words(_types(item)[0] if _types(item) else "Offers")
    lines: list[str] = []
    children = graph.many(item, "itemListElement") + graph.many(item, "hasOfferCatalog")
    own = [graph.text(item, "description"), _prices(graph, item)]
    offered = graph.resolve(item.get("itemOffered"))
    if isinstance(offered, dict):
        own = [graph.text(offered, "name"), graph.text(offered, "description"), *own]
    if any(own) and not children:
        return [Section(headings=path, text=" — ".join([title, *[p for p in own if p]]))]
    sections: list[Section] = []
    for child in children:
        child = graph.resolve(child)
        if not isinstance(child, dict):
            continue
        if "item" in child and isinstance(graph.resolve(child["item"]), dict):
            child = graph.resolve(child["item"])
        if depth < 4 and (child.get("itemListElement") or child.get("hasOfferCatalog")):
            sections += _offers(graph, child, [*path, title], depth + 1)
            continue
        offered = graph.resolve(child.get("itemOffered"))
        target = offered if isinstance(offered, dict) else child
        parts = [graph.text(target, "name"), graph.text(target, "description")]
        parts.append(_prices(graph, child) or _price(graph, child) or _prices(graph, target))
        line = " — ".join(p for p in parts if p)
        if line:
            lines.append(line)
    if lines:
        sections.insert(0, Section(headings=[*path, title], text="\n".join(lines)))
    return sections


def _faq(graph: _Graph, item: dict[str, Any]) -> list[Section]:
    sections = []
    title = graph.text(item, "name") or "Frequently asked questions"
    for question in graph.many(item, "mainEntity"):
        if not isinstance(question, dict):
            continue
        asked = graph.text(question, "name") or graph.text(question, "text")
        answers = [
            graph.text(a, "text")
            for a in graph.many(question, "acceptedAnswer")
            + graph.many(question, "suggestedAnswer")
            if isinstance(a, dict)
        ]
        answer = " ".join(a for a in answers if a)
        if asked and answer:
            sections.append(Section(headings=[title, asked], text=answer))
    return sections


def _event(graph: _Graph, item: dict[str, Any], kind: str) -> list[Section]:
    name = graph.text(item, "name") or _words(kind)
    lines = _labelled(
        graph,
        item,
        [("description", "Description"), ("startDate", "Starts"), ("endDate", "Ends")],
    )
    location = graph.resolve(item.get("location"))
    if isinstance(location, dict):
        where = ", ".join(
            p for p in (graph.text(location, "name"), _address(graph, location.get("address"))) if p
        )
        if where:
            lines.append(f"Location: {where}")
    price = _prices(graph, item)
    if price:
        lines.append(f"Price: {price}")
    return [Section(headings=[name], text="\n".join(lines))] if lines else []


def _sections_for(graph: _Graph, item: dict[str, Any], out: StructuredSections) -> None:
    types = _types(item)
    lowered = [t.lower() for t in types]
    if not types or all(t in _IGNORED_TYPES for t in lowered):
        return
    kind = types[0]
    if "faqpage" in lowered:
        out.page += _faq(graph, item)
    elif any(t in ("menu", "menusection") for t in lowered):
        out.page += _menu(graph, item, [])
    elif "menuitem" in lowered:
        out.page.append(Section(headings=[], text=_menu_item_line(graph, item)))
    elif any(t in ("offercatalog", "service", "offer", "product", "itemlist") for t in lowered):
        out.page += _offers(graph, item, [])
    elif any("event" in t for t in lowered):
        out.page += _event(graph, item, kind)
    elif any(hint in t for t in lowered for hint in _BUSINESS_HINTS):
        out.site += _business(graph, item, kind)


def structured_data_sections(tree: Any) -> StructuredSections:
    """Sections from every JSON-LD block of a parsed page; malformed blocks are skipped."""
    roots: list[Any] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > _MAX_SCRIPT_CHARS:
            continue
        try:
            roots.append(json.loads(raw))
        except (ValueError, RecursionError):
            continue
    out = StructuredSections()
    if not roots:
        return out
    graph = _Graph(roots)
    for item in graph.top:
        try:
            _sections_for(graph, item, out)
        except (RecursionError, TypeError, ValueError, AttributeError):
            continue  # an odd shape in one object loses that object only
    out.page = [s for s in out.page if s.text.strip()]
    out.site = [s for s in out.site if s.text.strip()]
    return out
