"""Extraction benchmark: is every key fact of each corpus site kept whole in one stored chunk?

For every site of the answer corpus (tests/corpus/sites/*), the site is served on loopback,
crawled and ingested through the real ingestion path (crawler → reader → chunker → MiniLM →
Chroma, SQLite in a temporary data dir, Chromium for script-built pages when installed), and
the stored chunks are read back. A key fact counts when all of its `together` strings occur
in one chunk (`tests.corpus.sites.contains`). Prints one JSON line last:

    {"extraction": mean share over sites, "sites": {slug: share}, "missing": [...]}

    .venv/bin/python bench/extraction.py                 # every corpus site
    .venv/bin/python bench/extraction.py --quick         # the first 3 sites
    .venv/bin/python bench/extraction.py --site bistro   # named sites (repeatable)
    .venv/bin/python bench/extraction.py --site-dir PATH # any folder with truth.json + site/
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus_agents import corpus_resources, ingest  # noqa: E402
from tests.corpus.sites import SITES_ROOT, CorpusSite, contains, load_site, load_sites  # noqa: E402


def _score(site: CorpusSite, chunks: list[str]) -> tuple[float, list[dict[str, Any]]]:
    missing = []
    for fact in site.key_facts:
        if not any(all(contains(text, part) for part in fact.together) for text in chunks):
            alone = [part for part in fact.together if not any(contains(t, part) for t in chunks)]
            missing.append(
                {
                    "site": site.slug,
                    "label": fact.label,
                    "together": list(fact.together),
                    # Parts found nowhere were lost; otherwise they were split apart.
                    "lost": alone,
                }
            )
    total = len(site.key_facts)
    return (1.0 - len(missing) / total) if total else 1.0, missing


def run(sites: list[CorpusSite]) -> dict[str, Any]:
    shares: dict[str, float] = {}
    missing: list[dict[str, Any]] = []
    chunk_counts: dict[str, int] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, corpus_resources(Path(tmp)) as (res, principal):
        for site in sites:
            built = ingest(site, res, principal)
            if built.failure:
                print(f"{site.slug}: ingestion: {built.failure}", file=sys.stderr)
            chunks = [c.text for c in built.chunks]
            share, lost = _score(site, chunks)
            shares[site.slug] = round(share, 3)
            chunk_counts[site.slug] = len(chunks)
            missing += lost
    mean = sum(shares.values()) / len(shares) if shares else 0.0
    return {
        "extraction": round(mean, 3),
        "sites": shares,
        "missing": missing,
        "chunks": chunk_counts,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the first 3 sites")
    parser.add_argument("--site", action="append", default=[], help="a corpus site's slug")
    parser.add_argument(
        "--site-dir", action="append", default=[], type=Path, help="a site folder outside it"
    )
    args = parser.parse_args()
    sites = [load_site(path.resolve()) for path in args.site_dir]
    if args.site or not sites:
        if not SITES_ROOT.is_dir():
            raise SystemExit(f"no corpus sites yet ({SITES_ROOT} does not exist); use --site-dir")
        sites += load_sites(args.site or None)
    if args.quick:
        sites = sites[:3]
    if not sites:
        raise SystemExit("no sites to measure")
    print(json.dumps(run(sites), ensure_ascii=False))


if __name__ == "__main__":
    main()
