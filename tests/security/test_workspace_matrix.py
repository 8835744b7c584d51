"""Cross-workspace access matrix: every route of the app, called by another workspace.

Workspace A ("Alpha…") is built through the real flows: an agent with a knowledge source, a
conversation with turns, a lead, an appointment, an exam, a knowledge gap, a webhook endpoint
with a delivery, an MCP server, a calendar connection, an API key, a team member and an ICS
feed. Workspace B has its own owner, agent and API key. B then calls every route the app
serves, read from `app.routes` (so a new endpoint fails this test until it is classified),
with A's ids in the path and a plausible body, once with its session and once with its key.

Rules:
- a route with ids in its path is A-scoped: B must get 404, and A (for reads) must get 200
  for the very same request, so the 404 is the workspace check and not a wrong URL;
- a route without ids acts on the caller's own workspace: B's answer must hold nothing of A,
  also when a filter names A's agent;
- public routes (widget, ICS feed, dashboard shell, docs, health, sign-in…) are listed in
  PUBLIC with their own rule.
Every answer B gets is searched for A's data: any "alpha"/"whiskers" text A wrote, and every
id of A that B did not itself put in the URL. Afterwards A's data must be unchanged.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount
from starlette.websockets import WebSocketDisconnect

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.leads.service import capture_lead
from frontdesk.migrate import upgrade
from frontdesk.models import (
    Agent,
    CalendarConnection,
    Exam,
    Interview,
    KnowledgeGap,
    McpServer,
    PhoneNumber,
)
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import build_resources
from frontdesk.telephony.twilio_signature import stream_token, twilio_signature
from frontdesk.widget.tokens import mint_token
from tests.conftest import BACKENDS, _postgres_database
from tests.factories import PASSWORD, make_member, make_owner, make_receptionist, sign_in
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.waiting import wait_for_agent

# Words only workspace A ever wrote; B's data never contains them.
A_TWILIO = "alpha-twilio-auth-token"
A_MARKERS = re.compile(r"alpha|whiskers", re.IGNORECASE)
TOMORROW = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)

# Path parameter -> key in World.a_ids. A route with any other parameter is unclassified.
ID_PARAMS = {
    "agent_id": "agent",
    "source_id": "source",
    "gap_id": "gap",
    "appointment_id": "appointment",
    "lead_id": "lead",
    "server_id": "mcp_server",
    "conversation_id": "conversation",
    "exam_id": "exam",
    "endpoint_id": "webhook",
    "delivery_id": "delivery",
    "user_id": "member",
    "key_id": "api_key",
    "number_id": "phone_number",
}

# Bodies and queries good enough to pass validation, so B's 404 comes from the workspace
# check and not from a 422 before it. Keyed by operation (endpoint function) name.
REQUESTS: dict[str, dict] = {
    "update_member": {"json": {"name": "Mallory"}},
    "update_agent": {"json": {"name": "Mallory"}},
    "add_phone_number": {"json": {"number": "+15550009999"}},
    "add_source": {"json": {"kind": "text", "text": "Mallory was here."}},
    "upload_files": {"files": [("files", ("mallory.txt", b"Mallory was here.", "text/plain"))]},
    "search": {"params": {"q": "cats"}},
    "availability": {"params": {"day": (TOMORROW.date()).isoformat()}},
    "answer_knowledge_gap": {"json": {"answer": "Mallory"}},
    "dismiss_knowledge_gap": {"json": {"reason": "Mallory"}},
    "create_appointment": {
        "json": {
            "starts_at": (TOMORROW + timedelta(hours=2)).isoformat(),
            "customer_name": "M",
            "customer_phone": "555 000 1111",
        }
    },
    "reschedule_appointment": {"json": {"starts_at": (TOMORROW + timedelta(hours=3)).isoformat()}},
    "save_calendar_connection": {
        "json": {"server_url": "http://127.0.0.1:9/dav/", "username": "m", "password": "m"}
    },
    "discover_agent_calendars": {
        "json": {"server_url": "http://127.0.0.1:9/dav/", "username": "m", "password": "m"}
    },
    "update_lead": {"json": {"status": "lost"}},
    "create_mcp_server": {
        "json": {"name": "Mallory", "transport": "http", "url": "http://127.0.0.1:9/mcp"}
    },
    "update_mcp_server": {"json": {"enabled": False}},
    "send_message": {"json": {"text": "Tell me everything."}},
    "answer_question": {"json": {"question_id": "q1", "answer": "Mallory"}},
    "skip_question": {"json": {"question_id": "q1"}},
    "update_widget": {"json": {"button_label": "Mallory"}},
    "update_webhook_endpoint": {"json": {"enabled": False}},
    # Routes of the caller's own workspace, which B may use on itself.
    "update_workspace": {"json": {"name": "Bravo Spa"}},
    "add_member": {
        "json": {"email": "helper@bravo.example", "name": "Bravo Helper", "password": PASSWORD}
    },
    "create_api_key": {"json": {"name": "Bravo extra"}},
    "create_agent": {"data": {"name": "Bravo Second", "text": "We do massages."}},
    "create_webhook_endpoint": {
        "json": {"url": "http://127.0.0.1:9/bravo-hook", "events": ["lead.created"]}
    },
}


@dataclass
class World:
    app: FastAPI
    a: TestClient  # A's owner, signed in (entered: holds A's live conversation)
    b: TestClient  # B's owner, signed in
    a_key: str
    b_key: str
    a_ids: dict[str, str]
    b_agent: str
    b_feed_token: str
    a_email: str
    b_email: str
    a_feed_token: str
    settings: Settings
    leaks: list[str] = field(default_factory=list)
    calls: int = 0


def _agent_feed_token(client: TestClient, agent_id: str) -> str:
    feed = client.get(f"/api/agents/{agent_id}/calendar")
    assert feed.status_code == 200, feed.text
    return feed.json()["ics_url"].rsplit("/", 1)[1].removesuffix(".ics")


def _build_workspace_a(client: TestClient, resources, fake_llm: ScriptedLLM) -> dict[str, str]:  # type: ignore[no-untyped-def]
    workspace, owner = make_owner(resources, workspace_name="Alpha Vet Clinic")
    sign_in(client, owner)
    agent = make_receptionist(client, name="Alpha Juniper Vet")
    wait_for_agent(client, agent["id"])
    # A answers its number through Twilio: B must not be able to play Twilio to it.
    twilio = client.patch("/api/workspace", json={"settings": {"twilio_auth_token": A_TWILIO}})
    assert twilio.status_code == 200, twilio.text
    source = client.get(f"/api/agents/{agent['id']}/knowledge/sources").json()
    source_id = (source["items"] if isinstance(source, dict) else source)[0]["id"]

    fake_llm.script(Say("Alpha can see Whiskers on Monday."))
    conversation = client.post(f"/api/agents/{agent['id']}/conversations")
    assert conversation.status_code == 201, conversation.text
    conversation_id = conversation.json()["id"]
    said = client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "My cat Whiskers needs an Alpha checkup."},
    )
    assert said.status_code == 200, said.text

    booked = client.post(
        f"/api/agents/{agent['id']}/appointments",
        json={
            "starts_at": TOMORROW.isoformat(),
            "customer_name": "Rosa Alpha",
            "customer_email": "rosa.alpha@example.com",
        },
    )
    assert booked.status_code == 201, booked.text

    hook = client.post(
        "/api/webhooks",
        json={"url": "http://127.0.0.1:9/alpha-hook", "events": ["lead.created"]},
    )
    assert hook.status_code == 201, hook.text
    assert client.post(f"/api/webhooks/{hook.json()['id']}/test").status_code in (200, 202)
    deliveries = client.get(f"/api/webhooks/{hook.json()['id']}/deliveries").json()
    delivery_id = deliveries["deliveries"][0]["id"]

    key = client.post("/api/api-keys", json={"name": "Alpha key"})
    assert key.status_code == 201, key.text
    member = make_member(resources, workspace, name="Alpha Helper")

    now = datetime.now(UTC)
    with transaction(resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        assert row is not None
        lead_id = capture_lead(
            db,
            row,
            name="Rosa Alpha",
            phone="555 014 2398",
            email="rosa.alpha@example.com",
            interest="An Alpha checkup for Whiskers",
            conversation_id=conversation_id,
        ).id
        # Rows whose real flows need a model or a server of their own (tested in their
        # packages); here only their existence in A matters.
        exam = Exam(
            workspace_id=workspace.id,
            agent_id=row.id,
            status="done",
            total=1,
            answered=1,
            passed=1,
            score=1.0,
            results=[{"question": "Alpha opening hours?", "reply": "Alpha opens at 9."}],
            finished_at=now,
        )
        gap = KnowledgeGap(
            workspace_id=workspace.id,
            agent_id=row.id,
            question="Do you board Alpha lizards?",
            count=1,
            first_seen_at=now,
            last_seen_at=now,
            centroid=[],
            embedder="test",
            answer="Alpha boards no lizards.",
            answered_at=now,
            rerun_status="done",
            rerun_results=[
                {
                    "question": "Alpha lizards?",
                    "expected": ["no lizards"],
                    "answerable": True,
                    "source": "gap",
                    "similarity": 0.9,
                    "reply": "Alpha boards no lizards.",
                    "passed": True,
                }
            ],
            rerun_started_at=now,
            rerun_finished_at=now,
        )
        mcp = McpServer(
            workspace_id=workspace.id,
            agent_id=row.id,
            name="Alpha orders",
            transport="http",
            url="http://127.0.0.1:9/alpha-mcp",
            headers={"Authorization": "Bearer alpha-secret"},
        )
        calendar = CalendarConnection(
            workspace_id=workspace.id,
            agent_id=row.id,
            server_url="http://127.0.0.1:9/alpha-dav/",
            username="alpha-user",
            password="alpha-password",
            calendar_url="http://127.0.0.1:9/alpha-dav/cal/",
            calendar_name="Alpha calendar",
        )
        interview = Interview(
            workspace_id=workspace.id,
            agent_id=row.id,
            status="active",
            position=0,
            questions=[
                {"id": "q1", "topic": "business", "kind": "ask", "text": "What does Alpha do?"}
            ],
        )
        # As LiveKit SIP would have it after an owner added the number (no LiveKit runs here:
        # B's requests must be refused before anything reaches one).
        number = PhoneNumber(
            workspace_id=workspace.id,
            agent_id=row.id,
            number="+15550142398",
            livekit_project="alpha-livekit-key",
            trunk_id="ST_alpha",
            dispatch_rule_id="SDR_alpha",
        )
        db.add_all([exam, gap, mcp, calendar, interview, number])
        db.flush()
        ids = {
            "exam": exam.id,
            "gap": gap.id,
            "mcp_server": mcp.id,
            "calendar": calendar.id,
            "phone_number": number.id,
        }
    return ids | {
        "workspace": workspace.id,
        "owner": owner.id,
        "agent": agent["id"],
        "source": source_id,
        "conversation": conversation_id,
        "lead": lead_id,
        "appointment": booked.json()["id"],
        "webhook": hook.json()["id"],
        "delivery": delivery_id,
        "api_key": key.json()["id"],
        "api_key_secret": key.json()["key"],
        "member": member.id,
    }


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    embedder: MiniLMOnnxEmbedder,
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp / 'frontdesk.db'}"])
    else:
        urls = _postgres_database()
    database_url = next(urls)
    settings = Settings(
        environment="test",
        data_dir=tmp / "data",
        database_url=database_url,
        crawl_allowed_hosts=["127.0.0.1"],
        outbound_allowed_hosts=["127.0.0.1"],
        crawl_delay_s=0.0,
        embedded_workers=1,
        embedded_llm=False,
        # B's key walks every route in well under a minute; its rate limits are
        # tests/workspace/test_api_key_limits.py's subject, not this matrix's.
        api_key_requests="100000/minute",
        api_key_conversations="100000/minute",
    )
    upgrade(settings.sqlalchemy_url)
    fake_llm = ScriptedLLM()
    resources = build_resources(settings, embedder=embedder, llm_factory=lambda: fake_llm)
    app = create_app(resources=resources)
    try:
        with TestClient(app) as a:
            a_ids = _build_workspace_a(a, resources, fake_llm)
            a_feed_token = _agent_feed_token(a, a_ids["agent"])
            a_email = a.get("/api/auth/me").json()["email"]
            # B's client is not entered: it shares the app (and A's running lifespan).
            b = TestClient(app)
            _, b_owner = make_owner(resources, workspace_name="Bravo Spa")
            sign_in(b, b_owner)
            b_agent = make_receptionist(b, name="Bravo Cedar Spa")
            wait_for_agent(b, b_agent["id"])
            b_key = b.post("/api/api-keys", json={"name": "Bravo key"}).json()["key"]
            yield World(
                app=app,
                a=a,
                b=b,
                a_key=a_ids.pop("api_key_secret"),
                b_key=b_key,
                a_ids=a_ids,
                b_agent=b_agent["id"],
                b_feed_token=_agent_feed_token(b, b_agent["id"]),
                a_feed_token=a_feed_token,
                settings=settings,
                a_email=a_email,
                b_email=b_owner.email,
            )
    finally:
        resources.close()
        for _ in urls:  # drops the PostgreSQL database
            pass


# -- leak detection -----------------------------------------------------------------------


def _readable(response: httpx.Response) -> str:
    """The answer as text; an archive (the workspace export) with every file in it."""
    if response.content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return response.text


def _comparable(response: httpx.Response, agent_id: str) -> object:
    """An answer without what moves between two calls: clocks, and the id that was asked."""
    lines: list[object] = []
    for line in _readable(response).replace(agent_id, "<id>").splitlines():
        try:
            lines.append(_without_clock(json.loads(line)))
        except ValueError:
            lines.append(re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", "<time>", line))
    return response.status_code, lines


def _check(world: World, what: str, response: httpx.Response) -> None:
    """Record a leak when B's answer holds A's words, or an id of A that B did not send."""
    world.calls += 1
    text = _readable(response)
    sent = str(response.request.url)
    found = A_MARKERS.findall(text)
    found += [
        f"{name} id" for name, value in world.a_ids.items() if value in text and value not in sent
    ]
    if world.a_feed_token in text:
        found.append("A's calendar feed token")
    if world.a_key in text:
        found.append("A's API key")
    if found:
        world.leaks.append(
            f"{what}: {response.status_code} shows {sorted(set(found))}: {text[:200]}"
        )


def _request(client: TestClient, method: str, url: str, op: str, headers: dict | None = None):  # type: ignore[no-untyped-def]
    extra = REQUESTS.get(op, {})
    return client.request(method, url, headers=headers, **extra)


def _fill(path: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        return values[ID_PARAMS[match.group(1)]]

    return re.sub(r"{(\w+)}", one, path)


# -- the rules ----------------------------------------------------------------------------


def _a_scoped(world: World, method: str, path: str, op: str) -> None:
    """B (by session and by key) gets 404 for A's ids; A gets its answer for the same read."""
    url = _fill(path, world.a_ids)
    for how, headers in (("session", None), ("key", {"Authorization": f"Bearer {world.b_key}"})):
        response = _request(world.b, method, url, op, headers)
        _check(world, f"{method} {path} as B ({how})", response)
        if response.status_code != 404:
            world.leaks.append(
                f"{method} {url} as B ({how}): {response.status_code} {response.text[:200]}"
            )
    if method == "GET" and op != "ingestion_events":
        control = _request(world.a, method, url, op)
        # (Availability reaches A's calendar server, which is not running: 502 is A's answer.)
        assert control.status_code in (200, 502), f"A's {method} {url}: {control.text[:300]}"


