"""How well onboarding reads the corpus sites: address, phone, hours, prices, time zone.

Each corpus site is crawled and ingested the product's own way (bench/corpus_agents.py:
the reader, site-wide blocks stored once, JSON-LD, Chromium for script-built pages), then
`read_site` runs over the stored chunks, as `OnboardingService.start` does. Each value is
judged against the site's truth.json: the address holds the street of the "address" key
fact; the main phone is the "phone" key fact's number; every caller question about a
weekday's opening or closing time is answered by the hours read; every "how much" question
is answered by a price read; the time zone is the site's. Prints one line per site and a
JSON summary last.

    .venv/bin/python bench/site_facts.py                       # tests/corpus/sites
    .venv/bin/python bench/site_facts.py --sites path/to/sites  # another checkout's sites
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus_agents import SiteAgent, corpus_resources, ingest  # noqa: E402
from tests.corpus import sites as corpus  # noqa: E402

from frontdesk.onboarding.site_facts import SiteFacts, read_site  # noqa: E402

_DAYS = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
         "friday": "fri", "saturday": "sat", "sunday": "sun"}  # fmt: skip


def site_chunks(built: SiteAgent) -> list[tuple[str, str]]:
    """(text, source) of the site's stored chunks, sorted as onboarding reads them."""
    chunks = [
        (c.text, str(c.metadata.get("url") or c.metadata.get("file_name") or ""))
        for c in built.chunks
    ]
    return sorted(chunks, key=lambda c: (c[1], c[0]))


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
    with tempfile.TemporaryDirectory() as tmp, corpus_resources(Path(tmp)) as (res, principal):
        for root in roots:
            site = corpus.load_site(root)
            read = read_site(site_chunks(ingest(site, res, principal)), site.name)
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
