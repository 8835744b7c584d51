"""The chunker: determinism, size bounds, context lines, merging and overlap."""

from __future__ import annotations

import re

import pytest

from frontdesk.knowledge.documents import ParsedDocument, Section
from frontdesk.knowledge.text_chunks import chunk_document, estimate_tokens


def long_text(paragraphs: int, sentences: int = 8) -> str:
    return "\n\n".join(
        " ".join(
            f"Paragraph {p} sentence {s} explains one detail of the clinic's dental services."
            for s in range(sentences)
        )
        for p in range(paragraphs)
    )


def handbook() -> ParsedDocument:
    return ParsedDocument(
        title="Bright Smile Handbook",
        sections=[
            Section(["Bright Smile Handbook"], "Welcome to the practice."),
            Section(["Services"], "We offer cleaning and whitening."),
            Section(["Services", "Cleaning"], "A cleaning costs $35."),
            Section(["Services", "Whitening"], "Whitening costs $199."),
            Section(["Policies", "Cancellations"], long_text(12)),
            Section(["Team"], "Dr. Ana Okafor leads the team."),
        ],
    )


def body(chunk_text: str) -> str:
    return chunk_text.split("\n\n", 1)[1]


def test_same_input_gives_same_chunks_and_ids() -> None:
    first = chunk_document(handbook(), namespace="source-1:v1")
    second = chunk_document(handbook(), namespace="source-1:v1")
    assert first == second
    assert [c.ordinal for c in first] == list(range(len(first)))
    assert len({c.id for c in first}) == len(first)
    assert all(re.fullmatch(r"[0-9a-f]{32}", c.id) for c in first)
    other = chunk_document(handbook(), namespace="source-1:v2")
    assert {c.id for c in first}.isdisjoint(c.id for c in other)


def test_empty_document_gives_no_chunks() -> None:
    assert chunk_document(ParsedDocument(title="Empty"), namespace="x") == []
    blank = ParsedDocument(title="Blank", sections=[Section(["A"], "  \n\n ")])
    assert chunk_document(blank, namespace="x") == []


@pytest.mark.parametrize(("target", "maximum", "overlap"), [(380, 500, 60), (60, 80, 15)])
def test_chunks_never_exceed_max_tokens(target: int, maximum: int, overlap: int) -> None:
    chunks = chunk_document(
        handbook(),
        namespace="x",
        target_tokens=target,
        max_tokens=maximum,
        overlap_tokens=overlap,
    )
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.token_estimate == estimate_tokens(chunk.text) <= maximum
    long_pieces = [c for c in chunks if c.heading == "Policies › Cancellations"]
    assert len(long_pieces) > 1
    # Pieces of a long section are packed to about the target, not left as fragments.
    assert all(c.token_estimate > target * 0.6 for c in long_pieces[:-1])


def test_every_chunk_starts_with_its_context_line() -> None:
    chunks = chunk_document(handbook(), namespace="x")
    for chunk in chunks:
        expected = " › ".join(p for p in ("Bright Smile Handbook", chunk.heading) if p)
        assert chunk.text.startswith(expected + "\n\n")
    # The h1 that repeats the title is not said twice.
    assert chunks[0].text == "Bright Smile Handbook\n\nWelcome to the practice."


def test_small_sections_under_one_top_heading_share_a_chunk() -> None:
    chunks = chunk_document(handbook(), namespace="x")
    services = [c for c in chunks if "costs $35" in c.text]
    assert len(services) == 1
    chunk = services[0]
    assert chunk.heading == "Services"
    assert body(chunk.text) == (
        "We offer cleaning and whitening.\n\nCleaning\nA cleaning costs $35.\n\n"
        "Whitening\nWhitening costs $199."
    )
    # Different top-level headings are not mixed.
    team = [c for c in chunks if "Okafor" in c.text]
    assert [c.heading for c in team] == ["Team"]
    assert "costs" not in team[0].text


def test_long_section_splits_at_paragraphs_and_pieces_overlap() -> None:
    chunks = [
        c
        for c in chunk_document(handbook(), namespace="x", overlap_tokens=60)
        if c.heading == "Policies › Cancellations"
    ]
    assert len(chunks) >= 3
    for previous, current in zip(chunks, chunks[1:], strict=False):
        first_sentence = re.split(r"(?<=\.)\s", body(current.text), maxsplit=1)[0]
        assert first_sentence in body(previous.text), "the next piece starts inside this one"
        overlap = _shared_edge(body(previous.text), body(current.text))
        assert 20 * 4 <= len(overlap) <= 60 * 4
    # Every sentence of the section survives somewhere.
    joined = " ".join(body(c.text) for c in chunks)
    for p in range(12):
        assert f"Paragraph {p} sentence 7 explains" in joined


def test_one_giant_paragraph_and_one_giant_word_still_fit() -> None:
    sentence_soup = " ".join(f"Word{i} of a run-on description" for i in range(600))
    giant_word = "x" * 5000
    doc = ParsedDocument(
        title="Odd", sections=[Section(["A"], sentence_soup), Section(["B"], giant_word)]
    )
    chunks = chunk_document(doc, namespace="x", target_tokens=100, max_tokens=120)
    assert all(c.token_estimate <= 120 for c in chunks)
    assert "".join(body(c.text) for c in chunks if c.heading == "B").count("x") >= 5000


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError):
        chunk_document(handbook(), namespace="x", target_tokens=600, max_tokens=500)
    with pytest.raises(ValueError):
        chunk_document(handbook(), namespace="x", overlap_tokens=400)


def _shared_edge(previous: str, current: str) -> str:
    """The longest end of `previous` that `current` starts with."""
    for start in range(len(previous)):
        if current.startswith(previous[start:]):
            return previous[start:]
    return ""
