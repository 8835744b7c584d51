"""The embeddable widget: the owner's settings and deploy switch, and who the public side
lets in.

The public side trusts nothing but the agent's public key, the browser's Origin and the
session tokens it minted itself. Every refusal says, in words meant for the caller or the
owner, why and what to do; statuses are part of the contract (see docs/widget.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from frontdesk.agents.service import AgentService
from frontdesk.config import Settings
from frontdesk.conversations.service import spec_for
from frontdesk.errors import (
    Conflict,
    Forbidden,
    FrontdeskError,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from frontdesk.models import Agent, Conversation
from frontdesk.resources import Resources
from frontdesk.widget.minutes import (
    caller_key,
    day_start,
    ip_share_s,
    minutes_used_today,
    seconds_left_today,
)
from frontdesk.widget.origins import admit_origin, origin_of_url
from frontdesk.widget.rate_limits import WidgetLimits
from frontdesk.widget.repository import WidgetRepository
from frontdesk.widget.schemas import WidgetSettings, WidgetSettingsUpdate
from frontdesk.widget.tokens import WidgetToken, bearer_token, read_token
from frontdesk.workspace.service import Principal

DEPLOYABLE = ("ready", "paused", "deployed")


def settings_of(agent: Agent) -> WidgetSettings:
    """The agent's widget settings: what the owner set, defaults for the rest. Until the
    owner lists origins, the widget may run on the agent's own website."""
    stored = dict(agent.widget or {})
    if "allowed_origins" not in stored:
        website = origin_of_url(agent.website_url)
        stored["allowed_origins"] = [website] if website else []
    return WidgetSettings.model_validate(stored)


def snippet(base_url: str, public_key: str) -> str:
    return f'<script src="{base_url}/widget.js" data-agent="{public_key}" async></script>'


def minutes_used_up(agent_name: str) -> str:
    """Why a widget conversation is refused or cut off: the agent's day is over."""
    return f"{agent_name} has used today's conversation minutes"


def widget_principal(agent: Agent) -> Principal:
    """The caller on the business's website acts in the agent's workspace, as no user and
    with the least role: it only ever opens and continues its own conversations."""
    return Principal(workspace_id=agent.workspace_id, user_id=None, via="widget", role="member")


class WidgetService:
    """The owner's side: settings, and the deploy / pause switch."""

    def __init__(self, db: Session, resources: Resources, principal: Principal) -> None:
        self.db = db
        self.agents = AgentService(db, resources, principal)

    def get(self, agent_id: str) -> Agent:
        return self.agents.get(agent_id)

    def view(self, agent: Agent, base_url: str) -> dict[str, object]:
        widget = settings_of(agent)
        return {
            "public_key": agent.public_key,
            "settings": widget,
            "snippet": snippet(base_url, agent.public_key),
            "status": agent.status,
            "minutes_used_today": round(minutes_used_today(self.db, agent.id), 1),
            "daily_minutes_cap": widget.daily_minutes_cap,
        }

    def update(self, agent_id: str, data: WidgetSettingsUpdate) -> Agent:
        agent = self.get(agent_id)
        changes = data.model_dump(mode="json", exclude_unset=True)
        # Only what the owner set is stored, so defaults (the website's origin) follow the agent.
        agent.widget = {**(agent.widget or {}), **changes}
        return agent

    def deploy(self, agent_id: str) -> Agent:
        agent = self.get(agent_id)
        if agent.status not in DEPLOYABLE:
            raise Conflict(_not_deployable(agent))
        agent.status = "deployed"
        return agent

    def pause(self, agent_id: str) -> Agent:
        agent = self.get(agent_id)
        if agent.status not in ("deployed", "paused"):
            raise Conflict(f"{agent.name} is not deployed, so there is nothing to pause.")
        agent.status = "paused"
        return agent


def _not_deployable(agent: Agent) -> str:
    if agent.status == "ingesting":
        return f"{agent.name} is still reading its sources; deploy it once they are done."
    if agent.status == "interviewing":
        return (
            f"Finish the onboarding interview first: that is where {agent.name} learns what "
            "its website and documents leave out."
        )
    return (
        f"{agent.name} has nothing to work from yet: add its website or documents, then "
        "finish the onboarding interview."
    )


@dataclass
class Caller:
    """Who knocks on the public side: the Origin the browser sent (or this server's, for a
    same-origin request), this server's own origin, and the client's IP. `cors_origin` is
    set once the origin is let in, so even the refusals that follow can be read by it."""

    origin: str | None
    own_origin: str
    ip: str
    cors_origin: str | None = None


