"""The site readers on pages written the way real small-business sites are, in several
countries, parsed by the product's own HTML reader; the interview plan built from them;
and the model's help checked against the source."""

from __future__ import annotations

import asyncio

from frontdesk.knowledge.parsers import parse_document
from frontdesk.knowledge.text_chunks import chunk_document
from frontdesk.onboarding.answers import appointment_kinds
from frontdesk.onboarding.gaps import plan, survey
from frontdesk.onboarding.generation import generate
from frontdesk.onboarding.model_reading import fill_gaps
from frontdesk.onboarding.site_facts import SiteFacts, read_site
from frontdesk.onboarding.time_zones import zone_from_answer
from frontdesk.providers.llm.structured import StructuredOutputError
from tests.fake_llm import ScriptedStructuredModel

NEW_YORK_BISTRO = {
    "/": """<html><head><meta charset="utf-8"><title>The Oak Room</title></head><body>
<nav><a href="/menu">Menu</a> <a href="/contact">Contact</a></nav>
<section class="hero"><h1>The Oak Room</h1>
<p>The Oak Room is a neighbourhood bistro in Gramercy serving seasonal American food
since 2009.</p><a class="btn">Reserve a table</a></section>
<section><h2>Get in touch</h2><p>Get in touch with our team.</p></section>
<section class="hours"><h4>Hours</h4><p>Monday–Friday: 11–10</p>
<p>Saturday–Sunday: 10–11</p></section>
</body></html>""",
    "/menu": """<html><head><meta charset="utf-8"><title>Menu | The Oak Room</title></head><body>
<h1>Dinner</h1>
<div class="row">
 <div class="card"><h3>Duck Confit</h3><p>Crispy leg, lentils, red wine jus</p>
   <span class="price">$34</span></div>
 <div class="card"><h3>Steak Frites</h3><p>Hanger steak, hand-cut fries</p>
   <span class="price">$38</span></div>
</div>
<h2>Weekend Brunch</h2><p>Saturday and Sunday 10–3</p>
<ul><li>Eggs Benedict — $19</li><li>Buttermilk Pancakes — $16</li></ul>
</body></html>""",
    "/contact": """<html><head><meta charset="utf-8">
<title>Contact | The Oak Room</title></head><body>
<h1>Contact</h1><h2>Address</h2><p>450 Park Avenue South<br>New York, NY 10016</p>
<p>Phone: (212) 555-0143</p><p>Email: hello@oakroom.example</p>
<p>Bookings up to 30 days ahead. Groups of 8 or more, please call.</p>
</body></html>""",
}
LONDON_SALON = {
    "/": """<html><head><meta charset="utf-8"><title>Fringe &amp; Co</title></head><body>
<div class="elementor"><div><div><p>Fringe &amp; Co is an independent hair salon in
Islington, cutting and colouring since 2015.</p></div></div></div>
<table><tr><th>Day</th><th>Hours</th></tr>
<tr><td>Monday</td><td>Closed</td></tr>
<tr><td>Tuesday – Friday</td><td>9:30 – 19:00</td></tr>
<tr><td>Saturday</td><td>9:00 – 17:00</td></tr>
<tr><td>Sunday</td><td>Closed</td></tr></table>
<h2>Price list</h2>
<table><tr><th>Service</th><th>Duration</th><th>Price</th></tr>
<tr><td>Ladies' cut &amp; blow-dry</td><td>60 min</td><td>£58</td></tr>
<tr><td>Men's cut</td><td>30 min</td><td>£32</td></tr>
<tr><td>Full head colour</td><td>90 min</td><td>£95</td></tr></table>
<div class="contact-block"><p>Unit 3, 27 Upper Street, London N1 0PN</p>
<p>020 7946 0321</p><p>hello@fringeandco.example</p></div>
</body></html>""",
}
BERLIN_PHYSIO = {
    "/": """<html><head><meta charset="utf-8"><title>Physio Prenzlauer Berg</title></head><body>
<h1>Physio Prenzlauer Berg</h1>
<p>We are a team of six physiotherapists helping Berlin move without pain.</p>
<h2>Öffnungszeiten</h2><p>Mo-Fr 08:00-19:00</p><p>Sa 09:00-13:00</p>
<h2>Kontakt</h2><p>Kastanienallee 12, 10435 Berlin</p><p>Tel. +49 30 12345678</p>
<h2>Leistungen</h2><p>Krankengymnastik 45 €</p><p>Manuelle Therapie 60 €</p>
</body></html>""",
}
SYDNEY_DENTIST = {
    "/": """<html><head><meta charset="utf-8"><title>Harbour Dental</title></head><body>
<p>Harbour Dental has been caring for families on the North Shore since 1998.</p>
<p>Visit us at 12 Miller St, North Sydney NSW 2060</p><p>Call (02) 9955 1234</p>
<p>Open Mon–Fri 8am–6pm, Sat 8am–12pm. Closed Sundays.</p>
<script type="application/ld+json">{}</script>
</body></html>""",
}


