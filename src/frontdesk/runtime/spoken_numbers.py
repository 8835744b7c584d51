"""Numbers written as words ("seven", "twenty-five", "third"), rewritten as digits.

A reply, a web page and a caller's transcript may each write the same number either way:
"a seven-course menu", "7 courses"; "half past six", "6:30". Claims are compared after
this rewrite, so "fifteen minutes" in a reply meets "15 minutes" on a page.

"one", "first" and "second" are mostly not numbers in speech ("which one", "at first",
"just a second"): they are rewritten only where a unit, a time or a month shows they are.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ALL = {**_UNITS, **_TEENS, **_TENS, **_SCALES, **_ORDINALS}
_WORD = "|".join(sorted(_ALL, key=len, reverse=True))
# A run of number words: "twenty-five", "one hundred and fifty", "seven thirty".
_RUN = re.compile(rf"\b(?:{_WORD})(?:(?:[\s-]+(?:and[\s-]+)?)(?:{_WORD}))*\b", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# After "one": what shows it counts something or tells the time.
_ONE_COUNTS = re.compile(
    r"^[\s-]*(?:o'?clock|hours?|hrs?|minutes?|mins?|days?|weeks?|months?|years?|nights?|"
    r"persons?|people|guests?|adults?|child(?:ren)?|dollars?|euros?|pounds?|cents?|pence|"
    r"a\.?m\b|p\.?m\b|thirty|fifteen|forty|fifty|twenty|ten\b|"
    r"in the (?:morning|afternoon|evening))",
    re.IGNORECASE,
)
_AT_BEFORE = re.compile(r"\b(?:at|until|till|by|from|to)\s+$", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b{_MONTH}\s*$", re.IGNORECASE)
_OF_MONTH_AFTER = re.compile(rf"^\s+(?:of\s+)?{_MONTH}\b", re.IGNORECASE)
_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else _SUFFIX.get(value % 10, "th")
    return f"{value}{suffix}"


def _numbers(words: list[str]) -> list[str]:
    """The numbers a run of words says, as digits: "twenty five" is one number, "five five
    five" (a phone number read out) and "seven thirty" (a time) are several."""
    out: list[str] = []
    total = current = 0
    last: str | None = None  # the class of the previous word
    started = joined = False

    def close(ordinal: bool = False) -> None:
        nonlocal total, current, started, last
        if started:
            value = total + current
            out.append(_ordinal(value) if ordinal else str(value))
        total = current = 0
        started, last = False, None

    for raw in words:
        word = raw.lower()
        if word == "and":
            joined = True
            continue
        and_before, joined = joined, False
        if word in _SCALES:
            if not started:
                close()
                continue
            if _SCALES[word] == 100:
                current = (current or 1) * 100
            else:
                total, current = (total + current) * 1000, 0
            last = "scale"
            continue
        kind = "unit" if word in _UNITS else "teen" if word in _TEENS else "tens"
        value = _ALL[word]
        if word in _ORDINALS:
            kind = "unit" if value < 10 else "teen" if value < 20 else "tens"
        # A word that cannot extend the number so far starts the next one.
        extends = not started or last == "scale" or (last == "tens" and kind == "unit")
        if not extends:
            close()
            if and_before:
                out.append("and")
        current += value
        started, last = True, kind
        if word in _ORDINALS:
            close(ordinal=True)
    close()
    return out


def digits_for_words(text: str) -> str:
    """`text` with its numbers in words written as digits (ordinals as "3rd")."""

    def rewrite(match: re.Match[str]) -> str:
        run = match.group(0)
        words = re.findall(r"[A-Za-z]+", run)
        if len(words) == 1:
            word = words[0].lower()
            before, after = text[: match.start()], text[match.end() :]
            if word == "one" and not (_ONE_COUNTS.match(after) or _AT_BEFORE.search(before)):
                return run
            if word in ("first", "second") and not (
                _MONTH_BEFORE.search(before) or _OF_MONTH_AFTER.match(after)
            ):
                return run
        numbers = _numbers(words)
        return " ".join(numbers) if numbers else run

    return _RUN.sub(rewrite, text)
