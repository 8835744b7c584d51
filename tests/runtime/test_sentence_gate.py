"""The grounding gate on a streamed reply: sentences go out as soon as they are complete and
supported, an invented one becomes the honest sentence once, tool calls pass untouched."""

from __future__ import annotations

from livekit.agents.llm import ChatChunk, ChoiceDelta, FunctionToolCall
from livekit.agents.types import FlushSentinel

from frontdesk.runtime.evidence import Evidence
from frontdesk.runtime.grounding import (
    HONEST,
    GroundingLog,
    SentenceGate,
    sentence_end,
    unsupported,
)

EVIDENCE = Evidence(["Smoked brisket $24", "Dr. Priya Patel sees patients on Mondays."])


def _gate(log: GroundingLog | None = None, *, replaced: bool = False) -> SentenceGate:
    return SentenceGate(
        lambda s: unsupported(s, EVIDENCE), log=log or GroundingLog(), replaced=replaced
    )


def _run(gate: SentenceGate, pieces: list[str]) -> list[tuple[int, str]]:
    """(index of the piece after which it came out, text) of everything released."""
    out = []
    for i, piece in enumerate(pieces):
        out += [(i, text) for text in gate.feed(piece)]
    out += [(len(pieces), text) for text in gate.finish()]
    return out


def test_sentence_ends_are_found_where_a_speaker_would_stop() -> None:
    assert sentence_end("Yes. We do") == 4
    assert sentence_end("Yes.") is None  # "$34." may still become "$34.50": wait for a space
    assert sentence_end("Dr. Patel is in. Then") == 16
    assert sentence_end("It's $34.50 for two. ") == 20
    assert sentence_end("Visit www.example.com today. ") == 28
    assert sentence_end("Hours:\nMon 9-5") == 7
    assert sentence_end("Really?! Yes") == 8
    assert sentence_end("He said “yes.” Then") == 14


def test_the_first_sentence_goes_out_as_soon_as_it_is_complete() -> None:
    pieces = [
        "Yes",
        ", the smoked",
        " brisket is $2",
        "4.",
        " Dr",
        ". Patel",
        " is in",
        " on Mondays.",
    ]
    released = _run(_gate(), pieces)
    # The first sentence is out once the space after its period arrives, not at the end.
    assert released[0] == (4, "Yes, the smoked brisket is $24. ")
    assert released[1] == (8, "Dr. Patel is in on Mondays.")


def test_an_invented_sentence_is_replaced_once_and_later_ones_dropped() -> None:
    log = GroundingLog()
    released = _run(
        _gate(log),
        ["The brisket is $24. ", "It's $50 per pound. ", "Dr. Smith smokes it. ", "Anything else?"],
    )
    text = "".join(t for _, t in released)
    assert text == f"The brisket is $24. {HONEST} Anything else?"
    withheld = log.take()
    assert [(w.sentence, w.claims, w.replaced) for w in withheld] == [
        ("It's $50 per pound.", ("$50 per pound",), True),
        ("Dr. Smith smokes it.", ("Smith",), False),
    ]
    assert withheld[0].reason == "unsupported: $50 per pound"
    assert withheld[0].record()["name"] == "grounding_check"
    assert log.take() == []  # collected once


def test_a_turn_that_already_said_the_honest_sentence_only_drops() -> None:
    released = _run(_gate(replaced=True), ["It's $50 per pound. ", "Anything else?"])
    assert "".join(t for _, t in released) == "Anything else?"


def test_tool_calls_and_token_counts_pass_unchanged() -> None:
    gate = _gate()
    call = FunctionToolCall(name="take_message", arguments='{"message": "hi"}', call_id="c1")
    chunks = [
        ChatChunk(id="a", delta=ChoiceDelta(role="assistant", content="Let me note that. ")),
        ChatChunk(id="a", delta=ChoiceDelta(role="assistant", tool_calls=[call])),
        ChatChunk(id="a", delta=ChoiceDelta(role="assistant", content="x", tool_calls=[call])),
        ChatChunk(id="a", delta=None),
    ]
    out = [o for c in chunks for o in gate.chunk(c)]
    assert out[0] == "Let me note that. "
    assert out[1] is chunks[1]
    # Text and a call in one chunk: the text waits for its sentence, the call goes on.
    assert isinstance(out[2], ChatChunk) and out[2].delta is not None
    assert out[2].delta.tool_calls == [call] and out[2].delta.content is None
    assert out[3] is chunks[3]
    assert list(gate.finish()) == ["x"]


def test_a_flush_releases_what_is_held_first() -> None:
    gate = _gate()
    flush = FlushSentinel()
    out = list(gate.chunk("The brisket is $24")) + list(gate.chunk(flush))
    assert out == ["The brisket is $24", flush]


def test_a_failing_check_withholds_rather_than_sends_unchecked() -> None:
    def broken(sentence: str) -> list:  # type: ignore[type-arg]
        raise ValueError("bug")

    log = GroundingLog()
    gate = SentenceGate(broken, log=log)
    assert "".join(_text for _, _text in _run(gate, ["The brisket is $24."])) == HONEST
    assert log.take()[0].claims == ("The brisket is $24.",)
