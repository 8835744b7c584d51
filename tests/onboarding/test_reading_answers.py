"""The owner's words read into settings, and the model's wording checked, in plain code."""

from __future__ import annotations

from frontdesk.onboarding import answers
from frontdesk.onboarding.generation import owner_interview_text, weekly_hours
from frontdesk.onboarding.phrasing import acceptable

LANGUAGES = {
    "id": "languages.languages",
    "text": "Which languages should the receptionist speak with callers?",
    "quote": None,
}


def test_appointment_kinds_with_durations_merge_follow_ups() -> None:
    kinds = answers.appointment_kinds(
        "Wellness exam 30 minutes, vaccination 15 mins, dental cleaning and grooming\n"
        "Dental cleaning takes 2 hours, grooming half an hour"
    )
    assert [(k.name, k.minutes) for k in kinds] == [
        ("Wellness exam", 30),
        ("Vaccination", 15),
        ("Dental cleaning", 120),
        ("Grooming", 30),
    ]


def test_names_phones_persona_tone_languages() -> None:
    said = "Emergencies go to Dr. Priya Nandakumar, (555) 014-7777 or priya@vet.example"
    assert answers.names_in(said) == ["Dr. Priya Nandakumar"]
    assert answers.phones_in(said) == ["5550147777"]
    assert answers.emails_in(said) == ["priya@vet.example"]
    assert answers.persona_name("Call her Maya, warm and friendly.") == "Maya"
    assert answers.tone("Brief and formal please") == "brief and to the point, formal and polite"
    assert answers.languages("English and Spanish, un poco de French") == [
        "English", "Spanish", "French",
    ]  # fmt: skip
    assert answers.says_yes("Yes, still right.") and answers.says_no("No, we moved.")


def test_weekly_hours_from_sentences() -> None:
    hours = weekly_hours(["We are open Monday–Friday 8:00 am – 6:00 pm and Saturday 9 am to 1 pm."])
    assert hours["mon"] == hours["fri"] == [{"opens": "08:00", "closes": "18:00"}]
    assert hours["sat"] == [{"opens": "09:00", "closes": "13:00"}]
    assert hours["sun"] == []
    # A closed day said before a sentence about other days stays closed; it does not take
    # the hours of the days named after it.
    said = (
        "Tuesday to Friday 7 AM to 3 PM, Saturday and Sunday 8 AM to 3 PM, closed Mondays. "
        "Tastings are Tuesday to Friday between 1 and 3 PM."
    )
    hours = weekly_hours([said])
    assert hours["mon"] == []
    assert hours["tue"] == [{"opens": "07:00", "closes": "15:00"}]
    assert hours["sun"] == [{"opens": "08:00", "closes": "15:00"}]
    # A weekday that shares its hours with the holidays keeps them; a holiday of its own
    # ("Christmas Eve (Thursday)") is no weekday's hours.
    hours = weekly_hours(["Mon–Fri 6am–10pm", "Sunday & bank holidays 9am–2pm",
                          "Christmas Eve (Thursday) 9–12"])  # fmt: skip
    assert hours["sun"] == [{"opens": "09:00", "closes": "14:00"}]
    assert hours["thu"] == [{"opens": "06:00", "closes": "22:00"}]


def test_model_wording_is_checked() -> None:
    last = "Call her Maya, warm and friendly."
    assert acceptable(LANGUAGES, "Which languages should your receptionist use with callers?", last)
    assert not acceptable(LANGUAGES, "Maya, what languages do you speak?", last)  # wrong person
    assert not acceptable(LANGUAGES, "Tell me which languages callers use.", last)  # no question
    assert not acceptable(LANGUAGES, "What is your favourite colour?", last)  # meaning lost
    confirm = {"id": "hours.hours.confirm", "text": 'Your site says "Mon 8-6". Still right?',
               "quote": "Mon 8-6"}  # fmt: skip
    assert not acceptable(confirm, "Are your opening hours still right?", None)  # quote dropped


def test_the_owners_answers_are_searched_without_the_interviews_words() -> None:
    questions = [
        {"topic": "booking", "kind": "ask", "answer": "Cuts 1 hour, colour 2 hours, kids 30 min",
         "text": "Which kinds of appointments can callers book, and how long does each take "
                 "(for example: check-up, 30 minutes)?"},
        {"topic": "booking", "kind": "follow_up", "answer": "45 minutes",
         "text": "How long should the calendar block for: blow-dry?"},
        # Rephrased by the interview's model, the example is a sentence of its own.
        {"topic": "booking", "kind": "ask", "answer": "Cake tasting 45 minutes.",
         "text": "What can callers book, and for how long? For example, check-ups, 30 "
                 "minutes, or other services?"},
        {"topic": "location", "kind": "confirm", "answer": "Yes, that's right.",
         "text": 'Your site gives your address as "1 Mill Lane". Is that right?'},
        {"topic": "boundaries", "kind": "ask", "answer": "Never quote a price for colour.",
         "text": "Is there anything the receptionist must never say?"},
    ]  # fmt: skip
    text = owner_interview_text(questions, {"booking": "Booking rules"})
    # A long answer stands alone; a short one keeps its question, without our examples.
    assert text == (
        "# Booking rules\n\nCuts 1 hour, colour 2 hours, kids 30 min\n\n"
        "How long should the calendar block for: blow-dry?\n45 minutes\n\n"
        "What can callers book, and for how long?\nCake tasting 45 minutes."
    )
    # (A bare yes to what the site says adds nothing; what never to say is for the
    # receptionist, not an answer for callers.)
