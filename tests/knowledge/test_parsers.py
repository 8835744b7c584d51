"""Parsers on real files made here: PDFs by fpdf2, DOCX by python-docx, HTML, Markdown, text."""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from frontdesk.errors import DocumentError
from frontdesk.knowledge.html_text import extract_html, sections_from_markdown
from frontdesk.knowledge.parsers import detect_kind, parse_document
from tests.security.hostile_files import docx_bomb, docx_with_many_entries

HOURS = "We are open Monday to Friday from 8 am to 6 pm."
PRICES = "A cleaning costs $35 and whitening costs $199."


def make_pdf(*pages: str, user_password: str | None = None, owner_only: bool = False) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    if user_password is not None or owner_only:
        pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    return bytes(pdf.output())


def make_image_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (300, 200), (180, 40, 40)), x=10, y=10, w=120)
    return bytes(pdf.output())


def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Bright Smile Handbook", 0)
    document.add_paragraph("Welcome to the practice.")
    document.add_heading("Opening hours", 1)
    document.add_paragraph(HOURS)
    document.add_heading("Holidays", 2)
    document.add_paragraph("Closed on public holidays.")
    document.add_heading("Prices", 1)
    table = document.add_table(rows=3, cols=2)
    for row, (service, price) in zip(
        table.rows, [("Service", "Price"), ("Cleaning", "$35"), ("Whitening", "$199")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = service, price
    document.add_paragraph(PRICES)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PAGE = b"""<!DOCTYPE html>
<html><head><title>Bright Smile Dental | Home</title></head><body>
<header><nav><a href="/">Home</a> <a href="/team">Meet the dentists</a>
<a href="/contact">Contact</a></nav></header>
<div id="cookie-consent">We use cookies to improve your experience. Accept all cookies.</div>
<main><article>
<h1>Bright Smile Dental</h1>
<p>We are a family dental practice in Springfield. Our team has cared for smiles since 1998
and we welcome new patients every week, children included.</p>
<h2>Opening hours</h2>
<p>We are open Monday to Friday from 8 am to 6 pm, and on Saturday mornings from 9 am to 1 pm.
Evening appointments are available on Thursdays for people who work during the day.</p>
<h3>Holidays</h3>
<p>We close on public holidays. For dental emergencies call (555) 014-2398 at any time.</p>
<h2>Prices</h2>
<table><tr><th>Service</th><th>Price</th></tr>
<tr><td>Cleaning</td><td>$35</td></tr><tr><td>Whitening</td><td>$199</td></tr></table>
</article></main>
<footer><p>Copyright 2024 Bright Smile Dental LLC. All rights reserved. Privacy policy.</p></footer>
</body></html>"""


# --- detection ----------------------------------------------------------------------------


def test_detects_kind_by_content_not_name() -> None:
    assert detect_kind(make_pdf("Hello"), "notes.txt") == "pdf"
    assert detect_kind(make_docx(), "upload.bin") == "docx"
    assert detect_kind(PAGE, "page.txt") == "html"
    assert detect_kind(b"<div><p>Fragment</p></div>", None) == "html"
    assert detect_kind(b"# Menu\n\nSoup", "menu.md") == "markdown"
    assert detect_kind(b"# Menu\n\nSoup", "menu.txt") == "text"
    assert detect_kind(b"Plain words.", None) == "text"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(64), "photo.pdf"),
        (random.Random(7).randbytes(4096), "junk.txt"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), None),
    ],
)
def test_binary_files_are_refused_with_a_clear_message(data: bytes, filename: str | None) -> None:
    with pytest.raises(DocumentError, match="is not a supported document. Upload PDF, DOCX"):
        parse_document(data, filename)


def test_zip_that_is_not_docx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/a.txt", "not a word document")
    with pytest.raises(DocumentError, match='"archive.zip" is not a supported document'):
        parse_document(buffer.getvalue(), "archive.zip")


def test_empty_and_old_word_files_are_refused() -> None:
    with pytest.raises(DocumentError, match="is empty"):
        parse_document(b"  \n", "blank.txt")
    with pytest.raises(DocumentError, match=r"old-format.*\.docx"):
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "letter.doc")


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_gives_one_section_per_page() -> None:
    document = parse_document(make_pdf(HOURS, PRICES), "clinic_info.pdf")
    assert document.title == "clinic info"
    assert [s.headings for s in document.sections] == [["Page 1"], ["Page 2"]]
    assert "Monday to Friday" in document.sections[0].text
    assert "$35" in document.sections[1].text


