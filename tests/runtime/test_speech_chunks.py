"""The agent's reply reaches the voice in pieces: its first clause at once, then sentences."""

from __future__ import annotations

import asyncio

from frontdesk.runtime.speech_chunks import ClauseFirstTokenizer

REPLY = (
    "Yes, we are open on Saturdays from 9 to 1, and Dr. Patel sees cats. "
    "Call us at 555-1200, anytime. A full exam costs $1,200 at most."
)


async def _pieces(text: str, step: int = 3) -> list[str]:
    """The pieces a stream makes from text arriving a few characters at a time."""
    stream = ClauseFirstTokenizer().stream()
    for start in range(0, len(text), step):
        stream.push_text(text[start : start + step])
    stream.end_input()
    return [token.token async for token in stream]


def test_first_clause_then_whole_sentences() -> None:
    pieces = asyncio.run(_pieces(REPLY))
    assert pieces == [
        "Yes, we are open on Saturdays from 9 to 1,",
        "and Dr. Patel sees cats.",
        "Call us at 555-1200, anytime.",
        "A full exam costs $1,200 at most.",
    ]
    assert " ".join(pieces) == REPLY


def test_short_openers_and_numbers_do_not_make_a_piece() -> None:
    # "Sure," has too few words; "1,200" has no space after its comma.
    pieces = asyncio.run(_pieces("Sure, it is $1,200 for the full course of shots. Anything else?"))
    assert pieces[0] == "Sure, it is $1,200 for the full course of shots."


def test_a_first_sentence_without_a_clause_is_one_piece() -> None:
    pieces = asyncio.run(_pieces("We open at nine. Parking is free behind the clinic."))
    assert pieces == ["We open at nine.", "Parking is free behind the clinic."]


def test_the_first_piece_leaves_as_soon_as_the_clause_is_complete() -> None:
    async def run() -> str:
        stream = ClauseFirstTokenizer().stream()
        stream.push_text("Yes, we are open on Saturdays, ")
        stream.push_text("and")  # the next words have started: the clause is complete
        first = await asyncio.wait_for(stream.__anext__(), 1)
        await stream.aclose()
        return first.token

    assert asyncio.run(run()) == "Yes, we are open on Saturdays,"


def test_a_whole_first_sentence_leaves_before_the_next_one_starts() -> None:
    """The grounding check releases sentences one by one (livekit's markdown filter may
    keep the space after one): the first is spoken then, not once the next sentence has
    been checked too."""

    async def run() -> str:
        stream = ClauseFirstTokenizer().stream()
        stream.push_text("We see cats and dogs.")
        token = await asyncio.wait_for(stream.__anext__(), timeout=1.0)
        stream.push_text("Parking is free behind the clinic.")
        stream.end_input()
        rest = [t.token async for t in stream]
        assert rest == ["Parking is free behind the clinic."]
        return token.token

    assert asyncio.run(run()) == "We see cats and dogs."
    # Not for "Dr. ": an abbreviation's period is no sentence end.
    assert asyncio.run(_pieces("Dr. Patel sees cats and dogs. ", step=4))[0] == (
        "Dr. Patel sees cats and dogs."
    )
