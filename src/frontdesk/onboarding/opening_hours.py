"""Weekly opening hours from the lines sites write them in, compared day by day.

Shapes read: "Mon–Fri 9–5", "Monday–Friday: 11–10" (11 am to 10 pm: without am/pm a closing
hour before the opening one is in the afternoon), "Tues–Sat 10:00 a.m. – 6:00 p.m.",
"Weekdays 8–6", "Daily 7am–3pm", "Sat & Sun: 10–16", table rows ("Monday | 09:00 | 17:00"),
JSON-LD as text ("Monday–Friday: 09:00–17:00", "Mo-Fr 09:00-17:00"), split days ("Tue–Sat
12–3, 6–10"), "Closed Sundays", "Sunday: Closed", German day names.

Two statements conflict only when they give the same weekday different hours: "Monday–
Friday: 11–10" and "Saturday–Sunday: 10–11" are different days and agree. Lines about a
part of the day (brunch, happy hour, the kitchen) or about holidays never set the week when
a plain opening-hours line covers that day, and never conflict with one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from frontdesk.onboarding.site_lines import Line

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMES = {
    "mon": r"mon(?:day)?s?|montags?|mo",
    "tue": r"tue(?:s(?:day)?)?s?|tu|dienstags?|di",
    "wed": r"wed(?:s|nesday)?s?|we|mittwochs?|mi",
    "thu": r"thu(?:r|rs|rsday)?s?|th|donnerstags?|do",
    "fri": r"fri(?:day)?s?|fr|freitags?",
    "sat": r"sat(?:urday)?s?|sa|samstags?|sonnabends?",
    "sun": r"sun(?:day)?s?|su|sonntags?|so",
}
_TWO_LETTER = {"mo", "tu", "we", "th", "fr", "sa", "su", "di", "mi", "do", "so"}
_DAY = "|".join(f"(?:{p})" for p in _NAMES.values())
_DAY_RE = re.compile(rf"\b(?:{_DAY})\b\.?", re.IGNORECASE)
_RANGE_SEP = r"\s*(?:[-–—]|to|through|thru|until|till|bis)\s*"
_GROUPS = (
    (re.compile(r"\b(?:weekdays?|werktags|monday to friday)\b", re.I), DAYS[:5]),
    (re.compile(r"\b(?:weekends?|wochenende)\b", re.I), DAYS[5:]),
    (
        re.compile(
            r"\b(?:daily|every ?day|7 days(?: a week)?|seven days(?: a week)?|täglich)\b", re.I
        ),
        DAYS,
    ),
)
_CLOCK = (
    r"(?:(?P<{n}h>\d{{1,2}})(?:[:.](?P<{n}m>\d{{2}}))?\s*(?P<{n}x>a\.?m\.?|p\.?m\.?|h\b|uhr\b)?"
    r"|(?P<{n}w>noon|midday|midnight))"
)
_TIME_RANGE = re.compile(
    _CLOCK.format(n="a") + r"\s*(?:[-–—]|to|until|till|bis|\|)\s*" + _CLOCK.format(n="b"),
    re.IGNORECASE,
)
_CLOSED = re.compile(r"\b(?:closed|geschlossen|ruhetag)\b", re.I)
_PART_OF_DAY = re.compile(
    r"\b(?:brunch|lunch|dinner|breakfast|happy hour|kitchen|last orders?|last seating|"
    r"delivery|takeaway|take-out|phone lines?|drop-?in|walk-?ins?|classes?|grooming)\b",
    re.I,
)
_PUBLIC_HOLIDAYS = re.compile(r"\b(?:bank|public|statutory|national)?\s*holidays?\b", re.I)
_HOLIDAY = re.compile(
    r"\b(?:holidays?|christmas|xmas|new year|easter|thanksgiving|bank holiday|"
    r"(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b)",
    re.I,
)


def _day_of(token: str) -> str | None:
    token = token.lower().rstrip(".")
    for day, pattern in _NAMES.items():
        if re.fullmatch(pattern, token):
            return day
    return None


@dataclass(frozen=True)
class Statement:
    """What one line says about some weekdays: intervals, or [] for closed."""

    text: str
    source: str
    days: dict[str, tuple[tuple[time, time], ...]]
    partial: bool  # a part of the day (brunch, kitchen…): never sets a day a plain line sets


@dataclass
class Week:
    hours: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    quotes: list[str] = field(default_factory=list)  # the lines the week was read from
    conflicts: list[dict[str, str]] = field(default_factory=list)


def _day_spans(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, days) of each day expression: ranges, lists' items, groups."""
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    tokens = [m for m in _DAY_RE.finditer(text) if _plausible_day(m, text)]
    i = 0
    while i < len(tokens):
        first = tokens[i]
        start_day = _day_of(first.group(0))
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            nxt is not None
            and re.fullmatch(_RANGE_SEP, text[first.end() : nxt.start()], re.I)
            and start_day is not None
        ):
            end_day = _day_of(nxt.group(0))
            a, b = DAYS.index(start_day), DAYS.index(end_day or start_day)
            days = DAYS[a : b + 1] if a <= b else DAYS[a:] + DAYS[: b + 1]
            spans.append((first.start(), nxt.end(), days))
            i += 2
            continue
        if start_day is not None:
            spans.append((first.start(), first.end(), (start_day,)))
        i += 1
    for pattern, days in _GROUPS:
        for match in pattern.finditer(text):
            spans.append((match.start(), match.end(), days))
    spans.sort()
    # Items of a list ("Mon, Wed & Fri 9–1", "Sat and Sun: closed") share what follows.
    merged: list[tuple[int, int, tuple[str, ...]]] = []
    for span in spans:
        if merged and re.fullmatch(r"\s*(?:,|&|and|\+|/|und)\s*", text[merged[-1][1] : span[0]]):
            start, _, days = merged[-1]
            merged[-1] = (start, span[1], tuple(dict.fromkeys(days + span[2])))
        else:
            merged.append(span)
    return merged


