from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, field_validator

from frontdesk.agents.schemas import AgentStatus
from frontdesk.conversations.voice_endpoints import CallStart
from frontdesk.timestamps import UtcDatetime
from frontdesk.widget.origins import normalize_origin

Mode = Literal["voice", "text"]
MODES: tuple[Mode, ...] = ("voice", "text")
DEFAULT_COLOR = "#2563eb"
DEFAULT_MINUTES_CAP = 60
MAX_ORIGINS = 20

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _color(value: str) -> str:
    if not _HEX_COLOR.fullmatch(value.strip()):
        raise ValueError("a color is written #rrggbb, e.g. #2563eb")
    return value.strip().lower()


def _label(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("the button label cannot be blank")
    return value


def _optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def _initials(value: str | None) -> str | None:
    value = _optional_text(value)
    if value is None:
        return None
    if not (1 <= len(value) <= 3 and value.isalpha()):
        raise ValueError("initials are 1 to 3 letters, e.g. JV")
    return value.upper()


def _https_url(value: str | None) -> str | None:
    value = _optional_text(value)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValueError("the avatar must be an https:// URL of an image")
    return value


def _modes(value: list[Mode]) -> list[Mode]:
    if not value:
        raise ValueError("enable at least one mode: voice, text or both")
    return [mode for mode in MODES if mode in value]  # one order, no repeats


def _origins(value: list[str]) -> list[str]:
    origins: list[str] = []
    for item in value:
        origin = normalize_origin(item)
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise ValueError(f"at most {MAX_ORIGINS} origins")
    return origins


Color = Annotated[str, AfterValidator(_color)]
ButtonLabel = Annotated[str, Field(max_length=40), AfterValidator(_label)]
Greeting = Annotated[str | None, Field(max_length=300), AfterValidator(_optional_text)]
Initials = Annotated[str | None, AfterValidator(_initials)]
AvatarUrl = Annotated[str | None, Field(max_length=2048), AfterValidator(_https_url)]
Modes = Annotated[list[Mode], AfterValidator(_modes)]
Origins = Annotated[list[str], Field(max_length=100), AfterValidator(_origins)]
MinutesCap = Annotated[int, Field(ge=0, le=100_000)]
Position = Literal["bottom-right", "bottom-left"]


class WidgetSettings(BaseModel):
    """How the widget looks and whom it serves."""

    color: Color = Field(default=DEFAULT_COLOR, description="Button and accent color, #rrggbb")
    position: Position = "bottom-right"
    button_label: ButtonLabel = "Talk to us"
    greeting: Greeting = Field(
        default=None,
        description="Shown in the panel before the conversation starts; "
        "null = the agent's own greeting",
    )
    avatar_initials: Initials = Field(default=None, description="1 to 3 letters")
    avatar_url: AvatarUrl = Field(default=None, description="An https:// image URL")
    modes: Modes = Field(default_factory=lambda: list(MODES), description="voice, text or both")
    allowed_origins: Origins = Field(
        default_factory=list,
        description="Websites the widget may run on, as scheme://host[:port]. Defaults to the "
        "origin of the agent's website; the Frontdesk server's own origin is always allowed",
    )
    daily_minutes_cap: MinutesCap = Field(
        default=DEFAULT_MINUTES_CAP,
        description="Widget conversation minutes per UTC day; 0 switches the widget off",
    )


class WidgetSettingsUpdate(BaseModel):
    """Only the fields sent change. `greeting`, `avatar_initials` and `avatar_url` accept
    null to clear them; the other fields refuse null."""

    color: Color | None = None
    position: Position | None = None
    button_label: ButtonLabel | None = None
    greeting: Greeting = None
    avatar_initials: Initials = None
    avatar_url: AvatarUrl = None
    modes: Modes | None = None
    allowed_origins: Origins | None = None
    daily_minutes_cap: MinutesCap | None = None

    @field_validator(
        "color", "position", "button_label", "modes", "allowed_origins", "daily_minutes_cap"
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("this setting cannot be null; leave it out to keep it")
        return value


class WidgetOut(BaseModel):
    """The owner's view of an agent's widget."""

    public_key: str
    settings: WidgetSettings
    snippet: str = Field(description="The tag to paste into the website's pages")
    status: AgentStatus
    minutes_used_today: float = Field(description="Widget minutes used since 00:00 UTC")
    daily_minutes_cap: int


class WidgetConfig(BaseModel):
    """What the widget needs to draw itself. Nothing in it is secret."""

    agent_name: str
    persona_name: str | None
    status: AgentStatus
    available: bool = Field(description="Whether a new session would be accepted now")
    notice: str | None = Field(
        description="When not available: the sentence to show the caller instead"
    )
    color: str
    position: Position
    button_label: str
    greeting: str = Field(description="The widget's greeting, or else the agent's")
    avatar_initials: str | None
    avatar_url: str | None
    modes: list[Mode]


class SessionIn(BaseModel):
    mode: Mode


class SessionOut(BaseModel):
    """A new widget conversation and the token that lets this browser continue it."""

    conversation_id: str
    token: str = Field(
        description="Send as `Authorization: Bearer <token>` to the conversation's "
        "endpoints; voice: already in `call.url`"
    )
    expires_at: UtcDatetime
    greeting: str = Field(
        description="Text: what the agent said to open the conversation. Voice: what it "
        "will say once the call connects"
    )
    call: CallStart | None = Field(
        description="Voice only: how to connect. `transport` is `websocket` (open `url`, "
        "a ws:// or wss:// URL carrying the token) or `livekit` (join `room` at `url` "
        "with `token`)"
    )


class WidgetMessageOut(BaseModel):
    """The agent's reply, plus a renewed session token.

    Only what the caller's own screen shows: the agent's tool calls (their arguments and
    results), timings and other working detail stay on the owner's side (the dashboard's
    transcript). Each answer carries a fresh token valid for the full lifetime again: use it
    for the next message (the previous one stays valid until its own expiry). Both are null
    once the conversation has ended."""

    conversation_id: str
    reply: str = Field(description="What the agent answered")
    ended: bool = Field(description="Whether the agent ended the conversation with this reply")
    token: str | None
    expires_at: UtcDatetime | None