def _own_workspace(world: World, method: str, path: str, op: str) -> None:
    """No ids in the path: the route acts on the caller's workspace. B's answer holds none of
    A's data, whole or filtered by A's agent."""
    for how, headers in (("session", None), ("key", {"Authorization": f"Bearer {world.b_key}"})):
        response = _request(world.b, method, path, op, headers)
        _check(world, f"{method} {path} as B ({how})", response)
        assert response.status_code < 500, f"{method} {path}: {response.text[:300]}"
        if method == "GET":
            assert response.status_code == 200, f"{method} {path}: {response.text[:300]}"
            # A filter naming A's agent must answer exactly as one naming no agent at all.
            a_agent, nobody = world.a_ids["agent"], uuid.uuid4().hex
            filtered = world.b.get(path, params={"agent_id": a_agent}, headers=headers)
            _check(world, f"GET {path}?agent_id=<A's agent> as B ({how})", filtered)
            unknown = world.b.get(path, params={"agent_id": nobody}, headers=headers)
            if _comparable(filtered, a_agent) != _comparable(unknown, nobody):
                world.leaks.append(
                    f"GET {path}?agent_id=<A's agent> differs: {filtered.text[:200]}"
                )


def _no_data(
    world: World,
    method: str,
    path: str,
    op: str,
    *,
    url: str | None = None,
    ok: tuple[int, ...] = (200,),
) -> None:
    response = world.b.request(method, url or path)
    _check(world, f"{method} {path} (public)", response)
    assert response.status_code in ok, (
        f"{method} {url or path}: {response.status_code} {response.text[:200]}"
    )


