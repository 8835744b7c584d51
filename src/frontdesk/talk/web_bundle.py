"""The browser bundle that Vite builds from `web/` into the package's `static/` folder.

The server renders the pages itself and asks Vite's manifest which hashed files belong to an
entry, so a rebuilt bundle is picked up without a restart and old tabs keep their old files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from html import escape
from os import PathLike
from pathlib import Path
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from frontdesk.errors import ServiceUnavailable

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/static/"
MANIFEST = Path(".vite") / "manifest.json"
NOT_BUILT = (
    "The browser bundle has not been built: run `make run` (or `npm ci && npm run build` "
    "in web/), then reload this page."
)


@dataclass(frozen=True)
class Entry:
    """One entry's files: the script, its CSS, and the chunks worth fetching early."""

    script: str
    styles: tuple[str, ...]
    preloads: tuple[str, ...]

    def tags(self) -> str:
        """The `<link>` and `<script>` tags for a page's `<head>`."""
        links = [f'<link rel="stylesheet" href="{escape(url)}">' for url in self.styles]
        links += [f'<link rel="modulepreload" href="{escape(url)}">' for url in self.preloads]
        script = f'<script type="module" src="{escape(self.script)}"></script>'
        return "\n".join([*links, script])


def load_entry(static_dir: Path, source: str) -> Entry:
    """The built files of `source` (a path under web/, e.g. `src/talk/main.ts`).

    Read on every call: the manifest is a few hundred bytes, and a page load is rare enough
    that always seeing the latest build is worth more than caching it.
    """
    try:
        manifest = json.loads((static_dir / MANIFEST).read_text(encoding="utf-8"))
        chunk = manifest[source]
    except (OSError, ValueError, KeyError) as exc:
        raise ServiceUnavailable(NOT_BUILT) from exc
    styles: list[str] = []
    preloads: list[str] = []
    seen: set[str] = set()

    def collect(key: str, node: dict[str, Any]) -> None:
        # Imported chunks bring their own CSS; walk each once (they may share imports).
        if key in seen:
            return
        seen.add(key)
        for css in node.get("css", []):
            if STATIC_URL + css not in styles:
                styles.append(STATIC_URL + css)
        for imported in node.get("imports", []):
            if imported in manifest:
                preloads.append(STATIC_URL + manifest[imported]["file"])
                collect(imported, manifest[imported])

    collect(source, chunk)
    return Entry(script=STATIC_URL + chunk["file"], styles=tuple(styles), preloads=tuple(preloads))


class BundleFiles(StaticFiles):
    """The built files under /static/.

    Unlike plain StaticFiles it starts without the folder (a 404 until the bundle is built,
    instead of a crash), lets browsers keep Vite's content-hashed files for good, and lets
    any page load them (the widget runs on other sites).
    """

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        super().__init__(directory=directory, check_dir=False)

    async def check_config(self) -> None:
        """Nothing to check: a missing folder only means nothing is built yet."""

    def file_response(
        self, full_path: PathLike[str] | str, stat_result: os.stat_result, scope: Scope,
        status_code: int = 200,
    ) -> Response:  # fmt: skip
        response = super().file_response(full_path, stat_result, scope, status_code)
        # The website widget imports these modules (and the microphone worklet) from the
        # business's own pages: cross-origin module loads need CORS. They are public code.
        response.headers["Access-Control-Allow-Origin"] = "*"
        if Path(full_path).parent.name == "assets":
            # A new build gets new names, so a cached file is never stale.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
