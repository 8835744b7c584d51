"""A class's time on the day asked, read off the timetable in the passages found."""

from __future__ import annotations

from frontdesk.runtime.timetable_answers import (
    day_hours_answer,
    extreme_answer,
    timetable_answer,
)
from tests.fake_llm import ScriptedLLM
from tests.runtime.guided_talk import guided_conversation
from tests.runtime.test_booking_actions import _say

# A row per start time, a cell per day, as the reader writes a timetable's rows.
BY_TIME = (
    "Classes › Class Timetable\n\n"
    "06:30 — Monday: HIIT — Tuesday: Spin — Wednesday: HIIT — Thursday: Spin\n"
    "12:30 — Monday: Boxfit — Tuesday: – — Wednesday: Boxfit — Thursday: –\n"
    "18:00 — Monday: Strength Club — Tuesday: Boxfit — Wednesday: Spin — Thursday: Boxfit\n"
    "19:15 — Monday: Yoga Flow — Tuesday: HIIT — Wednesday: Yoga Flow — Thursday: Boxfit"
)
# A row per day, a cell per time.
BY_DAY = (
    "Schedule\n\n"
    "Monday — 7:00 am: Sunrise Flow — 12:15 pm: Lunch Flow — 6:00 pm: Yin Yoga\n"
    "Saturday — 9:30 am: Ashtanga Led Primary — 11:00 am: – — 5:00 pm: Yin Yoga"
)


def test_the_class_on_the_day_asked_is_said_with_its_time() -> None:
    assert timetable_answer("What time is spin on a Wednesday?", [BY_TIME]) == (
        "On Wednesdays, Spin is at 18:00."
    )
    assert timetable_answer("When is Ashtanga on Saturday?", [BY_DAY]) == (
        "On Saturdays, Ashtanga Led Primary is at 9:30 am."
    )
    # A class on twice that day: both times.
    assert timetable_answer("What time is spin on Tuesdays?", [BY_TIME]) == (
        "On Tuesdays, Spin is at 06:30."
    )
    assert timetable_answer("When is Boxfit on a Thursday?", [BY_TIME]) == (
        "On Thursdays, Boxfit is at 18:00 and 19:15."
    )


def test_a_part_of_the_day_narrows_the_times_and_a_yes_no_question_gets_a_yes() -> None:
    assert timetable_answer("Is there yoga on Monday evenings?", [BY_TIME]) == (
        "Yes. On Mondays, Yoga Flow is at 19:15."
    )
    assert timetable_answer("Any yin yoga on Monday evening?", [BY_DAY]) == (
        "Yes. On Mondays, Yin Yoga is at 6:00 pm."
    )
    # HIIT on Monday is at 06:30: nothing in the evening, so the model says what it can.
    assert timetable_answer("Is there HIIT on Monday evenings?", [BY_TIME]) is None


def test_what_the_timetable_does_not_settle_stays_with_the_model() -> None:
    # No day named, a class not on that day, a day with nothing asked about, no timetable.
    assert timetable_answer("What time is spin?", [BY_TIME]) is None
    assert timetable_answer("What time is spin on Monday?", [BY_TIME]) is None
    assert timetable_answer("What classes are on Monday?", [BY_TIME]) is None
    assert timetable_answer("Is there pilates on Wednesday?", [BY_TIME]) is None
    prices = "Prices\n\nDrop-in — €18 — One class — valid for 1 month"
    assert timetable_answer("What time is the drop-in class on Monday?", [prices]) is None
    # Two different classes hold the caller's word that day: the caller chooses.
    assert timetable_answer("When is the flow class on Monday?", [BY_DAY]) is None


