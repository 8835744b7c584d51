"""The benchmark's judge of invented facts: which checkable claims in a reply (numbers,
prices, times, dates, phone numbers, emails, web addresses, proper names) are found in none
of the turn's evidence.

Written for bench/answers.py apart from the product's own grounding check on purpose: a
benchmark that reused the product's rules would agree with the product by construction.
The rules here are simple and written down, and lean towards the reply where a reading is
ambiguous (a wrong "invented" costs the product a fact it did state): a price is supported
when its amount occurs anywhere in the evidence, an hour on the clock when the evidence has
that time or the bare hour (opening hours are often written "11–10"), a name when each of
its words occurs in the evidence, whatever the case.

What is *not* judged: a sentence's first word (without a dictionary, "Sure" and "Maria"
look the same there; the other words of a name still count), weekday and month names,
and "one" (it is mostly "one moment", "one of our team").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDER = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip
NUMBER_WORDS = {w: i for i, w in enumerate(_ORDER)} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
# Number words counted as claims in a reply ("one" is nearly always "one moment").
CLAIMED_NUMBER_WORDS = frozenset(NUMBER_WORDS) - {"zero", "one", "hundred"}
# Capitalised words that are no name: sentence openers, pronouns, courtesy, abbreviations.
NOT_NAMES = frozenset(
    (
        "i", "i'm", "i'll", "i've", "i'd", "a", "an", "the", "our", "we", "we're", "we've",
        "we'll", "you", "you're", "your", "yes", "no", "sure", "ok", "okay", "hello", "hi",
        "hey", "thanks", "thank", "please", "sorry", "unfortunately", "great", "good", "happy",
        "welcome", "of", "for", "if", "also", "and", "but", "so", "absolutely", "certainly",
        "it", "it's", "this", "that", "there", "these", "those", "here", "am", "pm", "a.m",
        "p.m", "mr", "mrs", "ms", "dr", "prof", "st", "today", "tomorrow", "tonight", "let",
        "just", "as", "at", "in", "on", "to", "by", "what", "when", "where", "who", "how",
        "which", "would", "could", "can", "may", "might", "will", "is", "are", "be", "do",
        "does", "did", "my", "me", "all", "any", "each", "every", "some", "note", "however",
        "otherwise", "alternatively", "feel",
    )
    + WEEKDAYS
    + tuple(d + "s" for d in WEEKDAYS)  # "On Fridays we're open…"
    + tuple(m for m in MONTHS if len(m) > 3)
    + tuple(d[:3] for d in WEEKDAYS)
)  # fmt: skip
TITLES = ("dr", "mr", "mrs", "ms", "prof", "st")

_CURRENCY_BEFORE = r"(?:[$£€¥₹]|\b(?:usd|gbp|eur|chf|cad|aud|nzd|sek|nok|dkk|jpy|inr|zar)\s?)"
_CURRENCY_AFTER = (
    r"(?:\s?(?:€|kr\b|dollars?\b|pounds?\b|euros?\b|francs?\b|pence\b|cents?\b|"
    r"usd\b|gbp\b|eur\b|chf\b|sek\b|nok\b|dkk\b))"
)
_AMOUNT = r"\d[\d,. ]*\d|\d"
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"\bhttps?://[^\s)>\]]+|\bwww\.[^\s)>\]]+", re.I)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\b")
DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH + r")(?![a-z])", re.I)
MONTH_DAY = re.compile(r"\b(" + _MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I)
PHONE = re.compile(r"(?<![\w@])\+?\(?\d[\d\s().-]{5,}\d(?![\w@])")
PRICE = re.compile(
    rf"{_CURRENCY_BEFORE}\s?(\d[\d,]*(?:[.,]\d+)?)|(\d[\d,]*(?:[.,]\d+)?){_CURRENCY_AFTER}", re.I
)
CLOCK_12 = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?", re.I)
# "19:00", "19h00" and "9.30" (as European and British sites write times).
CLOCK_24 = re.compile(r"\b([01]?\d|2[0-3])[:.h]([0-5]\d)\b(?![.,]\d)")
NOON = re.compile(r"\b(noon|midday|midnight)\b", re.I)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
CAPITALISED = re.compile(r"(?<![\w'’])(?=[^\W\d_])[\w'’-]+", re.UNICODE)
SENTENCE_END = re.compile(r"(?:[.!?:;]|\n|^)\s*[\"'“(*\-•]*\s*$")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Claim:
    """One checkable statement in a reply, as written there."""

    kind: str  # "email" | "url" | "date" | "phone" | "price" | "time" | "number" | "name"
    text: str


def _amounts(text: str) -> set[Decimal]:
    """The values a written number may mean: "1,200" is 1200, "12,50" may be 12.5."""
    text = text.strip().replace(" ", "")
    readings = {text.replace(",", "")}
    if re.fullmatch(r"\d+,\d{1,2}", text):
        readings.add(text.replace(",", "."))
    values = set()
    for reading in readings:
        try:
            values.add(Decimal(reading.rstrip(".")).normalize())
        except InvalidOperation:
            continue
    return values


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text).lstrip("0")


def same_phone(a: str, b: str) -> bool:
    """Whether two written numbers are the same line: their last digits agree (at least 7,
    up to 10), so "+44 7700 900123", "07700 900123" and "7700-900123" are one number."""
    da, db = _digits(a), _digits(b)
    n = min(len(da), len(db), 10)
    return n >= 7 and da[-n:] == db[-n:]


def _minutes(hour: int, minute: int, half: str | None) -> set[int]:
    """Minutes after midnight; a clock time without am/pm may be either half of the day."""
    if half:
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
        return {hour * 60 + minute}
    if hour > 12:
        return {hour * 60 + minute}
    return {(hour % 12) * 60 + minute, (hour % 12 + 12) * 60 + minute}


def _month_day(month: int, day: int) -> set[tuple[int, int]]:
    return {(month, day)} if 1 <= month <= 12 and 1 <= day <= 31 else set()


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at]
    if re.search(r"\b(?:" + "|".join(TITLES) + r")\.\s*$", before, re.I):
        return False  # "Dr. Patel": the period ends an abbreviation, not a sentence
    return SENTENCE_END.search(before) is not None


@dataclass
class _Found:
    emails: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    dates: list[tuple[str, set[tuple[int, int]]]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    prices: list[tuple[str, set[Decimal]]] = field(default_factory=list)
    times: list[tuple[str, set[int], int]] = field(default_factory=list)  # text, minutes, hour
    numbers: list[tuple[str, set[Decimal]]] = field(default_factory=list)
    names: list[tuple[str, list[str]]] = field(default_factory=list)  # the name, its words


def _scan(text: str, *, claims: bool) -> _Found:
    """Everything checkable in `text`, each span read once (a phone's digits are not also
    numbers). `claims`: reading a reply (names and number words are taken as claims)."""
    found = _Found()
    rest = unicodedata.normalize("NFKC", text)
    rest = re.sub(r"[\u2010-\u2015\u2212]", "-", rest)

    def take(pattern: re.Pattern[str]) -> list[re.Match[str]]:
        nonlocal rest
        matches = list(pattern.finditer(rest))
        for m in matches:
            rest = _blank(rest, m)
        return matches

    found.emails = [m.group(0).lower().rstrip(".") for m in take(EMAIL)]
    found.urls = [m.group(0).rstrip(".,") for m in take(URL)]
    for m in take(ISO_DATE):
        found.dates.append((m.group(0), _month_day(int(m.group(2)), int(m.group(3)))))
    for m in take(NUMERIC_DATE):
        a, b = int(m.group(1)), int(m.group(2))  # day/month or month/day: either reading
        found.dates.append((m.group(0), _month_day(b, a) | _month_day(a, b)))
    for m in take(DAY_MONTH):
        month = MONTHS[m.group(2).lower().rstrip(".")]
        found.dates.append((m.group(0), _month_day(month, int(m.group(1)))))
    for m in take(MONTH_DAY):
        month = MONTHS[m.group(1).lower().rstrip(".")]
        found.dates.append((m.group(0), _month_day(month, int(m.group(2)))))
    for m in take(CLOCK_12):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if 1 <= hour <= 12 and minute < 60:
            found.times.append((m.group(0).rstrip("."), _minutes(hour, minute, m.group(3)), hour))
    for m in take(PRICE):
        found.prices.append((m.group(0), _amounts(m.group(1) or m.group(2))))
    for m in take(CLOCK_24):
        hour, minute = int(m.group(1)), int(m.group(2))
        found.times.append((m.group(0), _minutes(hour, minute, None), hour))
    for m in take(PHONE):
        if len(_digits(m.group(0))) >= 7:
            found.phones.append(m.group(0).strip())
        else:
            rest = rest[: m.start()] + m.group(0) + rest[m.end() :]  # not a phone: give back
    for m in take(NOON):
        minutes = 0 if m.group(1).lower() == "midnight" else 720
        found.times.append((m.group(0), {minutes}, 12))
    for m in take(NUMBER):
        found.numbers.append((m.group(0), _amounts(m.group(0))))
    for m in NUMBER_WORD.finditer(rest):
        word = m.group(1).lower()
        if not claims or word in CLAIMED_NUMBER_WORDS:
            found.numbers.append((m.group(0), {Decimal(NUMBER_WORDS[word])}))
    if claims:
        found.names = _names(rest)
    return found


def _names(text: str) -> list[tuple[str, list[str]]]:
    """Runs of capitalised words, less sentence openers and the words in NOT_NAMES."""
    names: list[tuple[str, list[str]]] = []
    run: list[tuple[int, str]] = []

    def close() -> None:
        if not run:
            return
        words = run[1:] if _sentence_start(text, run[0][0]) else run  # "Sure", or "Maria"?
        words = [(at, w) for at, w in words if fold(w).rstrip(".") not in NOT_NAMES]
        kept = [re.sub(r"['’]s$", "", w).strip("-'’") for _, w in words]
        kept = [w for w in kept if len(w) > 1 and not w.isupper() or len(w) > 3]
        if kept:
            names.append((" ".join(w for _, w in run), kept))
        run.clear()

    last_end = -1
    for m in CAPITALISED.finditer(text):
        if not m.group(0)[0].isupper():
            continue
        gap = text[last_end : m.start()] if last_end >= 0 else ""
        if run:
            joined = re.fullmatch(r"\s+|\s*(?:&|of|de|la|van|von)\s*|\.\s+", gap) and not (
                gap.startswith(".") and fold(run[-1][1]) not in TITLES
            )
            if not joined:
                close()
        run.append((m.start(), m.group(0)))
        last_end = m.end()
    close()
    return names


@dataclass
class Evidence:
    """What a reply may draw on: the agent's knowledge, its business facts and settings,
    the conversation's tool results (`texts`), what the caller said (`caller`), and the
    date the agent is told it is (`today`, in the business's time zone)."""

    texts: list[str]
    caller: list[str] = field(default_factory=list)
    today: date | None = None

    def __post_init__(self) -> None:
        texts = [*self.texts, *self.caller]
        if self.today is not None:
            t = self.today
            texts.append(f"Today is {t:%A %B} {t.day}, {t.year}.")
        self._folded = fold("\n".join(texts))
        found = [_scan(t, claims=False) for t in texts]
        self._emails = {e for f in found for e in f.emails}
        self._phones = [p for f in found for p in f.phones]
        self._dates = {d for f in found for _, ds in f.dates for d in ds}
        self._times = {m for f in found for _, ms, _ in f.times for m in ms}
        self._numbers = {v for f in found for _, vs in f.numbers for v in vs}
        self._numbers |= {v for f in found for _, vs in f.prices for v in vs}
        # Every number as written is one too, also inside a time, a date or a phone
        # ("7:30" has 7 and 30; "11–10" has the hours 11 and 10).
        self._numbers |= {v for m in NUMBER.finditer(self._folded) for v in _amounts(m.group(0))}
        self._words = set(WORD.findall(self._folded))
        self._words |= {w for word in self._words for w in re.split(r"['-]", word) if w}
        self._dates |= self._derived_dates()

    def _has_word(self, word: str) -> bool:
        """A name's word is in the evidence, a hyphenated one ("Follow-up") part by part as
        the evidence's words are split."""
        folded = fold(word)
        return folded in self._words or all(
            part in self._words for part in re.split(r"[-'’]", folded) if part
        )

    def _derived_dates(self) -> set[tuple[int, int]]:
        """Dates the agent may work out from the caller's words against today: today,
        tomorrow, and the next fortnight's days whose weekday the caller named."""
        if self.today is None:
            return set()
        said = fold(" ".join(self.caller))
        days = [self.today, self.today + timedelta(days=1)]
        for n in range(2, 15):
            day = self.today + timedelta(days=n)
            if WEEKDAYS[day.weekday()] in said:
                days.append(day)
        return {(d.month, d.day) for d in days}

    def supports_number(self, values: Iterable[Decimal]) -> bool:
        return any(v in self._numbers for v in values)

    def unsupported(self, reply: str) -> list[Claim]:
        """The claims of `reply` that no evidence supports."""
        found = _scan(reply, claims=True)
        out: list[Claim] = []
        for email in found.emails:
            if email not in self._emails and email not in self._folded:
                out.append(Claim("email", email))
        for url in found.urls:
            host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/")[0]
            if host not in self._folded:
                out.append(Claim("url", url))
        for text, days in found.dates:
            if not days & self._dates:
                out.append(Claim("date", text))
        for phone in found.phones:
            if not any(same_phone(phone, p) for p in self._phones):
                out.append(Claim("phone", phone))
        for text, amounts in found.prices:
            if not self.supports_number(amounts):
                out.append(Claim("price", text))
        for text, minutes, hour in found.times:
            on_the_hour = all(m % 60 == 0 for m in minutes)
            hours = {Decimal(hour), Decimal(hour % 12 + 12)}
            if not minutes & self._times and not (on_the_hour and self.supports_number(hours)):
                out.append(Claim("time", text))
        for text, values in found.numbers:
            if not self.supports_number(values):
                out.append(Claim("number", text))
        for text, words in found.names:
            if not all(self._has_word(w) for w in words):
                out.append(Claim("name", text))
        return out
