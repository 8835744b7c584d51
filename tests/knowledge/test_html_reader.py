"""The HTML reader on pages shaped like the ones small businesses really have: every visible
word is read, and what belongs together (a card's heading and its text, a dish and its price,
a table cell and its column header) ends up in one chunk."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.knowledge.documents import ParsedDocument
from frontdesk.knowledge.html_text import extract_html
from frontdesk.knowledge.parsers import parse_document
from frontdesk.knowledge.text_chunks import chunk_document
from tests.corpus.sites import contains

PAGES = Path(__file__).parent / "pages"


def _read(name: str) -> ParsedDocument:
    return extract_html((PAGES / name).read_bytes())


def _chunks(doc: ParsedDocument) -> list[str]:
    return [c.text for c in chunk_document(doc.standalone(), namespace="test")]


def _together(doc: ParsedDocument, *wanted: str) -> str:
    """The chunk that holds every one of `wanted`; fails naming what is where."""
    chunks = _chunks(doc)
    for text in chunks:
        if all(contains(text, w) for w in wanted):
            return text
    where = {w: [i for i, t in enumerate(chunks) if contains(t, w)] for w in wanted}
    raise AssertionError(f"{wanted} are not in one chunk (chunk numbers: {where})")


def _paths(doc: ParsedDocument) -> list[list[str]]:
    return [s.headings for s in doc.sections]


def _all_text(doc: ParsedDocument) -> str:
    return doc.standalone().text


def test_card_grid_keeps_each_name_with_its_role() -> None:
    doc = _read("bootstrap_team.html")
    assert ["Meet the team", "Dr. Adaeze Okafor"] in _paths(doc)
    assert ["Meet the team", "Liam Bryce"] in _paths(doc)
    _together(doc, "Dr. Adaeze Okafor", "Principal Dentist")
    _together(doc, "Liam Bryce", "Dental Hygienist", "Fridays only")  # the card's footer too
    _together(doc, "Sofia Marchetti", "Practice Manager")
    # Text after the grid is not filed under the last card.
    after = next(s for s in doc.sections if "new patients" in s.text)
    assert after.headings == ["Meet the team"]
    _together(doc, "Essential", "£14.50", "Two hygiene visits")
    _together(doc, "Family", "£39", "Up to four people")


def test_cookie_banner_navigation_and_copyright_are_not_knowledge() -> None:
    text = _all_text(_read("bootstrap_team.html"))
    for noise in ("Accept all cookies", "We use cookies", "Copyright", "Home"):
        assert noise not in text
    assert "22 Quay Street, Falmouth TR11 3HH" in text


def test_menu_dish_description_and_price_stay_on_one_line() -> None:
    doc = _read("tailwind_menu.html")
    lines = doc.text.split("\n")
    for dish, price in [
        ("Shakshuka", "$18"),
        ("Lemon Ricotta Pancakes", "$16"),
        ("Braised Lamb Shoulder", "$34"),
        ("Whole Grilled Branzino", "$38"),
    ]:
        assert any(dish in line and price in line for line in lines), dish
    assert ["Weekend Brunch"] in _paths(doc) and ["Tasting Menu"] in _paths(doc)
    brunch = _together(doc, "Weekend Brunch", "Shakshuka", "$18")
    assert "10am to 3pm" in brunch
    _together(doc, "Tasting Menu", "Seven courses", "$95 per person")


def test_footer_is_site_wide_and_keeps_hours_and_address() -> None:
    doc = _read("tailwind_menu.html")
    site = "\n".join(f"{s.headings} {s.text}" for s in doc.site_sections)
    assert "Tue–Fri 5pm–10pm" in site and "418 Atlantic Avenue" in site
    assert "Call (212) 555-0188" in site  # from the role="banner" header
    assert "Instagram" not in site  # a footer column of social links is a menu
    assert "418 Atlantic" not in doc.text  # kept once per site, not with the page
    visit = next(s for s in doc.site_sections if "418 Atlantic Avenue" in s.text)
    assert visit.headings == ["Visit"]


def test_page_builder_div_soup_keeps_headings_over_their_widgets() -> None:
    doc = _read("elementor_services.html")
    assert doc.title == "Services & Prices – Bloom Hair Studio"
    assert [s.headings for s in doc.sections if "£52" in s.text] == [["Cutting & Styling"]]
    assert any(
        "Women’s Cut & Finish £52 — With a senior stylist" in line for line in doc.text.split("\n")
    )
    # Toggles hidden with display:none and the hidden attribute are read, question with answer.
    _together(doc, "What is your cancellation policy?", "48 hours notice", "50%")
    colour = next(s for s in doc.sections if "balayage take" in s.text)
    assert colour.headings == ["Colour"]
    site = {tuple(s.headings): s.text for s in doc.site_sections}
    assert "Saturday: 8:30am – 4pm" in site[("Opening Times",)]
    assert "01273 555 901" in site[("Find Us",)]
    assert "Home" not in _all_text(doc)  # the header's menu


def test_wix_spans_and_repeaters() -> None:
    doc = _read("wix_spans.html")
    _together(doc, "Our Vets", "Dr. Ravi Menon", "Exotic pets")
    _together(doc, "Vaccination Prices", "Dog booster", "£58")
    site = "\n".join(s.text for s in doc.site_sections)
    assert "Emergency? Call 020 0555 770" in site
    assert "31 Elm Grove, London SE15 5DE" in site and "Open Mon–Sat 8am–7pm" in site
    assert "wixBiSession" not in _all_text(doc)


def test_table_rows_carry_their_column_headers() -> None:
    doc = _read("dental_tables.html")
    assert "Scale and polish — NHS band: Band 2 £75.30 — Private: £95" in doc.text
    assert "Crown — NHS band: Band 3 £326.70 — Private: from £650" in doc.text
    assert "Tuesday — 8:30 – 19:00" in doc.text  # a table of row headers has no column headers
    prices = next(s for s in doc.sections if "Scale and polish" in s.text)
    assert prices.headings == ["Fees", "Treatment prices"]


def test_collapsed_accordions_details_and_definitions_are_read() -> None:
    doc = _read("dental_tables.html")
    assert ["Fees", "Frequently asked questions", "What if I miss an appointment?"] in _paths(doc)
    _together(doc, "What if I miss an appointment?", "£30", "24 hours notice")
    _together(doc, "Can I pay monthly?", "£16.95")
    assert "Parking — Free parking in the Kingsway Retail Park opposite." in doc.text


def test_invisible_and_machine_parts_are_skipped() -> None:
    text = _all_text(_read("dental_tables.html"))
    for absent in (
        "Albania",  # a <select> of countries
        "Zimbabwe",
        "Template row",
        "enable JavaScript",  # <noscript>
        "SVG text",
        "querySelectorAll",
        "Send",
        "Complaints",  # the footer's list of links
        "All rights reserved",
    ):
        assert absent not in text, absent
    assert "0161 555 0142" in text


def test_json_ld_business_menu_faq_and_offers_become_sentences() -> None:
    doc = _read("jsonld_restaurant.html")
    site = "\n".join(s.text for s in doc.site_sections)
    assert "Casa Lucia is a restaurant." in site
    assert "Address: 2201 Fillmore Street, San Francisco, CA 94115, US" in site
    assert "Telephone: +1-415-555-0123" in site
    assert "Tuesday–Thursday: 17:00–22:00" in site
    assert "Friday, Saturday: 17:00–23:30" in site
    assert "Sunday: 12:00–21:00" in site
    assert "Accepts reservations: Yes" in site
    # The text form of opening hours, and a lodging's check-in time.
    assert "Monday–Friday: 08:00–20:00" in site and "Check-in time: 15:00" in site
    assert "Margherita — San Marzano tomato, fior di latte, basil — $19" in doc.text
    assert ["Dinner Menu", "Pizze"] in _paths(doc)
    assert "Diavola — $23.50" in doc.text
    assert "Margherita" not in site  # the menu is its own object: read once, as page text
    faq = _together(doc, "Can I bring my own wine?", "$25 per bottle")
    assert "<p>" not in _together(doc, "gluten-free base", "$4 extra") and faq
    assert "Private dining — The back room seats up to 20 guests — $500" in doc.text
    # The malformed block cost nothing but itself.
    assert "A neighbourhood trattoria in Pacific Heights." in doc.text


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"<html>",
        b"<html><body><script type='application/ld+json'>{\"@type\": [1, {}]}</script></body>",
        b"<html><body><script type='application/ld+json'>[[[[{\"@graph\": 7}]]]]</script>",
        b"<div>" * 1000 + b"deep" + b"</div>" * 1000,  # deeper than the reader walks
        "<p>caf\u00e9 \u2014 \u00a35</p>".encode("cp1252"),
    ],
)
def test_odd_markup_never_raises(html: bytes) -> None:
    doc = extract_html(html)
    if b"deep" in html:
        assert "deep" in doc.text
    if html.startswith(b"<p>caf"):
        assert doc.text == "café — £5"


def test_an_uploaded_page_keeps_its_footer() -> None:
    doc = parse_document((PAGES / "tailwind_menu.html").read_bytes(), "menu.html")
    assert "418 Atlantic Avenue" in doc.standalone().text


def test_text_after_a_single_wrapped_heading_keeps_it() -> None:
    # Page builders wrap each heading (with a tagline) in its own box; the list after the box
    # is still under the heading.
    doc = extract_html(
        "<body><div class='title-box'><h2>Our Services</h2><p>Everything your car needs</p>"
        "</div><div class='list'><p>MOT test £54.85</p><p>Full service £189</p></div>"
        "<section><h2>Contact</h2><p>Call 0113 555 0101</p></section></body>"
    )
    assert [s.headings for s in doc.sections if "£54.85" in s.text] == [["Our Services"]]
    assert [s.headings for s in doc.sections if "0113" in s.text] == [["Contact"]]


def test_a_card_is_its_heading_over_one_line_of_its_parts() -> None:
    doc = extract_html(
        "<body><main><h2>Starters</h2>"
        "<div class='menu-item'><h4 class='dish'>Grilled Octopus</h4>"
        "<p class='desc'>Charred lemon, fingerling potatoes</p><span class='price'>$19</span></div>"
        "<div class='menu-item'><h4 class='dish'>Clam Chowder</h4>"
        "<p class='desc'>Littlenecks, bacon</p><span class='price'>$14</span></div>"
        "<p>Ask about today's oysters.</p></main></body>"
    )
    assert [(s.headings, s.text) for s in doc.sections] == [
        (["Starters", "Grilled Octopus"], "Charred lemon, fingerling potatoes — $19"),
        (["Starters", "Clam Chowder"], "Littlenecks, bacon — $14"),
        (["Starters"], "Ask about today's oysters."),
    ]


def test_a_box_of_prices_beside_a_box_of_names_pairs_up_line_by_line() -> None:
    # Site builders place a price list's names and its prices in two text boxes that only
    # CSS puts side by side.
    doc = extract_html(
        "<body><h4>CUTS</h4><div class='cols'>"
        "<div class='c1'><p>Women's Cut</p><p>Men's Cut</p><p>Kids' Cut</p></div>"
        "<div class='c2'><p>$85</p><p>$45</p><p>from $30</p></div></div>"
        "<div class='box'><p>Balayage</p></div><div class='box2'><p>ab 120 €</p></div>"
        "<div class='box'><p>Two lines</p><p>of text</p></div><div class='box2'><p>$5</p></div>"
        "</body>"
    )
    assert doc.sections[0].text == (
        "Women's Cut — $85\nMen's Cut — $45\nKids' Cut — from $30\n\n"
        "Balayage — ab 120 €\n\nTwo lines\nof text\n\n$5"
    )
    assert "Dog booster — £58" in _read("wix_spans.html").text


def test_wordpress_content_bold_headings_skip_links_and_script_shown_banners() -> None:
    doc = extract_html(
        "<body><a class='skip-link screen-reader-text' href='#content'>Skip to content</a>"
        "<div id='masthead' class='site-header'><div class='menu-item'><a href='/'>Home</a></div>"
        "<div class='menu-item'><a href='/fees/'>Fees</a></div>"
        "<a href='tel:02079460123'>020 7946 0123</a></div>"
        "<div id='content'><h1>Fees</h1><p><strong>Opening hours</strong></p>"
        "<p>Monday to Friday, 8am to 6pm.</p><p><strong>Payment plans</strong></p>"
        "<p>Spread treatment over £500 across 12 months.</p></div>"
        "<div x-data='{shown: true}' class='fixed bottom-4'><p>We use cookies to see which "
        "pages people like.</p><button>Got it</button></div></body>"
    )
    assert [(s.headings, s.text) for s in doc.sections] == [
        (["Fees", "Opening hours"], "Monday to Friday, 8am to 6pm."),
        (["Fees", "Payment plans"], "Spread treatment over £500 across 12 months."),
    ]
    # The header's menu is not knowledge; its phone number is.
    assert [s.text for s in doc.site_sections] == ["020 7946 0123"]


def test_a_featured_card_with_classes_of_its_own_is_still_a_card_of_the_grid() -> None:
    # Pricing grids colour and ring their "Most popular" plan: its classes differ from its
    # siblings', and it was read as loose text whose price lost its plan.
    plan = (
        "<div class='{cls}'>{badge}<h3>{name}</h3><p><span>{price}</span><span>/month</span></p>"
        "<ul><li>Unlimited classes</li><li>Free induction</li></ul><a href='/join'>Join</a></div>"
    )
    doc = extract_html(
        "<body><main><h1>Membership</h1><div class='grid gap-6'>"
        + plan.format(cls="flex rounded-3xl bg-zinc-900 p-8", badge="", name="Off-Peak", price="€9")
        + plan.format(
            cls="flex rounded-3xl bg-lime-400 ring-4 ring-lime-300 p-8",
            badge="<span class='badge'>Most popular</span>",
            name="Full Access",
            price="€55",
        )
        + plan.format(cls="flex rounded-3xl bg-zinc-900 p-8", badge="", name="Student", price="€35")
        + "</div></main></body>"
    )
    full = next(s for s in doc.sections if "€55" in s.text)
    assert full.headings == ["Membership", "Full Access"]
    assert "Most popular" in full.text and "Unlimited classes" in full.text
    # Classes shared by chance do not make twins: a row and a container are not one set.
    doc = extract_html(
        "<body><div class='container wide'><h2>About</h2><p>Family run since 1998.</p></div>"
        "<div class='row'><p>Open daily.</p></div></body>"
    )
    assert [s.headings for s in doc.sections if "Open daily" in s.text] == [["About"]]
