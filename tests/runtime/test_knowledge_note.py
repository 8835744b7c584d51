"""The knowledge note keeps the sentences that answer the question, within its budget."""

from __future__ import annotations

from frontdesk.knowledge.passage_pieces import pieces
from frontdesk.runtime.knowledge_note import (
    NOTE_BUDGET_CHARS,
    answered_in,
    covered_by,
    focus,
    on_file,
)

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


MENU = (
    "Dinner Menu › Mains\n\nSeared Duck Breast\nCherry jus, farro, charred endive\n\n$34\n\n"
    "Pan-Roasted Halibut\nSpring peas, brown butter, sea herbs\n\n$38"
)
TEAM = (
    "Our Story › Meet the Team\n\nMaria Santos\nExecutive Chef\n\nMaria grew up on the docks.\n\n"
    "Lucia Ferraro\nWine Director\n\nLucia builds our list from small growers."
)
CONTACT = (
    "Find Us\n\nAddress\nRose Cottage\nSherborne Street\nGloucestershire GL54 2BY\n\n"
    "Telephone: 01451 820 123\n\nArriving late? Text Tom on 07700 900456."
)


def test_a_price_keeps_the_name_it_belongs_to() -> None:
    for question, name, price in [
        ("How much is the duck?", "Seared Duck Breast", "$34"),
        ("What's the halibut going for?", "Pan-Roasted Halibut", "$38"),
    ]:
        note = focus(question, [MENU])
        line = next(line for line in note.split("\n") if price in line)
        assert line.startswith(f"- {name}"), note
        # Any other price shown is on a line of its own dish, never this one's.
        assert all(line.count("$") == 1 for line in note.split("\n"))


def test_a_table_row_split_over_lines_stays_one_line() -> None:
    prices = "Services & Fees\n\n- Dog vaccination (C5)\n- $110\n- Cat vaccination (F3)\n- $95"
    assert "- Cat vaccination (F3) — $95" in focus("How much to vaccinate my cat?", [prices])


PLANS = (
    "Membership\n\nNo long contracts. A one-off joining fee of €29 applies to monthly plans.\n\n"
    "Off-Peak\n€39/month\nGym floor 9am–4pm weekdays\nClasses €8 each\nFree induction\n"
    "Choose Off-Peak\n\n"
    "Full Access\nMost popular — €55/month\nGym floor any time we’re open\nUnlimited classes\n"
    "Choose Full Access\n\n"
    "Day Pass\n€12\nOne visit to the gym floor\nClasses not included\n\n"
    "Personal Training\nOne-to-one sessions with Aoife.\n\nSingle session — €50"
)


def test_a_pricing_card_is_labelled_by_its_plan_not_by_a_line_of_what_it_offers() -> None:
    # "Free induction" and "Choose Off-Peak" are short, label-shaped lines: they once became
    # the label of the next plan's price ("Free induction: €55/month").
    labels = {p.text: p.label for p in pieces(0, PLANS)}
    assert labels["Most popular — €55/month"] == "Full Access"
    assert labels["Free induction"] == "Off-Peak"
    assert labels["€12"] == "Day Pass"
    assert labels["Classes not included"] == "Day Pass"
    assert labels["One-to-one sessions with Aoife."] == "Personal Training"
    note = focus("How much is full access a month?", [PLANS])
    line = next(line for line in note.split("\n") if "€55" in line)
    assert line.startswith("- Full Access: Most popular — €55/month"), note


def test_a_grid_of_name_and_title_cards_labels_each_title_with_its_own_name() -> None:
    # Each card a paragraph: the name, then a title (the last with a comma no label has).
    # As one run of label-shaped lines it had been a list, the first name labelling all.
    crew = (
        "About Us › About Precision Auto Care\n\nMike Delgado opened the shop in 2009.\n\n"
        "Meet the crew › Mike Delgado\nOwner & ASE Master Technician\n\n"
        "Meet the crew › Jenna Park\nService Advisor\n\n"
        "Meet the crew › Luis Romero\nLead Technician, Subaru & Toyota specialist"
    )
    labels = {p.text: p.label for p in pieces(0, crew) if not p.is_label}
    assert labels["Service Advisor"] == "Meet the crew › Jenna Park"
    assert labels["Lead Technician, Subaru & Toyota specialist"] == "Meet the crew › Luis Romero"
    # A list of services a paragraph apiece is still one list under its first line.
    services = "Services\n\nWhat we do\n\nCuts\n\nColour\n\nStyling"
    assert {p.label for p in pieces(0, services) if not p.is_label} == {"What we do"}


