"""'A cake for about 45 people?' is answered with the smallest size on file that serves them."""

from __future__ import annotations

import pytest

from frontdesk.runtime.headcount_answers import headcount_answer

CAKES = (
    "Custom Cakes\n\nLayer cakes made to order.\n\nSizes & prices\n"
    '6" round — Serves: 8–10 — Price: $48\n8" round — Serves: 12–16 — Price: $65\n'
    '10" round — Serves: 20–25 — Price: $85\nQuarter sheet — Serves: 24 — Price: $95\n'
    "Half sheet — Serves: 48 — Price: $160"
)
ROOM = (
    "Home › Private Dining\n\nThe Chart Room\nOur private room seats up to 24 guests for "
    "rehearsal dinners and birthdays. Set menus start at $95 per person."
)


def test_the_smallest_size_that_serves_the_number_is_said_as_written() -> None:
    asked = "I need a cake for about 45 people. What size should I get and how much is it?"
    assert headcount_answer(asked, [CAKES]) == (
        "For 45 people: Sizes & prices: Half sheet — Serves: 48 — Price: $160."
    )
    assert headcount_answer("A cake for 12 people, please", [CAKES]) == (
        'For 12 people: Sizes & prices: 8" round — Serves: 12–16 — Price: $65.'
    )


def test_a_room_that_seats_the_party_is_named() -> None:
    assert headcount_answer("Can you do a private dinner for about twenty people?", [ROOM]) == (
        "For 20 people: The Chart Room: Our private room seats up to 24 guests for rehearsal "
        "dinners and birthdays."
    )


@pytest.mark.parametrize(
    "question",
    [
        "I need a cake for 100 people",  # nothing big enough
        "A private dinner for 20 people on Friday at 7pm?",  # a booking: the desk's
        "How much is a cake?",  # no number of people
        "Can you do a wedding for 20 people?",  # nothing about weddings
    ],
)
def test_what_no_one_row_settles_stays_with_the_model(question: str) -> None:
    assert headcount_answer(question, [CAKES, ROOM]) is None


def test_two_rows_of_the_same_size_are_left_to_the_model() -> None:
    twice = CAKES + "\nSheet cake (vanilla) — Serves: 48 — Price: $150"
    assert headcount_answer("A cake for 45 people?", [twice]) is None