def test_the_embedded_model_is_not_asked_what_the_timetable_says(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, conversation_id = guided_conversation(
        chat, fake_llm, name="Iron Works Gym", knowledge=BY_TIME,
        model_says=("The spin class is scheduled for 10:15 on Wednesday.",),
    )  # fmt: skip
    out = _say(client, conversation_id, "What time is spin on a Wednesday?")
    assert out["reply"] == "On Wednesdays, Spin is at 18:00."
    assert fake_llm.seen == []  # the model's misreading of the row is never asked for


def test_the_earliest_or_latest_class_of_the_day_or_the_week() -> None:
    assert extreme_answer("What's the earliest class I can take before work?", [BY_TIME]) == (
        "The earliest class starts at 06:30 (Mondays: HIIT; Tuesdays: Spin; Wednesdays: HIIT; "
        "Thursdays: Spin)."
    )
    assert extreme_answer("What's your latest class on a Saturday?", [BY_DAY]) == (
        "The latest class starts at 5:00 pm (Saturdays: Yin Yoga)."
    )
    # An empty cell is no class: 11:00 on Saturday is not the first after 9:30.
    assert extreme_answer("When is the first session on Saturday?", [BY_DAY]) == (
        "The earliest class starts at 9:30 am (Saturdays: Ashtanga Led Primary)."
    )
    # "First" or "last" asks a time only with "when" or "what time".
    assert extreme_answer("Is the first class free?", [BY_TIME]) is None
    # No timetable, or no earliest asked for.
    assert extreme_answer("What's the earliest class?", ["Classes\n\nBook in the app."]) is None
    assert extreme_answer("What time is spin on a Wednesday?", [BY_TIME]) is None


# A service's hours by day, as the reader writes a two-column table under its heading, and
# another service of the same page on some of the same days.
SERVED = (
    "Your Stay › Breakfast\n\nBreakfast is served in the dining room.\n\nBreakfast served\n"
    "Monday – Friday — Times: 7:30 – 9:30\nSaturday & Sunday — Times: 8:00 – 10:00"
)
TEAS = (
    "Home › Cream teas in the garden\n\nFrom Wednesday to Sunday, 2 pm – 5 pm, we serve "
    "cream teas in our walled garden, £12.50 per person."
)


def test_a_service_s_hours_on_the_day_asked_are_read_from_its_own_line() -> None:
    assert day_hours_answer("What time is breakfast on a Sunday?", [TEAS, SERVED]) == (
        "On Sundays: Breakfast served: Saturday & Sunday — Times: 8:00 – 10:00."
    )
    assert day_hours_answer("When is breakfast served on Tuesdays?", [SERVED, TEAS]) == (
        "On Tuesdays: Breakfast served: Monday – Friday — Times: 7:30 – 9:30."
    )
    assert day_hours_answer("What time are cream teas on Saturday?", [SERVED, TEAS]) == (
        "On Saturdays: Cream teas in the garden: From Wednesday to Sunday, 2 pm – 5 pm, we "
        "serve cream teas in our walled garden, £12.50 per person."
    )


def test_hours_no_one_line_gives_stay_with_the_model() -> None:
    # No day; the business's own hours (the business facts answer those); no tea on Monday;
    # nothing asked beyond the hours.
    assert day_hours_answer("What time is breakfast?", [SERVED]) is None
    assert day_hours_answer("What time do you open on Sunday?", [SERVED]) is None
    assert day_hours_answer("What time are cream teas on Monday?", [TEAS]) is None
    assert day_hours_answer("Is breakfast included on Sunday?", [SERVED]) is None
    # Two lines for the day: the caller may mean either.
    twice = SERVED + "\nSunday brunch — Times: 11:00 – 14:00"
    assert (
        day_hours_answer("When is breakfast on Sunday?", [twice.replace("brunch", "breakfast")])
        is None
    )


def test_asked_what_hours_with_no_day_the_one_line_of_hours_is_said() -> None:
    plans = (
        "Membership\n\nA one-off joining fee of €29 applies to monthly plans.\n\nOff-Peak\n"
        "€39/month\nGym floor 9am–4pm weekdays, plus all weekend\nClasses €8 each\n\n"
        "Full Access\n€55/month\nGym floor 6am–10pm every day"
    )
    assert day_hours_answer("What hours can I use the gym on the off-peak plan?", [plans]) == (
        "Off-Peak: Gym floor 9am–4pm weekdays, plus all weekend."
    )
    # Two lines of breakfast hours: the model says both.
    assert day_hours_answer("When can we have breakfast?", [SERVED]) is None
