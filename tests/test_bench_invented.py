"""bench/invented.py: the benchmark's own judge of invented facts (numbers, prices, times,
dates, phones, emails, names) against the turn's evidence."""

from __future__ import annotations

from datetime import date

import pytest
from bench.invented import Evidence, same_phone

PAGE = (
    "Maria Santos, Executive Chef. Duck confit £34. Weekend brunch: eggs Benedict 12,50 €. "
    "Open Mon–Fri 11–10, Sat 9.30–17.00. Call 020 7946 0018 or write to "
    "hello@bistro.example. Reservations are held for 15 minutes. Tasting menu: seven courses. "
    "Groups of 8 or more please call. 14 Harbour Road, Whitby."
)
CALLER = "Can I book this Saturday at 7pm? I'm Ana Ruiz, my number is 07700 900123."
THURSDAY = date(2025, 6, 12)


@pytest.fixture
def evidence() -> Evidence:
    return Evidence([PAGE], caller=[CALLER], today=THURSDAY)


def kinds(evidence: Evidence, reply: str) -> list[tuple[str, str]]:
    return [(c.kind, c.text) for c in evidence.unsupported(reply)]


@pytest.mark.parametrize(
    "reply",
    [
        "Our executive chef is Maria Santos.",
        "The duck confit is £34.",
        "The duck confit is 34 pounds.",
        "Eggs Benedict cost 12.50 €.",
        "We open at 11am and close at 10pm on weekdays.",
        "On Saturday we're open from 9:30 to 5pm.",
        "On Saturdays we're open from 9:30 to 5pm.",
        "Saturday: 09:30–17:00.",
        "Tables are held for 15 minutes.",
        "The tasting menu has 7 courses.",
        "Call us on +44 20 7946 0018.",
        "Write to hello@bistro.example and we'll reply.",
        "We're at 14 Harbour Road, Whitby.",
        "Booked, Ana Ruiz: Saturday, June 14 at 7:00 PM. We'll text +44 7700 900123.",
        "Today is June 12, tomorrow is June 13.",
        "Thanks! Chef Maria will be glad to see you.",
        "I don't have that information, but I can take a message.",
        "For groups of eight or more, please call us.",
    ],
)
def test_what_the_evidence_says_is_not_invented(evidence: Evidence, reply: str) -> None:
    assert kinds(evidence, reply) == []


@pytest.mark.parametrize(
    ("reply", "claim"),
    [
        ("The duck is $50 per pound.", ("price", "$50")),
        ("Our address is 123 Main Street.", ("number", "123")),
        ("We hold tables for 30 minutes.", ("number", "30")),
        ("The tasting menu has three courses.", ("number", "three")),
        ("We close at 11:30 pm.", ("time", "11:30 pm")),
        ("Call 555-1234 for help.", ("phone", "555-1234")),
        ("Email info@bistro.example.", ("email", "info@bistro.example")),
        ("Dr. Patel can see you.", ("name", "Dr Patel")),
        ("Our head chef is Juan Smith.", ("name", "Juan Smith")),
        ("We're closed on December 26.", ("date", "December 26")),
        ("I booked you for June 20.", ("date", "June 20")),  # a Friday the caller never named
        ("See www.otherplace.example for the menu.", ("url", "www.otherplace.example")),
    ],
)
def test_a_claim_nothing_supports_is_invented(
    evidence: Evidence, reply: str, claim: tuple[str, str]
) -> None:
    assert claim in kinds(evidence, reply)


def test_each_claim_is_read_once() -> None:
    # The digits of a phone, a date or a price are not judged again as loose numbers.
    found = kinds(Evidence([]), "Call 0161 496 0000 on 3 March about the £45 fee.")
    assert sorted(k for k, _ in found) == ["date", "phone", "price"]


def test_tool_results_and_the_callers_words_are_evidence() -> None:
    reply = "You're booked for 18:30 with Dr. Okafor; we'll call 415-555-0142."
    assert len(Evidence([PAGE]).unsupported(reply)) == 3
    backed = Evidence(
        [PAGE, "Booked Friday June 13 at 18:30 with Dr. Okafor."], caller=["I'm on 4155550142"]
    )
    assert backed.unsupported(reply) == []


def test_a_date_is_worked_out_only_from_a_weekday_the_caller_named() -> None:
    said = Evidence(["Open 10am to 6pm"], caller=["Anything on Tuesday?"], today=THURSDAY)
    assert said.unsupported("Yes, Tuesday June 17 at 10am is free.") == []
    assert [c.kind for c in said.unsupported("How about Wednesday June 18?")] == ["date"]
    # Without today's date nothing can be worked out.
    undated = Evidence(["Open 10am to 6pm"], caller=["Anything on Tuesday?"])
    assert [c.kind for c in undated.unsupported("Tuesday June 17 at 10am.")] == ["date"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("+44 7700 900123", "07700 900123", True),
        ("(415) 555-0142", "+1 415 555 0142", True),
        ("555-0142", "415 555 0142", True),
        ("+44 7700 900123", "+44 7700 900124", False),
        ("12345", "12345", False),  # too short to be a phone number
    ],
)
def test_phone_numbers_match_in_any_format(a: str, b: str, same: bool) -> None:
    assert same_phone(a, b) is same
