"""A denial is checked for its object: what it says the business does not do must appear
in what the receptionist was shown, not only in the caller's question."""

from __future__ import annotations

from frontdesk.runtime.denials import denied, echoes_unshown, seen_in, unfounded_denial

SHOWN_TEXTS = [
    "Opening hours: Mon–Fri 8am–7pm; Sat 9am–4pm; Sunday closed",
    "Dog vaccination (C5) — $110",
    "Free customer parking behind the clinic. Call us on (03) 9123 4567.",
    "Tables are held for 15 minutes.",
]
SHOWN = seen_in(SHOWN_TEXTS)


def test_a_denial_of_what_nothing_mentions_is_unfounded() -> None:
    assert unfounded_denial("No, we don't do house calls.", SHOWN)
    assert unfounded_denial("Sorry, but we don't offer weekend workshops.", SHOWN)
    assert unfounded_denial("There is no wheelchair access, sorry.", SHOWN)


def test_a_denial_resting_on_what_was_shown_stands() -> None:
    assert not unfounded_denial("No, we don't vaccinate dogs on Sundays.", SHOWN)
    assert not unfounded_denial("We don't hold tables longer than 15 minutes.", SHOWN)
    assert not unfounded_denial("There is no charge for parking behind the clinic.", SHOWN)


def test_only_the_business_denying_counts() -> None:
    # Not knowing, the desk's own words, and the caller's side are no denial.
    assert denied("I don't know that, but I can take a message.") == set()
    assert denied("I can't see a free time on Sunday.") == set()
    assert denied("No, you don't need a referral.") == set()
    assert denied("Our clinic doesn't do house calls at Paws Vet.", "Paws Vet") == {"hous", "call"}


def test_a_yes_that_only_restates_an_unshown_question_is_made_up() -> None:
    question = "Is the dining room wheelchair accessible?"
    assert echoes_unshown("The dining room is wheelchair accessible.", question, SHOWN)
    assert echoes_unshown("Yes, it is wheelchair accessible!", question, SHOWN)
    # Shown, it stands; an answer that says more than the question is for the other checks.
    shown = seen_in([*SHOWN_TEXTS, "The dining room is step-free and wheelchair accessible."])
    assert not echoes_unshown("Yes, the dining room is wheelchair accessible.", question, shown)
    assert not echoes_unshown("We have a step-free entrance at the side door.", question, SHOWN)
    assert not echoes_unshown("I don't know if it is wheelchair accessible.", question, SHOWN)


def test_a_thing_said_to_be_not_allowed_is_denied_by_its_own_name() -> None:
    # "What days can I bring my cockatiel in?" of a vet whose pages never name cockatiels:
    # the model answered "Cockatiels are not allowed in the clinic", and the gate let it by.
    assert denied("Cockatiels are not allowed in the clinic.") == {"cockatiel"}
    assert unfounded_denial("Sorry, cockatiels aren't permitted here.", SHOWN)
    # Resting on what was shown, it stands.
    assert not unfounded_denial("Dogs are not allowed on the grooming table.", seen_in(["Dogs"]))
    # A page's birds are no ground for denying cockatiels (though they answer a question
    # about one), nor its "dogs welcome" for turning away a spaniel.
    birds = seen_in(["Dr James Nguyen sees rabbits, guinea pigs and birds."])
    assert unfounded_denial("Cockatiels are not allowed in the clinic.", birds)
    assert not unfounded_denial("Birds are not allowed in the waiting room.", birds)
    assert unfounded_denial("Spaniels aren't allowed.", seen_in(["Dogs welcome (£15 a night)"]))