def test_pdf_with_only_an_owner_password_is_read() -> None:
    document = parse_document(make_pdf(HOURS, owner_only=True), "locked-for-printing.pdf")
    assert "Monday to Friday" in document.text


def test_password_protected_pdf_is_refused() -> None:
    with pytest.raises(DocumentError, match='"secret.pdf" is password-protected'):
        parse_document(make_pdf(HOURS, user_password="open-sesame"), "secret.pdf")


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_reported_as_damaged(cut: float) -> None:
    data = make_pdf(HOURS, PRICES)
    with pytest.raises(DocumentError, match="could not be read as a PDF; it may be damaged"):
        parse_document(data[: int(len(data) * cut)], "broken.pdf")


def test_pdf_of_random_bytes_is_reported_as_damaged() -> None:
    data = b"%PDF-1.7\n" + random.Random(3).randbytes(5000)
    with pytest.raises(DocumentError, match="damaged"):
        parse_document(data, "noise.pdf")


def test_pdf_without_text_asks_for_ocr() -> None:
    with pytest.raises(DocumentError, match="no extractable text.*OCR is not supported"):
        parse_document(make_image_pdf(), "scan.pdf")


def test_pdf_page_limit() -> None:
    with pytest.raises(DocumentError, match="has 3 pages; Frontdesk reads at most 2"):
        parse_document(make_pdf("a", "b", "c"), "long.pdf", max_pages=2)


# --- DOCX ---------------------------------------------------------------------------------


def test_docx_headings_build_the_heading_path_and_tables_become_lines() -> None:
    document = parse_document(make_docx(), "handbook.docx")
    assert document.title == "Bright Smile Handbook"
    by_path = {tuple(s.headings): s.text for s in document.sections}
    assert by_path[()] == "Welcome to the practice."
    assert by_path[("Opening hours",)] == HOURS
    assert by_path[("Opening hours", "Holidays")] == "Closed on public holidays."
    prices = by_path[("Prices",)]
    assert "Service | Price\nCleaning | $35\nWhitening | $199" in prices
    assert PRICES in prices