def _chunks(pages: dict[str, str], host: str = "http://127.0.0.1:8000") -> list[tuple[str, str]]:
    chunks = []
    for path, html in pages.items():
        url = host + path
        doc = parse_document(html.encode(), url)
        chunks += [(c.text, url) for c in chunk_document(doc, namespace=url)]
    return chunks


def test_new_york_restaurant() -> None:
    site = read_site(_chunks(NEW_YORK_BISTRO), "The Oak Room")
    assert site.address is not None
    assert site.address.text == "450 Park Avenue South, New York, NY 10016"
    assert [p.text for p in site.phones] == ["(212) 555-0143"]
    assert site.emails == ["hello@oakroom.example"]
    assert site.timezone == "America/New_York"
    # "11–10" is 11 am to 10 pm; the weekend's "10–11" is different days, not a conflict.
    assert site.week.hours["mon"] == [{"opens": "11:00", "closes": "22:00"}]
    assert site.week.hours["sat"] == [{"opens": "10:00", "closes": "23:00"}]
    assert site.week.conflicts == []
    prices = {s.name: s.price for s in site.services}
    assert prices["Duck Confit"] == "$34" and prices["Eggs Benedict"] == "$19"
    duck = next(s for s in site.services if s.name == "Duck Confit")
    assert duck.description == "Crispy leg, lentils, red wine jus"
    assert site.description is not None and site.description.startswith("The Oak Room is a")
    assert "Get in touch" not in site.description


def test_london_salon_tables_and_postcode() -> None:
    site = read_site(_chunks(LONDON_SALON, "https://fringeandco.example"), "Fringe & Co")
    assert (
        site.address is not None and site.address.text == "Unit 3, 27 Upper Street, London N1 0PN"
    )
    assert site.country == "GB" and site.timezone == "Europe/London"
    assert site.phones[0].text == "020 7946 0321" and site.phones[0].e164 == "+442079460321"
    assert site.week.hours["mon"] == [] and site.week.hours["sun"] == []
    assert site.week.hours["tue"] == [{"opens": "09:30", "closes": "19:00"}]
    assert site.week.hours["sat"] == [{"opens": "09:00", "closes": "17:00"}]
    prices = {s.name: (s.price, s.description) for s in site.services}
    assert prices["Men's cut"] == ("£32", "30 min")
    # A table row states the duration: without an owner's answer those become the kinds.
    facts = generate(
        business="Fringe & Co", questions=[], found={}, chunks=[], scheduling={}, site=site
    )
    kinds = {t["name"]: t["duration_minutes"] for t in facts["scheduling"]["appointment_types"]}
    assert kinds["Men's cut"] == 30 and kinds["Full head colour"] == 90


def test_a_street_with_an_initial_keeps_its_number() -> None:
    # A footer's two lines: "311 W. Monroe St., Suite 1600" over "Chicago, IL 60606".
    chunks = [("Contact\n\n311 W. Monroe St., Suite 1600\nChicago, IL 60606", "https://x.example")]
    site = read_site(chunks)
    assert site.address is not None
    assert site.address.text == "311 W. Monroe St., Suite 1600, Chicago, IL 60606"


