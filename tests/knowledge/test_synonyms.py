"""Words callers and websites use for one thing are read as one concept, every form of each."""

from __future__ import annotations

from frontdesk.knowledge.keyword_index import KeywordIndex, tokenize
from frontdesk.knowledge.passage_pieces import stems_of
from frontdesk.knowledge.stemming import terms
from frontdesk.knowledge.synonyms import concept, concepts, implied, plain


def test_a_group_is_one_concept_in_every_form() -> None:
    assert concepts(terms("head chef")) == concepts(terms("Executive Chef"))
    assert concepts(terms("cancelling")) == concepts(terms("reschedule"))
    assert concepts(terms("children")) == concepts(terms("kids")) == concepts(terms("daughter"))
    assert concept("halibut") == "halibut"  # a word of no group is itself


def test_words_with_a_common_second_sense_stay_apart() -> None:
    # "junior stylist" is not a child's haircut, "training" is not a train station, "based"
    # of "plant-based" is not vegetarian, a garage that repairs cars is not parking.
    for left, right in [("junior", "kid"), ("training", "station"), ("based", "vegan"),
                        ("garage", "parking"), ("free", "wheelchair")]:  # fmt: skip
        assert concepts(terms(left)) != concepts(terms(right))


def test_a_size_in_inches_is_one_term_however_written() -> None:
    # Apart, the "8" of an eight-inch cake would meet "Serves 8–10" on the 6" cake's row.
    for written in ['8" round', "8″ round", "8-inch", "an eight inch", "8 inches across"]:
        assert "8inch" in terms(written), written
    assert "8inch" not in terms('6" round, serves 8–10')


def test_a_lawyer_is_an_attorney_and_ten_percent_off_is_a_discount() -> None:
    # "Is the first meeting with a lawyer free?" of "Your first meeting with an attorney is
    # free": the yes was withheld as being about something no page mentions.
    assert concepts(terms("lawyers")) == concepts(terms("attorney")) == concepts(terms("solicitor"))
    assert implied("Students get 15% off all passes") == concepts(terms("discount"))
    assert implied("15 % OFF for veterans") == concepts(terms("discounts"))
    assert implied("Take 15% of the booking as a deposit") == set()


def test_running_late_is_late_and_a_veteran_is_military() -> None:
    # "Do you give a discount for veterans?" of "10% off for seniors and military".
    assert concepts(terms("veterans")) == concepts(terms("military"))
    assert concepts(terms("lunchtime")) == concepts(terms("lunch"))
    assert plain("We're running a bit late") == "We're late"
    assert plain("Sorry, running behind!") == "Sorry, late!"
    assert plain("My toilet keeps running") == "My toilet keeps running"
    assert "run" not in stems_of("What if I'm running late?")
    assert "late" in tokenize("running quite late")
    assert concepts(terms("amex")) & set(tokenize("We accept Visa and American Express."))


def test_running_late_leaves_no_unseen_word() -> None:
    # Unseen words make a yes or a no "about something no page mentions".
    index = KeywordIndex([("c1", "If you arrive more than 15 minutes late we may reschedule.")])
    assert index.unseen("What if I'm running late?") == ()


def test_a_breed_is_a_dog_a_young_one_a_child_and_being_welcome_is_being_allowed() -> None:
    # "We've got a spaniel. Can he come with us?" of "Dogs welcome (£15 per dog per night)";
    # "Can we bring our six-year-old?" of "Children aged 8 and over are welcome".
    assert stems_of("We've got a spaniel. Can he come with us?") == stems_of("dogs welcome")
    assert stems_of("Can we bring our six-year-old?") == stems_of("children welcome")
    assert {"6", "kid"} <= stems_of("for 6-year-olds and up")  # a page's age is kept
    assert "kid" not in stems_of("a 30-year-old building")
    assert concepts(terms("allowed")) == concepts(terms("welcome"))
    assert concepts(terms("buy")) == concepts(terms("purchase"))  # "Pre-purchase inspection"
    assert concepts(terms("cockatiel")) == concepts(terms("birds"))
    assert concepts(terms("operation")) == concepts(terms("surgery"))
    assert concepts(terms("fix")) == concepts(terms("repair"))  # "Waived if we do the repair"


def test_leaving_the_room_is_checking_out() -> None:
    check_out = stems_of("Check-out is by 10:30 am")
    assert {"check", "out"} <= check_out
    assert stems_of("When do we have to be out of the room?") & check_out >= {"check", "out"}
    assert stems_of("What time is checkout?") >= {"check", "out"}


def test_bringing_it_to_our_house_is_delivery_and_who_it_is_for_is_no_topic() -> None:
    # "We don't offer delivery" answers "Can you bring the cake to our house?".
    assert stems_of("Can you bring the cake to our house?") == stems_of("cake delivery")
    assert stems_of("Do you deliver?") <= stems_of("We don't offer delivery.")
    # Who the caller asks for says nothing about what is asked: a site never says "sister".
    index = KeywordIndex([("c1", "Gluten-Free Almond Cake (slice) — $5.50")])
    assert index.unseen("My sister can't eat gluten. Is there anything she could have?") == ("eat",)


def test_a_wedding_is_not_the_wed_of_an_opening_hours_line() -> None:
    # "No, we don't do wedding hair" rested on "Wed 10–8": both stemmed to "wed".
    assert not stems_of("wedding hair") & stems_of("Tue–Wed 10am–8pm")
    assert stems_of("Weddings") == stems_of("wedding")
