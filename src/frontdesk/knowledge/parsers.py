"""Uploaded files (PDF, DOCX, HTML, Markdown, plain text) to `ParsedDocument`s.

The kind of a file is decided by its content, not its name: owners rename files, and a
".pdf" that is really a PNG must get a clear message rather than a stack trace. Every
parser turns its library's exceptions into `DocumentError` with a sentence the owner can
act on; nothing else escapes `parse_document`.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import struct
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from pypdf import PasswordType, PdfReader

from frontdesk.errors import DocumentError
from frontdesk.knowledge.documents import ParsedDocument, Section
from frontdesk.knowledge.html_text import (
    MAX_HEADING_LEVEL,
    SectionBuilder,
    extract_html,
    markdown_title,
    normalize_inline,
    sections_from_markdown,
)

__all__ = ["KINDS", "detect_kind", "parse_document"]

KINDS = ("pdf", "docx", "html", "markdown", "text")
_MARKDOWN_EXTENSIONS = {".md", ".markdown", ".mdown", ".mkd", ".mdx"}
_SUPPORTED = "Upload PDF, DOCX, TXT, MD or HTML."
# Tags that, at the start of a file, make it HTML (the WHATWG sniffing table, and a few more).
_HTML_START = re.compile(
    rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|link|script|style|"
    rb"div|p|h[1-6]|table|a|b|br|iframe|font|span|section|article|main|header|nav|ul|ol)"
    rb"[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Zip bombs. python-docx reads every part of a package into memory and lxml then builds a
# tree of the XML (about ten times its size), so what a DOCX unpacks to is what it costs.
# A real one holds tens to a few hundred parts; its XML compresses 5-30x, and images hardly
# at all, so a 25 MB upload honestly unpacks to well under these limits.
_ZIP_MAX_ENTRIES = 5000
_DOCX_MAX_UNPACKED = 128 * 1048576
_DOCX_MAX_XML_PART = 24 * 1048576
_ZIP_MAX_RATIO = 200  # only for parts over a megabyte; repeated bytes reach about 1000
# C0/C1 control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _is_url(filename: str | None) -> bool:
    # The crawler passes a page's URL where an upload passes its file name.
    return filename is not None and "://" in filename


def _label(filename: str | None) -> str:
    name = filename if _is_url(filename) else os.path.basename(filename or "")
    return f'"{name}"' if name else "The file"


def _title_from_filename(filename: str | None) -> str:
    if _is_url(filename):
        return ""
    stem = os.path.splitext(os.path.basename(filename or ""))[0]
    return normalize_inline(re.sub(r"[_]+", " ", stem))


def _extension(filename: str | None) -> str:
    return os.path.splitext(filename or "")[1].lower()


def _unsupported(filename: str | None) -> DocumentError:
    return DocumentError(f"{_label(filename)} is not a supported document. {_SUPPORTED}")


# --- text decoding ------------------------------------------------------------------------


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) <= max(1, len(sample) // 100)


def _decode_text(data: bytes, *, partial: bool = False) -> str | None:
    """Decode bytes that look like text; None for binary data.

    `partial` says `data` is a prefix of the file, which may end inside a character.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[tuple[bytes, str], ...] = ((data[3:], "utf-8"),)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # What Windows Notepad calls "Unicode".
        candidates = ((data, "utf-16"),)
    else:
        # Windows-1252 is what older Windows tools save; latin-1 decodes anything, so it is
        # tried last and only accepted when the result still looks like text.
        candidates = ((data, "utf-8"), (data, "cp1252"), (data, "latin-1"))
    for raw, encoding in candidates:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(raw, final=not partial)
        except UnicodeDecodeError:
            continue
        return text if _looks_like_text(text) else None
    return None


# --- detection ----------------------------------------------------------------------------


