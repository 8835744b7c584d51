"""Hybrid search over a real Chroma collection with the real embedder."""

from __future__ import annotations

import numpy as np

from frontdesk.knowledge.passage_pieces import pieces
from frontdesk.knowledge.search import HybridSearcher
from frontdesk.knowledge.vector_store import VectorStore, connect_chroma, source_gen
from frontdesk.resources import Resources
from frontdesk.runtime.knowledge_note import focus

LIVE = [
    ("l0", "Maple Bakery › Opening hours\n\nWe open at 7 am and close at 3 pm every day."),
    ("l1", "Maple Bakery › Cakes\n\nA whole carrot cake costs $34 and needs two days notice."),
    ("l2", "Maple Bakery › Contact\n\nCall us on (555) 201-7788 to order."),
    ("l3", "Maple Bakery › Parking\n\nPark on Elm Street; the lot is free after 6 pm."),
    ("l4", "Maple Bakery › Allergies\n\nOur kitchen handles nuts, so no bake is nut-free."),
]


def _store(resources: Resources) -> VectorStore:
    return VectorStore(connect_chroma(resources.settings))


def _add(store: VectorStore, embedder, rows, gen: int) -> None:  # type: ignore[no-untyped-def]
    store.upsert(
        "bakery",
        [r[0] for r in rows],
        embedder.embed_documents([r[1] for r in rows]),
        [r[1] for r in rows],
        [{"source_id": "s", "source_gen": source_gen("s", gen), "title": "Maple"} for _ in rows],
    )


def test_exact_numbers_and_meaning_are_both_found(resources: Resources) -> None:
    store = _store(resources)
    _add(store, resources.embedder, LIVE, gen=1)
    searcher = HybridSearcher(store, resources.embedder)
    gens = [source_gen("s", 1)]
    assert searcher.search("bakery", 1, gens, "when do you open?", 1)[0].chunk_id == "l0"
    assert searcher.search("bakery", 1, gens, "555-201-7788", 1)[0].chunk_id == "l2"
    assert searcher.search("bakery", 1, gens, "$34", 1)[0].chunk_id == "l1"
    hits = searcher.search("bakery", 1, gens, "is anything safe for a nut allergy", 3)
    assert hits[0].chunk_id == "l4" and hits[0].score <= 1.0
    assert searcher.search("bakery", 1, [], "open", 3) == []


def test_chunks_outside_live_generations_never_show(resources: Resources) -> None:
    """A half-written new generation crowding the nearest neighbours must not leak into
    results, nor push the live answers out."""
    store = _store(resources)
    _add(store, resources.embedder, LIVE, gen=1)
    crowd = [
        (f"n{i}", f"Maple Bakery › Opening hours\n\nNew hours draft {i}: 8 to 4.")
        for i in range(45)
    ]
    _add(store, resources.embedder, crowd, gen=2)
    searcher = HybridSearcher(store, resources.embedder)
    hits = searcher.search("bakery", 1, [source_gen("s", 1)], "opening hours", 5)
    assert {h.chunk_id for h in hits} <= {r[0] for r in LIVE}
    assert hits[0].chunk_id == "l0"


def test_keyword_index_follows_kb_version(resources: Resources) -> None:
    store = _store(resources)
    _add(store, resources.embedder, LIVE[:2], gen=1)
    searcher = HybridSearcher(store, resources.embedder)
    gens = [source_gen("s", 1)]
    assert not [
        h for h in searcher.search("bakery", 1, gens, "Elm Street", 5) if h.chunk_id == "l3"
    ]
    _add(store, resources.embedder, LIVE[2:], gen=1)
    # A new kb_version rebuilds the cached keyword index, so the new chunk is found by keyword.
    hits = searcher.search("bakery", 2, gens, "Elm Street", 5)
    assert hits[0].chunk_id == "l3" and hits[0].keyword_rank == 1
    assert np.isfinite([h.score for h in hits]).all()


# A restaurant's pages as the chunker cuts them: the context line is "title › headings", and
# a dish card keeps its name, description and price together under the menu's heading.
RESTAURANT = [
    (
        "r0",
        "Reservations\n\nBook online or call us. We open reservations 30 days in advance.\n\n"
        "Good to know\n\n- Reservations are held for 15 minutes. After that we may give the "
        "table to guests who are waiting.\n- Groups of 8 or more must call us to book.",
    ),
    (
        "r1",
        "Dinner Menu › Mains › Seared Duck Breast\n\nCherry jus, farro, charred endive\n\n$34",
    ),
    (
        "r2",
        "Dinner Menu › Mains › Pan-Roasted Halibut\n\nSpring peas, brown butter, sea herbs\n\n$38",
    ),
    ("r3", "Dinner Menu › Desserts\n\nBrown Butter Cake\nRoasted peaches, vanilla cream\n\n$13"),
    (
        "r4",
        "Our Story › Meet the Team\n\nMaria Santos\nExecutive Chef\n\nMaria grew up on the docks "
        "of Gloucester and cooked in Lisbon and Boston.",
    ),
    (
        "r5",
        "Harbor Table › Welcome aboard\n\nA neighborhood seafood restaurant cooking over oak and "
        "hickory. Weekend brunch on Saturday and Sunday.",
    ),
]


