"""The corpus itself is sound: every site loads, is big enough, and its truth is on its pages."""

from __future__ import annotations

import re

import pytest

from tests.corpus.sites import CorpusSite, contains, load_sites

SITES = load_sites()


def _site_text(site: CorpusSite) -> str:
    texts = []
    for path in site.pages.rglob("*"):
        if path.suffix in {".html", ".htm", ".js", ".json", ".txt"}:
            texts.append(path.read_text(encoding="utf-8"))
    texts += [line for pdf in site.pdfs for line in (pdf.title, *pdf.lines)]
    raw = "\n".join(texts)
    # Entities and tags out, so that "Fish &amp; Chips" is found as written on screen.
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def test_there_are_enough_sites() -> None:
    assert len(SITES) >= 12
    assert len({s.kind for s in SITES}) >= 12


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.slug)
def test_each_site_is_big_enough(site: CorpusSite) -> None:
    assert len(site.questions) >= 15
    assert len(site.unanswerable) >= 5
    assert len(site.actions) >= 3
    assert {"booking"} <= {a.kind for a in site.actions}
    assert site.key_facts


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.slug)
def test_every_key_fact_is_on_the_site(site: CorpusSite) -> None:
    text = _site_text(site)
    missing = [
        (f.label, part) for f in site.key_facts for part in f.together if not contains(text, part)
    ]
    assert not missing
