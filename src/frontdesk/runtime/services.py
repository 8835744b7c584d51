"""The ports the runtime's tools call. Implemented outside runtime/ (with the database);
tests may implement them with real services too. Every method may raise `ServiceRefusal`
with a message meant for the model (and, through it, for the caller)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from frontdesk.runtime.mcp_spec import McpServerReport, McpServerSpec


class ServiceRefusal(Exception):
    """A request the business rules refuse; the message explains why, for the caller."""


@dataclass(frozen=True)
class Snippet:
    text: str
    source: str
    # Cosine similarity of the question and the passage.
    score: float
    # Share of the question's words, weighted by rarity, that the passage holds.
    keyword_coverage: float = 0.0
    # The question's words (stemmed) that nothing in the agent's knowledge holds.
    unseen_terms: tuple[str, ...] = ()
    # Cosine similarity of the question and the passage's closest sentence or line.
    sentence_score: float = 0.0
    # The same for each sentence or line, in `passage_pieces.pieces` order (or empty).
    piece_scores: tuple[float, ...] = ()


@dataclass(frozen=True)
class BookingInfo:
    appointment_id: str
    appointment_type: str
    starts_at: datetime
    customer_name: str
    # What the confirmation reads back: the kind's name and length, the party size.
    type_name: str = ""
    duration_minutes: int = 0
    party_size: int | None = None


@dataclass(frozen=True)
class BookingLookup:
    """The bookings a caller may change: only those they have proved are theirs.

    Proof is a booking made earlier in this same conversation, or (on a phone channel) a
    caller ID equal to the number it was booked with. A one-time code sent to the booked
    contact would be a third proof, but Frontdesk has no way to deliver one (it sends no
    email or SMS), so none is offered. Bookings found under a phone or email the caller
    merely said are never among them and are not described: a stranger can say anyone's
    number.
    """

    # The owner lets callers on this conversation's channel cancel and move bookings.
    self_service: bool
    # Upcoming bookings the caller proved are theirs, matching the given phone/email if any.
    owned: list[BookingInfo]
    # Whether proof by caller ID was possible here (a phone channel that reported one).
    caller_id: bool = False


class ReceptionServices(Protocol):
    async def search_knowledge(self, query: str, k: int) -> list[Snippet]: ...

    async def capture_lead(
        self, *, name: str, phone: str | None, email: str | None, interest: str | None,
        notes: str | None,
    ) -> str: ...  # fmt: skip

    async def available_starts(
        self, *, day: date, appointment_type: str | None
    ) -> list[datetime]: ...

    async def book(
        self, *, start: datetime, name: str, phone: str | None, email: str | None,
        appointment_type: str | None, notes: str | None, party_size: int | None = None,
    ) -> BookingInfo: ...  # fmt: skip

    async def find_bookings(self, *, phone: str | None, email: str | None) -> BookingLookup:
        """The caller's own upcoming bookings (see `BookingLookup`), narrowed to those booked
        with `phone` or `email` when given."""
        ...

    async def reschedule(self, *, appointment_id: str, start: datetime) -> BookingInfo:
        """Move a booking; refused unless `find_bookings` would list it as the caller's."""
        ...

    async def cancel(self, *, appointment_id: str) -> BookingInfo:
        """Cancel a booking; refused unless `find_bookings` would list it as the caller's."""
        ...

    async def leave_message(
        self, *, kind: str, caller_name: str | None, caller_contact: str | None, body: str,
        notify: str | None, urgent: bool,
    ) -> str: ...  # fmt: skip

    async def end(self, *, reason: str) -> None: ...

    async def transfer(self, *, number: str, who: str) -> None:
        """A phone call: put the caller through to `number` once the agent has said so
        (which also ends the agent's part of the call)."""
        ...

    async def check_mcp_server(self, server: McpServerSpec) -> None:
        """Refuse (raise with the reason) to connect to a server the settings no longer allow."""
        ...

    async def mcp_server_reached(self, report: McpServerReport) -> None:
        """Record what connecting to an MCP server found: its tools, or why it failed."""
        ...