def _shell(world: World, method: str, path: str, op: str) -> None:
    # The dashboard shell is the same page for everyone (503 while the bundle is unbuilt).
    url = path.replace("{rest:path}", f"{world.a_ids['agent']}/leads")
    _no_data(world, method, path, op, url=url, ok=(200, 503))


def _calendar_feed(world: World, method: str, path: str, op: str) -> None:
    """The token is the only key: B's token, a made-up one, or A's token on B's agent fail."""
    agent = world.a_ids["agent"]
    for url in (
        f"/calendar/{agent}/{world.b_feed_token}.ics",
        f"/calendar/{agent}/{'0' * len(world.a_feed_token)}.ics",
        f"/calendar/{world.b_agent}/{world.a_feed_token}.ics",
    ):
        response = world.b.get(url)
        _check(world, f"GET {path} (wrong token)", response)
        assert response.status_code == 404, f"{url}: {response.status_code}"
    own = world.b.get(f"/calendar/{agent}/{world.a_feed_token}.ics")
    assert own.status_code == 200 and "Rosa Alpha" in own.text  # the right key still works


def _widget_key(world: World, method: str, path: str, op: str) -> None:
    """A's public key opens nothing while A's agent is not deployed, and shows nothing."""
    key = world.a.get(f"/api/agents/{world.a_ids['agent']}/widget").json()["public_key"]
    response = world.b.request(
        method,
        path.replace("{public_key}", key),
        headers={"Origin": "https://bravo.example", "Access-Control-Request-Method": "POST"},
        **({"json": {"mode": "text"}} if method == "POST" else {}),
    )
    _check(world, f"{method} {path} with A's public key", response)
    assert response.status_code in ((200, 204, 403, 404) if method == "OPTIONS" else (403, 404))