def test_corrupt_docx_is_refused() -> None:
    original = zipfile.ZipFile(io.BytesIO(make_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in original.infolist():
            data = original.read(item.filename)
            archive.writestr(
                item, b"<w:document><unclosed" if "document.xml" in item.filename else data
            )
    with pytest.raises(DocumentError, match='"handbook.docx" could not be read as a Word document'):
        parse_document(buffer.getvalue(), "handbook.docx")


def test_truncated_docx_is_reported_as_damaged() -> None:
    data = make_docx()
    with pytest.raises(DocumentError, match="could not be read as a Word document"):
        parse_document(data[: len(data) // 2], "handbook.docx")


def test_docx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path) -> None:
    # 8 MB of repeated paragraphs packs into a few kilobytes: under the size limits, but at a
    # ratio no honest document reaches.
    bomb = docx_bomb(tmp_path / "bomb.docx", expanded_bytes=8 * 1048576).read_bytes()
    assert len(bomb) < 100_000
    assert detect_kind(bomb, "bomb.docx") == "docx"
    refused = r'"bomb\.docx" holds word/document\.xml, which unpacks to 8 MB from \d+ KB'
    with pytest.raises(DocumentError, match=refused):
        parse_document(bomb, "bomb.docx")


def test_docx_unpacking_past_the_size_limit_is_refused(tmp_path) -> None:
    bomb = docx_bomb(tmp_path / "big.docx", expanded_bytes=200 * 1048576).read_bytes()
    with pytest.raises(DocumentError, match=r"unpacks to 20\d MB.*at most 128 MB"):
        parse_document(bomb, "big.docx")


def test_long_honest_docx_is_still_read() -> None:
    document = docx.Document()
    rng = random.Random(7)
    words = ["cleaning", "whitening", "appointment", "Monday", "insurance", "crown", "x-ray"]
    for number in range(3000):
        document.add_paragraph(f"{number}: " + " ".join(rng.choices(words, k=40)))
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_document(buffer.getvalue(), "manual.docx")
    assert "2999:" in parsed.text


@pytest.mark.parametrize("entries", [6000, 70_000])  # 70,000 needs a zip64 end record
def test_archive_with_too_many_parts_is_refused_unopened(tmp_path, entries: int) -> None:
    data = docx_with_many_entries(tmp_path / "many.docx", entries=entries).read_bytes()
    with pytest.raises(DocumentError, match=f"archive of {entries + 17:,} parts.*at most 5,000"):
        detect_kind(data, "many.docx")


def test_docx_part_larger_than_it_declares_is_damaged_not_read() -> None:
    # The central directory says document.xml is 100 bytes; zipfile reads no further and
    # the CRC check fails, so the declared sizes the guard checks are a real cap.
    data = bytearray(make_docx())
    header = data.index(b"PK\x01\x02")  # the central directory's first entry
    while data[header + 46 : header + 63] != b"word/document.xml":
        header = data.index(b"PK\x01\x02", header + 4)
    data[header + 24 : header + 28] = (100).to_bytes(4, "little")
    with pytest.raises(DocumentError, match="could not be read as a Word document"):
        parse_document(bytes(data), "handbook.docx")


# --- HTML ---------------------------------------------------------------------------------


def test_html_keeps_main_text_and_headings_and_drops_boilerplate() -> None:
    document = parse_document(PAGE, "https://brightsmile.example/")
    text = document.text
    assert document.title == "Bright Smile Dental"
    assert "Saturday mornings" in text
    # Table rows carry their column header (the old reader wrote "Cleaning | $35").
    assert "Cleaning — Price: $35" in text
    for boilerplate in ("All rights reserved", "Accept all cookies", "Meet the dentists"):
        assert boilerplate not in text
    paths = [s.headings for s in document.sections]
    assert ["Bright Smile Dental", "Opening hours", "Holidays"] in paths
    assert ["Bright Smile Dental", "Prices"] in paths


def test_short_page_falls_back_to_body_text_without_navigation() -> None:
    page = (
        "<html><head><title>Notice</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/menu'>Menu</a></nav>"
        "<h1>Closed for renovation</h1><p>We reopen on 3 March.</p>"
        "<footer>Site by Example Agency</footer></body></html>"
    )
    document = extract_html(page)
    assert [(s.headings, s.text) for s in document.sections] == [
        (["Closed for renovation"], "We reopen on 3 March.")
    ]


def test_html_without_text_is_refused_by_parse_document() -> None:
    assert extract_html("<html><body><script>var x = 1;</script></body></html>").is_empty()
    with pytest.raises(DocumentError, match="has no text"):
        parse_document(b"<html><body><nav>Home</nav></body></html>", "empty.html")


# --- Markdown and text --------------------------------------------------------------------


def test_markdown_sections_follow_atx_headings() -> None:
    md = (
        "---\ntitle: Menu\n---\n"
        "Intro line.\n\n# Food\n\n## Starters\n\nSoup of the **day**, see [menu](/menu).\n\n"
        "```\n# not a heading\n```\n\n##### Small print\n\n### Vegan\n\nHummus.\n\n# Drinks\n\nTea."
    )
    sections = sections_from_markdown(md)
    assert [(s.headings, s.text) for s in sections] == [
        ([], "Intro line."),
        (["Food", "Starters"], "Soup of the day, see menu.\n\n# not a heading\n\nSmall print"),
        (["Food", "Starters", "Vegan"], "Hummus."),
        (["Drinks"], "Tea."),
    ]
    assert parse_document(md.encode(), "menu.md").title == "Menu"


def test_text_files_decode_utf8_and_windows_1252() -> None:
    document = parse_document("Café opens at 8.\n\nClosed Sundays.".encode(), "notes.txt")
    assert document.title == "notes"
    assert document.sections[0].text == "Café opens at 8.\n\nClosed Sundays."
    legacy = parse_document("Café – open “daily”.".encode("cp1252"), None)
    assert legacy.text == "Café – open “daily”."
    assert legacy.title == "Café – open “daily”."