def _plausible_day(match: re.Match[str], text: str) -> bool:
    """Two-letter codes ("Mo", "Do", "So") are days only in a range or list of days."""
    token = match.group(0).rstrip(".")
    if token.lower() not in _TWO_LETTER:
        return True
    if not token[0].isupper():
        return False
    around = text[max(0, match.start() - 4) : match.end() + 4]
    if re.search(rf"(?:{_DAY})\s*[-–,]\s*(?:{_DAY})", around, re.I):
        return True
    # A line that starts with the code and a time: "Sa 09:00-13:00" (schema.org's shape).
    return match.start() == 0 and bool(re.match(r"\s*:?\s*\d", text[match.end() :]))


def _hour(h: str | None, m: str | None, x: str | None, word: str | None) -> tuple[int, int, str]:
    """(hour, minute, meridiem "am"/"pm"/"24"/"") as written."""
    if word:
        return (12, 0, "24") if word.lower() in ("noon", "midday") else (24, 0, "24")
    mark = (x or "").lower().replace(".", "")
    meridiem = mark if mark in ("am", "pm") else ("24" if mark in ("h", "uhr") else "")
    hour, minute = int(h or 0), int(m or 0)
    if hour > 12 or (m is not None and hour == 0) or (h and h.startswith("0") and len(h) == 2):
        meridiem = meridiem or "24"  # "17:00", "09:00": a 24-hour clock
    return hour, minute, meridiem


def _to_24(hour: int, meridiem: str) -> int:
    if meridiem == "pm" and hour < 12:
        return hour + 12
    if meridiem == "am" and hour == 12:
        return 0
    return hour


def _interval(match: re.Match[str], previous_end: int | None) -> tuple[int, int, int, int] | None:
    """(open h, open m, close h, close m) in 24-hour time, reading am/pm the way people do."""
    oh, om, ox = _hour(match["ah"], match["am"], match["ax"], match["aw"])
    ch, cm, cx = _hour(match["bh"], match["bm"], match["bx"], match["bw"])
    if oh > 24 or ch > 24 or om > 59 or cm > 59:
        return None
    if not ox and cx in ("am", "pm"):
        # "9–5pm": the opening hour shares the meridiem unless that puts it after closing.
        ox = cx if _to_24(oh, cx) * 60 + om < _to_24(ch, cx) * 60 + cm else "am"
    if not cx and ox in ("am", "pm"):
        cx = "pm" if ox == "am" else "pm"
    o, c = _to_24(oh, ox), _to_24(ch, cx)
    if not ox and not cx:
        # No am/pm at all: "11–10" is 11 am to 10 pm; an early start with a later
        # sitting ("12–3, 6–10") or a very early one ("5–10") is the evening.
        if previous_end is not None and o * 60 + om < previous_end and o + 12 <= 23:
            o, c = o + 12, c + 12 if c + 12 <= 24 else c
        elif o < 6 and c < 12 and c + 12 <= 24:
            o, c = o + 12, c + 12
        elif c * 60 + cm <= o * 60 + om + 60 and c + 12 <= 24:
            c += 12  # "10–11" is not a one-hour day: 10 am to 11 pm
    if c == 24 or (c * 60 + cm <= o * 60 + om and c < 6):
        c, cm = 23, 59  # until midnight or past it: the calendar day ends at 23:59
    if o >= 24 or c * 60 + cm <= o * 60 + om:
        return None
    return o, om, c, cm


def _is_time_range(match: re.Match[str], text: str) -> bool:
    before = text[max(0, match.start() - 1) : match.start()]
    if before in ("$", "€", "£") or re.match(
        r"\s*(?:%|years?|yrs|people|guests|min)", text[match.end() :]
    ):
        return False
    # Two bare numbers in table cells are not times.
    return "|" not in match.group(0) or bool(
        match["ax"] or match["am"] or match["bm"] or match["bx"]
    )


