"""'What time is spin on a Wednesday?': the class, on the day asked, read off the timetable.

Gyms, yoga studios and dance schools publish a week's classes as a table: a row per start
time, a column per day ("18:00 — Monday: Strength Club — Tuesday: Boxfit — Wednesday: Spin —
…", as the reader writes a row), or a row per day and a column per time. Given two such rows
in its note, the embedded 1.5B model read the spin of another day off the row ("The spin class
is scheduled for 10:15 on Wednesday") or gave up. When the caller names a day and a class,
and the timetable's cells for that day hold the class, the desk says when, quoting the cell
and the time as the business wrote them; "in the evening", "in the morning" narrow the times.
Asked for the earliest or the latest class ("What's the earliest class I can take before
work?"), the desk says the first or last start time of the day named, or of the week, with
what is on then. Anything else (no day named, the class not on that day, a table that is not
a timetable) stays with the model.

Hours of one service by day ("Breakfast served / Monday – Friday — Times: 7:30 – 9:30 /
Saturday & Sunday — Times: 8:00 – 10:00") are read the same way: asked "What time is
breakfast on a Sunday?", the model had answered with the afternoon cream tea that the same
page serves "From Wednesday to Sunday, 2 pm – 5 pm". The line whose day range covers the
day asked, and whose words or label name what was asked, is said as written.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import in_context, pieces, stems_of
from frontdesk.onboarding.opening_hours import read_line
from frontdesk.onboarding.site_lines import Line
from frontdesk.runtime.knowledge_note import ROW_CELL, ROW_MIN_CELLS, THE_BUSINESS
from frontdesk.runtime.when import WEEKDAYS

_DAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.IGNORECASE)
# What a question asks when it asks about a class's time.
_ASKS_WHEN = re.compile(
    r"\b(?:what time|when|is there|are there|do you (?:have|run|do)|any|what's on|what is on|"
    r"what classes|which classes)\b",
    re.IGNORECASE,
)
_YES_NO = re.compile(r"^\s*(?:is|are|do|does|can|could|any)\b", re.IGNORECASE)
# Part of a day → (from, until) in minutes after midnight.
_PARTS = {
    "morning": (0, 12 * 60),
    "lunchtime": (11 * 60 + 30, 14 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 24 * 60),
    "night": (18 * 60, 24 * 60),
}
_PART = re.compile(r"\b(morning|lunchtime|afternoon|evening|night)s?\b", re.IGNORECASE)
# Words of the question that name neither the class nor the day.
_NOT_THE_CLASS = stems_of(
    "class classes session sessions lesson lessons course time week there today tonight on "
    "morning mornings lunchtime afternoon afternoons evening evenings night nights start "
    "starts schedule timetable"
) | frozenset(stems_of(" ".join(WEEKDAYS)))
_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?\.?\s*m?\.?\s*$", re.IGNORECASE)
# "Wednesday: Spin", "7:00 am: Sunrise Vinyasa": the column's name, then the cell.
_COLUMN_VALUE = re.compile(r"^\s*(?P<column>.+?):\s+(?P<value>.*)$")
_EMPTY = re.compile(r"^[\s\-–—]*$")
# Times one class is on in a day that are worth saying in one answer.
_MOST_TIMES = 4


def timetable_answer(question: str, texts: list[str]) -> str | None:
    """When the class asked about runs on the day asked, per the timetable in `texts`."""
    day_match = _DAY.search(question)
    if day_match is None or not _ASKS_WHEN.search(question):
        return None
    day = day_match.group(1).lower()
    part = _PART.search(question)
    window = _PARTS[part.group(1).lower()] if part else (0, 24 * 60)
    wanted = stems_of(question) - _NOT_THE_CLASS - THE_BUSINESS
    if not wanted:
        return None
    found: list[tuple[int, str, str]] = []  # (minutes, time as written, the class's cell)
    for rank, text in enumerate(texts):
        for piece in pieces(rank, text):
            for minutes, written, value in _cells_on(piece.text, day):
                if window[0] <= minutes < window[1] and wanted <= stems_of(value):
                    found.append((minutes, written, value))
    if not found or len({v for _, _, v in found}) > 1 or len(found) > _MOST_TIMES:
        return None  # nothing, or classes the caller may need to choose between
    found.sort()
    times = [written for _, written, _ in found]
    when = times[0] if len(times) == 1 else ", ".join(times[:-1]) + f" and {times[-1]}"
    said = f"On {WEEKDAYS[_day_index(day)].capitalize()}s, {found[0][2]} is at {when}."
    return f"Yes. {said}" if _YES_NO.search(question) else said


# "the earliest class", "your first session on Saturday", "the latest yoga".
_EXTREME = re.compile(
    r"\b(?P<which>earliest|first|latest|last)\s+(?:\w+\s+)?(?:class|classes|session|sessions|"
    r"lesson|lessons)\b",
    re.IGNORECASE,
)
_EARLY = ("earliest", "first")
_ASKS_TIME = re.compile(r"\b(?:what time|when|how early|how late)\b", re.IGNORECASE)


def extreme_answer(question: str, texts: list[str]) -> str | None:
    """The earliest or latest start of the timetable in `texts`, on the day named or over
    the week, with what is on then; None when nothing of a timetable was found."""
    asked = _EXTREME.search(question)
    if asked is None:
        return None
    early = asked["which"].lower() in _EARLY
    if asked["which"].lower() in ("first", "last") and not _ASKS_TIME.search(question):
        return None  # "Is the first class free?" asks no time
    day_match = _DAY.search(question)
    days = [day_match.group(1).lower()] if day_match else [d[:-3] for d in WEEKDAYS]
    found: list[tuple[int, str, str, str]] = []  # (minutes, time as written, day, cell)
    for rank, text in enumerate(texts):
        for piece in pieces(rank, text):
            for day in days:
                found.extend((m, w, day, v) for m, w, v in _cells_on(piece.text, day))
    if not found:
        return None
    edge = min(m for m, *_ in found) if early else max(m for m, *_ in found)
    at = [(d, w, v) for m, w, d, v in found if m == edge]
    on = "; ".join(f"{WEEKDAYS[_day_index(d)].capitalize()}s: {v}" for d, _, v in at)
    word = "earliest" if early else "latest"
    return f"The {word} class starts at {at[0][1]} ({on})."


# Words of asking about hours: what is left names the service ("breakfast", "the kitchen").
_HOURS_ASKING = stems_of(
    "what time times when how early late until till hour hours open opens opening close "
    "closes closing serve served serving start starts finish finishes end ends available "
    "use can come go visit plan membership pass option"
)
# "What hours can I use the gym on the off-peak plan?": all the hours of one thing.
_WHICH_HOURS = re.compile(
    r"\b(?:what|which) (?:hours|times)\b|\bwhen can (?:i|we|you)\b", re.IGNORECASE
)
# "9am–4pm", "7:30 – 9:30": a clock range (a bare "8–10" may be a number of people).
_CLOCK_RANGE = re.compile(
    r"\d(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*[-–—]\s*\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|"
    r"\d{1,2}:\d{2}\s*[-–—]\s*\d{1,2}:\d{2}",
    re.IGNORECASE,
)
_ASKS_HOURS = re.compile(
    r"\b(?:what time|when|how early|how late|until what time|what hours|what are the hours)\b",
    re.IGNORECASE,
)


def day_hours_answer(question: str, texts: list[str]) -> str | None:
    """The hours of the service asked about on the day asked (or, asked "what hours…"
    with no day, all its hours), from the one line in `texts` that gives them; None when
    no line or several do."""
    day_match = _DAY.search(question)
    if not _ASKS_HOURS.search(question) or (
        day_match is None and not _WHICH_HOURS.search(question)
    ):
        return None
    day = WEEKDAYS[_day_index(day_match.group(1).lower())][:3] if day_match else None
    wanted = stems_of(question) - _NOT_THE_CLASS - THE_BUSINESS - _HOURS_ASKING
    if not wanted:
        return None  # the business's own opening hours: the business facts answer those
    said: dict[str, str] = {}
    for rank, text in enumerate(texts):
        for piece in pieces(rank, text):
            if piece.is_label or not wanted <= piece.stems | piece.label_stems:
                continue
            if day is None:
                if _CLOCK_RANGE.search(piece.text):
                    said.setdefault(in_context(piece), "")
                continue
            statement = read_line(Line(piece.text, "", piece.label, 0))
            if statement is not None and day in statement.days:
                said.setdefault(in_context(piece), "")
    if len(said) != 1:
        return None
    line = next(iter(said)).rstrip(".")
    return f"On {WEEKDAYS[_day_index(day)].capitalize()}s: {line}." if day else f"{line}."


def _day_index(stem: str) -> int:
    return next(i for i, d in enumerate(WEEKDAYS) if d.startswith(stem))


def _cells_on(row: str, day: str) -> list[tuple[int, str, str]]:
    """The (minutes, time as written, value) of a timetable row's cells on `day`: a row per
    time with a cell per day, or a row per day with a cell per time."""
    cells = row.split(ROW_CELL)
    if len(cells) < ROW_MIN_CELLS:
        return []
    head = cells[0].strip()
    out: list[tuple[int, str, str]] = []
    head_time = _minutes(head)
    head_day = _DAY.fullmatch(head.rstrip(":"))
    for cell in cells[1:]:
        m = _COLUMN_VALUE.match(cell)
        if m is None or _EMPTY.match(m["value"]):
            continue
        column, value = m["column"], m["value"].strip()
        if head_time is not None:
            column_day = _DAY.fullmatch(column.strip())
            if column_day and column_day.group(1).lower() == day:
                out.append((head_time, head, value))
        elif head_day and head_day.group(1).lower() == day:
            column_time = _minutes(column)
            if column_time is not None:
                out.append((column_time, column.strip(), value))
    return out


def _minutes(text: str) -> int | None:
    """Minutes after midnight of a clock time as timetables write one ("18:00", "6:30 pm",
    "7am"), or None."""
    m = _CLOCK.match(text)
    if m is None or (m.group(2) is None and m.group(3) is None):
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
    return hour * 60 + minute if hour < 24 and minute < 60 else None