@dataclass(frozen=True)
class Admitted:
    """A caller let in to open or continue a widget conversation."""

    principal: Principal
    agent_id: str
    agent_name: str
    origin: str
    # What a voice call will open with (a text conversation's greeting comes from starting it).
    greeting: str
    # Seconds of conversation left today under the daily minutes cap and this caller's
    # network's share of it.
    seconds_left: float
    # The caller's network, stored on the conversations it opens (widget/minutes.py).
    caller_key: str


class WidgetGate:
    """The public side: which requests a public key or a session token lets through."""

    def __init__(self, db: Session, settings: Settings, limits: WidgetLimits) -> None:
        self.db = db
        self.settings = settings
        self.limits = limits
        self.repo = WidgetRepository(db)

    # -- the agent behind a public key ---------------------------------------------------
    def agent(self, public_key: str) -> Agent:
        agent = self.repo.agent_by_public_key(public_key)
        if agent is None:
            raise NotFound(
                "There is no widget with this key; check the data-agent attribute of the "
                "script tag against the snippet in the widget settings."
            )
        return agent

    def let_in(self, agent: Agent, caller: Caller) -> str:
        """The caller's origin when the agent allows it (else Forbidden)."""
        origin = admit_origin(caller.origin, caller.own_origin, settings_of(agent).allowed_origins)
        caller.cors_origin = origin
        return origin

    def config(self, public_key: str, caller: Caller) -> dict[str, object]:
        agent = self.agent(public_key)
        self.let_in(agent, caller)
        widget = settings_of(agent)
        # The minutes cap is left to session creation: config is read on every page view
        # of the business's site and stays one cheap query.
        refusal = self._closed(agent, widget)
        return {
            "agent_name": agent.name,
            "persona_name": agent.persona_name,
            "status": agent.status,
            "available": refusal is None,
            "notice": None if refusal is None else str(refusal.detail),
            "color": widget.color,
            "position": widget.position,
            "button_label": widget.button_label,
            "greeting": widget.greeting or spec_for(agent).greeting,
            "avatar_initials": widget.avatar_initials,
            "avatar_url": widget.avatar_url,
            "modes": widget.modes,
        }

    # -- opening and continuing conversations ----------------------------------------------
    def admit_session(self, public_key: str, caller: Caller, mode: str) -> Admitted:
        """Checks, in this order: key (404), origin (403), status and mode (403), rate
        limits per IP and per agent (429), today's minutes (429)."""
        agent = self.agent(public_key)
        origin = self.let_in(agent, caller)
        widget = settings_of(agent)
        refusal = self._closed(agent, widget, mode)
        if refusal is not None:
            raise refusal
        self.limits.session(caller.ip, agent.id)
        greeting = spec_for(agent).greeting if mode == "voice" else ""
        admitted = self._admitted(agent, widget, origin, caller, greeting)
        if mode == "voice":
            self._one_call_at_a_time(agent, widget, admitted.caller_key)
        return admitted

    def admit_message(
        self, conversation_id: str, caller: Caller, authorization: str | None
    ) -> Admitted:
        """Checks token (401), origin (403), status (403), rate limits (429), minutes (429)."""
        token, agent = self.conversation(conversation_id, caller, authorization)
        if token.mode != "text":
            raise Conflict(
                "This conversation is a voice call: send typed words over the call's socket "
                'as {"type": "text", "text": …}.'
            )
        widget = settings_of(agent)
        refusal = self._closed(agent, widget)
        if refusal is not None:
            raise refusal
        self.limits.message(caller.ip, agent.id)
        return self._admitted(agent, widget, token.origin, caller)

    def admit_call(self, token_text: str, caller: Caller) -> tuple[WidgetToken, Admitted]:
        """The call socket: a voice session's token (401), its origin (403), the agent's
        status (403) and today's minutes (429)."""
        token = read_token(self.settings.signing_key, token_text)
        if token.mode != "voice":
            raise Unauthorized("This session token is for a typed chat, not for a call.")
        agent = self._agent_of(token)
        origin = self.let_in(agent, caller)
        _same_origin(token, origin)
        widget = settings_of(agent)
        refusal = self._closed(agent, widget, "voice")
        if refusal is not None:
            raise refusal
        admitted = self._admitted(agent, widget, origin, caller)
        self._one_call_at_a_time(agent, widget, admitted.caller_key)
        return token, admitted

    def conversation(
        self, conversation_id: str, caller: Caller, authorization: str | None
    ) -> tuple[WidgetToken, Agent]:
        """The token's claims and the conversation's agent, for any request on a widget
        conversation. CORS is worked out first, from the conversation's own agent, so the
        widget can read a 401 (and know to open a new session)."""
        row = self.repo.widget_conversation(conversation_id)
        agent = self.db.get(Agent, row.agent_id) if row is not None else None
        refused: Forbidden | None = None
        if agent is not None:
            try:
                self.let_in(agent, caller)
            except Forbidden as exc:
                refused = exc
        token = read_token(self.settings.signing_key, bearer_token(authorization))
        if token.conversation_id != conversation_id:
            raise Unauthorized("This session token belongs to another conversation.")
        if row is None or agent is None or not _claims_match(token, row):
            raise NotFound("This conversation no longer exists; open a new session.")
        if refused is not None:
            raise refused
        _same_origin(token, caller.cors_origin or "")
        return token, agent

    def preflight(self, conversation_id: str, caller: Caller) -> None:
        """A browser asks whether it may send to a widget conversation: only from the
        origins its agent allows."""
        row = self.repo.widget_conversation(conversation_id)
        agent = self.db.get(Agent, row.agent_id) if row is not None else None
        if agent is None:
            raise NotFound("There is no such widget conversation.")
        self.let_in(agent, caller)

    def _agent_of(self, token: WidgetToken) -> Agent:
        row = self.repo.widget_conversation(token.conversation_id)
        agent = self.db.get(Agent, token.agent_id)
        if row is None or agent is None or not _claims_match(token, row):
            raise NotFound("This conversation no longer exists; open a new session.")
        return agent

    def _admitted(
        self,
        agent: Agent,
        widget: WidgetSettings,
        origin: str,
        caller: Caller,
        greeting: str = "",
    ) -> Admitted:
        """Let the caller in while today's minutes last, for everyone and for the caller's
        network (its share of the cap); 429 until midnight UTC otherwise."""
        now = datetime.now(UTC)
        network = caller_key(self.settings.signing_key, caller.ip)
        left, mine = seconds_left_today(
            self.db, self.settings, agent.id, widget.daily_minutes_cap, network
        )
        if left <= 0:
            raise self._minutes_over(agent, now, minutes_used_up(agent.name))
        if mine <= 0:
            raise self._minutes_over(
                agent,
                now,
                f"Conversations from your network have used their share of {agent.name}'s "
                "time for today",
            )
        return Admitted(
            principal=widget_principal(agent),
            agent_id=agent.id,
            agent_name=agent.name,
            origin=origin,
            greeting=greeting,
            seconds_left=min(left, mine),
            caller_key=network,
        )

    def _minutes_over(self, agent: Agent, now: datetime, why: str) -> TooManyRequests:
        phone = _phone(agent)
        tomorrow = day_start(now) + timedelta(days=1)
        return TooManyRequests(
            f"{why}. Please try again tomorrow{f', or call {phone}' if phone else ''}.",
            retry_after_s=int((tomorrow - now).total_seconds()) + 1,
        )

    def _one_call_at_a_time(self, agent: Agent, widget: WidgetSettings, network: str) -> None:
        """One network, one call in progress: calls add up (each runs the speech models), so
        parallel calls would use the network's share many times over. A call answered longer
        ago than the share allows was cut off by then (a crashed server may leave it open)."""
        share = ip_share_s(self.settings, widget.daily_minutes_cap)
        since = datetime.now(UTC) - timedelta(seconds=share)
        if self.repo.calls_in_progress(agent.id, network, since):
            raise TooManyRequests(
                "A call from your network is already going on; please finish it before "
                "starting another.",
                retry_after_s=60,
            )

    def _closed(
        self, agent: Agent, widget: WidgetSettings, mode: str | None = None
    ) -> FrontdeskError | None:
        """Why the widget takes no conversation (in `mode`) now, in the caller's words."""
        phone = _phone(agent)
        instead = f"Please call {phone} instead." if phone else "Please try again later."
        if agent.status == "paused":
            return Forbidden(f"{agent.name} isn't taking conversations right now. {instead}")
        if agent.status != "deployed":
            return Forbidden(
                f"{agent.name} isn't taking conversations here yet: its owner has not deployed it."
            )
        if widget.daily_minutes_cap == 0:
            return Forbidden(f"{agent.name}'s website conversations are switched off. {instead}")
        if mode is not None and mode not in widget.modes:
            kind = "voice calls" if mode == "voice" else "typed chats"
            return Forbidden(f"{agent.name} doesn't take {kind} here.")
        return None


def _phone(agent: Agent) -> str | None:
    phone = (agent.business_facts or {}).get("phone")
    return phone.strip() or None if isinstance(phone, str) else None


def _claims_match(token: WidgetToken, row: Conversation) -> bool:
    return row.agent_id == token.agent_id and row.workspace_id == token.workspace_id


def _same_origin(token: WidgetToken, origin: str) -> None:
    if origin != token.origin:
        raise Forbidden(f"This conversation was opened on {token.origin}; it can only go on there.")