def _restaurant(resources: Resources) -> tuple[HybridSearcher, list[str]]:
    store = _store(resources)
    store.upsert(
        "harbor",
        [r[0] for r in RESTAURANT],
        resources.embedder.embed_documents([r[1] for r in RESTAURANT]),
        [r[1] for r in RESTAURANT],
        [{"source_id": "s", "source_gen": source_gen("s", 1)} for _ in RESTAURANT],
    )
    return HybridSearcher(store, resources.embedder), [source_gen("s", 1)]


def test_hold_my_table_finds_the_held_reservations(resources: Resources) -> None:
    """ "hold" and "held" meet in the stemmed keyword index, and the note keeps the answer."""
    searcher, gens = _restaurant(resources)
    hits = searcher.search("harbor", 1, gens, "How long will you hold my table?", 3)
    assert hits[0].chunk_id == "r0"
    assert hits[0].keyword_rank == 1
    assert "15 minutes" in focus("How long will you hold my table?", [h.text for h in hits])


def test_a_dish_question_reaches_the_chunk_whose_heading_is_the_dish(
    resources: Resources,
) -> None:
    searcher, gens = _restaurant(resources)
    hits = searcher.search("harbor", 1, gens, "How much is the duck?", 3)
    assert hits[0].chunk_id == "r1"
    # The name is only in the heading path, and the note still says whose price it is.
    note = focus("How much is the duck?", [h.text for h in hits])
    assert "- Seared Duck Breast: Cherry jus, farro, charred endive — $34" in note.split("\n")
    hits = searcher.search("harbor", 1, gens, "what's the halibut going for?", 3)
    assert hits[0].chunk_id == "r2"


def test_keyword_coverage_says_how_much_of_the_question_a_chunk_holds(
    resources: Resources,
) -> None:
    searcher, gens = _restaurant(resources)
    duck = searcher.search("harbor", 1, gens, "seared duck breast", 1)[0]
    assert duck.chunk_id == "r1" and duck.keyword_coverage == 1.0
    # Nothing on the site mentions gift cards: no chunk holds much of that question.
    hits = searcher.search("harbor", 1, gens, "Do you sell gift cards?", 3)
    assert all(h.keyword_coverage == 0.0 for h in hits)


def test_a_chunk_that_answers_in_one_line_scores_that_line(resources: Resources) -> None:
    """A long chunk answering a short question in one of many lines scores low as a whole;
    its closest line, read with its label, scores as the answer it is. Each chunk's lines
    are embedded once, the first time it is found."""
    team = (
        "Rapid Flow › Our crew\n\nFamily-owned and serving the county since 2009, with a crew "
        "of licensed plumbers, trucks stocked for most repairs, upfront flat-rate pricing you "
        "approve before work starts, and clean-up included on every single job we do.\n\n"
        "Dave Kowalski\nOwner & Master Plumber\nLicensed and insured.\n\n"
        "Maria Lopez\nService Manager\nShe keeps the schedule running."
    )
    store = _store(resources)
    _add(store, resources.embedder, [*LIVE, ("t0", team)], gen=1)

    class Counting:
        """The real embedder, counting the passages it is asked to embed."""

        def __init__(self) -> None:
            self.passages = 0
            self.name, self.dimensions = resources.embedder.name, resources.embedder.dimensions

        def embed_documents(self, texts):  # type: ignore[no-untyped-def]
            self.passages += len(texts)
            return resources.embedder.embed_documents(texts)

        def embed_query(self, text):  # type: ignore[no-untyped-def]
            return resources.embedder.embed_query(text)

    counting = Counting()
    searcher = HybridSearcher(store, counting)  # type: ignore[arg-type]
    gens = [source_gen("s", 1)]
    hit = next(
        h
        for h in searcher.search("bakery", 1, gens, "Who owns the company?", 3)
        if h.chunk_id == "t0"
    )
    assert hit.similarity is not None
    assert hit.sentence_similarity > hit.similarity + 0.1
    # One similarity per piece of the chunk, in the order the knowledge note reads them:
    # the owner's line is the closest to "who owns".
    parts = pieces(0, team)
    assert len(hit.piece_similarities) == len(parts)
    assert max(hit.piece_similarities) == hit.sentence_similarity
    closest = parts[hit.piece_similarities.index(hit.sentence_similarity)]
    assert "Owner" in closest.text or "Owner" in closest.label
    embedded = counting.passages
    assert embedded > 0
    searcher.search("bakery", 1, gens, "Who owns the company?", 3)
    assert counting.passages == embedded  # the same chunks: nothing embedded again
