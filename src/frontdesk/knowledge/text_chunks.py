"""Cut a `ParsedDocument` into chunks small enough to embed and to put in a prompt.

Every chunk starts with a context line, "title › heading › subheading", so that a short
chunk that only says "$35" still carries "Prices › Cleaning" for the embedder and for keyword
search. Sections are packed into chunks of about `target_tokens`; a section too long for one
chunk is cut at paragraph, then sentence, then word boundaries, and its consecutive pieces
overlap so that a fact cut in half is still whole in one of them.

Sizes are counted with `estimate_tokens`, one token per four characters (rounded up). It is
exact arithmetic on string lengths, so the bound "never over `max_tokens`" can be kept by
construction; on English prose it is within ~15% of the MiniLM word-piece count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from frontdesk.knowledge.documents import ParsedDocument

__all__ = ["CHARS_PER_TOKEN", "HEADING_SEPARATOR", "Chunk", "chunk_document", "estimate_tokens"]

CHARS_PER_TOKEN = 4
HEADING_SEPARATOR = " › "
_PARAGRAPH_BREAK = "\n\n"
# Sentence ends: terminal punctuation (optionally closed by a quote or bracket) then space.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+")
_SENTENCE_OR_LINE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Chunk:
    """One piece of a document, ready to embed and index.

    `id` is stable for a (namespace, ordinal) pair, so re-indexing the same source version
    overwrites rather than duplicates. `text` is the context line, a blank line, then the body.
    """

    id: str
    ordinal: int
    text: str
    heading: str
    token_estimate: int


def estimate_tokens(text: str) -> int:
    """Cheap token count: one token per four characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


def _chunk_id(namespace: str, ordinal: int) -> str:
    return hashlib.sha256(f"{namespace}|{ordinal}".encode()).hexdigest()[:32]


