"""Requests to book, to be called back or to leave a message, carried out in code.

Given "a table for four this Saturday at 7pm" and then a name and number, the embedded 1.5B
model calls the wrong tool, books the first free slot, or says "I'll pass that on" and stores
nothing (measured on the answer corpus: a quarter of such requests landed). What these
requests need is plain: which errand it is, the day and time, who the caller is and how to
reach them. The desk reads them from the caller's own words (`errands`, `CallerWords`), asks
for what is missing, and calls the same tools the model would, through the same session, so
every check, record and timing stays as it is; its replies are built from the tools' own
results. Questions about the business stay with the model. Only models that ask for it get a
desk (`guided_actions`: the embedded one); larger models drive the tools themselves.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import time
from typing import Any

from livekit.agents import llm

from frontdesk.runtime.booking_checks import kind_label, party_refusal, say_clocks
from frontdesk.runtime.booking_limits import booking_limits, kind_off_day, matter_of
from frontdesk.runtime.caller_words import caller_texts, contact_in
from frontdesk.runtime.direct_answers import day_hours
from frontdesk.runtime.errands import Kind, declines, has_content, intent, name_in, says_when
from frontdesk.runtime.follow_through import asks_about_business, caller_details
from frontdesk.runtime.knowledge_note import is_reference
from frontdesk.runtime.tools import ReceptionTools

ASK_WHEN = "Of course. Which day would you like, and at what time?"
PICK_A_TIME = "Which time would suit you?"
OTHER_TIME = "Which other time or day would suit you?"
ANOTHER_DAY = "Would another day suit you?"
ASK_BODY = "Of course. What would you like me to pass on?"
ASK_CONTACT = "Could I have your name and a phone number or email, so {purpose}?"
ASK_NAME = "And could I have your name, please?"
ASK_REACH = "And what's the best phone number or email to reach you?"
COULD_NOT = (
    "Sorry, I couldn't save that just now. Could you give me your phone number or email again?"
)
# Sentences of a tool's result that instruct the model rather than tell the caller anything.
_INSTRUCTION = re.compile(
    r"^(offer|ask|call|explain|do not|don't|if nothing|read|tell|use|say|book it|never)\b",
    re.IGNORECASE,
)
_FREE = re.compile(r"^(\d{2}:\d{2}) on (.+?) is free\.")
# A contact detail is asked for at most this often before the errand is stored without it:
# a caller who will not give a number still leaves their message.
ASKS_FOR_CONTACT = 2


@dataclass
class Call:
    """A tool call the desk makes in the model's place."""

    name: str
    arguments: dict[str, Any]
    call_id: str


@dataclass
class Errand:
    kind: Kind
    request: str  # the caller's words that asked for it
    body: str | None = None  # a message's text, once known
    contact_asks: int = 0
    free_at: str | None = None  # "19:00": the time check_availability found free
    done: bool = False
    # What the knowledge says about booking this ("Hannah works Tuesdays and Thursdays"),
    # read to the caller once before anything is booked.
    conditions: str = ""
    told: bool = False
    kind_asked: bool = False
    # (day, time said) of the check in flight, and of the last one that found it taken: the
    # caller who answers "not free" with only their name has not picked another time yet.
    checking: tuple[str, str] | None = None
    taken: tuple[str, str] | None = None


