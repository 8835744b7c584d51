"""The questions every caller asks, answered from the business facts in code.

"What's your phone number?", "Where are you?", "Are you open on Sundays?": the answers sit
in the business facts the owner confirmed, yet the embedded 1.5B model read out the clinic
manager's number from a team page, or said "Yes, we are open late on Sundays" without a
time. For a question that asks only for the phone, email, address or opening hours (and
nothing else: "where are you, near the subway?" asks for more), the answer is read from the
facts; anything else stays with the model.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from frontdesk.runtime.booking_checks import say_clock
from frontdesk.runtime.spec import AgentSpec

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHORT = tuple(d[:3] for d in _DAYS)

_PHONE = re.compile(
    r"\b(phone|telephone|contact) number\b|\bwhat(?:'s| is) (?:your|the) number\b|"
    r"\bnumber (?:to|for) (?:call|ring|reach)|\bhow (?:can|do) i (?:call|phone|ring) you\b|"
    r"\bwhat number (?:can|do|should) (?:i|we) (?:call|ring|use)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b(e-?mail)( address)?\b", re.IGNORECASE)
_ADDRESS = re.compile(
    r"\b(?:your|the) address\b|\bwhere are you(?: located| based)?\b|"
    r"\bwhere(?: exactly)?(?:'s| is)(?: exactly)? "
    r"(?:your|the) (?:clinic|office|shop|store|salon|studio|restaurant|practice|place|"
    r"location|gym|bakery)\b|\bwhere (?:can|do) i find you\b|\bwhereabouts are you\b",
    re.IGNORECASE,
)
_HOURS = re.compile(
    r"\b(?:opening|business|office) hours\b|\byour hours\b|\bwhat (?:are )?(?:your |the )?"
    r"hours\b|\bwhen are you open\b|\bwhat time do you (?:open|close)\b|\bare you open\b|"
    r"\bwhen do you (?:open|close)\b|\bhow late are you open\b|\bopen (?:late|early)\b|"
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekday|weekend)s?(?: opening)? hours\b",
    re.IGNORECASE,
)
# Words a plain question of each kind may hold beside what the patterns match: anything
# more ("…near the subway?", "…on public holidays?") is a question for the model.
_PLAIN = """what what's whats where's wheres is are your you the a an please can could i me tell
    do does and
    hi hello hey so ok okay just quick question again exactly remind number phone telephone
    contact email e-mail mail address where located based find clinic office shop store
    salon studio restaurant practice place location gym bakery opening business hours open
    close closing when time late early how today tomorrow tonight this on at on what's
    guys folks call ring reach to for us of there here main general front desk have got get
    give need know whereabouts weekday weekdays weekend weekends during week morning
    afternoon evening should send write documents forms paperwork"""
_PLAIN_WORDS = (
    frozenset(_PLAIN.split()) | {d.lower() for d in _DAYS} | {d.lower() + "s" for d in _DAYS}
)


def _plain(question: str) -> bool:
    words = re.findall(r"[a-z'-]+", question.lower())
    return bool(words) and all(w in _PLAIN_WORDS for w in words)


def day_hours(spec: AgentSpec) -> dict[str, str]:
    """Each weekday's hours as said ("9 am to 5 pm", "closed"), from the one-line hours."""
    said: dict[str, str] = {}
    for part in spec.hours_text.split(";"):
        part = part.strip()
        short, _, rest = part.partition(" ")
        if short not in _SHORT:
            continue
        day = _DAYS[_SHORT.index(short)]
        if rest.strip() == "closed":
            said[day] = "closed"
            continue
        spans = []
        for span in rest.split(","):
            opens, _, closes = span.strip().partition("-")
            if opens and closes:
                spans.append(f"{say_clock(opens)} to {say_clock(closes)}")
        said[day] = " and ".join(spans) if spans else "closed"
    return said


def _week(said: dict[str, str]) -> str:
    """ "Monday to Friday 9 am to 5 pm, Saturday 10 am to 2 pm; closed on Sunday." """
    runs: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for day in _DAYS:
        if day not in said:
            continue
        if runs and runs[-1][2] == said[day] and _DAYS.index(runs[-1][1]) + 1 == _DAYS.index(day):
            runs[-1] = (runs[-1][0], day, said[day])
        else:
            runs.append((day, day, said[day]))
    open_runs = [r for r in runs if r[2] != "closed"]
    closed = [r for r in runs if r[2] == "closed"]
    text = ", ".join(f"{a if a == b else f'{a} to {b}'} {hours}" for a, b, hours in open_runs)
    if closed:
        days = " and ".join(a if a == b else f"{a} to {b}" for a, b, _ in closed)
        text += f"; closed on {days}"
    return text


def _asked_day(question: str, today: date) -> str | None:
    lowered = question.lower()
    if "today" in lowered or "tonight" in lowered:
        return _DAYS[today.weekday()]
    if "tomorrow" in lowered:
        return _DAYS[(today + timedelta(days=1)).weekday()]
    for day in _DAYS:
        if re.search(rf"\b{day.lower()}s?\b", lowered):
            return day
    return None


def _asked_days(question: str) -> tuple[str, ...] | None:
    """Monday to Friday for "on weekdays", Saturday and Sunday for "at the weekend"."""
    lowered = question.lower()
    if re.search(r"\bweekdays?\b|\bduring the week\b", lowered):
        return _DAYS[:5]
    if re.search(r"\bweekends?\b", lowered):
        return _DAYS[5:]
    return None


def direct_answer(question: str, spec: AgentSpec, today: date) -> str | None:
    """The answer from the business facts, or None when the question is not one of these
    plain ones or the facts do not hold its answer."""
    if not _plain(question):
        return None
    facts = spec.business_facts
    if _EMAIL.search(question):
        return f"Our email address is {facts['email']}." if facts.get("email") else None
    if _PHONE.search(question):
        return f"You can call us on {facts['phone']}." if facts.get("phone") else None
    if _ADDRESS.search(question):
        return f"We're at {facts['address']}." if facts.get("address") else None
    if _HOURS.search(question):
        said = day_hours(spec)
        if not said:
            return None
        group = _asked_days(question)
        if group is not None and all(d in said for d in group):
            first, last = group[0], group[-1]
            if len({said[d] for d in group}) == 1:
                hours = said[first]
                if hours == "closed":
                    return f"We're closed on {first}s and {last}s."
                return f"{first} to {last} we're open {hours}."
            return f"We're open {_week({d: said[d] for d in group})}."
        day = _asked_day(question, today)
        if day is not None and day in said:
            if said[day] == "closed":
                return f"We're closed on {day}s."
            return f"On {day}s we're open {said[day]}."
        note = f" {facts['hours_note']}" if facts.get("hours_note") else ""
        return f"We're open {_week(said)}.{note}"
    return None
