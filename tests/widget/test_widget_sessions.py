"""The widget's public side, as a caller's browser uses it: the config, sessions and a
typed conversation, and every refusal with its status, in the one error shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Agent, Conversation
from tests.fake_llm import Say, ScriptedLLM
from tests.widget.conftest import SITE, Widget, browser


def _refused(response, status: int, name: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error", "detail"} and response.json()["error"] == name
    return response.json()["detail"]


def test_config_draws_the_widget(widget: Widget) -> None:
    widget.settings(color="#123456", avatar_initials="JV", modes=["text"])
    config = widget.caller.get(f"/api/widget/{widget.key}/config")
    assert config.status_code == 200, config.text
    assert config.json() == {
        "agent_name": "Juniper Vet",
        "persona_name": None,
        "status": "deployed",
        "available": True,
        "notice": None,
        "color": "#123456",
        "position": "bottom-right",
        "button_label": "Talk to us",
        "greeting": "Juniper Vet, Maya speaking. How can I help?",
        "avatar_initials": "JV",
        "avatar_url": None,
        "modes": ["text"],
    }
    widget.settings(greeting="Questions about your pet? Ask away.")
    greeting = widget.caller.get(f"/api/widget/{widget.key}/config").json()["greeting"]
    assert greeting == "Questions about your pet? Ask away."


def test_a_typed_conversation_through_the_widget(widget: Widget, fake_llm: ScriptedLLM) -> None:
    fake_llm.script(Say("We see cats and dogs."), Say("Goodbye!"))
    started = widget.session("text")
    assert started.status_code == 201, started.text
    session = started.json()
    assert session["greeting"] == "Juniper Vet, Maya speaking. How can I help?"
    assert session["call"] is None and session["token"].startswith("wst1.")
    assert session["expires_at"]
    cid = session["conversation_id"]

    reply = widget.say(cid, session["token"], "Do you treat cats?")
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert out["reply"] == "We see cats and dogs." and out["conversation_id"] == cid
    # Only what the caller's screen needs: the agent's tool calls and timings are the owner's.
    assert set(out) == {"conversation_id", "reply", "ended", "token", "expires_at"}
    assert out["ended"] is False
    # A renewed token (expiring no sooner than the first), which works like the first.
    assert out["token"].startswith("wst1.")
    renewed = datetime.fromisoformat(out["expires_at"])
    assert renewed >= datetime.fromisoformat(session["expires_at"])
    assert renewed > datetime.now(UTC) + timedelta(seconds=1700)
    assert widget.say(cid, out["token"], "Thanks").json()["reply"] == "Goodbye!"

    ended = widget.caller.post(
        f"/api/widget/conversations/{cid}/end", headers={"Authorization": f"Bearer {out['token']}"}
    )
    assert ended.status_code == 204
    assert ended.headers["access-control-allow-origin"] == SITE
    _refused(widget.say(cid, out["token"], "Hello?"), 409, "Conflict")

    transcript = widget.owner.get(f"/api/conversations/{cid}").json()
    assert transcript["status"] == "ended" and transcript["channel"] == "text"
    assert [t["role"] for t in transcript["turns"]] == [
        "agent",
        "caller",
        "agent",
        "caller",
        "agent",
    ]
    with transaction(widget.resources.sessionmaker) as db:
        assert db.get(Conversation, cid).source == "widget"


def test_voice_session_says_how_to_connect(widget: Widget) -> None:
    started = widget.session("voice", browser(widget.app))
    assert started.status_code == 201, started.text
    session = started.json()
    assert session["greeting"] == "Juniper Vet, Maya speaking. How can I help?"
    call = session["call"]
    assert call["transport"] == "websocket"
    assert call["url"] == f"ws://testserver/api/widget/calls/ws?token={session['token']}"
    assert call["input_sample_rate"] == 16000 and call["output_sample_rate"] == 24000
    on_https = TestClient(
        widget.app, base_url="https://frontdesk.example", headers={"Origin": SITE}
    )
    secure = widget.session("voice", on_https).json()["call"]["url"]
    assert secure.startswith("wss://frontdesk.example/api/widget/calls/ws?token=wst1.")
    with transaction(widget.resources.sessionmaker) as db:
        row = db.get(Conversation, session["conversation_id"])
        assert (row.source, row.channel, row.status) == ("widget", "voice", "active")


def test_unknown_public_key_is_404(widget: Widget) -> None:
    _refused(widget.caller.get("/api/widget/pk_nope/config"), 404, "NotFound")
    stranger = browser(widget.app)
    _refused(stranger.post("/api/widget/pk_nope/sessions", json={"mode": "text"}), 404, "NotFound")
    _refused(browser(widget.app).options("/api/widget/pk_nope/sessions"), 404, "NotFound")


def test_only_allowed_origins_get_in(widget: Widget) -> None:
    elsewhere = browser(widget.app, origin="https://copycat.example")
    detail = _refused(elsewhere.get(f"/api/widget/{widget.key}/config"), 403, "Forbidden")
    assert detail == (
        "This widget is not allowed on https://copycat.example. Its owner can add "
        "https://copycat.example to the allowed origins in the widget settings."
    )
    refused = widget.session("text", elsewhere)
    _refused(refused, 403, "Forbidden")
    assert "access-control-allow-origin" not in refused.headers
    assert refused.headers["vary"] == "Origin"

    nowhere = browser(widget.app, origin=None)
    detail = _refused(widget.session("text", nowhere), 403, "Forbidden")
    assert "no Origin header" in detail and "widget settings" in detail

    # The dashboard's preview runs on the Frontdesk server itself.
    own = browser(widget.app, origin="http://testserver")
    assert own.get(f"/api/widget/{widget.key}/config").status_code == 200
    # Browsers send no Origin on a same-origin GET; Sec-Fetch-Site says where it comes from.
    same = nowhere.get(
        f"/api/widget/{widget.key}/config", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same.status_code == 200
    cross = nowhere.get(
        f"/api/widget/{widget.key}/config", headers={"Sec-Fetch-Site": "cross-site"}
    )
    _refused(cross, 403, "Forbidden")

    widget.settings(allowed_origins=["https://copycat.example"])
    assert widget.session("voice", elsewhere).status_code == 201
    _refused(widget.session("voice", browser(widget.app)), 403, "Forbidden")


def test_cors_answers_allowed_origins_only(widget: Widget) -> None:
    config = widget.caller.get(f"/api/widget/{widget.key}/config")
    assert config.headers["access-control-allow-origin"] == SITE
    assert config.headers["vary"] == "Origin"
    for path in ("config", "sessions"):
        preflight = widget.caller.options(
            f"/api/widget/{widget.key}/{path}",
            headers={"Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type"},
        )  # fmt: skip
        assert preflight.status_code == 204, preflight.text
        assert preflight.headers["access-control-allow-origin"] == SITE
        assert preflight.headers["access-control-allow-methods"] == "GET, POST"
        assert preflight.headers["access-control-allow-headers"] == "Authorization, Content-Type"
        assert preflight.headers["vary"] == "Origin"
    elsewhere = browser(widget.app, origin="https://copycat.example")
    refused = elsewhere.options(f"/api/widget/{widget.key}/sessions")
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers

    cid = widget.session("voice", browser(widget.app)).json()["conversation_id"]
    for action in ("messages", "end"):
        preflight = widget.caller.options(f"/api/widget/conversations/{cid}/{action}")
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == SITE
        assert preflight.headers["access-control-allow-headers"] == "Authorization, Content-Type"
        assert elsewhere.options(f"/api/widget/conversations/{cid}/{action}").status_code == 403
    # Errors of an allowed origin are readable by the widget too.
    unauthorized = widget.caller.post(
        f"/api/widget/conversations/{cid}/messages", json={"text": "hi"}
    )
    _refused(unauthorized, 401, "Unauthorized")
    assert unauthorized.headers["access-control-allow-origin"] == SITE
    invalid = widget.caller.post(f"/api/widget/{widget.key}/sessions", json={"mode": "fax"})
    _refused(invalid, 422, "ValidationFailed")
    # No CORS anywhere else: the owner's API is not for other sites.
    assert "access-control-allow-origin" not in widget.caller.get("/api/health").headers


def test_paused_agent_refuses_politely(widget: Widget) -> None:
    widget.owner.post(f"/api/agents/{widget.agent['id']}/pause")
    refused = widget.session("text")
    detail = _refused(refused, 403, "Forbidden")
    assert detail == "Juniper Vet isn't taking conversations right now. Please try again later."
    assert refused.headers["access-control-allow-origin"] == SITE

    widget.owner.patch(
        f"/api/agents/{widget.agent['id']}", json={"business_facts": {"phone": "(555) 010-4477"}}
    )
    detail = _refused(widget.session("voice"), 403, "Forbidden")
    assert detail == (
        "Juniper Vet isn't taking conversations right now. Please call (555) 010-4477 instead."
    )
    config = widget.caller.get(f"/api/widget/{widget.key}/config").json()
    assert config["status"] == "paused" and config["available"] is False
    assert config["notice"] == detail


def test_not_deployed_mode_off_and_widget_off_are_403(widget: Widget) -> None:
    widget.settings(modes=["text"])
    detail = _refused(widget.session("voice"), 403, "Forbidden")
    assert detail == "Juniper Vet doesn't take voice calls here."

    widget.settings(daily_minutes_cap=0)
    detail = _refused(widget.session("text"), 403, "Forbidden")
    assert detail.startswith("Juniper Vet's website conversations are switched off.")
    assert widget.caller.get(f"/api/widget/{widget.key}/config").json()["available"] is False

    widget.settings(daily_minutes_cap=60)
    with transaction(widget.resources.sessionmaker) as db:
        db.get(Agent, widget.agent["id"]).status = "ready"
    detail = _refused(widget.session("text"), 403, "Forbidden")
    assert detail == (
        "Juniper Vet isn't taking conversations here yet: its owner has not deployed it."
    )