def test_a_person_is_named_with_their_role() -> None:
    note = focus("Who is your wine director?", [TEAM])
    assert note.startswith("- Lucia Ferraro — Wine Director")
    assert "Maria" not in note


def test_the_kind_of_fact_asked_for_comes_first() -> None:
    # No line shares a word with the question; the phone-shaped one answers it.
    assert "01451 820 123" in focus("What number do I ring?", [CONTACT])
    # An address run longer than a name and a role is a list, not a label for what follows.
    note = focus("Can I text someone if we're arriving late?", [CONTACT])
    assert "- Arriving late? Text Tom on 07700 900456." in note.split("\n")
    assert "Address" not in note and "Sherborne" not in note


def test_an_faq_question_brings_its_answer() -> None:
    faq = (
        "FAQ › Frequently Asked Questions\n\nDo I need a doctor’s referral? No. You don’t need a "
        "referral to see a physiotherapist in BC. What should I wear? Shorts and a loose top."
    )
    note = focus("Do I need to get a referral from my doctor first?", [faq])
    assert "You don’t need a referral to see a physiotherapist in BC." in note
    assert "Shorts and a loose top." in focus("What should I wear to my appointment?", [faq])


# A team grid as the reader writes it: each person's name is the heading of their card.
GRID = (
    "Our Team | Harbor Table › Our Story\n\nHarbor Table opened in 2014 with twelve tables.\n\n"
    "Meet the Team › Maria Santos\nExecutive Chef — Maria cooked in Lisbon and Boston before "
    "opening Harbor Table in 2014.\n\nMeet the Team › Daniel Okafor\nChef de Cuisine — Daniel "
    "runs the line every night, and the Sunday fish fry.\n\nMeet the Team › Priya Raman\n"
    "Pastry Chef — Everything sweet, and all the bread, comes out of Priya’s oven."
)


def test_asked_who_the_note_keeps_the_name_that_heads_the_card() -> None:
    # The card's text never says "Maria Santos": without its heading the note names no one.
    assert focus("Who's your head chef?", [GRID]).startswith(
        "- Meet the Team › Maria Santos: Executive Chef"
    )
    assert "Priya Raman: Pastry Chef" in focus("Who does your desserts?", [GRID])
    # Asked what, not who, the card's sentence is enough.
    assert "›" not in focus("What does the chef de cuisine run?", [GRID])


def test_words_callers_and_sites_use_for_one_thing_meet() -> None:
    prices = (
        "Fees\n\nInitial physiotherapy assessment (60 min) — $130\n"
        "Follow-up physiotherapy (45 min) — $105"
    )
    assert focus("How much is the first physio appointment?", [prices]).startswith(
        "- Initial physiotherapy assessment (60 min) — $130"
    )
    assert focus("How much is the first appointment?", [prices]).startswith("- Initial")
    ages = "About us\n\nWe treat adults and children aged 12 and over. Our clinic has a gym."
    assert focus("Can you see my eight-year-old daughter?", [ages]) == (
        "- We treat adults and children aged 12 and over."
    )


def test_how_much_notice_asks_how_long_not_a_price() -> None:
    faq = (
        "FAQs › Frequently asked questions\n\nWhat is your cancellation policy? Please give us "
        "at least 24 hours’ notice if you need to cancel or move an appointment. Private "
        "patients who miss an appointment or cancel with less notice are charged a £30 fee. "
        "Parking: there is a pay and display car park on Leighton Road."
    )
    # Room for one sentence: the one saying how long, not the shorter one with a price.
    note = focus("How much notice do you need if I have to cancel?", [faq], budget=140)
    assert note.startswith("- What is your cancellation policy? Please give us at least 24 hours")
    assert "£30" in focus("How much is the fee if I cancel late?", [faq], budget=140)


def test_a_sentence_too_long_for_the_note_is_cut_between_words() -> None:
    teas = (
        "Cream teas\n\nFrom Wednesday to Sunday we serve cream teas in the walled garden: two "
        "warm scones, Cornish clotted cream, strawberry jam and a pot of tea, £12.50 per person."
    )
    body = teas.split("\n\n")[1]
    # The budget ends inside the price.
    note = focus("When are cream teas served?", [teas], budget=body.index("£12.50") + 4)
    assert note.endswith("…") and "£12" not in note  # never "£12…", a price nobody gave
    assert note.split()[-1].rstrip("…") in {word.strip(",.:") for word in teas.split()}