def test_berlin_physio_continental_shapes() -> None:
    site = read_site(_chunks(BERLIN_PHYSIO, "https://physio-pberg.example"))
    assert site.address is not None and site.address.text == "Kastanienallee 12, 10435 Berlin"
    assert site.country == "DE" and site.timezone == "Europe/Berlin"
    assert site.phones[0].e164 == "+493012345678"
    assert site.week.hours["mon"] == [{"opens": "08:00", "closes": "19:00"}]
    assert {s.name: s.price for s in site.services}["Manuelle Therapie"] == "60 €"


def test_sydney_dentist_and_closed_sundays() -> None:
    site = read_site(_chunks(SYDNEY_DENTIST))
    assert site.address is not None and site.address.text == "12 Miller St, North Sydney NSW 2060"
    assert site.timezone == "Australia/Sydney"
    assert site.week.hours["sat"] == [{"opens": "08:00", "closes": "12:00"}]
    assert site.week.hours["sun"] == []


def test_plan_confirms_what_the_site_states_and_compares_hours_by_day() -> None:
    chunks = _chunks(NEW_YORK_BISTRO)
    site = read_site(chunks, "The Oak Room")
    questions = {q["id"]: q for q in plan(survey(chunks, site))}
    # Stated: confirmed, quoting the site; never asked as if unknown; no conflict.
    assert "location.address" not in questions and "services.prices" not in questions
    address = questions["location.address.confirm"]
    assert "450 Park Avenue South" in address["text"]
    assert "hours.hours.conflict" not in questions
    assert "location.timezone" not in questions
    # Two pages giving the same weekday different hours is a conflict, named by day.
    clash = chunks + [("Visit\n\nMonday–Friday: 12–9", "http://127.0.0.1:8000/visit")]
    questions = {q["id"]: q for q in plan(survey(clash, read_site(clash)))}
    conflict = questions["hours.hours.conflict"]
    assert "Monday, Tuesday, Wednesday, Thursday and Friday" in conflict["text"]


def test_time_zone_is_asked_when_nothing_settles_it() -> None:
    chunks = [("Home\n\nWe are a friendly bakery. Call 555 0100.", "http://127.0.0.1/")]
    site = read_site(chunks)
    assert site.timezone is None
    questions = {q["id"]: q for q in plan(survey(chunks, site))}
    assert questions["location.timezone"]["kind"] == "ask"
    answered = [{**questions["location.timezone"], "answer": "We're in Denver, Colorado"}]
    generated = generate(
        business="B", questions=answered, found={}, chunks=chunks, scheduling={}, site=site
    )
    assert generated["scheduling"]["timezone"] == "America/Denver"
    skipped = generate(business="B", questions=[], found={}, chunks=chunks, scheduling={})
    assert "timezone" not in skipped["scheduling"]  # left to the agent's own setting
    assert zone_from_answer("Eastern time") == "America/New_York"
    assert zone_from_answer("Central London") == "Europe/London"
    # An address in the answer is no zone: "West" once named Perth (Australia/West).
    assert zone_from_answer("Suite 205, 2150 West 4th Avenue, above the pharmacy") is None
    assert zone_from_answer("We're in Western Australia") == "Australia/Perth"


def test_appointment_kinds_are_never_policy_sentences() -> None:
    kinds = appointment_kinds("Bookings up to 30 days ahead, dinner table 90 minutes")
    assert [(k.name, k.minutes) for k in kinds] == [("Dinner table", 90)]
    assert appointment_kinds("Groups of 8 or more must call; we need 24 hours notice") == []


