"""Model-written exam questions: every proposal is checked against its passage."""

from __future__ import annotations

import asyncio

from frontdesk.exams.question_bank import ExamQuestion
from frontdesk.exams.question_writer import accept, spread, write_questions
from frontdesk.providers.llm.structured import StructuredOutputError
from tests.fake_llm import ScriptedStructuredModel

HOURS = "Visit us\n\nGrooming appointments are on Tuesdays and Thursdays only, with our groomer."
STAFF = "Our team\n\nDr. Tomas Ferreira leads surgery. Alma Okafor is our head nurse."
POLICY = "Policies\n\nPlease cancel at least 24 hours ahead; missed visits cost $35."


def test_accepts_only_answers_copied_from_the_passage() -> None:
    ok = accept({"question": "Which days is grooming", "answer": "Tuesdays and Thursdays"}, HOURS)
    assert ok == ExamQuestion("Which days is grooming?", ["Tuesdays and Thursdays"])
    # Invented, too long, empty, or given away by the question: refused.
    assert accept({"question": "Which days is grooming?", "answer": "Mondays"}, HOURS) is None
    long_answer = {"question": "What about grooming?", "answer": HOURS.split("\n\n")[1]}
    assert accept(long_answer, HOURS) is None
    assert accept({"question": "When is grooming?", "answer": " . "}, HOURS) is None
    giveaway = {"question": "Is grooming on Tuesdays?", "answer": "Tuesdays"}
    assert accept(giveaway, HOURS) is None
    # Case and punctuation do not matter for "copied".
    assert accept({"question": "Who leads surgery?", "answer": "dr tomas ferreira."}, STAFF)


def test_spread_takes_every_source_in_turn() -> None:
    chunks = [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"), ("c1", "c")]
    assert [t for t, _ in spread(chunks)] == ["a1", "b1", "c1", "a2", "a3"]


def test_the_answer_must_be_about_the_question() -> None:
    faq = "FAQ\n\nDo you see exotic pets?\nYes: rabbits and ferrets. We keep visits unhurried."
    assert accept({"question": "Do you treat exotic pets?", "answer": "rabbits and ferrets"}, faq)
    off_topic = {"question": "What are your opening hours?", "answer": "visits unhurried"}
    assert accept(off_topic, faq) is None
    cut_off = {
        "question": "Do you see exotic pets?",
        "answer": "Yes: rabbits and ferrets" + " " * 40,
    }
    assert accept(cut_off, faq) is None


def test_reworded_answers_must_still_come_from_the_passage() -> None:
    vaccines = "Vaccines\n\nCore vaccines for dogs cover distemper, parvovirus and rabies."
    reworded = {"question": "Which core vaccines do dogs get?", "answer": "distemper, rabies"}
    assert accept(reworded, vaccines)
    invented_word = {
        "question": "Which vaccines do dogs get?",
        "answer": "distemper, leptospirosis",
    }
    assert accept(invented_word, vaccines) is None
    invented_number = {"question": "What does grooming cost?", "answer": "$40 on Tuesdays"}
    assert accept(invented_number, HOURS) is None


def test_write_questions_skips_bad_output_and_repeats() -> None:
    model = ScriptedStructuredModel(
        [
            {
                "pairs": [
                    {"question": "Which days is grooming?", "answer": "Tuesdays and Thursdays"},
                    {"question": "Who does the grooming?", "answer": "a robot"},  # invented
                ]
            },
            StructuredOutputError("not JSON"),
            {"pairs": [{"question": "How much notice to cancel?", "answer": "24 hours"}]},
            {"pairs": "not a list"},
            {"pairs": [{"question": "Who is the head nurse?", "answer": "Alma Okafor"}]},
        ]
    )
    known = [ExamQuestion("What is the missed visit fee?", ["24 hours"])]  # same answer
    chunks = [(HOURS, "visit"), (STAFF, "team"), (POLICY, "policies"), (HOURS, "visit2")]
    chunks.append((STAFF, "team2"))
    written = asyncio.run(write_questions(model, chunks, want=5, known=known))
    assert written == [
        ExamQuestion(
            "Which days is grooming?",
            ["Tuesdays and Thursdays"],
            source="visit",
            written_by_model=True,
        ),
        ExamQuestion(
            "Who is the head nurse?", ["Alma Okafor"], source="team2", written_by_model=True
        ),
    ]
    # Round-robin over sources, one chunk per source here.
    titles = [p.split("\n")[1] for p in model.prompts]
    assert titles == ["Visit us", "Our team", "Policies", "Visit us", "Our team"]


def test_a_passage_that_gives_no_question_does_not_cost_the_exam_its_question() -> None:
    model = ScriptedStructuredModel(
        [
            {"pairs": [{"question": "Who does the grooming?", "answer": "a robot"}]},  # refused
            {"pairs": [{"question": "Who is the head nurse?", "answer": "Alma Okafor"}]},
        ]
    )
    chunks = [(HOURS, "visit"), (STAFF, "team"), (POLICY, "policies")]
    written = asyncio.run(write_questions(model, chunks, want=1, known=[]))
    assert [q.expected for q in written] == [["Alma Okafor"]]
    assert len(model.prompts) == 2  # read on only until the question was written


def test_questions_put_to_the_owner_are_no_exam_questions() -> None:
    interview = (
        "Interview answers › Persona\n\nQ: What should your receptionist be called, and how should "
        "it sound?\nA: Call her Robin. Upbeat and friendly.\n\nQ: Your site gives your address as "
        "1184 Queen Street West. Is that where callers should come?\nA: Yes, 1184 Queen "
        "Street West."
    )
    for question, answer in [
        ("What should your receptionist be called?", "Robin"),
        ("Is that where callers should come?", "1184 Queen Street West"),
    ]:
        assert accept({"question": question, "answer": answer}, interview) is None
    # What a caller would ask of the same passage still is.
    asked = {"question": "What number on Queen Street West are you?", "answer": "1184"}
    assert accept(asked, interview) is not None