def test_a_name_with_a_number_still_heads_its_card() -> None:
    """ "5-Class Pass" names a card as "Drop-in" does; "€80" and "Mon–Fri 8am–7pm" are
    values, which never name what follows."""
    chunk = (
        "Prices\n\nDrop-in\n€18 — One class, valid for 1 month.\n\n5-Class Pass\n"
        "€80 — Valid for 3 months.\n\n10-Class Pass\n€150 — Valid for 6 months."
    )
    note = focus("How long is the 5-class pass valid?", [chunk])
    assert "5-Class Pass: €80 — Valid for 3 months." in note
    assert "Drop-in: €80" not in note
    hours = "Visit\n\nOpening hours\nMon–Fri 8am–7pm\nSat 9am–4pm\nClosed Sundays."
    assert "Opening hours" in focus("When are you open on Saturday?", [hours])


def test_one_line_that_answers_makes_the_passage_relevant() -> None:
    team = (
        "Our crew\n\nServing the county since 2009.\n\nDave Kowalski\nOwner & Master Plumber\n"
        "Licensed and insured.\n\nCall (512) 555-0147 any time."
    )
    assert answered_in("Who owns the company?", team)  # "company" names the business
    assert answered_in("What's your phone number?", team)  # the kind of fact asked for
    assert not answered_in("Do you install solar panels?", team)
    assert not answered_in("Who does your taxes?", team)


def test_a_price_line_always_names_what_it_prices() -> None:
    rooms = (
        "Rooms › Little Wren\n\n£95 per night\n\nSingle room with a small double bed\n\n"
        "The Rambler\n£120 per night\nKing-size bed"
    )
    note = focus("What's the cheapest room you've got?", [rooms])
    assert "Little Wren: £95 per night" in note
    assert "The Rambler: £120 per night" in note
    timetable = "Timetable\n\n09:00 — Monday: Spin — Tuesday: HIIT\n18:00 — Monday: Yoga"
    assert "Timetable:" not in focus("Is there yoga on Monday?", [timetable])


def test_asked_who_the_line_naming_a_person_comes_before_the_role_alone() -> None:
    fees = "Fees\n\nScale & polish (hygienist) — Private: £75"
    team = (
        "Meet the Team\n\nSophie Clarke — Dental Hygienist — Dip DH · GDC 208765 — Sophie's "
        "gentle scale and polish appointments are popular with nervous patients, and she "
        "runs our children's brushing club."
    )
    assert "Sophie Clarke" in focus("Who's the hygienist there?", [fees, team])


def test_a_street_before_its_number_is_an_address() -> None:
    contact = (
        "Contact\n\nThe studio opens 15 minutes before the first class.\n"
        "Kastanienallee 12 (second courtyard)\n10435 Berlin"
    )
    assert "Kastanienallee 12" in focus("Where exactly is the studio?", [contact])


def test_an_age_or_a_consequence_asked_about_finds_its_line() -> None:
    clinic = (
        "About us\n\nOur physiotherapists treat sports injuries, back pain and arthritis. We "
        "see patients aged 14 and up. Free parking is behind the clinic on Oak Lane."
    )
    # The age asked about is answered by an age limit, whatever words the caller used.
    assert answered_in("Can you see my nine-year-old son?", clinic)
    assert not answered_in("Can you see my nine-year-old son?", "Visits\n\nWe see adults.")
    # "What happens if…" asks for a consequence: a fee, or how long.
    policy = (
        "Policies\n\nPlease arrive a few minutes early to fill in forms. Cancellations with "
        "less than 24 hours' notice are charged $40. We text a reminder the day before."
    )
    assert answered_in("What happens if I cancel?", policy)
    assert "charged $40" in focus("What happens if I cancel?", [policy])


def test_a_listed_item_is_said_with_the_sentence_that_introduces_the_list() -> None:
    areas = (
        "Plumbing › Areas We Serve\n\nWe serve Travis and Williamson County, including:\n"
        "Austin\nRound Rock\nPflugerville\nGeorgetown\n\nLicensed in Texas for 20 years."
    )
    assert focus("Do you come out to Pflugerville?", [areas]) == (
        "- We serve Travis and Williamson County, including: Pflugerville"
    )


