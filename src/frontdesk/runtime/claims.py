"""The checkable facts a sentence states: numbers, prices, times, dates, durations, phone
numbers, emails, web addresses and proper names, each with a normalised value.

The same reading is applied to the agent's sentence and to the evidence it may rest on
(runtime/evidence.py), so the two meet however each is written: "fifteen minutes" and
"15 min", "7pm" and "19:00", "$34" and "34 dollars", "07700 900123" and "+44 7700 900123".

The order of the readings matters: each one blanks out what it took, so the digits of a
phone number are not read again as numbers, nor the year of a date as a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from frontdesk.runtime.money import PRICE, PRICE_UNIT, RATE_WORDS, amount, family_and_scale
from frontdesk.runtime.spoken_numbers import digits_for_words

MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ORD = r"(?:st|nd|rd|th)?"


@dataclass(frozen=True)
class Claim:
    """One checkable fact. `value` depends on `kind` (see `find_claims`); `nouns` are the
    words a number counts ("7 courses") or the unit a price is for ("per pound")."""

    kind: str
    text: str
    value: Any
    nouns: tuple[str, ...] = ()


def month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(i + 1 for i, name in enumerate(MONTHS) if name.startswith(word[:3]))


class _Reader:
    """Takes claims out of a text one kind at a time, blanking what each kind took."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.claims: list[Claim] = []

    def take(self, pattern: re.Pattern[str], make: Any) -> None:
        """`make(match)` returns the claims of one match (None: not a claim, leave it)."""
        spans: list[tuple[int, int]] = []
        for match in pattern.finditer(self.text):
            made = make(match)
            if made is None:
                continue
            self.claims.extend(made)
            spans.append(match.span())
        for start, end in spans:
            self.text = self.text[:start] + " " * (end - start) + self.text[end:]


# -- contacts --------------------------------------------------------------------------------
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_TLDS = (
    "com|org|net|edu|gov|io|co|uk|ca|au|nz|ie|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|"
    "info|biz|shop|store|app|dev|me|us|health|dental|vet|restaurant|cafe|menu|salon|law"
)
URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+"
    rf"|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
_YEARS = re.compile(r"^(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d$")
_CLOCK_RANGE = re.compile(r"^\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}$")


def url_parts(url: str) -> tuple[str, str]:
    """(host without "www.", path without a trailing slash), lower case."""
    url = url.lower().rstrip(".,;:!?")
    url = re.sub(r"^https?://", "", url)
    host, _, path = url.partition("/")
    return host.removeprefix("www."), path.rstrip("/")


def _email(m: re.Match[str]) -> list[Claim]:
    return [Claim("email", m.group(0), m.group(0).lower().rstrip("."))]


def _url(m: re.Match[str]) -> list[Claim]:
    return [Claim("url", m.group(0).rstrip(".,;:!?"), url_parts(m.group(0)))]


def _phone(m: re.Match[str]) -> list[Claim] | None:
    raw = m.group(0).strip()
    digits = re.sub(r"\D", "", raw)
    if not 7 <= len(digits) <= 15 or _YEARS.match(raw) or _CLOCK_RANGE.match(raw):
        return None
    return [Claim("phone", raw, digits)]


# -- dates ----------------------------------------------------------------------------------
DAY_MONTH = re.compile(
    rf"\b(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?"
    rf"(?P<m>{_MONTH})(?![a-z])(?:,?\s+(?P<y>\d{{4}})\b)?",
    re.IGNORECASE,
)
MONTH_DAY = re.compile(
    rf"\b(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<m>{_MONTH})\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\b"
    # "December 24 and 31", "May 3, 4 and 5": more days of the same month.
    rf"(?P<more>(?:(?:,|\s+and|\s+&|\s+or)\s+\d{{1,2}}{_ORD}\b(?![:.]\d|\s*[a-z%$]))*)"
    rf"(?:,?\s+(?P<y>\d{{4}})\b)?",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
# "3/12", "3/12/2026", "03.12.2026": day and month may be either way round.
NUMERIC_DATE = re.compile(
    r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2}(?:\d{2})?))?(?![\d/])"
    r"|(?<![\d.])(?P<a2>\d{1,2})\.(?P<b2>\d{1,2})\.(?P<y2>\d{4})(?!\d)"
)


