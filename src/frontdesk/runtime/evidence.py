"""What one turn of the agent may state, indexed so that each claim can be looked up.

The evidence is everything the turn rests on: the knowledge it was shown, the owner's
business facts and settings, the results of its tools, the caller's own words and what the
agent itself already said (each of those sentences passed this check or is the owner's
greeting). It is read with the very same readers as the agent's sentences (claims.py), so
a value matches however either side wrote it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from frontdesk.runtime.claims import Claim, find_claims
from frontdesk.runtime.money import same_family, unit_matches
from frontdesk.runtime.proper_names import normal_words

# Prices are looked up with the line they stand on, to see what they are for.
_PIECES = re.compile(r"\n+|(?<=[.!?;])\s+")
# Counted nouns that mean the same thing to a caller.
_SYNONYMS = [
    frozenset({"peop", "pers", "gues", "dine", "adul", "pax", "cove", "seat", "part", "grou"}),
    frozenset({"perc", "%"}),
]
_EVERY_DAY = re.compile(
    r"\b(?:daily|every\s+day|7\s+days|mon(?:day)?\s*(?:-|–|—|to|through)\s*sun(?:day)?)\b",
    re.IGNORECASE,
)
_DAY_WITH_HOURS = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?:?\s+\d", re.IGNORECASE)
# What a number taken from a time, a date or a price counts: not guests, not courses.
_OF_CLOCK, _OF_DATE, _OF_PRICE, _OF_DURATION = ("o'clock",), ("date",), ("price",), ("minutes",)


@dataclass(frozen=True)
class _Read:
    claims: tuple[tuple[Claim, str], ...]  # each with the line it stands on
    words: frozenset[str]
    phrase: str
    every_day: bool


@lru_cache(maxsize=4096)
def _read(text: str) -> _Read:
    """One evidence text, read once: a conversation's turns are evidence again for every
    later generation, and the business facts for every generation of every call."""
    claims: list[tuple[Claim, str]] = []
    words: set[str] = set()
    for piece in _PIECES.split(text):
        if piece.strip():
            reading = find_claims(piece)
            claims += [(claim, piece) for claim in reading.claims]
            words.update(normal_words(reading.written))
    days = {d.lower() for d in _DAY_WITH_HOURS.findall(text)}
    every_day = bool(_EVERY_DAY.search(text)) or len(days) == 7
    return _Read(tuple(claims), frozenset(words), " ".join(normal_words(text)), every_day)


def _stem(word: str) -> str:
    return word.lower()[:4]


def nouns_agree(claimed: tuple[str, ...], known: tuple[str, ...]) -> bool:
    """Whether a number counts the same thing in a claim and in the evidence ("7 courses"
    and "7-course menu"); a bare number on either side agrees with anything."""
    if not claimed or not known:
        return True
    mine, theirs = {_stem(w) for w in claimed}, {_stem(w) for w in known}
    if mine & theirs:
        return True
    return any(mine & group and theirs & group for group in _SYNONYMS)


def same_line(claimed: str, known: str) -> bool:
    """Whether two phone numbers' digits are one line, with or without country code or
    trunk zero ("020 7946 0958", "+44 20 7946 0958"): the last (up to ten) digits that
    both have agree."""
    claimed, known = claimed.lstrip("0"), known.lstrip("0")
    size = min(len(claimed), len(known), 10)
    return size >= 7 and claimed[-size:] == known[-size:]


class Evidence:
    def __init__(
        self, texts: Iterable[str] = (), *, today: date | None = None, calendar_days: int = 14
    ) -> None:
        self.numbers: dict[Decimal, list[tuple[str, ...]]] = defaultdict(list)
        self.money: list[tuple[Decimal, str | None, str]] = []
        self.times: set[int] = set()
        self.dates: set[tuple[int, int, int | None]] = set()
        self.durations: set[Decimal] = set()
        self.weekly: set[int] = set()
        self.phones: list[str] = []
        self.emails: set[str] = set()
        self.urls: dict[str, set[str]] = defaultdict(set)
        self.words: set[str] = set()
        self._phrases: list[str] = []
        self._joined: str | None = None
        self.today = today
        for text in texts:
            self.add(text)
        if today is not None:
            self._calendar(today, calendar_days)

    def add(self, text: str) -> None:
        if not text or not text.strip():
            return
        read = _read(text)
        for claim, piece in read.claims:
            self._index(claim, piece)
        self.words.update(read.words)
        if read.every_day:
            self.weekly.add(7)
        self._phrases.append(read.phrase)
        self._joined = None

    def _calendar(self, today: date, days: int) -> None:
        """Today and the days ahead: a reply may name the date of "this Saturday"."""
        self.numbers[Decimal(today.year)].append(())
        for ahead in range(days):
            day = today + timedelta(days=ahead)
            self.dates.add((day.month, day.day, day.year))

    def _index(self, claim: Claim, piece: str) -> None:
        kind, value = claim.kind, claim.value
        if kind == "number":
            self.numbers[value].append(claim.nouns)
        elif kind == "money":
            worth, family = value
            self.money.append((worth, family, piece))
            self.numbers[worth].append(_OF_PRICE)
        elif kind == "time":
            self.times.update(value)
            for minutes in value:
                if minutes % 60 == 0:
                    hour = minutes // 60
                    self.numbers[Decimal(hour)].append(_OF_CLOCK)
                    self.numbers[Decimal(hour % 12 or 12)].append(_OF_CLOCK)
        elif kind == "date":
            readings, year, _ = value
            for month, day in readings:
                self.dates.add((month, day, year))
                self.numbers[Decimal(day)].append(_OF_DATE)
            if year is not None:
                self.numbers[Decimal(year)].append(())
        elif kind == "duration":
            self.durations.add(value)
            first = re.match(r"\d+(?:[.,]\d+)?", claim.text)
            if first:
                self.numbers[Decimal(first.group(0).replace(",", ".")).normalize()].append(
                    _OF_DURATION
                )
        elif kind == "weekly":
            self.weekly.add(value)
        elif kind == "phone":
            self.phones.append(value)
        elif kind == "email":
            self.emails.add(value)
        elif kind == "url":
            host, path = value
            self.urls[host].add(path)

    @property
    def _phrase_text(self) -> str:
        if self._joined is None:
            self._joined = " " + " | ".join(self._phrases) + " "
        return self._joined

    def supports(self, claim: Claim) -> bool:
        kind, value = claim.kind, claim.value
        if kind == "number":
            return any(nouns_agree(claim.nouns, n) for n in self.numbers.get(value, []))
        if kind == "money":
            return self._has_price(claim)
        if kind == "time":
            return bool(value & self.times)
        if kind == "date":
            return self._has_date(value)
        if kind == "duration":
            return value in self.durations
        if kind == "weekly":
            return value in self.weekly
        if kind == "phone":
            return any(same_line(value, known) for known in self.phones)
        if kind == "email":
            return value in self.emails
        if kind == "url":
            host, path = value
            paths = self.urls.get(host)
            return paths is not None and (not path or any(path in p for p in paths))
        if kind == "name":
            return self._has_name(value)
        return False

    def _has_price(self, claim: Claim) -> bool:
        worth, family = claim.value
        unit = claim.nouns[0] if claim.nouns else None
        for known, known_family, context in self.money:
            if (
                known == worth
                and same_family(family, known_family)
                and (unit is None or unit_matches(unit, context))
            ):
                return True
        # A menu line may give a bare number as the price ("Margherita 14").
        return unit is None and () in self.numbers.get(worth, [])

    def _has_date(self, value: tuple[frozenset[tuple[int, int]], int | None, int | None]) -> bool:
        readings, year, weekday = value
        found = [
            (month, day, known_year if year is None else year)
            for month, day in readings
            for m, d, known_year in self.dates
            if (m, d) == (month, day) and (year is None or known_year in (None, year))
        ]
        if not found:
            return False
        if weekday is None or self.today is None:
            return True
        return any(self._weekday(m, d, y) == weekday for m, d, y in found)

    def _weekday(self, month: int, day: int, year: int | None) -> int | None:
        """The weekday of a date; without a year, its next occurrence from today."""
        assert self.today is not None
        try:
            if year is None:
                year = self.today.year
                if date(year, month, day) < self.today:
                    year += 1
            return date(year, month, day).weekday()
        except ValueError:
            return None

    def _has_name(self, value: tuple[str, str, tuple[str, ...], bool]) -> bool:
        phrase, short, words, street = value
        text = self._phrase_text
        if f" {phrase} " in text or (short and f" {short} " in text):
            return True
        if street:
            return False
        return all(self._has_word(w) for w in words)

    def _has_word(self, word: str) -> bool:
        if word in self.words:
            return True
        if word.endswith("s") and word[:-1] in self.words:
            return True
        return word + "s" in self.words
