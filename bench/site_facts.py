"""How well onboarding reads the corpus sites: address, phone, hours, prices, time zone.

Each corpus site's pages are parsed and chunked by the product's own reader (no crawl, no
embedding: this measures the onboarding readers, not the crawler), then `read_site` runs over
the chunks, as `OnboardingService.start` does. Each value is judged against the site's
truth.json: the address holds the street of the "address" key fact; the main phone is the
"phone" key fact's number; every caller question about a weekday's opening or closing time
is answered by the hours read; every "how much" question is answered by a price read; the
time zone is the site's. Prints one line per site and a JSON summary last.

    .venv/bin/python bench/site_facts.py                       # tests/corpus/sites
    .venv/bin/python bench/site_facts.py --sites path/to/sites  # another checkout's sites
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus import sites as corpus  # noqa: E402

from frontdesk.errors import DocumentError  # noqa: E402
from frontdesk.knowledge.parsers import parse_document  # noqa: E402
from frontdesk.knowledge.text_chunks import chunk_document  # noqa: E402
from frontdesk.onboarding.site_facts import SiteFacts, read_site  # noqa: E402

_DAYS = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
         "friday": "fri", "saturday": "sat", "sunday": "sun"}  # fmt: skip


def site_chunks(site: corpus.CorpusSite) -> list[tuple[str, str]]:
    chunks: list[tuple[str, str]] = []
    for page in sorted(site.pages.rglob("*")):
        if page.suffix.lower() not in (".html", ".htm") or not page.is_file():
            continue
        path = "/" + str(page.relative_to(site.pages)).replace("index.html", "")
        url = f"http://127.0.0.1:8000{path}"
        try:
            doc = parse_document(page.read_bytes(), url)
        except DocumentError:
            continue  # a page whose text a script writes: the reader's business, not ours
        chunks += [(c.text, url) for c in chunk_document(doc, namespace=url)]
    for pdf in site.pdfs:
        text = f"{pdf.title}\n\n" + "\n".join(pdf.lines)
        chunks.append((text, f"http://127.0.0.1:8000{pdf.path}"))
    return chunks


def _said(hours: list[dict[str, str]]) -> list[str]:
    """The ways a reply could state a day's hours."""
    said = []
    for interval in hours:
        for value in (interval["opens"], interval["closes"]):
            h, m = int(value[:2]), int(value[3:5])
            twelve = h % 12 or 12
            clock = f"{twelve}:{m:02d}" if m else f"{twelve}"
            half = "am" if h < 12 else "pm"
            said += [f"{clock} {half}", f"{clock}{half}", value, f"until {clock}", f"-{clock}"]
    return said


def _judge(site: corpus.CorpusSite, read: SiteFacts) -> dict[str, object]:
    facts = {f.label.lower(): f.together for f in site.key_facts}
    address = next((v for k, v in facts.items() if "address" in k), None)
    phone = next((v for k, v in facts.items() if k == "phone" or "phone" in k), None)
    out: dict[str, object] = {}
    if address:
        out["address"] = bool(read.address) and corpus.contains(
            read.address.text if read.address else "", address[0]
        )
    if phone:
        digits = re.sub(r"\D", "", phone[0])
        out["phone"] = bool(read.phones) and re.sub(r"\D", "", read.phones[0].text) == digits
    hours_total = hours_right = prices_total = prices_right = 0
    prices = [s.price for s in read.services]
    for question in site.questions:
        text = question.text.lower()
        day = next((d for name, d in _DAYS.items() if name in text), None)
        if day and re.search(r"\b(open|close|hours|late|until)\b", text):
            hours_total += 1
            said = " ".join(_said(read.week.hours.get(day, [])))
            hours_right += question.answered_by(said)
        if re.search(r"how much|price|cost|charge|going for", text) and any(
            re.search(r"[$€£]|\d\s?(?:€|kr)", alt) for group in question.must for alt in group
        ):
            prices_total += 1
            prices_right += any(question.answered_by(p) for p in prices)
    if hours_total:
        out["hours"] = f"{hours_right}/{hours_total}"
    if prices_total:
        out["prices"] = f"{prices_right}/{prices_total}"
    out["timezone"] = read.timezone == site.timezone
    out["conflicts"] = len(read.week.conflicts)
    out["description"] = read.description
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=Path, default=corpus.SITES_ROOT)
    args = parser.parse_args()
    roots = sorted(p for p in args.sites.iterdir() if (p / "truth.json").is_file())
    totals: dict[str, list[int]] = {}
    for root in roots:
        site = corpus.load_site(root)
        read = read_site(site_chunks(site), site.name)
        judged = _judge(site, read)
        print(site.slug, json.dumps(judged, ensure_ascii=False))
        for key, value in judged.items():
            if isinstance(value, bool):
                right, total = int(value), 1
            elif isinstance(value, str) and "/" in value and key != "description":
                right, total = (int(x) for x in value.split("/"))
            else:
                continue
            tally = totals.setdefault(key, [0, 0])
            tally[0] += right
            tally[1] += total
    print(json.dumps({k: f"{r}/{t}" for k, (r, t) in totals.items()}))


if __name__ == "__main__":
    main()
