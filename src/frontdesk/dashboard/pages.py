"""The dashboard shell: the same small HTML page for every dashboard address.

The page carries no data (the browser asks the API, signed in or not), so it is served to
anyone; the React app in `web/src/dashboard/` decides what to show and where to send a
visitor who is not signed in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from frontdesk.talk.endpoints import static_dir
from frontdesk.talk.web_bundle import load_entry

router = APIRouter(include_in_schema=False)

DASHBOARD_ENTRY = "src/dashboard/main.tsx"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Frontdesk</title>
<link rel="icon" href="data:,">
{tags}
</head>
<body>
<div id="dashboard"></div>
<noscript><p>The Frontdesk dashboard needs JavaScript.</p></noscript>
</body>
</html>
"""

# Every address the dashboard's router knows; anything else under them is its own 404 page.
PATHS = ("/", "/login", "/setup", "/settings", "/analytics", "/agents", "/agents/{rest:path}")


def shell(bundle_dir: Annotated[Path, Depends(static_dir)]) -> HTMLResponse:
    """The dashboard page (503 in plain words while the bundle has not been built)."""
    entry = load_entry(bundle_dir, DASHBOARD_ENTRY)
    # A rebuilt bundle has new file names: the shell must never be cached stale.
    return HTMLResponse(PAGE.format(tags=entry.tags()), headers={"Cache-Control": "no-cache"})


for _path in PATHS:
    router.add_api_route(_path, shell, methods=["GET"], response_class=HTMLResponse)
