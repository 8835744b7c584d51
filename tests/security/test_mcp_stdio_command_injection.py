"""Attack: an admin turns an allowed stdio MCP program into a shell on the Frontdesk machine.

The operator allowed `npx` (the old style of FRONTDESK_MCP_STDIO_COMMANDS, which named
programs only). Over the real API, an admin saves a stdio MCP server whose command is that
allowed program but whose arguments (`npx -c 'touch …'`) or environment
(`NODE_OPTIONS=--import=data:…`) run code of their choosing, then asks Frontdesk to check
the server, which starts it. The server must be refused with a clear 422 before anything
runs, and the marker file must never appear; an exact, operator-named command line with an
allowed variable still works.
"""

from __future__ import annotations

import base64
import shlex
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.factories import make_receptionist
from tests.live_server import owner_client, serving
from tests.mcp.conftest import SERVER_SCRIPT, stdio_server

# The attacks use Node's npx as the allowed program, as in the report; the refusals would
# hold without it, but only a real npx shows that the old rule let its code run.
needs_npx = pytest.mark.skipif(shutil.which("npx") is None, reason="needs Node's npx")

ORDER_SERVER = shlex.join([sys.executable, str(SERVER_SCRIPT), "stdio"])


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # "npx" alone is what an operator wrote before command lines were required; it stays in
    # the list to show that it no longer opens anything. "npx --version" is an exact line.
    return settings.model_copy(
        update={
            "mcp_stdio_commands": ["npx", "npx --version", ORDER_SERVER],
            # Listed by a careless operator: still never passed to a program.
            "mcp_stdio_env": ["ORDER_API_KEY", "NODE_OPTIONS"],
        }
    )


@pytest.fixture
def admin_api(resources: Resources) -> Iterator[tuple[httpx.Client, dict]]:
    with serving(resources) as url, owner_client(resources, url) as api:
        yield api, make_receptionist(api)


def _attempt(api: httpx.Client, agent: dict, body: dict) -> httpx.Response:
    """Save the server as the attacker would, and if that worked, make Frontdesk start it."""
    base = f"/api/agents/{agent['id']}/mcp-servers"
    response = api.post(base, json=body)
    if response.status_code == 201:
        api.post(f"{base}/{response.json()['id']}/check")
    return response


def _never_appears(marker: Path) -> None:
    time.sleep(1.0)  # a started program would have written it by now
    assert not marker.exists(), f"the attacker's command ran: {marker} was written"


def _refused(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "ValidationFailed"
    for word in words:
        assert word in body["detail"]


@needs_npx
def test_extra_arguments_to_an_allowed_program_are_refused(
    admin_api: tuple[httpx.Client, dict], tmp_path: Path
) -> None:
    api, agent = admin_api
    marker = tmp_path / "pwned-by-args"
    response = _attempt(
        api,
        agent,
        {
            "name": "Innocent",
            "transport": "stdio",
            "command": "npx",
            "args": ["-c", f"touch {marker}"],
        },
    )
    _never_appears(marker)
    _refused(response, "is not allowed", "FRONTDESK_MCP_STDIO_COMMANDS")


@needs_npx
def test_an_allowed_line_cannot_be_changed_into_another(
    admin_api: tuple[httpx.Client, dict], tmp_path: Path
) -> None:
    api, agent = admin_api
    base = f"/api/agents/{agent['id']}/mcp-servers"
    saved = api.post(base, json={"name": "V", "transport": "stdio", "command": "npx",
                                 "args": ["--version"]})  # fmt: skip
    assert saved.status_code == 201, saved.text
    marker = tmp_path / "pwned-by-patch"
    changed = api.patch(f"{base}/{saved.json()['id']}", json={"args": ["-c", f"touch {marker}"]})
    if changed.status_code == 200:
        api.post(f"{base}/{saved.json()['id']}/check")
    _never_appears(marker)
    _refused(changed, "is not allowed")
    assert api.get(base).json()[0]["args"] == ["--version"]


@needs_npx
def test_code_loading_environment_variables_are_refused(
    admin_api: tuple[httpx.Client, dict], tmp_path: Path
) -> None:
    api, agent = admin_api
    marker = tmp_path / "pwned-by-env"
    source = f'import fs from "fs"; fs.writeFileSync("{marker}", "x");'
    payload = base64.b64encode(source.encode()).decode()
    response = _attempt(
        api,
        agent,
        {
            "name": "Version",
            "transport": "stdio",
            "command": "npx",
            "args": ["--version"],  # an exact, allowed command line
            "env": {"NODE_OPTIONS": f"--import=data:text/javascript;base64,{payload}"},
        },
    )
    _never_appears(marker)
    _refused(response, "NODE_OPTIONS", "changes which code the program loads")

    for name in ("LD_PRELOAD", "PYTHONPATH", "PATH", "BASH_ENV", "DYLD_INSERT_LIBRARIES"):
        body = {**stdio_server(), "name": f"With {name}", "env": {name: str(tmp_path)}}
        _refused(api.post(f"/api/agents/{agent['id']}/mcp-servers", json=body), name)
    unlisted = {**stdio_server(), "name": "Unlisted", "env": {"OTHER_SECRET": "x"}}
    _refused(
        api.post(f"/api/agents/{agent['id']}/mcp-servers", json=unlisted),
        "OTHER_SECRET",
        "FRONTDESK_MCP_STDIO_ENV",
    )


def test_the_exact_allowed_command_line_still_works(admin_api: tuple[httpx.Client, dict]) -> None:
    api, agent = admin_api
    base = f"/api/agents/{agent['id']}/mcp-servers"
    saved = api.post(base, json=stdio_server())
    assert saved.status_code == 201, saved.text
    checked = api.post(f"{base}/{saved.json()['id']}/check").json()
    assert checked["status"] == "ok", checked["last_error"]
    assert {t["name"] for t in checked["tools"]} == {"order_status", "cancel_order"}


def test_a_bare_launcher_in_the_setting_stops_the_process() -> None:
    from frontdesk.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="would let an admin run any code"):
        Settings(mcp_stdio_commands="npx")
    with pytest.raises(ConfigurationError, match="would let an admin run any code"):
        Settings(mcp_stdio_commands="/usr/bin/python3 {args:.*}")
    allowed = Settings(mcp_stdio_commands="/opt/mcp/orders --stdio; npx -y @acme/mcp-orders")
    assert allowed.mcp_stdio_commands == ["/opt/mcp/orders --stdio", "npx -y @acme/mcp-orders"]
