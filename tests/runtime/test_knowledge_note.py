"""The knowledge note keeps the sentences that answer the question, within its budget."""

from __future__ import annotations

from frontdesk.runtime.knowledge_note import NOTE_BUDGET_CHARS, covered_by, focus

PRICES = (
    "Prices\n\nAnnual wellness exam \u2014 $68\nRabies vaccination \u2014 $32\n"
    "Canine dental cleaning \u2014 $240\nFeline dental cleaning \u2014 $210"
)
VISIT = (
    "Visit us\n\nWe have six free parking spaces behind the building. The entrance is "
    "from Cedar Street. Grooming is on Tuesdays and Thursdays only."
)


def test_keeps_the_matching_lines_only() -> None:
    assert focus("How much is a rabies vaccination?", [PRICES, VISIT]) == (
        "- Rabies vaccination \u2014 $32"
    )
    assert focus("When can my dog be groomed?", [PRICES, VISIT]) == (
        "- Grooming is on Tuesdays and Thursdays only."
    )
    # Both dental lines share two words with the question; they keep their order.
    assert focus("Dental cleaning for cats?", [PRICES]) == (
        "- Canine dental cleaning \u2014 $240\n- Feline dental cleaning \u2014 $210"
    )


def test_paraphrase_falls_back_to_the_best_chunk_and_budget_holds() -> None:
    assert focus("Somewhere to leave the car?", [VISIT]).startswith("- We have six free parking")
    long_text = "Title\n\n" + " ".join(f"Cats item {i} is fine." for i in range(200))
    note = focus("cats", [long_text])
    assert len(note) <= NOTE_BUDGET_CHARS + 40 and note.count("- ") >= 2


def test_questions_the_facts_answer_need_no_note() -> None:
    facts = ["Phone: (555) 014-2398", "  - Nail trim \u2014 $15", "Parking: six spaces"]
    assert covered_by("How much is a nail trim?", facts)
    assert covered_by("Is there parking?", facts)
    assert not covered_by("How much is a nail trim for a rabbit?", facts)
    assert not covered_by("Do you do dental cleaning?", facts)
    assert not covered_by("How much?", facts)  # nothing asked about: look it up