class ActionDesk:
    """One conversation's errand in progress, and the tool calls the desk made for it."""

    def __init__(self, tools: ReceptionTools) -> None:
        self.tools = tools
        self.errand: Errand | None = None
        self._issued: dict[str, str] = {}  # call id → tool name
        self._ids = itertools.count()
        self._seen: str | None = None  # the caller message the desk last read
        self._context = llm.ChatContext.empty()

    # -- what a turn asks for -----------------------------------------------------------------
    def can(self, kind: Kind) -> bool:
        spec = self.tools.spec
        if kind == "booking":
            return spec.tool_enabled("book_appointment") and spec.tool_enabled("check_availability")
        if kind == "callback":
            return spec.tool_enabled("capture_lead") or spec.tool_enabled("take_message")
        return spec.tool_enabled("take_message")

    def _kind_words(self) -> frozenset[str]:
        """The word of each appointment kind that asks for it: its last, the thing booked
        ("tasting" of "Cake tasting", "massage" of "Deep tissue massage"). The words before
        it name what the business sells too: "can you make the cake gluten-free?" is a
        question about a cake, not a request for a tasting."""
        words: set[str] = set()
        for kind in self.tools.spec.appointment_types:
            said = [
                word
                for word in re.findall(r"[a-z]+", str(kind.get("name", "")).lower())
                if len(word) > 3 and word not in {"appointment", "appointments", "visit", "visits"}
            ]
            if said:
                words.add(said[-1])
                words.add(kind_label(said[-1]))
        return frozenset(words)

    async def take(self, chat_ctx: llm.ChatContext) -> Call | str | None:
        """The desk's step for this generation: a tool call, a reply, or None (the model's)."""
        step = await self._take(chat_ctx)
        # Tools write "19:00" so the model reads one form; the caller hears "7 pm".
        return say_clocks(step) if isinstance(step, str) else step

    async def _take(self, chat_ctx: llm.ChatContext) -> Call | str | None:
        self._context = chat_ctx
        last = chat_ctx.items[-1] if chat_ctx.items else None
        if last is not None and last.type == "function_call_output":
            if last.call_id in self._issued:
                return self._after(self._issued.pop(last.call_id), last.output, last.is_error)
            return None
        turn = _latest_caller(chat_ctx)
        if turn is None or turn.id == self._seen:
            return None
        self._seen = turn.id
        text = turn.text_content or ""
        asked = intent(text, self._kind_words())
        pending = self.errand is not None and not self.errand.done
        if pending and self.errand is not None and asked == self.errand.kind:
            pass  # "yes, book it: Dana, 555…" goes on with the errand it answers
        elif asked is not None and self.can(asked):
            self.errand = Errand(asked, text, body=text if has_content(text) else None)
            if asked == "booking":
                self.errand.conditions = await self._conditions(text)
        elif self.errand is None or self.errand.done:
            return None
        elif declines(text):
            self.errand = None
            return None
        elif self.errand.kind == "message" and self.errand.body is None:
            self.errand.body = text
        elif not _gives_details(text) and asks_about_business(text):
            return None  # a question in the middle: the model answers, the errand waits
        return self._next(self.errand, chat_ctx)

    # -- the next step of an errand ----------------------------------------------------------
    def _call(self, tool: str, **arguments: Any) -> Call:
        call_id = f"desk_{next(self._ids)}"
        self._issued[call_id] = tool
        return Call(tool, arguments, call_id)

    def _next(self, errand: Errand, chat_ctx: llm.ChatContext) -> Call | str | None:
        if errand.kind == "booking":
            return self._booking(errand, chat_ctx)
        if errand.kind == "message" and errand.body is None:
            return ASK_BODY
        name, contact = caller_details(chat_ctx)
        purpose = (
            "someone can call you back"
            if errand.kind == "callback"
            else ("the team can get back to you")
        )
        missing = self._ask_contact(errand, name, contact, purpose)
        if missing:
            return missing
        return self._store(errand, name, contact)

    def _ask_contact(
        self, errand: Errand, name: str | None, contact: str | None, purpose: str
    ) -> str | None:
        if name and contact:
            return None
        if errand.contact_asks >= ASKS_FOR_CONTACT:
            return None
        errand.contact_asks += 1
        if not name and not contact:
            return ASK_CONTACT.format(purpose=purpose)
        return ASK_NAME if not name else ASK_REACH

    def _store(self, errand: Errand, name: str | None, contact: str | None) -> Call:
        request = errand.body or errand.request
        if errand.kind == "callback" and self.tools.spec.tool_enabled("capture_lead") and name:
            phone, email = _split(contact)
            return self._call(
                "capture_lead", name=name, phone=phone, email=email,
                interest=_short(errand.request), notes=f"Asked to be called back: {request}",
            )  # fmt: skip
        text = request if errand.kind == "message" else f"Please call back: {request}"
        return self._call("take_message", message=text, name=name or "", contact=contact or "")

    def _booking(self, errand: Errand, chat_ctx: llm.ChatContext) -> Call | str | None:
        spec = self.tools.spec
        party = self.tools.caller_words.party_size()
        refusal = party_refusal(spec, party)
        if refusal:
            # A group the business does not book here becomes a call back about it.
            self.errand = Errand("callback", errand.request)
            rule = f" {spec.booking_rules}" if spec.booking_rules else ""
            return (
                f"I'm sorry, I can't book a group of {party} here: we take bookings for up to "
                f"{spec.max_party_size} people.{rule} I can have someone call you back about "
                "it. Could I have your name and a phone number?"
            )
        kind = self._kind(chat_ctx)
        if kind is False:
            # A day the business is closed, or a rule that limits the booking, is said
            # before the caller is asked to choose between kinds it may not matter for.
            closed = self._closed_day()
            if closed:
                return f"I'm sorry, {closed} {ANOTHER_DAY}"
            errand.kind_asked = True
            names = [str(k["name"]) for k in spec.appointment_types]
            note = ""
            if errand.conditions and not errand.told:
                errand.told = True
                note = f" Please note: {errand.conditions}"
            return f"Certainly.{note} Which would you like: " + _or(names) + "?"
        asked = self.tools.caller_words.asked_when(self.tools.today(), self.tools.month_first)
        if not asked.days:
            return ASK_WHEN
        day = asked.days[0].isoformat()
        named = self._kind_name(kind if isinstance(kind, str) else None)
        off = kind_off_day(errand.conditions, named, asked.days[0])
        if off and errand.free_at is None:
            # The kind's own days leave this one out: no times that day are offered.
            errand.told = True
            return f"I'm sorry: {off} {ANOTHER_DAY}"
        if errand.free_at is None or not (asked.times and asked.times[-1].matches(
            _clock(errand.free_at)
        )):  # fmt: skip
            errand.free_at = None
            said = (day, repr(asked.times[-1]) if asked.times else "")
            if said == errand.taken:
                return OTHER_TIME  # the same time again would be refused again
            errand.checking = said
            return self._call(
                "check_availability", day=day, time="", appointment_type=kind or "",
                party_size=party or 0,
            )  # fmt: skip
        name, contact = caller_details(chat_ctx)
        missing = self._ask_contact(errand, name, contact, "I can book it")
        if missing:
            return missing
        if not name:
            # Asked twice and no name read: the model takes the conversation from here.
            self.errand = None
            return None
        phone, email = _split(contact)
        return self._call(
            "book_appointment", day=day, time=errand.free_at, name=name, phone=phone,
            email=email, appointment_type=kind or "", notes=errand.request,
            party_size=party or 0,
        )  # fmt: skip

    def _kind(self, chat_ctx: llm.ChatContext) -> str | None | bool:
        """The appointment type the caller named: its key, None where the business has no
        types, False where it has several and the caller has not said which."""
        kinds = self.tools.spec.appointment_types
        if not kinds:
            return None
        if len(kinds) == 1:
            return str(kinds[0]["key"])
        for text in reversed(caller_texts(chat_ctx)):
            said = _kind_terms(text)
            # (words of its name said, words not said, position), most said first, then the
            # fewest unsaid: "a table" is the plain "Dinner tables", not "Tasting menu
            # tables"; "a pelvic health assessment" the "Pelvic Health Initial Assessment".
            named = sorted(
                (-len(said & _kind_terms(name)), len(_kind_terms(name) - said), i)
                for i, k in enumerate(kinds)
                if said & _kind_terms(name := f"{k['key']} {k['name']}")
            )
            # A kind that puts something new in ("Water heater install") is for a caller who
            # asks for that: "my water heater is leaking, can someone take a look?" names
            # the heater, not an install; it is the business's other kind when it has one.
            new_work = [n for n in named if _NEW_WORK.search(str(kinds[n[2]]["name"]))]
            if new_work and not _NEW_WORK.search(text):
                named = [n for n in named if n not in new_work]
                others = [k for k in kinds if not _NEW_WORK.search(str(k["name"]))]
                if not named and len(others) == 1:
                    return str(others[0]["key"])
            if len(named) == 1 or (len(named) > 1 and named[0][:2] < named[1][:2]):
                return str(kinds[named[0][2]]["key"])
        if self.errand is not None and self.errand.kind_asked:
            return str(kinds[0]["key"])  # asked once already: the first kind, not a loop
        return False

    # -- after a tool answered ---------------------------------------------------------------
    def _after(self, tool: str, output: str, failed: bool) -> Call | str | None:
        errand = self.errand
        if failed or errand is None:
            return _for_caller(output) or COULD_NOT
        if tool == "check_availability":
            free = _FREE.match(output)
            if free is None:
                # The time is taken or none was said: what is free, for the caller to pick.
                said = _for_caller(output) or COULD_NOT
                errand.taken = errand.checking
                none = said.startswith(("No free times", "Nothing is free"))
                if none:
                    said += self._closed(said)
                if errand.conditions and not errand.told:
                    errand.told = True
                    said += f" Please note: {errand.conditions}"
                return f"{said} {ANOTHER_DAY if none else PICK_A_TIME}"
            errand.free_at = free.group(1)
            return self._resume(errand, free.group(2))
        errand.done = True
        if tool == "book_appointment":
            return _confirmation(output)
        name = _lead_name(output)
        thanks = f"Thank you, {name}. " if name else "Thank you. "
        if errand.kind == "callback":
            return thanks + "I've passed your request on, and someone will get back to you soon."
        return thanks + "I've passed your message on, and the team will get back to you."

    def _kind_name(self, key: str | None) -> str:
        """The name of the kind `key`; with no kinds, the caller's request has none."""
        kinds = self.tools.spec.appointment_types
        return next((str(k["name"]) for k in kinds if str(k["key"]) == key), "")

    def _closed_day(self) -> str:
        """ "we're closed on Sundays." when the caller asked for a day the business is shut."""
        asked = self.tools.caller_words.asked_when(self.tools.today(), self.tools.month_first)
        if not asked.days:
            return ""
        day = asked.days[0].strftime("%A")
        return f"we're closed on {day}s." if day_hours(self.tools.spec).get(day) == "closed" else ""

    def _closed(self, said: str) -> str:
        """ " We're closed on Mondays." when the day with nothing free is a closed day."""
        for day, hours in day_hours(self.tools.spec).items():
            if day in said and hours == "closed":
                return f" We're closed on {day}s."
        return ""

    def _resume(self, errand: Errand, day: str) -> Call | str | None:
        """A free time was found: book it when the caller's details are in, else ask. What
        the knowledge says about such a booking is read out first, and the caller decides."""
        free = f"{errand.free_at} on {day} is free."
        if errand.conditions and not errand.told:
            errand.told = True
            name, contact = caller_details(self._context)
            ask = (
                "Shall I book it?"
                if name and contact
                else ("If you'd like it, could I have your name and a phone number or email?")
            )
            return f"{free} Before I book it, please note: {errand.conditions} {ask}"
        step = self._booking(errand, self._context)
        if isinstance(step, str) and step.startswith(("Could I", "And ")):
            return f"{free} {step}"
        return step

    async def _conditions(self, request: str) -> str:
        """The sentences of the knowledge that limit this request (who, when, ages, notice,
        what is not done), or "" when none (booking_limits)."""
        if not self.tools.spec.tool_enabled("search_knowledge"):
            return ""
        kinds = self.tools.spec.appointment_types
        try:
            snippets = await self.tools.services.search_knowledge(request, 3)
            # The caller's own matter looked up alone too: a rule about "Tesla" is seldom
            # among the passages most like a request for brakes on a Friday.
            matter = matter_of(request, kinds)
            if matter:
                seen = {s.text for s in snippets}
                more = await self.tools.services.search_knowledge(matter, 3)
                snippets = [*snippets, *(s for s in more if s.text not in seen)]
        except Exception:  # noqa: BLE001 - the booking goes on without the reminder
            return ""
        return booking_limits(request, snippets, kinds)