def test_model_fills_only_what_it_copies_from_the_source() -> None:
    chunks = [
        ("Find us\n\nOur little shop sits at the corner, Marktgasse 5, 3011 Bern.", "/contact"),
        ("Opening\n\nWe open Tuesday to Saturday from ten until six.", "/"),
    ]
    site = read_site(chunks)
    site.address = None  # as if the rules had missed it
    model = ScriptedStructuredModel(
        [
            {  # the address, copied; an invented price, refused
                "address": "Marktgasse 5, 3011 Bern",
                "hours_lines": [],
                "priced_items": [{"name": "Espresso", "price": "CHF 4"}],
                "description": None,
            },
            StructuredOutputError("the model crashed"),
        ]
    )
    filled = asyncio.run(fill_gaps(model, chunks, site))
    assert filled.address is not None and filled.address.text == "Marktgasse 5, 3011 Bern"
    assert filled.services == []
    # Round trip through the interview row's JSON.
    assert SiteFacts.from_json(filled.to_json()) == filled


def test_what_is_on_at_some_hours_is_no_conflict_with_the_opening_hours() -> None:
    # Happy hour and brunch name their days and times too, often under a heading of their
    # own that the reader keeps apart from the line; they are not the business's hours.
    lines = [
        ("Hours\n\nMonday–Friday: 11–10\n\nSaturday–Sunday: 10–11", "http://127.0.0.1:8000/"),
        (
            "Harbor Table\n\nThe day's catch, an open fire and a long table for friends.\n\n"
            "Monday to Friday, 4–6pm at the bar: $1.50 oysters and $8 draft beer.\n\n"
            "Saturday & Sunday, 10am–3pm. Lemon ricotta pancakes, lobster Benedict and a "
            "proper Bloody Mary bar.",
            "http://127.0.0.1:8000/",
        ),
        ("Contact\n\nFri: 8:00 AM – 3:00 PM", "http://127.0.0.1:8000/contact/"),
    ]
    site = read_site(lines, "Harbor")
    assert site.week.hours["mon"] == [{"opens": "11:00", "closes": "22:00"}]
    assert site.week.hours["sun"] == [{"opens": "10:00", "closes": "23:00"}]
    # Only the page that really disagrees on a day's hours is a conflict.
    assert [(c["day"], c["other_quote"]) for c in site.week.conflicts] == [
        ("fri", "Fri: 8:00 AM – 3:00 PM")
    ]


def test_appointment_kinds_are_asked_unless_the_site_names_them() -> None:
    # A sentence about lateness matches the appointment-types pattern but names no kind: the
    # owner is asked, or the receptionist could never book.
    late = [("FAQs\n\nIf you arrive more than 10 minutes late for your appointment we may have "
             "to rebook you.", "http://127.0.0.1/faqs")]  # fmt: skip
    questions = {q["id"]: q for q in plan(survey(late, read_site(late)))}
    assert questions["booking.types"]["kind"] == "ask"
    # Kinds with their lengths on the site are not asked again.
    named = [("Fees\n\nCheck-up appointments are 30 minutes and hygienist visits 45 minutes.",
              "http://127.0.0.1/fees")]  # fmt: skip
    assert "booking.types" not in {q["id"] for q in plan(survey(named, read_site(named)))}


def test_the_address_is_the_address_sentence_of_the_answer() -> None:
    chunks = [("Home\n\nWe are a friendly bakery in Portland, Oregon.", "http://127.0.0.1/")]
    site = read_site(chunks)
    asked = {q["id"]: q for q in plan(survey(chunks, site))}["location.address"]
    answered = [{**asked, "answer": "3318 SE Division St. Street parking only."}]
    generated = generate(
        business="B", questions=answered, found={}, chunks=chunks, scheduling={}, site=site
    )
    assert generated["business_facts"]["address"] == "3318 SE Division St"
    # An initial ends no sentence: the street keeps its number.
    answered = [{**asked, "answer": "311 W. Monroe St., Suite 1600. We validate parking."}]
    generated = generate(
        business="B", questions=answered, found={}, chunks=chunks, scheduling={}, site=site
    )
    assert generated["business_facts"]["address"] == "311 W. Monroe St., Suite 1600"