def _zip_entry_count(data: bytes) -> int | None:
    """The number of entries the archive's end record declares, read without parsing the
    central directory (which for a hostile archive is itself megabytes of entries)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if end < 0 or len(data) < end + 22:
        return None
    count = struct.unpack_from("<H", data, end + 10)[0]
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        # Zip64: the locator points at a record that holds the count as 8 bytes.
        record = struct.unpack_from("<Q", data, locator + 8)[0]
        if data[record : record + 4] == b"PK\x06\x06" and len(data) >= record + 40:
            count = struct.unpack_from("<Q", data, record + 32)[0]
    return count


def _check_zip_size(data: bytes, filename: str | None) -> None:
    count = _zip_entry_count(data)
    if count is not None and count > _ZIP_MAX_ENTRIES:
        raise DocumentError(
            f"{_label(filename)} is an archive of {count:,} parts; Frontdesk opens at most "
            f"{_ZIP_MAX_ENTRIES:,}. It may be damaged; save it again as .docx."
        )


def _zip_kind(data: bytes, filename: str | None) -> str:
    _check_zip_size(data, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        if _extension(filename) == ".docx":
            raise _docx_damaged(filename) from exc
        raise _unsupported(filename) from exc
    if "word/document.xml" in names:
        return "docx"
    raise _unsupported(filename)


def detect_kind(data: bytes, filename: str | None = None) -> str:
    """Tell what a file is from its content: "pdf", "docx", "html", "markdown" or "text".

    The extension is used only to tell Markdown from plain text. Anything else (images,
    archives that are not DOCX, binary junk) raises `DocumentError`.
    """
    if not data or not data.strip():
        raise DocumentError(f"{_label(filename)} is empty. Upload a file with some text in it.")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, filename)
    if data.startswith(_OLE2_MAGIC):
        raise DocumentError(
            f"{_label(filename)} is an old-format Office file (.doc). "
            "Save it as .docx or PDF and upload it again."
        )
    text = _decode_text(data[:65536], partial=len(data) > 65536)
    if text is None:
        raise _unsupported(filename)
    head = text[:1024].lstrip("\ufeff \t\r\n").encode("utf-8", "replace")
    if _HTML_START.match(head) or _HTML_ANYWHERE.search(head):
        return "html"
    if _extension(filename) in _MARKDOWN_EXTENSIONS:
        return "markdown"
    return "text"


# --- PDF ----------------------------------------------------------------------------------


def _clean_page_text(text: str) -> str:
    lines = [normalize_inline(line) for line in text.replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _parse_pdf(data: bytes, filename: str | None, max_pages: int) -> ParsedDocument:
    label = _label(filename)
    damaged = DocumentError(
        f"{label} could not be read as a PDF; it may be damaged. Try re-exporting it."
    )
    protected = DocumentError(f"{label} is password-protected. Upload a copy without a password.")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                # Many PDFs carry only an owner password (no-print, no-copy); they open with "".
                if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                    raise protected
            except DocumentError:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. AES without a crypto library
                raise protected from exc
        page_count = len(reader.pages)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on malformed files
        raise damaged from exc
    if page_count > max_pages:
        raise DocumentError(
            f"{label} has {page_count} pages; Frontdesk reads at most {max_pages}. "
            "Split it into smaller files."
        )
    sections: list[Section] = []
    failed = 0
    for number in range(page_count):
        try:
            text = _clean_page_text(reader.pages[number].extract_text() or "")
        except Exception:  # noqa: BLE001 - one broken page should not lose the others
            failed += 1
            continue
        if text:
            sections.append(Section(headings=[f"Page {number + 1}"], text=text))
    if not sections:
        if page_count == 0 or failed == page_count:
            raise damaged
        raise DocumentError(
            f"{label} has no extractable text (it may be scanned images; OCR is not supported yet)."
        )
    try:
        metadata = reader.metadata
        title = normalize_inline(str(metadata.title or "")) if metadata is not None else ""
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
        title = ""
    return ParsedDocument(title=title or _title_from_filename(filename), sections=sections)


# --- DOCX ---------------------------------------------------------------------------------


def _docx_damaged(filename: str | None) -> DocumentError:
    return DocumentError(
        f"{_label(filename)} could not be read as a Word document; it may be damaged. "
        "Try saving it again as .docx."
    )


def _outline_level(element: Any) -> int | None:
    ppr = element.find(qn("w:pPr"))
    if ppr is None:
        return None
    outline = ppr.find(qn("w:outlineLvl"))
    if outline is None:
        return None
    value = outline.get(qn("w:val"))
    # 0–8 are heading levels 1–9; 9 means body text.
    return int(value) + 1 if value is not None and value.isdigit() and int(value) < 9 else None


def _heading_level(paragraph: Any) -> int | None:
    """0 for a Title, 1–9 for headings, None for body text."""
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:
        name = (style.name or "").strip().lower()
        if name == "title":
            return 0
        match = re.fullmatch(r"heading\s*([1-9])", name)
        if match:
            return int(match.group(1))
        # Localized or custom heading styles still carry an outline level.
        level = _outline_level(style.element)
        if level is not None:
            return level
        style, seen = style.base_style, seen + 1
    return _outline_level(paragraph._p)


def _table_lines(table: Any) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # Merged cells come back once per grid column; keep one copy.
            if previous is not None and cell._tc is previous._tc:
                continue
            previous = cell
            text = normalize_inline(cell.text)
            if text:
                cells.append(text)
        if cells:
            yield " | ".join(cells)


def _check_docx_unpacked_size(data: bytes, filename: str | None) -> None:
    """Refuse a package that would unpack past the limits, from the sizes it declares.

    The declared sizes can be trusted as a cap: zipfile never returns more than an entry
    declares (a larger stream fails its CRC check), so nothing below reads past them.
    """
    _check_zip_size(data, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _docx_damaged(filename) from exc
    unpacked = sum(p.file_size for p in parts)
    hostile = "It may be damaged or built to exhaust memory; save it again as .docx"
    if unpacked > _DOCX_MAX_UNPACKED or any(
        p.filename.endswith((".xml", ".rels")) and p.file_size > _DOCX_MAX_XML_PART for p in parts
    ):
        raise DocumentError(
            f"{_label(filename)} unpacks to {unpacked / 1048576:,.0f} MB from "
            f"{len(data) / 1048576:,.1f} MB; Frontdesk reads Word documents that unpack to at "
            f"most {_DOCX_MAX_UNPACKED // 1048576} MB, with at most "
            f"{_DOCX_MAX_XML_PART // 1048576} MB of text in one part. {hostile} or split it."
        )
    for part in parts:
        if part.file_size > 1048576 and part.file_size > _ZIP_MAX_RATIO * part.compress_size:
            raise DocumentError(
                f"{_label(filename)} holds {part.filename}, which unpacks to "
                f"{part.file_size / 1048576:,.0f} MB from {part.compress_size / 1024:,.0f} KB, "
                f"a compression ratio over {_ZIP_MAX_RATIO}:1 that no real document reaches. "
                f"{hostile}."
            )


def _parse_docx(data: bytes, filename: str | None) -> ParsedDocument:
    _check_docx_unpacked_size(data, filename)
    try:
        document = docx.Document(io.BytesIO(data))
        builder = SectionBuilder()
        title = ""
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                builder.paragraph("\n".join(_table_lines(block)))
                continue
            text = normalize_inline(block.text)
            if not text:
                continue
            level = _heading_level(block)
            if level == 0 and not title:
                title = text
            elif level is not None and level <= MAX_HEADING_LEVEL:
                builder.heading(max(level, 1), text)
            else:
                builder.paragraph(text)
        sections = builder.finish()
        title = title or normalize_inline(document.core_properties.title or "")
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError, lxml errors, ...
        raise _docx_damaged(filename) from exc
    return ParsedDocument(title=title or _title_from_filename(filename), sections=sections)


# --- text, Markdown, HTML -----------------------------------------------------------------


def _text_or_raise(data: bytes, filename: str | None) -> str:
    text = _decode_text(data)
    if text is None:
        raise _unsupported(filename)
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse_text(data: bytes, filename: str | None) -> ParsedDocument:
    text = _text_or_raise(data, filename)
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [normalize_inline(line) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    sections = [Section(headings=[], text="\n\n".join(paragraphs))] if paragraphs else []
    title = _title_from_filename(filename)
    if not title and paragraphs:
        first_line = paragraphs[0].split("\n", 1)[0]
        title = first_line if len(first_line) <= 80 else ""
    return ParsedDocument(title=title, sections=sections)


def _parse_markdown(data: bytes, filename: str | None) -> ParsedDocument:
    text = _text_or_raise(data, filename)
    title = markdown_title(text) or _title_from_filename(filename)
    return ParsedDocument(title=title, sections=sections_from_markdown(text))


def _parse_html(data: bytes, filename: str | None) -> ParsedDocument:
    url = filename if _is_url(filename) else None
    try:
        document = extract_html(data, url=url)
    except Exception as exc:  # noqa: BLE001 - lxml and trafilatura on hostile markup
        raise DocumentError(
            f"{_label(filename)} could not be read as a web page. Try saving it again."
        ) from exc
    if not document.title:
        document.title = _title_from_filename(filename)
    return document


def parse_document(
    data: bytes,
    filename: str | None = None,
    *,
    kind: str | None = None,
    max_pages: int = 500,
) -> ParsedDocument:
    """Read an uploaded file into a `ParsedDocument`.

    `kind` skips detection when the caller already knows it (one of `KINDS`); `max_pages`
    caps PDFs. Raises `DocumentError`, whose message names the file and says what to do,
    for unsupported, damaged, password-protected or empty files, and never anything else.
    """
    if kind is None:
        kind = detect_kind(data, filename)
    elif kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if kind == "pdf":
        document = _parse_pdf(data, filename, max_pages)
    elif kind == "docx":
        document = _parse_docx(data, filename)
    elif kind == "html":
        document = _parse_html(data, filename)
    elif kind == "markdown":
        document = _parse_markdown(data, filename)
    else:
        document = _parse_text(data, filename)
    if document.is_empty():
        raise DocumentError(f"{_label(filename)} has no text Frontdesk can learn from.")
    return document
