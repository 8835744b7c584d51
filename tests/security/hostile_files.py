"""Hostile uploads, built on the fly: damaged and encrypted PDFs, DOCX zip bombs, files whose
name lies about their content, and a body far over the upload limit.

Everything is generated here (nothing is downloaded); the large ones are written to disk in
pieces, so building them costs megabytes of memory, not the gigabytes they expand to.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from fpdf import FPDF

# One paragraph of WordprocessingML, repeated to build a document.xml of any size.
_PARAGRAPH = b"<w:p><w:r><w:t>Open every day from seven to seven.</w:t></w:r></w:p>"
_DOCUMENT_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body>"
)
_DOCUMENT_CLOSE = b"</w:body></w:document>"


def text_pdf(text: str = "Opening hours: every day from seven to seven.", **encryption) -> bytes:
    """A one-page PDF with real text; `user_password=` makes it need a password to open."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    if encryption:
        pdf.set_encryption(owner_password="owner-secret", **encryption)
    return bytes(pdf.output())


def truncated_pdf() -> bytes:
    data = text_pdf()
    return data[: len(data) // 2]


def random_pdf() -> bytes:
    # Deterministic noise behind a real header: "is it a PDF?" says yes, pypdf says no.
    noise = bytes((i * 7919 + 13) % 251 for i in range(40_000))
    return b"%PDF-1.7\n" + noise


def broken_xref_pdf() -> bytes:
    """A valid PDF whose cross-reference table points at the wrong byte offsets."""
    data = text_pdf()
    start = data.rindex(b"\nxref\n")
    table_end = data.index(b"trailer", start)
    table = re.sub(rb"\d{10} 00000 n", b"0000000001 00000 n", data[start:table_end])
    startxref = data.rindex(b"startxref\n")
    return data[:start] + table + data[table_end:startxref] + b"startxref\n999999\n%%EOF\n"


def small_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Parking is free behind the building.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bomb(path: Path, *, expanded_bytes: int) -> Path:
    """A real DOCX package whose word/document.xml expands to `expanded_bytes`.

    The other parts come from a genuine python-docx document, so only the size gives it
    away. The XML is streamed into the archive a megabyte at a time.
    """
    template = zipfile.ZipFile(io.BytesIO(small_docx()))
    block = _PARAGRAPH * (1048576 // len(_PARAGRAPH))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, template.read(info.filename))
        with out.open("word/document.xml", "w", force_zip64=True) as xml:
            xml.write(_DOCUMENT_OPEN)
            written = len(_DOCUMENT_OPEN)
            while written < expanded_bytes:
                xml.write(block)
                written += len(block)
            xml.write(_DOCUMENT_CLOSE)
    return path


def docx_with_many_entries(path: Path, *, entries: int) -> Path:
    """A DOCX package padded with `entries` empty parts (a central directory that is the bomb)."""
    template = zipfile.ZipFile(io.BytesIO(small_docx()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as out:
        for info in template.infolist():
            out.writestr(info.filename, template.read(info.filename))
        for number in range(entries):
            out.writestr(f"customXml/p{number}.xml", b"")
    return path


def elf_binary() -> bytes:
    # An ELF header (64-bit, little-endian, x86-64 executable) and zero padding.
    header = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00\x01\x00\x00\x00"
    return header + b"\x00" * 4000


def png_image() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 2000


def html_page() -> bytes:
    return (
        b"<!doctype html><html><head><title>Prices</title></head><body><main>"
        b"<h1>Prices</h1><p>A check-up costs 60 dollars and takes half an hour.</p>"
        b"</main></body></html>"
    )


def repeated_bytes(total: int, *, chunk: int = 1048576) -> Iterator[bytes]:
    """`total` bytes of text, yielded a piece at a time (a request body never held whole)."""
    piece = (b"The same sentence, again and again. " * (chunk // 36 + 1))[:chunk]
    sent = 0
    while sent < total:
        yield piece[: total - sent]
        sent += len(piece[: total - sent])
