"""Plain questions about the phone, email, address and hours are answered from the business
facts in code for a model that asks for it; anything more stays with the model."""

from __future__ import annotations

from datetime import date

import pytest

from frontdesk.runtime.booking_checks import say_clocks
from frontdesk.runtime.direct_answers import direct_answer
from frontdesk.runtime.spec import AgentSpec
from tests.fake_llm import Say, ScriptedLLM
from tests.runtime.test_booking_actions import _say, _start

HOURS = (
    "Mon closed; Tue 09:00-17:00; Wed 09:00-17:00; Thu 09:00-17:00; Fri 09:00-17:00; "
    "Sat 10:00-14:30; Sun 17:00-23:00"
)
SPEC = AgentSpec(
    agent_id="a", workspace_id="w", name="Harbor Table", persona_name="", instructions="",
    greeting="", timezone="America/New_York", hours_text=HOURS,
    business_facts={"phone": "(555) 014-2398", "address": "1 Main St, Springfield",
                    "email": "hi@harbor.example", "hours_note": "Closed on Thanksgiving."},
)  # fmt: skip
SATURDAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("What's your phone number?", "You can call us on (555) 014-2398."),
        ("Hi, what's the number to call you on?", "You can call us on (555) 014-2398."),
        ("What's your email address?", "Our email address is hi@harbor.example."),
        ("Where are you located?", "We're at 1 Main St, Springfield."),
        ("Whereabouts are you?", "We're at 1 Main St, Springfield."),
        ("Where's the restaurant?", "We're at 1 Main St, Springfield."),
        ("Where exactly is your office?", "We're at 1 Main St, Springfield."),
        ("Can I get your phone number?", "You can call us on (555) 014-2398."),
        ("What's the phone number there?", "You can call us on (555) 014-2398."),
        ("What number can I call to reach the office?", "You can call us on (555) 014-2398."),
        ("What email should I send documents to?", "Our email address is hi@harbor.example."),
        ("Are you open late on Sundays?", "On Sundays we're open 5 pm to 11 pm."),
        ("Are you open on Monday?", "We're closed on Mondays."),
        ("What are your Saturday hours?", "On Saturdays we're open 10 am to 2:30 pm."),
        ("What time do you open on Saturday morning?", "On Saturdays we're open 10 am to 2:30 pm."),
        ("What time do you close today?", "On Saturdays we're open 10 am to 2:30 pm."),
        (
            "How late are you open on weekdays?",
            "We're open Tuesday to Friday 9 am to 5 pm; closed on Monday.",
        ),
        (
            "Are you open at the weekend?",
            "We're open Saturday 10 am to 2:30 pm, Sunday 5 pm to 11 pm.",
        ),
        (
            "What are your opening hours?",
            "We're open Tuesday to Friday 9 am to 5 pm, Saturday 10 am to 2:30 pm, Sunday "
            "5 pm to 11 pm; closed on Monday. Closed on Thanksgiving.",
        ),
    ],
)
def test_plain_questions_are_read_from_the_facts(question: str, answer: str) -> None:
    assert direct_answer(question, SPEC, SATURDAY) == answer


@pytest.mark.parametrize(
    "question",
    [
        "Where are you, near the subway?",
        "Are you open on Christmas Day?",
        "What's the phone number for your Brooklyn location?",
        "Do you have parking?",
        "Who is your head chef?",
    ],
)
def test_anything_more_stays_with_the_model(question: str) -> None:
    assert direct_answer(question, SPEC, SATURDAY) is None


def test_facts_the_business_has_not_given_are_not_answered() -> None:
    bare = AgentSpec(
        agent_id="a", workspace_id="w", name="X", persona_name="", instructions="",
        greeting="", timezone="UTC", hours_text=HOURS,
    )  # fmt: skip
    assert direct_answer("What's your phone number?", bare, SATURDAY) is None


def test_the_guided_model_is_not_asked_what_the_facts_say(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    facts = {"phone": "+44 20 7946 0123", "address": "2 Quay St, Bristol"}
    assert client.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts}).is_success
    conversation_id = _start(client, agent)
    fake_llm.script(Say("(from the model)"))
    fake_llm.guided_actions = True  # type: ignore[attr-defined]
    assert _say(client, conversation_id, "Where are you located?")["reply"] == (
        "We're at 2 Quay St, Bristol."
    )
    assert fake_llm.seen == []
    fake_llm.guided_actions = False  # type: ignore[attr-defined]
    assert _say(client, conversation_id, "What's your phone number?")["reply"] == (
        "(from the model)"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("19:00 on Friday is free.", "7 pm on Friday is free."),
        ("at 09:30 (until 11:00)", "at 9:30 am (until 11 am)"),
        ("00:15 or 12:00", "12:15 am or 12 pm"),
        ("open 9:30 am to 5 pm", "open 9:30 am to 5 pm"),  # already said the usual way
        ("room 1:2:3, version 2.19:00", "room 1:2:3, version 2.19:00"),  # not times
    ],
)
def test_clock_times_are_said_as_callers_say_them(written: str, said: str) -> None:
    assert say_clocks(written) == said


def test_weekdays_with_the_same_hours_are_said_once() -> None:
    week = "Mon 06:00-22:00; Tue 06:00-22:00; Wed 06:00-22:00; Thu 06:00-22:00; Fri 06:00-22:00"
    spec = AgentSpec(
        agent_id="a", workspace_id="w", name="Gym", persona_name="", instructions="",
        greeting="", timezone="Europe/Dublin", hours_text=week + "; Sat closed; Sun closed",
    )  # fmt: skip
    answer = direct_answer("How late are you open on weekdays?", spec, SATURDAY)
    assert answer == "Monday to Friday we're open 6 am to 10 pm."
    assert direct_answer("Are you open weekends?", spec, SATURDAY) == (
        "We're closed on Saturdays and Sundays."
    )