def _widget_conversation(world: World, method: str, path: str, op: str) -> None:
    """A's conversation refuses a caller without a token, with a forged one, and with a
    token the server minted for another (B's) conversation."""
    url = path.replace("{conversation_id}", world.a_ids["conversation"])
    minted, _ = mint_token(
        world.settings.signing_key,
        conversation_id=uuid.uuid4().hex,
        agent_id=world.b_agent,
        workspace_id="b" * 32,
        origin="https://bravo.example",
        mode="text",
        ttl_s=300,
    )
    forged, _ = mint_token(
        b"not the server's key" * 2,
        conversation_id=world.a_ids["conversation"],
        agent_id=world.a_ids["agent"],
        workspace_id=world.a_ids["workspace"],
        origin="https://bravo.example",
        mode="text",
        ttl_s=300,
    )
    for token in (None, minted, forged):
        headers = {"Origin": "https://bravo.example"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        extra = {"json": {"text": "Tell me everything."}} if path.endswith("/messages") else {}
        response = world.b.request(method, url, headers=headers, **extra)
        _check(world, f"{method} {path} (token {bool(token)})", response)
        expected = (200, 204, 403, 404) if method == "OPTIONS" else (401, 403, 404)
        assert response.status_code in expected, f"{method} {url}: {response.text[:200]}"


def _websocket(world: World, url: str, what: str) -> None:
    try:
        with world.b.websocket_connect(url, headers={"Origin": "https://bravo.example"}) as ws:
            message = ws.receive_json()
            world.calls += 1
            if message.get("type") != "error" or A_MARKERS.search(str(message)):
                world.leaks.append(f"{what}: {message}")
    except WebSocketDisconnect:
        world.calls += 1  # refused at the handshake


def _agent_call_socket(world: World, method: str, path: str, op: str) -> None:
    """B's voice call to A's agent is answered with an error event, never a call."""
    _websocket(world, _fill(path, world.a_ids), f"WS {path}")


def _widget_call_socket(world: World, method: str, path: str, op: str) -> None:
    _websocket(world, f"{path}?token=forged", f"WS {path}")


def _twilio_webhook(world: World, method: str, path: str, op: str) -> None:
    """Twilio's webhooks for A's agent, signed with a token that is not A's (B's own Twilio
    account, say): 403, and no call is opened or handed over."""
    url = "http://testserver" + _fill(path, world.a_ids)
    if op == "call_after_agent":
        url += f"?conversation={world.a_ids['conversation']}"
    form = {"CallSid": "CA" + "b" * 32, "From": "+15550009999", "To": "+15550001111"}
    listed = f"/api/agents/{world.a_ids['agent']}/conversations"
    before = _without_clock(world.a.get(listed).json())
    for token in ("bravo-twilio-auth-token", None):
        signed = twilio_signature(token, url, form.items()) if token else None
        headers = {"X-Twilio-Signature": signed} if signed else {}
        response = world.b.post(url, data=form, headers=headers)
        _check(world, f"{method} {path} (signed {bool(token)})", response)
        assert response.status_code == 403, f"{url}: {response.status_code} {response.text[:200]}"
    assert _without_clock(world.a.get(listed).json()) == before


def _twilio_stream(world: World, method: str, path: str, op: str) -> None:
    """A media stream that names A's call without the token A's signed webhook handed out is
    closed before a word is said or heard."""
    url = _fill(path, world.a_ids)
    conversation = world.a_ids["conversation"]
    with world.b.websocket_connect(url) as ws:
        ws.send_json({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        ws.send_json(
            {
                "event": "start",
                "streamSid": "MZ" + "b" * 32,
                "start": {
                    "callSid": "CA" + "b" * 32,
                    "customParameters": {
                        "conversation": conversation,
                        "token": stream_token("bravo-twilio-auth-token", conversation),
                    },
                },
            }
        )
        world.calls += 1
        try:
            message = ws.receive()
        except WebSocketDisconnect:
            return
        if message["type"] != "websocket.close":
            world.leaks.append(f"WS {path}: answered {str(message)[:200]}")


def _auth(world: World, method: str, path: str, op: str) -> None:
    """The caller's own account: B's me is B; signing in as A needs A's password; a new
    first-run setup is refused; logging out ends only that session."""
    if op == "me":
        me = world.b.get(path)
        _check(world, "GET /api/auth/me", me)
        assert me.status_code == 200
    elif op == "setup_status":
        _no_data(world, method, path, op)
    elif op == "setup":
        body = {
            "token": "x" * 32,
            "workspace_name": "M",
            "name": "M",
            "email": "m@m.example",
            "password": PASSWORD,
        }
        response = world.b.post(path, json=body)
        _check(world, "POST setup", response)
        assert response.status_code in (403, 404, 409, 422)
    elif op == "login":
        response = TestClient(world.app).post(
            path, json={"email": world.a_email, "password": "wrong" * 3}
        )
        _check(world, "POST login as A with a wrong password", response)
        assert response.status_code == 401
    elif op == "change_password":
        response = world.b.post(
            path, json={"current_password": "wrong" * 3, "new_password": "x" * 20}
        )
        _check(world, "POST password", response)
        assert response.status_code in (401, 403, 422)
    elif op == "logout":
        # B signs in a second time and logs that session out: A's sessions are untouched.
        throwaway = TestClient(world.app)
        signed = throwaway.post(
            "/api/auth/login", json={"email": world.b_email, "password": PASSWORD}
        )
        assert signed.status_code == 200
        response = throwaway.post(path)
        _check(world, "POST logout", response)
        assert response.status_code in (200, 204)
        assert throwaway.get("/api/auth/me").status_code == 401
        assert world.a.get("/api/auth/me").status_code == 200
    else:
        raise AssertionError(f"no auth rule for {op}")


def _livekit_webhook(world: World, method: str, path: str, op: str) -> None:
    response = world.b.post(path, content=b"{}", headers={"Authorization": "forged"})
    _check(world, "POST livekit webhook unsigned", response)
    assert response.status_code in (401, 404)


Rule = Callable[[World, str, str, str], None]

# Routes that are not workspace-scoped by a signed-in principal, each with its own rule.
PUBLIC: dict[str, Rule] = {
    "GET /openapi.json": _no_data,
    "HEAD /openapi.json": _no_data,
    "GET /docs": _no_data,
    "HEAD /docs": _no_data,
    "GET /docs/oauth2-redirect": _no_data,
    "HEAD /docs/oauth2-redirect": _no_data,
    "GET /redoc": _no_data,
    "HEAD /redoc": _no_data,
    "GET /api/health": _no_data,
    "GET /api/ready": lambda w, m, p, o: _no_data(w, m, p, o, ok=(200, 503)),
    # Operators' scrape page: loopback or a token only; it must hold no workspace's data.
    "GET /metrics": lambda w, m, p, o: _no_data(w, m, p, o, ok=(200, 401, 403, 404)),
    "GET /api/auth/setup": _auth,
    "POST /api/auth/setup": _auth,
    "POST /api/auth/login": _auth,
    "POST /api/auth/logout": _auth,
    "POST /api/auth/password": _auth,
    "GET /api/auth/me": _auth,
    "POST /api/livekit/webhook": _livekit_webhook,
    "GET /calendar/{agent_id}/{token}.ics": _calendar_feed,
    "GET /widget.js": lambda w, m, p, o: _no_data(w, m, p, o, ok=(200, 503)),
    "GET /api/widget/{public_key}/config": _widget_key,
    "OPTIONS /api/widget/{public_key}/config": _widget_key,
    "POST /api/widget/{public_key}/sessions": _widget_key,
    "OPTIONS /api/widget/{public_key}/sessions": _widget_key,
    "POST /api/widget/conversations/{conversation_id}/messages": _widget_conversation,
    "OPTIONS /api/widget/conversations/{conversation_id}/messages": _widget_conversation,
    "POST /api/widget/conversations/{conversation_id}/end": _widget_conversation,
    "OPTIONS /api/widget/conversations/{conversation_id}/end": _widget_conversation,
    "WS /api/widget/calls/ws": _widget_call_socket,
    "WS /api/agents/{agent_id}/calls/ws": _agent_call_socket,
    "POST /api/telephony/twilio/{agent_id}/voice": _twilio_webhook,
    "POST /api/telephony/twilio/{agent_id}/after": _twilio_webhook,
    "WS /api/telephony/twilio/{agent_id}/stream": _twilio_stream,
    "MOUNT /static": lambda w, m, p, o: _no_data(
        w, "GET", p, o, url="/static/nothing.js", ok=(404,)
    ),
    **{
        f"GET {page}": _shell
        for page in (
            "/",
            "/login",
            "/setup",
            "/settings",
            "/analytics",
            "/agents",
            "/agents/{rest:path}",
        )
    },
}


def _routes(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path, operation name) for every route the app serves."""
    pairs = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            pairs.append(("MOUNT", route.path, route.name or ""))
            continue
        for method in sorted(route.methods or {"WS"}):
            pairs.append((method, route.path, route.name or ""))
    return pairs


def _classify(method: str, path: str) -> str:
    if f"{method} {path}" in PUBLIC:
        return "public"
    params = re.findall(r"{(\w+)(?::\w+)?}", path)
    if params and all(p in ID_PARAMS for p in params):
        return "a-scoped"
    if not params and path.startswith("/api/"):
        return "own"
    return "unclassified"


def _snapshot(world: World) -> dict:
    """What A sees of its own data, read with A's key."""
    key = {"Authorization": f"Bearer {world.a_key}"}
    ids, agent = world.a_ids, world.a_ids["agent"]
    reads = {
        "agent": f"/api/agents/{agent}",
        "conversation": f"/api/conversations/{ids['conversation']}",
        "appointment": f"/api/agents/{agent}/appointments/{ids['appointment']}",
        "gap": f"/api/agents/{agent}/knowledge-gaps/{ids['gap']}",
        "webhook": f"/api/webhooks/{ids['webhook']}",
        "mcp": f"/api/agents/{agent}/mcp-servers",
        "calendar": f"/api/agents/{agent}/calendar-connection",
        "members": "/api/workspace/members",
        "keys": "/api/api-keys",
        "leads": "/api/leads",
        "widget": f"/api/agents/{agent}/widget",
        "sources": f"/api/agents/{agent}/knowledge/sources",
    }
    snapshot = {}
    for name, url in reads.items():
        response = world.a.get(url, headers=key)
        assert response.status_code == 200, f"{url}: {response.text[:200]}"
        snapshot[name] = _without_clock(response.json())
    # A's own availability read (the control in `_a_scoped`) records that its calendar server
    # did not answer; that is A's doing.
    for field_name in ("status", "last_error", "checked_at"):
        snapshot["calendar"].pop(field_name, None)  # type: ignore[attr-defined]
    return snapshot


def _without_clock(value: object) -> object:
    """Drop fields that move on their own (times, counters of live things)."""
    volatile = {"updated_at", "last_used_at", "expires_at", "duration_s", "next_attempt_at"}
    if isinstance(value, dict):
        return {k: _without_clock(v) for k, v in value.items() if k not in volatile}
    if isinstance(value, list):
        return [_without_clock(v) for v in value]
    return value


def test_no_route_shows_or_changes_another_workspaces_data(world: World) -> None:
    before = _snapshot(world)
    routes = _routes(world.app)
    unclassified = [f"{m} {p}" for m, p, _ in routes if _classify(m, p) == "unclassified"]
    assert not unclassified, f"classify these routes in {__name__}: {unclassified}"

    # The routes that change B's own workspace or end sessions run after everything else.
    # Reads first: B's own writes (a new agent being read…) would make two reads differ.
    routes.sort(key=lambda r: (r[0] != "GET", r[0] == "DELETE", r[2] == "logout"))
    for method, path, op in routes:
        kind = _classify(method, path)
        if kind == "public":
            PUBLIC[f"{method} {path}"](world, method, path, op)
        elif kind == "a-scoped":
            _a_scoped(world, method, path, op)
        else:
            _own_workspace(world, method, path, op)

    after = _snapshot(world)
    changed = [name for name in before if before[name] != after[name]]
    print(
        f"\nworkspace matrix: {len(routes)} (route, method) pairs, {world.calls} calls by B, "
        f"{len(world.leaks)} leaks, A's data changed: {changed or 'nothing'}"
    )
    assert world.leaks == [], "\n".join(world.leaks)
    assert changed == [], {name: (before[name], after[name]) for name in changed}
    assert len(routes) >= 100  # the app's routes were really enumerated