def _latest_caller(chat_ctx: llm.ChatContext) -> llm.ChatMessage | None:
    last = chat_ctx.items[-1] if chat_ctx.items else None
    if last is None or last.type != "message" or last.role != "user" or is_reference(last):
        return None
    return last


def _gives_details(text: str) -> bool:
    return contact_in(text) is not None or name_in(text) is not None or says_when(text)


def _split(contact: str | None) -> tuple[str, str]:
    if not contact:
        return "", ""
    return ("", contact) if "@" in contact else (contact, "")


def _short(text: str, words: int = 12) -> str:
    said = text.split()
    return " ".join(said[:words]) + ("…" if len(said) > words else "")


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# Work that puts in something new, in a kind's name and in a caller's words.
_NEW_WORK = re.compile(r"\b(?:install\w*|replac\w*|fit|fitting|upgrad\w*|put in)\b", re.I)
_GENERIC_KIND_WORDS = frozenset({"appointment", "booking", "reservation", "visit", "the", "and"})


def _kind_terms(text: str) -> set[str]:
    """The words naming a kind of appointment, singular ("tables" and "table" are one)."""
    words = {kind_label(w) for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}
    return words - _GENERIC_KIND_WORDS


def _clock(hhmm: str) -> time:
    hour, minute = hhmm.split(":")
    return time(int(hour), int(minute))


def _for_caller(output: str) -> str:
    """A tool's result without the sentences addressed to the model."""
    text = re.sub(r"^(Not booked|Not saved):\s*", "", output.strip())
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = [s for s in sentences if s and not _INSTRUCTION.match(s)]
    said = " ".join(kept).strip()
    if not said:
        return ""
    return said[0].upper() + said[1:]


def _confirmation(output: str) -> str:
    """ "Booked a 90-minute table for Dana, party of 4, on Saturday 12 December at 19:00
    (until 20:30); appointment …" read to the caller, with the hold time when there is one."""
    head, _, rest = output.partition("; appointment ")
    held = re.search(r"The [^.]+ is held for \d+ minutes after that time\.", rest)
    said = "You're booked: " + head[len("Booked ") :] if head.startswith("Booked ") else head
    return said + "." + (f" {held.group(0)}" if held else "") + " Is there anything else?"


def _lead_name(output: str) -> str | None:
    found = re.match(r"Saved the details of (.+?) \(lead ", output)
    return found.group(1) if found else None