def test_words_that_only_ask_for_a_price_match_no_line() -> None:
    # "run me" asks what it costs; as a word, "run" met "Running toilets" and the toilet's
    # price took the place of the water heater's.
    prices = (
        "Services & Pricing\n\nToilet Repair\nfrom $125 — Running toilets, leaks at the base.\n\n"
        "Water Heater Replacement\nfrom $1,450 — 40-gallon gas tank heater supplied, "
        "installed and hauled away, with permit."
    )
    note = focus("What's a new water heater going to run me?", [prices])
    assert note.startswith("- Water Heater Replacement: from $1,450")
    assert "Toilet" not in note


def test_a_price_row_asked_for_its_price_keeps_the_price_and_lets_its_neighbours_in() -> None:
    rows = "\n".join(
        f"{name}\nfrom ${price} — {words}, all parts and labour included, with a warranty."
        for name, price, words in [
            ("Water Heater Repair", 189, "Gas and electric tank heaters, pilot issues"),
            ("Water Heater Replacement", "1,450", "A 40-gallon gas tank heater"),
            ("Water Heater Flush", 99, "Sediment drained from the tank"),
        ]
    )
    note = focus("How much is water heater work?", [f"Pricing\n\n{rows}"])
    assert "Water Heater Repair: from $189\n" in note
    assert "Water Heater Replacement: from $1,450\n" in note
    assert "Water Heater Flush: from $99" in note
    # Asked how long as well, the words after the price are kept: they say it.
    passes = "Prices\n\n10-Class Pass\n€150 — Valid for 6 months."
    assert "Valid for 6 months" in focus("What does the 10 class pass cost and how long?", [passes])


def test_a_timetable_row_keeps_the_cells_the_question_names() -> None:
    timetable = (
        "Class Timetable\n\n"
        "06:30 — Monday: HIIT — Tuesday: Spin — Wednesday: HIIT — Thursday: Spin\n"
        "10:15 — Monday: – — Tuesday: – — Wednesday: – — Thursday: –\n"
        "18:00 — Monday: Strength Club — Tuesday: Boxfit — Wednesday: Spin — Thursday: Boxfit"
    )
    note = focus("What time is spin on a Wednesday?", [timetable])
    assert "- 18:00 — Wednesday: Spin" in note.splitlines()
    assert "Boxfit" not in note and "10:15" not in note
    # A row asked about by its first cell is kept whole.
    fees = (
        "Fees\n\nDeep clean — Length: 60 min — Price: $120 — Booking: online\n"
        "Check-up — Length: 30 min — Price: $65 — Booking: by phone"
    )
    assert focus("How much is a deep clean?", [fees]) == (
        "- Deep clean — Length: 60 min — Price: $120 — Booking: online"
    )


def test_an_initial_or_a_title_does_not_end_a_sentence() -> None:
    about = (
        "About the Firm\n\nVisiting our office\nOur office is on the 16th floor of 311 W. "
        "Monroe St. Check in with building security in the lobby."
    )
    said = [piece.text for piece in pieces(0, about)]
    assert said[-1] == (
        "Our office is on the 16th floor of 311 W. Monroe St. Check in with building security "
        "in the lobby."
    )
    assert [piece.text for piece in pieces(0, "Team\n\nSee Dr. Patel. She is great.")] == [
        "See Dr. Patel.",
        "She is great.",
    ]


def test_asked_which_the_card_heading_is_the_answer() -> None:
    # A room's card: its name as the heading, a price, then what the room has.
    rooms = [
        "Rooms › Honeysuckle\n\n£135 per night\n\nSuper-king or twin beds\n"
        "Roll-top bath and separate shower\nView over the River Windrush",
        "Rooms › Little Wren\n\n£95 per night\n\nSingle room with a small double bed\n"
        "Shower room\nPerfect for solo walkers",
    ]
    note = focus("Which room has the roll-top bath?", rooms)
    assert note.startswith("- Honeysuckle: Roll-top bath and separate shower\n")


def test_a_name_the_question_capitalises_weighs_more() -> None:
    texts = [
        "Reviews\n\nCame out at 11pm for a burst pipe. Told me the fee up front.",
        "Areas We Serve\n\nWe serve Travis County, including:\nAustin\nPflugerville\nManor",
    ]
    assert "Pflugerville" in focus("Do you guys come out to Pflugerville?", texts)