def _inline(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _normalize_body(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", _PARAGRAPH_BREAK, "\n".join(lines)).strip()


def _heading_path(title: str, headings: list[str]) -> tuple[str, ...]:
    path: list[str] = []
    for heading in headings:
        heading = _inline(heading)
        if heading and (not path or path[-1].casefold() != heading.casefold()):
            path.append(heading)
    # Pages often repeat their title as the h1; saying it twice wastes the context line.
    if path and path[0].casefold() == title.casefold():
        path = path[1:]
    return tuple(path)


def _context_line(title: str, path: tuple[str, ...], max_chars: int) -> str:
    line = HEADING_SEPARATOR.join(part for part in (title, *path) if part)
    if len(line) <= max_chars:
        return line
    cut = line[: max(max_chars - 1, 0)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(prefix), len(path)) and prefix[length] == path[length]:
            length += 1
        prefix = prefix[:length]
    return prefix


def _merged_body(group: list[tuple[tuple[str, ...], str]]) -> tuple[tuple[str, ...], str]:
    """One body for several small sections; each keeps the headings below the shared ones."""
    common = _common_prefix([path for path, _ in group])
    parts = []
    for path, body in group:
        below = path[len(common) :]
        parts.append(f"{HEADING_SEPARATOR.join(below)}\n{body}" if below else body)
    return common, _PARAGRAPH_BREAK.join(parts)


# --- splitting a long section ---------------------------------------------------------------


def _words(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """Windows of whole words of at most `limit` characters; a longer word is cut."""
    window = ""
    for word in text.split():
        while len(word) > limit:
            if window:
                yield window, " "
                window = ""
            yield word[:limit], " "
            word = word[limit:]
        if window and len(window) + 1 + len(word) > limit:
            yield window, " "
            window = ""
        window = f"{window} {word}" if window else word
    if window:
        yield window, " "


def _atoms(body: str, limit: int) -> Iterator[tuple[str, str]]:
    """Pieces of at most `limit` characters, each with the separator that goes before it.

    Paragraphs are kept whole when they fit; otherwise their lines, then sentences, then
    words. The separator lets the pieces be put back together the way they were written.
    """
    for paragraph in body.split(_PARAGRAPH_BREAK):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= limit:
            yield paragraph, _PARAGRAPH_BREAK
            continue
        joiner = _PARAGRAPH_BREAK
        for line in paragraph.split("\n"):
            for sentence in _SENTENCE_END.split(line.strip()):
                if not sentence:
                    continue
                if len(sentence) <= limit:
                    yield sentence, joiner
                else:
                    for index, (words, _) in enumerate(_words(sentence, limit)):
                        yield words, joiner if index == 0 else " "
                joiner = " "
            joiner = "\n"


def _tail(text: str, max_chars: int) -> str:
    """The longest suffix of whole sentences (else whole words) within `max_chars`."""
    if max_chars <= 0:
        return ""
    if len(text) <= max_chars:
        return text.strip()
    # Search from one character before the window so that a boundary right at its start counts.
    start = len(text) - max_chars - 1
    for boundary in (_SENTENCE_OR_LINE_END, _SPACE):
        for match in boundary.finditer(text, start):
            tail = text[match.end() :].strip()
            if tail:
                return tail
    return ""


def _split_long(body: str, target: int, limit: int, overlap: int) -> list[str]:
    """Cut a body into pieces of about `target` characters, never over `limit`.

    Each piece after the first starts with the last sentences (about `overlap` characters)
    of the one before it.
    """
    pieces: list[str] = []
    current = ""
    has_new_text = False
    for atom, joiner in _atoms(body, limit):
        candidate = f"{current}{joiner}{atom}" if current else atom
        # A piece is closed once it is full; a nearly empty one rather takes a large atom whole
        # (it still fits `limit`), so that it is not left as a fragment.
        if (
            has_new_text
            and len(candidate) > target
            and (len(current) >= target // 2 or len(candidate) > limit)
        ):
            pieces.append(current)
            current = _tail(current, overlap)
            has_new_text = False
            candidate = f"{current}{joiner}{atom}" if current else atom
        if len(candidate) > limit:
            # The overlap plus an unusually large atom would not fit: shorten the overlap.
            seed = _tail(current, limit - len(atom) - len(joiner))
            candidate = f"{seed}{joiner}{atom}" if seed else atom
        current = candidate
        has_new_text = True
    if has_new_text:
        pieces.append(current)
    return pieces


# --- the chunker ----------------------------------------------------------------------------


def chunk_document(
    doc: ParsedDocument,
    *,
    namespace: str,
    target_tokens: int = 380,
    max_tokens: int = 500,
    overlap_tokens: int = 60,
) -> list[Chunk]:
    """Cut `doc` into chunks of about `target_tokens`, none over `max_tokens`.

    A chunk holds one section, or several small sections that share a top-level heading (its
    context line then shows only the shared headings, and each section's own headings lead
    its text). A section too long for one chunk is split; its pieces overlap by about
    `overlap_tokens`. `namespace` makes the ids unique (e.g. source id, version and URL).
    The same input always gives the same chunks; an empty document gives [].
    """
    if not 0 < target_tokens <= max_tokens:
        raise ValueError("need 0 < target_tokens <= max_tokens")
    if not 0 <= overlap_tokens < target_tokens:
        raise ValueError("need 0 <= overlap_tokens < target_tokens")
    max_chars = max_tokens * CHARS_PER_TOKEN
    target_chars = target_tokens * CHARS_PER_TOKEN
    overlap_chars = overlap_tokens * CHARS_PER_TOKEN
    # Sections smaller than this may share a chunk with their siblings.
    small_chars = target_chars // 3
    title = _inline(doc.title)

    def context(path: tuple[str, ...]) -> str:
        return _context_line(title, path, max_chars // 4)

    def chunk_length(path: tuple[str, ...], body: str) -> int:
        line = context(path)
        return len(line) + len(_PARAGRAPH_BREAK) + len(body) if line else len(body)

    bodies: list[tuple[tuple[str, ...], str]] = []
    group: list[tuple[tuple[str, ...], str]] = []
    group_roots: set[str] = set()

    def flush() -> None:
        if group:
            bodies.append(_merged_body(group) if len(group) > 1 else group[0])
            group.clear()
            group_roots.clear()

    def fits_group(path: tuple[str, ...], body: str, root: str) -> bool:
        if not group:
            return False
        candidate = [*group, (path, body)]
        same_path = all(p == path for p, _ in group)
        small = all(len(b) <= small_chars for _, b in candidate)
        if not same_path and not (small and root and group_roots == {root}):
            return False
        return chunk_length(*_merged_body(candidate)) <= target_chars

    for section in doc.sections:
        body = _normalize_body(section.text)
        if not body:
            continue
        path = _heading_path(title, section.headings)
        # The top-level heading decides what may share a chunk, even when it is the title's
        # twin and so left out of the context line.
        root = _inline(section.headings[0]).casefold() if section.headings else ""
        if chunk_length(path, body) > max_chars:
            flush()
            room = max_chars - (chunk_length(path, "") if context(path) else 0)
            target = min(room, max(target_chars - (max_chars - room), room // 2))
            bodies.extend((path, piece) for piece in _split_long(body, target, room, overlap_chars))
            continue
        if not fits_group(path, body, root):
            flush()
        group.append((path, body))
        group_roots.add(root)
    flush()

    chunks = []
    for ordinal, (path, body) in enumerate(bodies):
        line = context(path)
        text = f"{line}{_PARAGRAPH_BREAK}{body}" if line else body
        chunks.append(
            Chunk(
                id=_chunk_id(namespace, ordinal),
                ordinal=ordinal,
                text=text,
                heading=HEADING_SEPARATOR.join(path),
                token_estimate=estimate_tokens(text),
            )
        )
    return chunks
