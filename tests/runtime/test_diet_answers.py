"""'Is there a main a vegetarian can have?' is answered with the dishes the menu marks so."""

from __future__ import annotations

import pytest

from frontdesk.runtime.diet_answers import diet_answer

MENU = (
    "Menu › Dinner Menu\n\nServed daily from 5pm.\n\n"
    "Starters › Burrata & Heirloom Tomatoes\nBasil oil, grilled sourdough — $17\n\n"
    "Mains › Seared Duck Breast\nCherry jus, farro, charred endive — $34\n\n"
    "Mains › Wild Mushroom Risotto\nCarnaroli rice, parmesan, thyme (vegetarian) — $27\n\n"
    "Desserts › Sorbet\nThree scoops, lemon and raspberry (vegetarian) — $9"
)
CASE = (
    "Bakery Menu › Pastry Case › Cookies & Bars\n\nBrown Butter Chocolate Chip Cookie — $3.50\n"
    "Gluten-Free Almond Cake (slice) — $5.50\n\n"
    "Allergies\n\nOur kitchen handles wheat, so we cannot guarantee anything is gluten-free."
)


def test_the_dish_marked_for_the_diet_in_the_section_named_is_read_out() -> None:
    asked = "My wife is vegetarian, is there a main course she can have?"
    assert diet_answer(asked, [MENU]) == (
        "Yes: Mains › Wild Mushroom Risotto: Carnaroli rice, parmesan, thyme (vegetarian) — $27."
    )
    # No section named: every marked dish.
    assert diet_answer("Do you have anything vegetarian?", [MENU]) == (
        "Yes: Mains › Wild Mushroom Risotto: Carnaroli rice, parmesan, thyme (vegetarian) — "
        "$27; Desserts › Sorbet: Three scoops, lemon and raspberry (vegetarian) — $9."
    )


def test_a_warning_about_the_diet_follows_the_dishes() -> None:
    asked = "My sister can't eat gluten. Is there anything in the case she could have?"
    assert diet_answer(asked, [CASE]) == (
        "Yes: Cookies & Bars: Gluten-Free Almond Cake (slice) — $5.50. Please note: Our kitchen "
        "handles wheat, so we cannot guarantee anything is gluten-free."
    )


@pytest.mark.parametrize(
    "question",
    [
        "Do you have vegan options?",  # vegetarian dishes are not vegan ones
        "Is anything halal?",  # no line says
        "Is there a vegetarian breakfast?",  # no breakfast section holds one
        "What's your best main?",  # no diet asked about
    ],
)
def test_a_diet_no_line_marks_stays_with_the_model(question: str) -> None:
    assert diet_answer(question, [MENU, CASE]) is None