def test_cancelling_late_is_asked_in_idioms() -> None:
    faq = (
        "FAQ › Frequently Asked Questions\n\n"
        "How long is my first visit? Your initial assessment is 60 minutes.\n"
        "Appointments cancelled with less than 24 hours’ notice are charged a $50 late "
        "cancellation fee."
    )
    # The "minute" of "last minute" is not the 60 minutes of a first visit.
    note = focus("What happens if I have to cancel last minute?", [faq])
    assert note.startswith("- Appointments cancelled with less than 24 hours’ notice")
    policy = (
        "Policies\n\nLate cancellations and no-shows are charged 50% of the booked service.\n"
        "If you arrive more than 15 minutes late we may need to shorten your service.\n"
        "We require 24 hours’ notice to cancel or reschedule."
    )
    # "How late can I cancel?" asks how long before: the notice, not a clock time.
    assert "24 hours’ notice" in focus("How late can I cancel without being charged?", [policy])


def test_a_second_question_of_a_kind_keeps_its_value_from_the_same_block() -> None:
    fees = (
        "Fees › Free 30-minute consultation\n\nYour first meeting with an attorney is free. "
        "It lasts 30 minutes and can be held in our office or by phone.\n\n"
        "Our first priority is a clear quote for every matter."
    )
    note = focus("Is the first meeting with a lawyer free, and how long is it?", [fees])
    assert "30 minutes" in note and "attorney is free" in note, note


FEES = (
    "Services & Fees\n\nVaccinations\nC5 for dogs, F3 for cats. We send a reminder when "
    "boosters are due.\n\nSurgery\nDesexing and lump removals with modern monitoring. "
    "Admissions are between 8:00 and 8:30am; please don't feed your pet after 10pm the night "
    "before.\n\nFees\n\nDog vaccination (C5) \u2014 $110\n\nDog desexing \u2014 from $390"
)


def test_the_line_closest_in_meaning_joins_the_note_after_the_best_by_words() -> None:
    question = "Can my dog have breakfast on the morning of his procedure?"
    parts = pieces(0, FEES)
    fasting = next(i for i, p in enumerate(parts) if "feed" in p.text)
    # As the search measures them: the fasting rule is closest in meaning, though only the
    # lines about dogs share a word with the question.
    closeness = tuple(0.55 if i == fasting else 0.3 for i in range(len(parts)))
    without = focus(question, [FEES])
    assert "10pm" not in without and "C5 for dogs" in without
    note = focus(question, [FEES], closeness=[closeness])
    assert "after 10pm the night before" in note and "C5 for dogs" in note
    # Not close enough: the note is as the words choose it.
    far = tuple(0.35 if i == fasting else 0.3 for i in range(len(parts)))
    assert focus(question, [FEES], closeness=[far]) == without


def test_with_no_word_shared_the_closest_line_is_the_note() -> None:
    question = "Could you do us sandwiches to take on a walk?"
    text = (
        "Breakfast\n\nBreakfast is served from 8 to 10. Heading out for the day? We make "
        "packed lunches for £9.50 per person; please order the evening before."
    )
    parts = pieces(0, text)
    lunches = next(i for i, p in enumerate(parts) if "packed lunches" in p.text)
    closeness = tuple(0.45 if i == lunches else 0.1 for i in range(len(parts)))
    assert "£9.50" in focus(question, [text], closeness=[closeness])


def test_of_equal_lines_the_one_sharing_a_rarer_word_comes_first() -> None:
    # "class" is in every line, "lunch" (a lunchtime class) in one timetable row only: the
    # row is the answer, though the shorter lines state a length of time too.
    schedule = (
        "Weekly Schedule\n\nClasses are 75 minutes unless noted otherwise.\n"
        "07:00 — Monday: Morning Vinyasa 60 min — Wednesday: Morning Vinyasa 60 min\n"
        "12:15 — Monday: Lunch Flow 45 min — Wednesday: Lunch Flow 45 min\n"
        "Intro offer: 2 weeks of classes for €35.\nDrop-in: one class, valid for 1 month."
    )
    note = focus("How long does the lunchtime class go?", [schedule], budget=120)
    assert "Lunch Flow 45 min" in note


def test_the_line_on_file_is_the_one_with_a_value_of_the_kind_asked() -> None:
    note = (
        "- Reservations are held for 15 minutes.\n"
        "- After that we may give the table to guests who are waiting.\n"
        "- Parties of 8 or more, please call us."
    )
    question = "Do you hold tables if we're running a bit late?"
    assert on_file(question, note) == "Reservations are held for 15 minutes."
    # A price is asked for and none is on file; a question asking no kind of value.
    assert on_file("How much is a table for two?", note) is None
    assert on_file("Tell me about the restaurant", note) is None
