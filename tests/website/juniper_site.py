"""Juniper Lane Veterinary Clinic: the fictional business whose website the tests crawl.

The static pages live in `juniper/`. What depends on the port the site gets (robots.txt and
sitemap.xml name absolute URLs) or is a binary made from code (the PDF price list) is added
as routes when the site starts. `FACTS` holds the answers a receptionist built from this site
should give, spelled exactly as the site spells them.

    with juniper_site() as site:
        crawl(site.url("/"))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from fpdf import FPDF

from tests.website.server import LoopbackSite, Route

JUNIPER_ROOT = Path(__file__).parent / "juniper"

PRICES = {
    "Annual wellness exam": "$68",
    "Rabies vaccination": "$32",
    "Canine dental cleaning": "$240",
    "Feline dental cleaning": "$210",
    "Nail trim": "$15",
    "Microchipping": "$45",
    "Spay (cat)": "$260",
    "Neuter (dog, under 20 kg)": "$310",
}

PAYMENT_PLAN_POLICY = "Payment plans are available for bills over $500 with a 25% down payment."

FACTS: dict[str, object] = {
    "name": "Juniper Lane Veterinary Clinic",
    "address": "14 Juniper Lane, Millbrook",
    "main_phone": "(555) 014-2398",
    "emergency_phone": "(555) 014-9911",
    "emergency_forwarded_to": "Millbrook Animal ER",
    "email": "hello@juniperlanevet.example",
    "parking": "six free parking spaces behind the building, with the entrance from Cedar Street",
    "hours_weekdays": "Monday–Friday 8:00 am – 6:00 pm",
    "hours_saturday": "Saturday 9:00 am – 1:00 pm",
    "closed": "Sundays and public holidays",
    "winter_closed": "December 25 and 26",
    "winter_short_days": "9 am – 1 pm on December 24 and 31",
    "grooming_days": "Tuesdays and Thursdays only",
    "head_vet": "Dr. Priya Nandakumar",
    "head_vet_years": 18,
    "surgeon": "Dr. Tomas Ferreira",
    "head_nurse": "Alma Okafor",
    "cancellation_notice": "24 hours",
    "missed_appointment_fee": "$35",
    "new_client_deposit": "$20",
    "exotics_seen": ["rabbits", "guinea pigs", "ferrets"],
    "exotics_not_seen": ["reptiles"],
    "payment_methods": ["cash", "debit cards", "credit cards"],
    "cheques_accepted": False,
    "prices": PRICES,
    "payment_plan": PAYMENT_PLAN_POLICY,
    # Only on the page robots.txt disallows: finding it anywhere means robots.txt was ignored.
    "rota_secret": "ROTA-SECRET-7731",
}

# Pages listed in sitemap.xml. /news/winter-hours.html is linked from no page, so only a
# crawler that reads the sitemap finds it.
SITEMAP_PATHS = [
    "/",
    "/about/",
    "/about/team.html",
    "/services/",
    "/services/vaccinations.html",
    "/services/dental-care.html",
    "/services/surgery.html",
    "/services/grooming.html",
    "/visit/hours.html",
    "/visit/contact.html",
    "/policies/cancellation.html",
    "/faq.html",
    "/news/winter-hours.html",
]


def price_list_pdf() -> bytes:
    """The clinic's price list as a PDF with real, extractable text (core fonts, latin-1)."""
    pdf = FPDF()
    # A fixed date keeps the bytes identical from run to run.
    pdf.set_creation_date(datetime(2026, 1, 5, tzinfo=UTC))
    pdf.set_title("Price list 2026")
    pdf.set_author("Juniper Lane Veterinary Clinic")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.cell(text="Price list 2026", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(text="Juniper Lane Veterinary Clinic, 14 Juniper Lane, Millbrook")
    pdf.ln(12)
    pdf.set_font("Helvetica", size=12)
    for item, price in PRICES.items():
        # Core PDF fonts are latin-1 only: a plain hyphen stands in for the em dash.
        pdf.cell(text=f"{item} - {price}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(6)
    pdf.multi_cell(w=0, text=f"{PAYMENT_PLAN_POLICY} Ask at reception for details.")
    pdf.ln(4)
    pdf.set_font("Helvetica", style="I", size=10)
    pdf.multi_cell(
        w=0,
        text="Prices include sales tax. Medication and laboratory tests are charged separately.",
    )
    return bytes(pdf.output())


def robots_txt(base_url: str) -> bytes:
    """robots.txt keeping crawlers out of the staff area and pointing at the sitemap."""
    return (f"User-agent: *\nDisallow: /staff-only/\n\nSitemap: {base_url}/sitemap.xml\n").encode()


def sitemap_xml(base_url: str) -> bytes:
    """A urlset sitemap of SITEMAP_PATHS, absolute against `base_url`."""
    entries = "\n".join(
        f"  <url><loc>{escape(base_url + path)}</loc></url>" for path in SITEMAP_PATHS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n"
        "</urlset>\n"
    ).encode()


@contextmanager
def juniper_site() -> Iterator[LoopbackSite]:
    """Serve the Juniper Lane website on loopback for the duration of the `with` block."""
    site = LoopbackSite(
        JUNIPER_ROOT,
        routes={
            # An old address still linked from the home page.
            "/old-services": Route(301, {"Location": "/services/"}),
            "/files/price-list.pdf": Route(
                200, {"Content-Type": "application/pdf"}, price_list_pdf()
            ),
        },
    )
    with site:
        base = site.base_url
        site.add_route("/robots.txt", Route(200, {"Content-Type": "text/plain"}, robots_txt(base)))
        site.add_route(
            "/sitemap.xml", Route(200, {"Content-Type": "application/xml"}, sitemap_xml(base))
        )
        yield site
