"""Widget session tokens: only a token this server signed, unexpired, for this very
conversation, continues it; anything else is a 401 the widget can read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.websockets import WebSocketDisconnect

from frontdesk.errors import Unauthorized
from frontdesk.widget.tokens import mint_token, read_token
from tests.widget.conftest import SITE, Widget, browser

KEY = b"k" * 32


def _claims(**changes: object) -> dict:
    claims = {
        "conversation_id": "c1",
        "agent_id": "a1",
        "workspace_id": "w1",
        "origin": SITE,
        "mode": "text",
        "ttl_s": 60,
    }
    return {**claims, **changes}


def test_a_token_carries_its_claims_and_refuses_any_change() -> None:
    token, minted = mint_token(KEY, **_claims())  # type: ignore[arg-type]
    read = read_token(KEY, token)
    assert read == minted and read.origin == SITE and read.mode == "text"
    assert read.expires_at > datetime.now(UTC) + timedelta(seconds=50)

    version, payload, signature = token.split(".")
    other, _ = mint_token(KEY, **_claims(conversation_id="c2"))  # type: ignore[arg-type]
    forgeries = [
        f"{version}.{other.split('.')[1]}.{signature}",  # someone else's claims, this signature
        f"{version}.{payload}.{signature[:-2]}AA",
        f"wst0.{payload}.{signature}",
        mint_token(b"another server's key", **_claims())[0],  # type: ignore[arg-type]
        "wst1..",
        "wst1.ü.x",
        "not a token",
        "",
    ]
    for forged in forgeries:
        with pytest.raises(Unauthorized, match="not valid"):
            read_token(KEY, forged)

    long_ago = datetime.now(UTC) - timedelta(hours=2)
    expired, _ = mint_token(KEY, **_claims(), now=long_ago)  # type: ignore[arg-type]
    with pytest.raises(Unauthorized, match="expired"):
        read_token(KEY, expired)


def _text_session(widget: Widget) -> dict:
    started = widget.session("text")
    assert started.status_code == 201, started.text
    return started.json()


def _unauthorized(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "Unauthorized"
    assert response.headers["access-control-allow-origin"] == SITE  # readable by the widget
    return response.json()["detail"]


def test_messages_need_this_conversations_valid_token(widget: Widget) -> None:
    first, second = _text_session(widget), _text_session(widget)
    cid = first["conversation_id"]
    url = f"/api/widget/conversations/{cid}/messages"
    post = widget.caller.post
    assert "Authorization: Bearer" in _unauthorized(post(url, json={"text": "hi"}))
    assert "Authorization: Bearer" in _unauthorized(
        post(url, json={"text": "hi"}, headers={"Authorization": "Basic abc"})
    )
    bad = {"Authorization": f"Bearer {first['token'][:-3]}xyz"}
    assert "not valid" in _unauthorized(post(url, json={"text": "hi"}, headers=bad))
    other = {"Authorization": f"Bearer {second['token']}"}
    assert "another conversation" in _unauthorized(post(url, json={"text": "hi"}, headers=other))
    assert "another conversation" in _unauthorized(
        widget.caller.post(f"/api/widget/conversations/{cid}/end", headers=other)
    )

    settings = widget.resources.settings
    expired, _ = mint_token(
        settings.signing_key,
        conversation_id=cid,
        agent_id=widget.agent["id"],
        workspace_id=widget.workspace_id,
        origin=SITE,
        mode="text",
        ttl_s=settings.widget_token_ttl_s,
        now=datetime.now(UTC) - timedelta(seconds=settings.widget_token_ttl_s + 5),
    )
    late = {"Authorization": f"Bearer {expired}"}
    assert "expired" in _unauthorized(post(url, json={"text": "hi"}, headers=late))

    # The right token, from another page than the one the session was opened on.
    widget.settings(allowed_origins=[SITE, "https://shop.juniper.example"])
    shop = browser(widget.app, origin="https://shop.juniper.example")
    mine = {"Authorization": f"Bearer {first['token']}"}
    moved = shop.post(url, json={"text": "hi"}, headers=mine)
    assert (
        moved.status_code == 403 and "opened on https://juniper.example" in moved.json()["detail"]
    )


def test_a_call_token_is_not_a_chat_token(widget: Widget) -> None:
    call = widget.session("voice", browser(widget.app)).json()
    cid = call["conversation_id"]
    refused = widget.caller.post(
        f"/api/widget/conversations/{cid}/messages",
        json={"text": "hi"},
        headers={"Authorization": f"Bearer {call['token']}"},
    )
    assert refused.status_code == 409 and refused.json()["error"] == "Conflict"
    chat = _text_session(widget)
    with widget.caller.websocket_connect(f"/api/widget/calls/ws?token={chat['token']}") as socket:
        event = socket.receive_json()
        assert event["type"] == "error" and event["error"] == "Unauthorized"
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4401


def test_the_call_socket_checks_token_and_origin(widget: Widget) -> None:
    call = widget.session("voice", browser(widget.app)).json()
    for token in ("", call["token"][:-4] + "AAAA"):
        with widget.caller.websocket_connect(f"/api/widget/calls/ws?token={token}") as socket:
            assert socket.receive_json()["error"] == "Unauthorized"
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive_json()
        assert closed.value.code == 4401
    path = f"/api/widget/calls/ws?token={call['token']}"
    copycat = {"Origin": "https://copycat.example"}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        widget.caller.websocket_connect(path, headers=copycat),
    ):
        pass
    assert refused.value.code == 4403
    widget.owner.post(f"/api/agents/{widget.agent['id']}/pause")
    with widget.caller.websocket_connect(path) as socket:
        event = socket.receive_json()
        assert event["error"] == "Forbidden" and "isn't taking conversations" in event["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4403
