"""'Can you fix my Nissan Leaf?' is answered no from the business's own line saying so."""

from __future__ import annotations

import pytest

from frontdesk.runtime.not_offered_answers import not_offered_answer

SERVICES = (
    "Services\n\nWe service gas, diesel and hybrid vehicles. At this time we do not work on "
    "fully electric vehicles (Tesla, Nissan Leaf, Chevy Bolt, etc.)."
)
LINE = (
    "I'm afraid not. At this time we do not work on fully electric vehicles (Tesla, Nissan "
    "Leaf, Chevy Bolt, etc.)."
)


@pytest.mark.parametrize(
    "question",
    ["Can you fix my Nissan Leaf?", "Do you work on Teslas?", "Could you look at a Chevy Bolt?"],
)
def test_a_make_the_line_denies_is_a_no_with_the_line(question: str) -> None:
    assert not_offered_answer(question, [SERVICES]) == LINE


@pytest.mark.parametrize(
    "question",
    [
        "Can you look at my Honda?",  # named by no line
        "Can you fix my car?",  # nothing named
        "Do you do Colorado emissions testing?",  # no line names Colorado
        "My Tesla needs brakes, can you do that?",  # not a yes-or-no about the business
    ],
)
def test_what_no_line_denies_stays_with_the_model(question: str) -> None:
    assert not_offered_answer(question, [SERVICES]) is None


def test_a_denial_with_an_exception_or_before_the_thing_named_stays_with_the_model() -> None:
    excepted = "Services\n\nWe don't work on electric cars, except the Nissan Leaf."
    assert not_offered_answer("Can you fix my Nissan Leaf?", [excepted]) is None
    said_first = "Services\n\nOur Nissan Leaf specialist is not in on Mondays."
    assert not_offered_answer("Can you fix my Nissan Leaf?", [said_first]) is None
