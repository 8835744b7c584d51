from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontdesk.timestamps import UtcDatetime
from frontdesk.workspace.overrides import FIELDS, SECRET_FIELDS, stored_overrides

Role = Literal["owner", "admin", "member"]
# The roles that can be given: a workspace has exactly one owner, the one who created it.
GivenRole = Literal["admin", "member"]
SpeechChoice = Literal["local", "openai"]


def _email(value: str) -> str:
    value = value.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise ValueError("not an email address")
    return value


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("the name cannot be blank")
    return value


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=8, max_length=1024)


class SetupStatus(BaseModel):
    needed: bool = Field(description="True while the install has no user: setup comes first.")


class SetupRequest(BaseModel):
    token: str = Field(min_length=1, max_length=200, description="From the printed setup link")
    workspace_name: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=8, max_length=1024)

    _names = field_validator("workspace_name", "name")(_clean_name)
    _email = field_validator("email")(_email)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    name: str | None
    role: Role
    workspace_id: str
    created_at: UtcDatetime


class MePublic(BaseModel):
    """Who is calling. `user_id`, `email` and `name` are null for an API key whose creator
    was removed (it then acts as an admin)."""

    user_id: str | None
    email: str | None
    name: str | None
    role: Role
    workspace_id: str
    workspace_name: str
    via: str
    user: UserPublic | None


class MemberCreate(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: GivenRole = "member"
    password: str = Field(min_length=8, max_length=1024)

    _name = field_validator("name")(_clean_name)
    _email = field_validator("email")(_email)


class MemberUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: GivenRole | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _clean_name(value) if value is not None else None


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str
    created_at: UtcDatetime
    last_used_at: UtcDatetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The full key. It is shown only once; store it now.")


class SecretPublic(BaseModel):
    """A stored secret, never shown back: whether it is set and its last four characters."""

    set: bool
    hint: str | None = Field(description='"…abcd" when set, else null')


class WorkspaceSettingsPublic(BaseModel):
    """The workspace's own provider settings; null (or `set: false`) means the server's
    environment decides."""

    llm_base_url: str | None
    llm_model: str | None
    llm_api_key: SecretPublic
    openai_api_key: SecretPublic
    livekit_url: str | None
    livekit_api_key: SecretPublic
    livekit_api_secret: SecretPublic
    twilio_auth_token: SecretPublic
    voice_stt: SpeechChoice | None
    voice_tts: SpeechChoice | None


class WorkspacePublic(BaseModel):
    id: str
    name: str
    settings: WorkspaceSettingsPublic


class WorkspaceSettingsUpdate(BaseModel):
    """Only the fields sent change: a string sets the value, null or "" clears it (the
    environment's applies again)."""

    llm_base_url: str | None = Field(default=None, max_length=2048)
    llm_model: str | None = Field(default=None, max_length=200)
    llm_api_key: str | None = Field(default=None, max_length=1024)
    openai_api_key: str | None = Field(default=None, max_length=1024)
    livekit_url: str | None = Field(default=None, max_length=2048)
    livekit_api_key: str | None = Field(default=None, max_length=1024)
    livekit_api_secret: str | None = Field(default=None, max_length=1024)
    twilio_auth_token: str | None = Field(
        default=None,
        max_length=200,
        description="The Twilio account's auth token; phone calls from Twilio are checked "
        "with it (write-only)",
    )
    voice_stt: SpeechChoice | Literal[""] | None = None
    voice_tts: SpeechChoice | Literal[""] | None = None

    @field_validator("llm_base_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        return _url(value, ("http", "https"))

    @field_validator("livekit_url")
    @classmethod
    def _ws(cls, value: str | None) -> str | None:
        return _url(value, ("ws", "wss"))


def _url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None or not value.strip():
        return value
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise ValueError(f"use a {' or '.join(s + '://' for s in schemes)} address")
    return value


class WorkspaceUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    settings: WorkspaceSettingsUpdate | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _clean_name(value) if value is not None else None


def secret_public(value: str | None) -> SecretPublic:
    # Four characters of a long key tell keys apart and reveal nothing useful; a short
    # value shows none at all.
    if not value:
        return SecretPublic(set=False, hint=None)
    return SecretPublic(set=True, hint="…" + value[-4:] if len(value) >= 12 else "…")


def workspace_public(workspace_id: str, name: str, stored: dict[str, object]) -> WorkspacePublic:
    own = stored_overrides(stored)
    shown: dict[str, object] = {
        field: secret_public(own.get(field)) if field in SECRET_FIELDS else own.get(field)
        for field in FIELDS
    }
    return WorkspacePublic(
        id=workspace_id, name=name, settings=WorkspaceSettingsPublic.model_validate(shown)
    )