# Holidays on a fixed date are dates: "open on Christmas Eve" rests on "December 24".
_HOLIDAYS = {
    "new year's eve": (12, 31), "new years eve": (12, 31), "new year's day": (1, 1),
    "new years day": (1, 1), "christmas eve": (12, 24), "christmas day": (12, 25),
    "christmas": (12, 25), "boxing day": (12, 26), "valentine's day": (2, 14),
    "halloween": (10, 31), "st. patrick's day": (3, 17), "st patrick's day": (3, 17),
    "independence day": (7, 4), "the fourth of july": (7, 4), "fourth of july": (7, 4),
}  # fmt: skip
HOLIDAY = re.compile(
    r"\b(?:"
    + "|".join(re.escape(h).replace("'", "['’]?") for h in sorted(_HOLIDAYS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


def _holiday(m: re.Match[str]) -> list[Claim]:
    key = re.sub(r"[’]", "'", m.group(0).lower())
    month_day = _HOLIDAYS.get(key) or _HOLIDAYS[key.replace("'", "")]
    return [Claim("date", m.group(0), (frozenset({month_day}), None, None))]


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _date(m: re.Match[str]) -> list[Claim] | None:
    groups = m.groupdict()
    weekday = WEEKDAYS.index(groups["wd"].lower()) if groups.get("wd") else None
    if m.re is NUMERIC_DATE:
        a, b = int(groups["a"] or groups["a2"]), int(groups["b"] or groups["b2"])
        if groups["a"] and groups["b"] and (a, b) == (24, 7):
            return None  # "24/7" means always, read as such later
        readings = {(x, y) for x, y in ((a, b), (b, a)) if 1 <= x <= 12 and 1 <= y <= 31}
        year = _year(groups["y"] or groups["y2"])
    else:
        month = int(groups["m"]) if m.re is ISO_DATE else month_number(groups["m"])
        year = _year(groups.get("y"))
        more = re.findall(r"\d+", groups.get("more") or "")
        if more:  # each day of "December 24 and 31" is a date of its own
            first = Claim(
                "date", m.group(0).strip(), (frozenset({(month, int(groups["d"]))}), year, weekday)
            )
            return [first] + [
                Claim("date", f"{groups['m']} {day}", (frozenset({(month, int(day))}), year, None))
                for day in more
                if 1 <= int(day) <= 31
            ]
        readings = {(month, int(groups["d"]))}
    readings = {r for r in readings if 1 <= r[0] <= 12 and 1 <= r[1] <= 31}
    if not readings:
        return None
    return [Claim("date", m.group(0).strip(), (frozenset(readings), year, weekday))]


# -- times ----------------------------------------------------------------------------------
_MER = r"(?P<mer>[ap]\.\s?m\.|[ap]\s?m\b)"
# After an hour, words that still leave it an hour ("at 9 on Saturday", "until 5 today").
_TIME_OK_AFTER = (
    r"(?!\s*(?!(?:on|and|or|every|daily|today|tomorrow|tonight|in|sharp|at|from|to|until|"
    r"till|then|each|weekdays?|weekends?|mon|tue|wed|thu|fri|sat|sun)\b)[a-z%$€£])"
)
TIMES = [
    re.compile(rf"\b(?P<h>\d{{1,2}})(?:[:.](?P<m>[0-5]\d))?\s?{_MER}", re.IGNORECASE),
    re.compile(rf"\b(?P<h>\d{{1,2}})\s(?P<m>[0-5]\d)\s?{_MER}", re.IGNORECASE),
    re.compile(r"\b(?P<h>\d{1,2}):(?P<m>[0-5]\d)(?![:\d])"),
    re.compile(r"\b(?P<h>\d{1,2})h(?P<m>[0-5]\d)\b"),
    re.compile(r"\b(?P<h>\d{1,2})h(?=\s*[-–]\s*\d)"),
    # "15h" is a time after a word that leads to one ("à 15h", "bis 18h"), else a duration.
    re.compile(
        r"(?:\b(?:at|to|until|from|till|à|a|de|bis|um)\s+|[-–]\s*)(?P<h>\d{1,2})h\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<h>\d{1,2})\s*o['’]?clock\b", re.IGNORECASE),
    re.compile(r"\b(?P<q>half|quarter)\s+past\s+(?P<h>\d{1,2})\b", re.IGNORECASE),
    re.compile(r"\b(?P<q>quarter)\s+to\s+(?P<h>\d{1,2})\b", re.IGNORECASE),
    re.compile(r"\b(?P<word>noon|midday|midnight)\b", re.IGNORECASE),
    # Opening hours written as bare ranges: "11–10", "9 to 5", "9-17".
    re.compile(
        rf"\b(?P<h>\d{{1,2}})\s*(?:-|–|—|to|until|till)\s*(?P<h2>\d{{1,2}})\b(?![.,:]\d)"
        rf"{_TIME_OK_AFTER}",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:at|until|till|til|by|before|after|around|from|opens?(?:\s+at)?|"
        rf"closes?(?:\s+at)?)\s+(?P<h>\d{{1,2}})(?:\s(?P<m>[0-5]\d))?\b(?![.,:]\d)"
        rf"{_TIME_OK_AFTER}",
        re.IGNORECASE,
    ),
]
_PART_OF_DAY = re.compile(
    r"^\s*(?:in the (?P<p>morning|afternoon|evening)|(?P<n>at night|tonight))", re.IGNORECASE
)


def _minutes(hour: int, minute: int, mer: str | None, written: str) -> frozenset[int]:
    """The minutes after midnight a written time can mean (two for "7" or "7:30")."""
    if mer:
        base = (hour % 12 + (12 if mer.lower().startswith("p") else 0)) * 60
        return frozenset({base + minute})
    if hour == 24:
        return frozenset({minute})
    if hour == 0 or hour > 12 or written.startswith("0"):
        return frozenset({hour * 60 + minute})
    return frozenset({hour % 12 * 60 + minute, (hour % 12 + 12) * 60 + minute})


def _time(m: re.Match[str], text: str) -> list[Claim] | None:
    groups = m.groupdict()
    if groups.get("word"):
        value = 0 if groups["word"].lower() == "midnight" else 12 * 60
        return [Claim("time", m.group(0), frozenset({value}))]
    hour = int(groups["h"])
    minute = int(groups.get("m") or 0)
    if hour > 24 or (groups.get("h2") and int(groups["h2"]) > 24):
        return None
    mer = groups.get("mer")
    after = _PART_OF_DAY.match(text[m.end() :])
    if not mer and after:
        mer = "am" if after.group("p") == "morning" else "pm"
    if groups.get("q"):
        minute = 30 if groups["q"].lower() == "half" else 15
        if m.group(0).lower().split()[1] == "to":
            hour, minute = (hour - 1) % 12 or 12, 45
    written = groups["h"]
    claims = [Claim("time", m.group(0).strip(), _minutes(hour, minute, mer, written))]
    if groups.get("h2"):
        claims.append(Claim("time", groups["h2"], _minutes(int(groups["h2"]), 0, None, "")))
    return claims


# -- durations --------------------------------------------------------------------------------
_UNIT_MINUTES = {
    "min": 1, "minute": 1, "h": 60, "hr": 60, "hour": 60, "day": 1440, "night": 1440,
    "week": 10080, "month": 43200, "year": 525600,
}  # fmt: skip
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|h|days?|nights?|weeks?|months?|years?)"
DURATIONS = [
    re.compile(r"\ban?\s+hour\s+and\s+a\s+half\b", re.IGNORECASE),
    re.compile(rf"\b(?P<n>\d+)\s+and\s+a\s+half\s+(?P<u>{_UNIT})\b", re.IGNORECASE),
    re.compile(r"\b(?P<half>half\s+an?\s+hour|half-hour)\b", re.IGNORECASE),
    re.compile(r"\b(?P<quarter>(?:a\s+)?quarter\s+of\s+an\s+hour|quarter-hour)\b", re.IGNORECASE),
    re.compile(
        r"\b(?P<n>\d+)\s*(?P<u>hours?|hrs?|h)\s*(?:and\s*)?(?P<n2>\d+)\s*(?:minutes?|mins?)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"(?<![\d.,])(?P<n>\d+(?:[.,]\d+)?)\s*-?\s*(?P<u>{_UNIT})\b", re.IGNORECASE),
    re.compile(r"\b(?P<an>an)\s+(?P<u>hour)\b", re.IGNORECASE),
]
WEEKLY = re.compile(
    r"\b(?P<n>\d)\s+days?\s+(?:a|per|each)\s+week\b|(?<![\d/])(?P<always>24/7)(?![\d/])",
    re.IGNORECASE,
)


def _unit_minutes(unit: str) -> int:
    unit = unit.lower().rstrip("s")
    return _UNIT_MINUTES.get(unit, _UNIT_MINUTES.get(unit[:3], 1))


def _duration(m: re.Match[str]) -> list[Claim]:
    groups = m.groupdict()
    text = m.group(0)
    if groups.get("half"):
        value = Decimal(30)
    elif groups.get("quarter"):
        value = Decimal(15)
    elif groups.get("an"):
        value = Decimal(60)
    elif "n" not in groups:
        value = Decimal(90)  # an hour and a half
    else:
        number = Decimal(groups["n"].replace(",", "."))
        if "and a half" in text.lower():
            number += Decimal("0.5")
        value = number * _unit_minutes(groups["u"])
        if groups.get("n2"):
            value += Decimal(groups["n2"])
    return [Claim("duration", text.strip(), value.normalize())]


def _weekly(m: re.Match[str]) -> list[Claim]:
    return [Claim("weekly", m.group(0), 7 if m.group("always") else int(m.group("n")))]


# -- money ------------------------------------------------------------------------------------
def _price(m: re.Match[str], text: str) -> list[Claim] | None:
    written = m.group("a1") or m.group("a2") or m.group("a3")
    value = amount(written)
    if value is None:
        return None
    family, scale = family_and_scale(m)
    if m.group("cents"):
        value += Decimal(m.group("cents")) / 100
    unit = PRICE_UNIT.match(text[m.end() :])
    nouns: tuple[str, ...] = ()
    shown = m.group(0).strip()
    if unit is not None:
        word = (unit.group("unit") or unit.group("each") or "").lower()
        if unit.group("conn") in ("a", "an") and word not in RATE_WORDS:
            word = ""
        if word:
            nouns = (word,)
            shown = f"{shown} {unit.group(0).strip()}"
    return [Claim("money", shown, ((value / scale).normalize(), family), nouns)]


# -- plain numbers ------------------------------------------------------------------------------
# Not digits glued to letters: "R-134a" and "A4" are model names, not numbers.
NUMBER = re.compile(
    r"(?<![\w.,])(?P<n>\d+(?:[.,]\d+)*)(?:(?P<ord>st|nd|rd|th)\b|(?P<pct>\s?%)|(?![A-Za-z]))"
)
_FUNCTION_WORDS = frozenset(
    "a an the and or of to in on at for per from with by is are was were be more less than "  # noqa: SIM905
    "up each before after am pm it its that this we you our your they them there here as so "
    "but if then about over under within into out off also just only still both all any".split()
)
_FOLLOWING_WORDS = re.compile(r"^[\s-]*([A-Za-z][\w'’]*)(?:[\s-]+([A-Za-z][\w'’]*))?")


def following_nouns(text: str) -> tuple[str, ...]:
    """Up to two words after a number, up to the first function word: what it counts."""
    match = _FOLLOWING_WORDS.match(text)
    nouns: list[str] = []
    if match:
        for word in match.groups():
            if word is None or word.lower() in _FUNCTION_WORDS:
                break
            nouns.append(word.lower())
    return tuple(nouns)


def _number(m: re.Match[str], text: str) -> list[Claim] | None:
    value = amount(m.group("n"))
    if value is None:
        return None
    if m.group("pct"):
        nouns: tuple[str, ...] = ("percent",)
    else:
        nouns = following_nouns(text[m.end() :])
    return [Claim("number", m.group(0).strip(), value, nouns)]


@dataclass(frozen=True)
class Reading:
    claims: list[Claim]
    written: str  # the text with its numbers as digits
    blanked: str  # the same with every claim blanked out (same length)


# "1. The brisket…", "2) Ribs…": a list's numbering states nothing.
_LIST_MARK = re.compile(r"^\s*\d{1,2}[.)](?=\s)", re.MULTILINE)


def find_claims(text: str) -> Reading:
    """Every claim of `text` but names (see proper_names.py)."""
    written = digits_for_words(text)
    reader = _Reader(written)
    reader.take(_LIST_MARK, lambda m: [])
    reader.take(EMAIL, _email)
    reader.take(URL, _url)
    for pattern in (DAY_MONTH, MONTH_DAY, ISO_DATE, NUMERIC_DATE):
        reader.take(pattern, _date)
    reader.take(HOLIDAY, _holiday)
    reader.take(PRICE, lambda m: _price(m, reader.text))
    reader.take(PHONE, _phone)
    reader.take(WEEKLY, _weekly)
    for pattern in TIMES:
        reader.take(pattern, lambda m: _time(m, reader.text))
    for pattern in DURATIONS:
        reader.take(pattern, _duration)
    reader.take(NUMBER, lambda m: _number(m, reader.text))
    return Reading(reader.claims, written, reader.text)
