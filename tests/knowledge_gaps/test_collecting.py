"""Which questions of a conversation are gaps: the analysis's, and those the agent's own
turn shows it could not answer."""

from __future__ import annotations

from frontdesk.conversations.analysis import Turn
from frontdesk.knowledge_gaps.collecting import (
    gap_questions,
    low_confidence_questions,
    questions_in,
)
from frontdesk.knowledge_gaps.grouping import best_group, representative
from frontdesk.runtime.tools import NO_KNOWLEDGE

SEARCHED_NOTHING = {"name": "search_knowledge", "arguments": {"query": "x"}, "result": NO_KNOWLEDGE}


def test_questions_in_a_caller_turn() -> None:
    assert questions_in("Hi, I'm Ann. Do you board reptiles? Thanks!") == ["Do you board reptiles?"]
    # Speech-to-text drops question marks: a question word at the start is enough then.
    assert questions_in("hello there. do you open on sundays") == ["do you open on sundays"]
    assert questions_in("My dog is limping.") == []


def test_low_confidence_needs_an_admission_or_an_empty_search() -> None:
    turns = [
        Turn("caller", "Do you board reptiles?"),
        Turn("agent", "I'm not sure about that, I can take a message."),
        Turn("caller", "Is there parking?"),
        Turn("agent", "Let me check.", [SEARCHED_NOTHING]),
        Turn("caller", "Are you open on Sundays?"),
        # A plain "don't" is no admission of not knowing.
        Turn("agent", "We don't open on Sundays, but Saturdays 9 to 1."),
        Turn("caller", "Thanks, bye."),
        Turn("agent", "I don't know, sorry."),
    ]
    assert low_confidence_questions(turns) == ["Do you board reptiles?", "Is there parking?"]


def test_the_analysis_and_the_turns_give_each_question_once() -> None:
    turns = [Turn("caller", "Is there parking?"), Turn("agent", "I don't know.")]
    assert gap_questions(["Is there parking?", "Do you sell horse feed?"], turns) == [
        ("Is there parking?", "unanswered", None),
        ("Do you sell horse feed?", "unanswered", None),
    ]
    assert gap_questions([], turns) == [("Is there parking?", "low_confidence", None)]


def test_grouping_is_average_link_and_ties_go_to_the_older_group() -> None:
    older, newer = [1.0, 0.0], [1.0, 0.0]
    assert best_group([1.0, 0.0], [older, newer]) == 0
    assert best_group([0.0, 1.0], [older, newer]) is None
    # The member nearest the centre speaks for the group.
    assert representative([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]]) == 1