def read_line(line: Line) -> Statement | None:
    """The weekly hours one line states, or None when it states none."""
    text = line.text
    spans = _day_spans(text)
    if not spans:
        return None
    if _HOLIDAY.search(_PUBLIC_HOLIDAYS.sub("", text)) or (
        _HOLIDAY.search(text) and not re.search(r"[&,]|\band\b", text)
    ):
        # "Christmas Eve: 9–12" and "Dec 24 (Thursday) 9–12" are about one day of the year;
        # "Sunday & bank holidays: 9am–2pm" still gives Sunday's hours.
        return None
    ranges = [m for m in _TIME_RANGE.finditer(text) if _is_time_range(m, text)]
    days: dict[str, tuple[tuple[time, time], ...]] = {}
    for n, (start, end, group) in enumerate(spans):
        stop = spans[n + 1][0] if n + 1 < len(spans) else len(text)
        own = [m for m in ranges if end <= m.start() < stop]
        closed_before = _CLOSED.search(text[max(0, start - 12) : start])
        if not own and n + 1 < len(spans) and not (_CLOSED.search(text[end:stop]) or closed_before):
            # A list split by text ("Mon to Thu and Sat: 9–5" is read by the next); "closed
            # Mondays. Tastings are Tuesday…" is no list: Monday is closed.
            continue
        intervals: list[tuple[time, time]] = []
        previous_end: int | None = None
        for match in own:
            value = _interval(match, previous_end)
            if value is None:
                continue
            oh, om, ch, cm = value
            intervals.append((time(oh, om), time(ch, cm)))
            previous_end = ch * 60 + cm
        if intervals:
            for day in group:
                days[day] = tuple(intervals)
        elif _CLOSED.search(text[end:stop]) or closed_before:
            for day in group:
                days[day] = ()
    if not days:
        return None
    # An earlier day group without times ("Mon, Tue and Thu: 9–5") takes the next one's.
    for n, (_, _, group) in enumerate(spans[:-1]):
        missing = [d for d in group if d not in days]
        later = next(
            (spans[k][2] for k in range(n + 1, len(spans)) if spans[k][2][0] in days), None
        )
        if missing and later:
            for day in missing:
                days[day] = days[later[0]]
    partial = bool(_PART_OF_DAY.search(text + " " + line.heading)) or _says_more(text)
    return Statement(text, line.source, days, partial)


# Words an opening-hours line is made of; a line with several others ("4–6pm at the bar:
# $1.50 oysters", "10am–3pm. Lemon ricotta pancakes…") is about something the business offers
# at those times (its heading, "Happy Hour", often sits on a line of its own), not its hours.
_HOURS_WORDS = frozenset(
    "open opens opening hours hour from to and until till through daily every day days week "  # noqa: SIM905
    "weekdays weekends closed we are we're is our the office clinic shop store studio "
    "am pm a p m noon midday midnight by appointment only except public holidays".split()
)
_PRICE = re.compile(r"[$£€¥]\s?\d|\d\s?(?:€|eur|usd|gbp|dollars?|pounds?|euros?)\b", re.I)


def _says_more(text: str) -> bool:
    if _PRICE.search(text):
        return True
    rest = _TIME_RANGE.sub(" ", _DAY_RE.sub(" ", text))
    words = [w for w in re.findall(r"[a-zà-ÿ']+", rest.lower()) if w not in _HOURS_WORDS]
    return len(words) >= 4


def _as_dicts(intervals: tuple[tuple[time, time], ...]) -> list[dict[str, str]]:
    return [{"opens": f"{a:%H:%M}", "closes": f"{b:%H:%M}"} for a, b in intervals]


def _describe(intervals: tuple[tuple[time, time], ...]) -> str:
    return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in intervals) or "closed"


def read_week(lines: list[Line]) -> Week:
    """The week the lines state (the first plain statement of a day wins; days no line
    gives are closed), and every weekday two statements give different hours."""
    statements = [s for s in (read_line(line) for line in lines) if s is not None]
    week = Week()
    if not statements:
        return week
    chosen: dict[str, Statement] = {}
    for partial in (False, True):
        for statement in statements:
            if statement.partial != partial:
                continue
            for day in statement.days:
                chosen.setdefault(day, statement)
    if not any(chosen[d].days[d] for d in chosen):
        return week  # only "closed" lines: no week to build
    week.hours = {day: _as_dicts(chosen[day].days[day]) if day in chosen else [] for day in DAYS}
    week.quotes = list(dict.fromkeys(s.text for s in chosen.values()))
    seen: set[tuple[str, str, str]] = set()
    for day in DAYS:
        said = [s for s in statements if day in s.days and not s.partial]
        for other in said[1:]:
            first = said[0]
            if other.days[day] != first.days[day]:
                key = (day, first.text, other.text)
                if key not in seen:
                    seen.add(key)
                    week.conflicts.append(
                        {
                            "day": day,
                            "quote": first.text,
                            "source": first.source,
                            "other_quote": other.text,
                            "other_source": other.source,
                            "says": _describe(first.days[day]),
                            "other_says": _describe(other.days[day]),
                        }
                    )
    return week
