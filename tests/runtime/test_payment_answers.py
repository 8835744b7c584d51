"""'Can I pay with Afterpay?' is answered yes from the business's payments line."""

from __future__ import annotations

import pytest

from frontdesk.runtime.payment_answers import payment_answer

FOOTER = (
    "Site-wide information › Paws Vet Brunswick\n\nPaws Vet Brunswick is a veterinary care.\n"
    "Price range: $$\nPayment accepted: Cash, EFTPOS, Credit Card, Afterpay"
)


@pytest.mark.parametrize(
    "question",
    ["Can I pay with Afterpay?", "Do you accept credit cards?", "Can I pay by card?",
     "Is it OK to pay in cash?"],
)  # fmt: skip
def test_a_way_of_paying_the_line_names_is_a_yes_with_the_line(question: str) -> None:
    assert payment_answer(question, [FOOTER]) == (
        "Yes. Payment accepted: Cash, EFTPOS, Credit Card, Afterpay."
    )


def test_a_list_under_a_payments_heading_is_said_with_its_heading() -> None:
    assert payment_answer("Do you take Visa?", ["Payment\n\nVisa, Mastercard and cash"]) == (
        "Yes. Payment: Visa, Mastercard and cash."
    )


@pytest.mark.parametrize(
    "question",
    [
        "Do you take Amex?",  # not on the line: no fact on file says yes or no
        "Can I pay with American Express?",
        "Do you take EBT?",
        "Can I bring my dog?",  # no payment asked
        "Do you take walk-ins?",  # no line about paying names it
    ],
)
def test_what_the_line_does_not_name_stays_with_the_model(question: str) -> None:
    assert payment_answer(question, [FOOTER]) is None


def test_a_line_with_an_exception_stays_with_the_model() -> None:
    cards = "Payments\n\nWe accept all major credit cards except American Express."
    assert payment_answer("Do you take Amex?", [cards]) is None
    assert payment_answer("Do you take credit cards?", [cards]) is None
