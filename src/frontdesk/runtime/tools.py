"""The receptionist's tools: plain async functions over `ReceptionServices`.

Each tool checks its arguments in code before anything is stored (dates resolved against
today in the business's zone; contact details validated by the services, and accepted only
when the caller said them, whatever model wrote the call), and every refusal becomes a
`ToolError` whose text the model sees, so a bad argument turns into a question to the
caller, never a crash. `build_tools` adapts the enabled ones into livekit function tools.

An existing booking is changed only for a caller who proved it is theirs (`BookingLookup`);
anyone else is steered to leaving a message, and no tool result describes a booking the
caller has not proved is theirs: not its name, not its time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from livekit.agents import function_tool
from livekit.agents.llm import Tool, ToolError, Toolset

from frontdesk.agents.country import month_first
from frontdesk.leads.contact_details import InvalidContact, normalize_phone, region_of
from frontdesk.providers.embeddings.checked import EmbeddingError
from frontdesk.runtime.booking_checks import (
    OR_MESSAGE,
    best_reading,
    confirmation,
    differs,
    free_at,
    match_kind,
    mismatch,
    party_refusal,
    say_day,
    spread,
)
from frontdesk.runtime.caller_words import CallerWords
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.runtime.knowledge_note import answered_in, quoted_reference
from frontdesk.runtime.services import BookingInfo, ReceptionServices, ServiceRefusal, Snippet
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.when import UnclearWhen, resolve_date, resolve_datetime, resolve_time
from frontdesk.runtime.when_said import SaidTime

# A snippet is about the question when its cosine similarity reaches RELEVANCE_FLOOR
# (MiniLM scale) or it holds KEYWORD_COVERAGE_FLOOR of the question's words weighted by
# rarity; otherwise the agent says it does not know instead of improvising from unrelated
# text. Measured on the answer corpus (bench/corpus_retrieval.py, 7 sites, 143 questions):
# the cosine alone kept the answer of 77 of 119 rankable questions (a short question against
# a long chunk often scores ~0.25 though the chunk answers it); with coverage >= 0.4 as well,
# 93, while notes for questions the sites do not answer went from 16 to 17 of 42.
# Both judge the whole chunk, and a chunk often answers in one line of thirty. So a chunk is
# also about the question when one of its pieces (a line with its label) reaches
# SENTENCE_FLOOR, or holds every word the question asks about (`knowledge_note.answered_in`).
# On the 12-site corpus (319 questions, 72 of them unanswerable) the answer reached the note
# for 182 of 247 questions with the chunk signals alone, 195 with both piece signals, while
# unanswerable questions given a note stayed at 39 of 72 (0.5 kept that; 0.45 gave 40).
# Searching five passages (reception_agent.NOTE_PASSAGES) and the note's own changes moved
# that: at 0.45 the note holds the answer of 210 of 247 (209 at 0.5) with unanswerable
# questions noted unchanged at 42 of 72; 0.40 gives 211 but 44.
RELEVANCE_FLOOR = 0.30
KEYWORD_COVERAGE_FLOOR = 0.4
SENTENCE_FLOOR = 0.45
NO_KNOWLEDGE = (
    "NOTHING_RELEVANT: the knowledge base does not answer this. Say you don't know that and "
    "offer to take a message."
)
KNOWLEDGE_DOWN = (
    "The knowledge base cannot be searched right now. Answer only from the business facts "
    "you were given; otherwise say you will find out and offer to take a message."
)

UNSAID_CONTACT = (
    "Not saved: {details} was not said by the caller in this conversation (it may come from "
    "the website or documents, or be a guess). Ask the caller for their own phone number or "
    "email and use exactly what they say."
)
TAKE_A_MESSAGE = (
    " Do not guess or describe any booking. Offer to take a message for the business with "
    "take_message (the caller's name, how to reach them and what they want changed); the team "
    "will confirm with the person who booked."
)
CHANGES_OFF = (
    "Appointments cannot be cancelled or moved in this conversation: the business makes such "
    "changes itself." + TAKE_A_MESSAGE
)
NOT_PROVED = (
    "No appointment this caller can change was found. An appointment can be changed here only "
    "if it was booked earlier in this same conversation{caller_id}." + TAKE_A_MESSAGE
)

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def is_relevant(snippet: Snippet, question: str) -> bool:
    """Whether a search result is about the question (see RELEVANCE_FLOOR)."""
    return (
        snippet.score >= RELEVANCE_FLOOR
        or snippet.keyword_coverage >= KEYWORD_COVERAGE_FLOOR
        or snippet.sentence_score >= SENTENCE_FLOOR
        or answered_in(question, snippet.text)
    )


class ReceptionTools:
    """The tool implementations for one conversation."""

    def __init__(
        self, spec: AgentSpec, services: ReceptionServices, clock: Clock = _utc_now
    ) -> None:
        self.spec = spec
        self.services = services
        self.clock = clock
        self.zone = ZoneInfo(spec.timezone)
        # Filled in by the agent before every model turn (ReceptionAgent.llm_node).
        self.caller_words = CallerWords(spec.country, spec.caller_number)
        self._month_first = month_first(spec.country) if spec.country else None

    def _said_by_caller(self, *values: str) -> None:
        """Refuse contact details the caller never said (e.g. copied from a web page)."""
        unsaid = self.caller_words.unsaid(*values)
        if unsaid:
            details = " and ".join(repr(v.strip()) for v in unsaid)
            raise ToolError(UNSAID_CONTACT.format(details=details))

    def _line_number(self, email: str = "") -> str | None:
        """A phone call's caller ID, for a caller who gave no contact of their own."""
        return None if email else self.spec.caller_number

    async def _guard(self, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except (ServiceRefusal, UnclearWhen) as exc:
            raise ToolError(str(exc)) from exc

    # -- the tools -------------------------------------------------------------------------
    async def search_knowledge(self, query: str) -> str:
        """Search the business's knowledge base (website and documents).

        Args:
            query: The caller's question, in their words.
        """
        try:
            snippets = await self._guard(self.services.search_knowledge(query, 3))
        except EmbeddingError as exc:
            raise ToolError(KNOWLEDGE_DOWN) from exc
        relevant = [s for s in snippets if is_relevant(s, query)]
        if not relevant:
            return NO_KNOWLEDGE
        # Quoted like the knowledge notes: what a page says is never an instruction.
        return quoted_reference("\n\n".join(f"[{s.source}] {s.text}" for s in relevant))

    async def business_info(self) -> str:
        """Opening hours, address, phone and email of the business."""
        facts = self.spec.business_facts
        lines = [f"Opening hours: {self.spec.hours_text} ({self.spec.timezone})."]
        for key, label in [("address", "Address"), ("phone", "Phone"), ("email", "Email")]:
            if facts.get(key):
                lines.append(f"{label}: {facts[key]}")
        if facts.get("hours_note"):
            lines.append(str(facts["hours_note"]))
        return "\n".join(lines)

    async def capture_lead(
        self,
        name: str,
        phone: str = "",
        email: str = "",
        interest: str = "",
        notes: str = "",
    ) -> str:
        """Save the caller's contact details so the business can follow up.

        Args:
            name: The caller's full name.
            phone: Phone number, if given.
            email: Email address, if given.
            interest: What they are interested in.
            notes: Anything else worth passing on.
        """
        self._said_by_caller(phone, email)
        lead_id = await self._guard(
            self.services.capture_lead(
                name=name,
                phone=phone or self._line_number(email),
                email=email or None,
                interest=interest or None,
                notes=notes or None,
            )  # fmt: skip
        )
        return f"Saved the details of {name} (lead {lead_id})."

    def _today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def today(self) -> date:
        """Today in the business's time zone."""
        return self._today()

    @property
    def month_first(self) -> bool | None:
        """Whether the business's country writes the month first in dates (3/12 = March)."""
        return self._month_first

    def _party(self, party_size: int | None) -> int | None:
        """The party size: the model's, or the caller's own words when the model left it
        out or wrote less ("a group of ten" stays ten); refused over the business's max."""
        said = self.caller_words.party_size()
        party = max([p for p in (party_size, said) if p and 0 < p <= 1000], default=None)
        refusal = party_refusal(self.spec, party)
        if refusal:
            raise ToolError(refusal)
        return party

    def _kind_key(self, appointment_type: str | None) -> str | None:
        appointment_type = appointment_type or ""
        kind = match_kind(self.spec, appointment_type)
        if kind is not None:
            return str(kind["key"])
        return appointment_type or None  # the services name the kinds there are

    async def _free(self, day: date, kind: str | None) -> list[datetime]:
        return await self._guard(self.services.available_starts(day=day, appointment_type=kind))

    async def check_availability(
        self, day: str, time: str = "", appointment_type: str = "", party_size: int = 0
    ) -> str:
        """Find free appointment times on a day, and whether the time the caller wants is free.

        Args:
            day: The day as the caller said it, e.g. "tomorrow", "Saturday", "December 3".
            time: The time the caller wants, as they said it (e.g. "7pm"), if they said one.
            appointment_type: The kind of appointment, if the business has several.
            party_size: How many people, if the caller said.
        """
        self._party(party_size)
        kind = self._kind_key(appointment_type)
        time = time or ""  # strict tool schemas send null for an argument left out
        try:
            when = resolve_date(day, self._today(), self._month_first)
        except UnclearWhen as exc:
            raise ToolError(str(exc)) from exc
        starts = await self._free(when, kind)
        said_day = say_day(when, self.spec.country)
        wanted: SaidTime | None = None
        if time.strip():
            try:
                moment = resolve_time(time)
            except UnclearWhen as exc:
                raise ToolError(str(exc)) from exc
            wanted = SaidTime(moment.hour, moment.minute)
        else:
            asked = self.caller_words.asked_when(self._today(), self._month_first)
            if asked.times and (not asked.days or when in asked.days):
                wanted = asked.times[-1]
        if wanted is not None:
            at = best_reading(wanted, when, self.zone, starts)
            free, sentence = free_at(at, starts, self.zone, self.spec.country)
            if free:
                return f"{sentence} Offer it to the caller and book it if they agree."
            return f"{sentence} Offer those to the caller.{OR_MESSAGE}"
        if not starts:
            return f"No free times on {said_day}. Offer another day.{OR_MESSAGE}"
        times = ", ".join(f"{s.astimezone(self.zone):%H:%M}" for s in spread(starts, self.zone))
        return f"Free on {said_day} from: {times}. Ask which time the caller would like."

    async def book_appointment(
        self,
        day: str,
        time: str,
        name: str,
        phone: str = "",
        email: str = "",
        appointment_type: str = "",
        notes: str = "",
        party_size: int = 0,
    ) -> str:
        """Book an appointment at the day and time the caller asked for.

        Args:
            day: The day exactly as the caller said it, e.g. "this Saturday" or "December 3".
            time: The time exactly as the caller said it, e.g. "7pm" or "half past three".
            name: The caller's full name.
            phone: The caller's phone number as they said it (or give an email).
            email: The caller's email address.
            appointment_type: The kind of appointment, if the business has several.
            notes: The reason for the visit or anything to pass on.
            party_size: How many people, if the caller said.
        """
        self._said_by_caller(phone, email)
        party = self._party(party_size)
        kind = self._kind_key(appointment_type)
        start = await self._guard(self._when(day, time))
        await self._as_asked(start, kind)
        try:
            info = await self.services.book(
                start=start,
                name=name,
                phone=phone or self._line_number(email),
                email=email or None,
                appointment_type=kind,
                notes=notes or None,
                party_size=party,
            )  # fmt: skip
        except ServiceRefusal as exc:
            raise ToolError(f"Not booked: {exc}{OR_MESSAGE}") from exc
        return confirmation(info, self.spec)

    async def _as_asked(self, start: datetime, kind: str | None) -> None:
        """Refuse a start that is not the day and time the caller asked for (nor one the
        receptionist offered and the caller answered), saying what is free then."""
        asked = self.caller_words.asked_when(self._today(), self._month_first)
        day, said = differs(asked, start, self.zone)
        if said is None:
            return
        starts = await self._free(day, kind)
        wanted = best_reading(said, day, self.zone, starts)
        raise ToolError(mismatch(wanted, start, starts, self.zone, self.spec.country))

    async def _when(self, day: str, time: str) -> datetime:
        return resolve_datetime(day, time, self.clock(), self.zone, self._month_first)

    async def _own_booking(self, phone: str, email: str) -> BookingInfo:
        """The caller's own booking to change, or a refusal that says to take a message."""
        found = await self._guard(
            self.services.find_bookings(phone=phone or None, email=email or None)
        )
        if not found.self_service:
            raise ToolError(CHANGES_OFF)
        if not found.owned:
            by_number = ", or booked with the number this call comes from"
            raise ToolError(NOT_PROVED.format(caller_id=by_number if found.caller_id else ""))
        return found.owned[0]

    async def reschedule_appointment(
        self, new_day: str, new_time: str, phone: str = "", email: str = ""
    ) -> str:
        """Move the caller's own upcoming appointment (one booked earlier in this conversation).

        Args:
            new_day: The new day as the caller said it.
            new_time: The new time.
            phone: The phone number the appointment was booked with, if the caller gave it.
            email: The email the appointment was booked with, if the caller gave it.
        """
        booking = await self._own_booking(phone, email)
        start = await self._guard(self._when(new_day, new_time))
        await self._as_asked(start, booking.appointment_type)
        info = await self._guard(
            self.services.reschedule(appointment_id=booking.appointment_id, start=start)
        )
        return confirmation(info, self.spec, verb="Moved")

    async def cancel_appointment(self, phone: str = "", email: str = "") -> str:
        """Cancel the caller's own upcoming appointment (one booked earlier in this conversation).

        Args:
            phone: The phone number the appointment was booked with, if the caller gave it.
            email: The email the appointment was booked with, if the caller gave it.
        """
        booking = await self._own_booking(phone, email)
        info = await self._guard(self.services.cancel(appointment_id=booking.appointment_id))
        return confirmation(info, self.spec, verb="Cancelled")

    async def take_message(
        self, message: str, name: str = "", contact: str = "", urgent: bool = False
    ) -> str:
        """Take a message for the staff.

        Args:
            message: The message, in full.
            name: Who it is from.
            contact: How to reach them (phone or email).
            urgent: Whether the caller says it is urgent.
        """
        if not message.strip():
            raise ToolError("The message is empty; ask what they would like to pass on.")
        self._said_by_caller(contact)
        await self._guard(
            self.services.leave_message(
                kind="message",
                caller_name=name or None,
                caller_contact=contact or self._line_number(),
                body=message,
                notify=None,
                urgent=urgent,
            )  # fmt: skip
        )
        return "Message saved; tell the caller the team will get back to them."

    async def handoff_to_human(self, reason: str, name: str = "", contact: str = "") -> str:
        """Record that the caller wants to speak to a person.

        Args:
            reason: Why they want a person.
            name: The caller's name.
            contact: How to reach them.
        """
        self._said_by_caller(contact)
        contacts = self.spec.business_facts.get("handoff_contacts") or []
        notify = None
        if contacts:
            first = contacts[0]
            notify = first.get("email") or first.get("phone") or first.get("name")
        await self._guard(
            self.services.leave_message(
                kind="handoff",
                caller_name=name or None,
                caller_contact=contact or self._line_number(),
                body=reason,
                notify=notify,
                urgent=False,
            )  # fmt: skip
        )
        who = contacts[0]["name"] if contacts else "a member of the team"
        line = self._transfer_number(contacts)
        if line is not None:
            await self._guard(self.services.transfer(number=line, who=who))
            return (
                f"Putting the caller through to {who} once you have spoken: tell them you are "
                "transferring them now, and say nothing after that."
            )
        return f"Handoff recorded; {who} will contact the caller."

    def _transfer_number(self, contacts: list[dict[str, Any]]) -> str | None:
        """On a phone call, the hand-off contact's number in E.164, to transfer the call to."""
        if not self.spec.phone_call or not contacts or not contacts[0].get("phone"):
            return None
        # A business whose country is not known yet takes calls from its own country most.
        region = self.spec.country or region_of(self.spec.caller_number)
        try:
            number = normalize_phone(str(contacts[0]["phone"]), region)
        except InvalidContact:
            return None
        return number if number and number.startswith("+") else None

    async def end_conversation(self, reason: str = "caller is done") -> str:
        """End the conversation after saying goodbye.

        Args:
            reason: Why the conversation ends.
        """
        await self.services.end(reason=reason)
        return "Conversation ended."


def build_tools(tools: ReceptionTools) -> list[Tool | Toolset]:
    """The enabled tools as livekit function tools, named as in the catalog."""
    built: list[Tool | Toolset] = []
    for name in TOOL_NAMES:
        if tools.spec.tool_enabled(name):
            # The method docstrings (with their Args) become the schema the model reads.
            built.append(function_tool(getattr(tools, name), name=name))
    return built
