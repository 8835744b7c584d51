"""The sentences of a business's pages that limit the booking (or order) a caller asks for."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from frontdesk.runtime.booking_limits import (
    booking_limits,
    kind_off_day,
    matter_of,
    notice_unstated,
)
from frontdesk.runtime.grounding import ON_FILE_SAYS
from frontdesk.runtime.knowledge_note import reference_text
from frontdesk.runtime.services import Snippet
from tests.factories import make_receptionist
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.test_booking_actions import _say, _start


def _found(*texts: str) -> list[Snippet]:
    return [Snippet(text, "", 0.3) for text in texts]


GARAGE = (
    "Services\n\nBrakes & Suspension\nPads, rotors and shocks for most makes.\n\n"
    "We service petrol, diesel and hybrid cars. At this time we do not work on fully electric "
    "vehicles (Polestar, Renault Zoe, Kia e-Niro, etc.)."
)
CLINIC = (
    "Fees\n\nCheck-up — NHS: £27.40 — Private: £60\n\nEvening and Saturday clinics are for "
    "private patients only. Emergency slots open at 8am each weekday."
)
SALON = (
    "Prices\n\nMen's Cut — $45\nKids' Cut (10 & under) — $25\nColour from $95\n\n"
    "We're open Tuesday to Saturday, 10 am – 7 pm."
)


def test_the_callers_matter_finds_the_rule_that_names_it() -> None:
    said = booking_limits(
        "Can I bring my Renault Zoe in for new brake pads on Friday at 9am?",
        _found(GARAGE),
        [{"key": "brakes", "name": "Brake service"}],
    )
    assert said == (
        "At this time we do not work on fully electric vehicles (Polestar, Renault Zoe, "
        "Kia e-Niro, etc.)."
    )


def test_a_rule_about_the_day_asked_for_counts() -> None:
    said = booking_limits("Could I book my NHS check-up for Saturday at 11am?", _found(CLINIC), [])
    assert said == "Evening and Saturday clinics are for private patients only."


def test_the_days_a_kind_is_limited_to_count_for_the_day_asked() -> None:
    studio = (
        "Private sessions\n\nOne-to-one with a teacher of your choice, 60 minutes. Private "
        "sessions are available Monday to Friday between 10:00 and 17:00 and need to be "
        "cancelled at least 24 hours in advance.\n\nThe studio is open Monday to Friday "
        "6:45 to 21:15, and closed on public holidays."
    )
    kinds = [{"key": "private", "name": "Private session"}]
    said = booking_limits(
        "Can I book a private session with Lena this Sunday at 8pm?", _found(studio), kinds
    )
    assert said.startswith("Private sessions are available Monday to Friday between 10:00"), said
    # Another kind's request, or no day asked: the rule is not this request's.
    assert booking_limits("Can I book a class on Sunday at 8pm?", _found(studio), kinds) == ""


def test_a_kind_kept_to_some_days_rules_out_the_others() -> None:
    rule = (
        "Private sessions are available Monday to Friday between 10:00 and 17:00 and need to "
        "be cancelled at least 24 hours in advance."
    )
    sunday, wednesday = date(2026, 12, 13), date(2026, 12, 9)
    assert kind_off_day(rule, "Private session", sunday) == rule
    assert kind_off_day(rule, "Private session", wednesday) is None
    # Another kind's rule, or a rule with no hours for its days, rules nothing out.
    assert kind_off_day(rule, "Group class", sunday) is None
    clinic = "Evening and Saturday clinics are for private patients only."
    assert kind_off_day(clinic, "Private clinic", date(2026, 12, 8)) is None


def test_the_callers_own_matter_is_looked_up_alone() -> None:
    brakes = [{"key": "brakes", "name": "Brake job"}]
    request = "Can I bring my Tesla Model 3 in for new brakes on Friday at 9am?"
    assert matter_of(request, brakes) == "Tesla Model"
    assert matter_of("Could I book a table for this Friday at 7pm please?", []) == ""
    # "new brakes" is not "New Year's Day": a closure on holidays limits no brake job.
    holidays = _found("Closed on Thanksgiving, Christmas, New Year's Day and Labor Day.")
    assert booking_limits(request, holidays, brakes) == ""


def test_a_kind_of_surgery_meets_the_surgery_rules() -> None:
    vet = (
        "Surgery\n\nDesexing, lump removals and soft-tissue surgery with modern anaesthetic "
        "monitoring. Surgery admissions are between 8:00 and 8:30am; please don't feed your "
        "pet after 10pm the night before."
    )
    kinds = [{"key": "consult", "name": "Consults"}, {"key": "vax", "name": "Vaccinations"}]
    said = booking_limits(
        "Can we book my dog in to get desexed on Thursday at 2pm?", _found(vet), kinds
    )
    assert said.startswith("Surgery admissions are between 8:00 and 8:30am"), said


def test_opening_times_and_price_lists_are_not_rules() -> None:
    # "Tuesday to Saturday" names the day asked for but is the hours; "Kids' Cut (10 &
    # under)" shares "cut" and says "under" but is a line of the price list.
    assert booking_limits("Can I book a men's cut this Saturday at 3pm?", _found(SALON), []) == ""


def test_words_every_booking_shares_find_nothing() -> None:
    rules = _found("Reservations are held for 15 minutes. Tables must be booked by phone.")
    assert booking_limits("Could I book a table for this Friday at 7pm please?", rules, []) == ""


def test_one_rule_said_twice_is_read_once() -> None:
    banner = "Home\n\nOrder now! Remember, wedding cakes need 3 weeks' notice."
    page = (
        "Wedding Cakes\n\nEvery wedding cake is made to order, so we need at least 3 weeks' "
        "notice. Tastings run on Saturdays."
    )
    said = booking_limits("I'd like a wedding cake for next Saturday", _found(page, banner), [])
    assert said == ("Every wedding cake is made to order, so we need at least 3 weeks' notice.")


def test_the_kinds_own_names_are_not_the_callers_matter() -> None:
    rules = _found("Physio\n\nInitial assessments must be booked at least 24 hours ahead.")
    request = "Could I book an initial assessment on Tuesday at 3pm?"
    assert booking_limits(request, rules, [{"key": "initial", "name": "Initial assessment"}]) == ""
    assert "24 hours ahead" in booking_limits(request, rules, [])


def test_an_order_for_a_day_is_shown_the_rule_that_limits_it(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    # Not a booking (a cake is an order): the model answers, with the rule in its note,
    # though the note's own choice is the sentences sharing the most words with the request.
    client: TestClient = chat[0]
    fake_llm.script(Say("Let me see."))
    agent = make_receptionist(
        client, name="Crumb & Co",
        knowledge=(
            "Unicorn cakes\n\nOur unicorn cake is a custom cake with a golden horn and rainbow "
            "mane, $65. Custom unicorn cakes come in pink, lilac or mint, with an edible unicorn "
            "name plaque and glitter stars. Unicorn cupcakes with a custom unicorn topper are $4 "
            "each. Every unicorn cake can be made gluten-free.\n\nOrdering\n\nWe bake "
            "everything to order, so custom work needs 4 days' notice."
        ),
    )  # fmt: skip
    wait_for_agent(client, agent["id"])
    conversation_id = _start(client, agent)
    _say(client, conversation_id, "Could I get a custom unicorn cake for Friday?")
    [note] = [reference_text(i) for i in fake_llm.seen[0].items if reference_text(i)]
    assert "custom work needs 4 days' notice." in (note or ""), note


BAKERY_NOTE = (
    "- Celebration Cakes: Birthdays, weddings. Order 72 hours ahead.\n"
    "- Every custom cake is baked and decorated by hand, so we need at least 72 hours' "
    "notice. We're sorry, but we can't accept custom orders with less notice than that."
)


def test_a_refusal_for_notice_is_told_how_much_notice_would_do() -> None:
    cake = "A custom birthday cake for tomorrow afternoon?"
    refused = "We can't accept custom orders with less notice than that."
    assert notice_unstated(refused, BAKERY_NOTE, cake) == (
        "Every custom cake is baked and decorated by hand, so we need at least 72 hours' notice."
    )
    # Said already (in figures or words), or not about notice at all: nothing to add.
    assert notice_unstated("We need 72 hours' notice for custom cakes.", BAKERY_NOTE, cake) is None
    assert notice_unstated("Custom cakes need three days' notice.", BAKERY_NOTE, cake) is None
    assert notice_unstated("We'd love to bake it for you!", BAKERY_NOTE, cake) is None
    # A note with no period of notice has nothing to tell.
    assert notice_unstated(refused, "- Please give us plenty of notice.", cake) is None


def test_the_caller_refused_for_notice_hears_the_period_on_file(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client: TestClient = chat[0]
    fake_llm.script(
        Say("I'm sorry, we can't accept custom orders with less notice than that."),
        Say("Custom cakes need 72 hours' notice, so tomorrow is too soon."),
    )
    agent = make_receptionist(
        client, name="Golden Loaf",
        knowledge=(
            "Custom cakes\n\nEvery custom cake is baked and decorated by hand, so we need at "
            "least 72 hours' notice. We're sorry, but we can't accept custom orders with less "
            "notice than that. In a pinch? We usually have a few 6-inch cakes in the case."
        ),
    )  # fmt: skip
    wait_for_agent(client, agent["id"])
    asked = "I need a custom birthday cake for tomorrow afternoon. Can you do that?"
    reply = _say(client, _start(client, agent), asked)["reply"]
    # (The note's line keeps the label it sits under.)
    assert reply.endswith(
        f"{ON_FILE_SAYS} Custom cakes: Every custom cake is baked and decorated by hand, so we "
        "need at least 72 hours' notice."
    ), reply
    said = _say(client, _start(client, agent), asked)["reply"]
    assert said == "Custom cakes need 72 hours' notice, so tomorrow is too soon."
