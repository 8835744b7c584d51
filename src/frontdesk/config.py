"""One `Settings` object for the whole process, read from `FRONTDESK_*` environment variables.

Defaults are the embedded, single-machine setup: SQLite and Chroma files in the data dir, the
job queue in a SQLite file beside them. Pointing `FRONTDESK_DATABASE_URL`,
`FRONTDESK_CHROMA_URL` and `FRONTDESK_QUEUE_URL` elsewhere is the scale path.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from limits import parse_many
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from frontdesk.errors import ConfigurationError
from frontdesk.mcp_servers.stdio_policy import parse_entries, split_entries
from frontdesk.private_files import create_private_text, private_dir, private_sqlite

# Values that ship in the code; a production deployment must replace them.
DEVELOPMENT_SECRET = "frontdesk-development-secret-change-me"


class Settings(BaseSettings):
    """Every setting Frontdesk reads. Environment variables use the `FRONTDESK_` prefix."""

    # validate_by_name: fields with an alias (the LiveKit ones) still accept their own name in
    # code, e.g. `Settings(livekit_url=...)`.
    model_config = SettingsConfigDict(
        env_prefix="FRONTDESK_", env_file=None, extra="ignore", validate_by_name=True
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = 8000
    # The address owners open the dashboard at (e.g. https://frontdesk.example.com), when a
    # proxy in front changes the Host header: state-changing requests from pages of this
    # origin are accepted as the dashboard's own (browser_guards.py). Empty: the Host the
    # request came to is the only own origin.
    public_url: str = ""

    # Empty means "SQLite file in the data dir".
    database_url: str = ""
    # Empty means "Chroma PersistentClient in the data dir"; otherwise http(s)://host:port.
    chroma_url: str = ""
    # Empty means "SQLite queue file in the data dir"; redis://… puts jobs on Redis.
    queue_url: str = ""
    # Lets several deployments (or test runs) share one Redis without taking each other's jobs.
    queue_name: str = "frontdesk"
    # Job consumers started inside `frontdesk serve` (0 = leave jobs to `frontdesk worker`).
    embedded_workers: int = 2
    # A running job that has not reported progress for this long is taken to be dead and is
    # resumed by the next worker that looks.
    job_stale_after_s: float = 30.0

    secret_key: str = DEVELOPMENT_SECRET
    session_days: int = 14
    owner_email: str = "owner@frontdesk.local"
    owner_password: str = ""

    # Hosts the crawler may reach even though they resolve to private or loopback addresses.
    crawl_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Hosts that webhooks, CalDAV calendars and MCP servers over HTTP may reach even though
    # they resolve to private or loopback addresses (the same rule as the crawler's).
    outbound_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Whole command lines an agent's MCP server may run over stdio on this machine, separated
    # by ";" or new lines: the program and its fixed arguments, optionally ending with
    # `{args:REGEX}` for further arguments (mcp_servers/stdio_policy.py says exactly what an
    # entry allows). Empty refuses stdio servers.
    mcp_stdio_commands: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Environment variable names an admin may set for a stdio MCP server (comma-separated);
    # names that change which code runs (NODE_OPTIONS, LD_*, PYTHON*, PATH…) never pass.
    mcp_stdio_env: Annotated[list[str], NoDecode] = Field(default_factory=list)
    crawl_max_pages: int = 200
    crawl_max_depth: int = 4
    crawl_concurrency: int = 4
    crawl_delay_s: float = 0.2
    crawl_timeout_s: float = 15.0
    crawl_max_page_mb: float = 10.0
    # Chromium for pages whose content a script builds (knowledge/page_render.py); Debian's
    # package by default. A path that is not an executable (or "") reads such pages without
    # running their scripts, and the source tells the owner so.
    chromium: str = "/usr/bin/chromium"
    max_upload_mb: float = 25.0
    # All of one request's body (several files, or any JSON). Past it the request is refused
    # from its Content-Length before a byte is read, or as soon as a chunked body passes it.
    max_request_mb: float = 100.0
    max_sources_per_agent: int = 50
    embed_threads: int = 0  # 0 = all cores

    # Any OpenAI-compatible endpoint (OpenAI, Groq, Ollama, vLLM…); empty = the embedded model.
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = "gpt-4o-mini"
    # The bundled Qwen2.5-Coder-1.5B served by llama.cpp, used when no endpoint is set.
    embedded_llm: bool = True
    llm_threads: int = 2

    # LiveKit (Cloud or self-hosted) for voice at scale. The plain LIVEKIT_* names are read too,
    # since every LiveKit tool and guide uses them.
    livekit_url: str = Field(
        default="", validation_alias=AliasChoices("FRONTDESK_LIVEKIT_URL", "LIVEKIT_URL")
    )
    livekit_api_key: str = Field(
        default="", validation_alias=AliasChoices("FRONTDESK_LIVEKIT_API_KEY", "LIVEKIT_API_KEY")
    )
    livekit_api_secret: str = Field(
        default="",
        validation_alias=AliasChoices("FRONTDESK_LIVEKIT_API_SECRET", "LIVEKIT_API_SECRET"),
    )
    # The Twilio account's auth token, for a server that answers one business's Twilio number
    # (a workspace's own setting replaces it): Twilio's requests are signed with it.
    twilio_auth_token: str = Field(
        default="",
        validation_alias=AliasChoices("FRONTDESK_TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN"),
    )
    # The name `frontdesk agent-worker` registers under; tokens dispatch calls to it.
    livekit_agent_name: str = "frontdesk-receptionist"
    # Calls one `frontdesk agent-worker` answers at once; LiveKit sends the next to another
    # worker (or, with none free, tells the caller's room nobody can answer).
    livekit_max_calls: int = Field(default=4, ge=1, le=100)
    # A LiveKit call no worker has taken this long after its token was minted is ended
    # (the caller's client is told by the room closing): nobody is coming.
    livekit_answer_timeout_s: int = Field(default=90, ge=10, le=3600)
    # A caller's token only has to get them into the room: LiveKit renews the token of a
    # participant who is in, so a call outlives it. Short, so a leaked token is soon useless.
    livekit_token_ttl_s: int = Field(default=600, gt=0, le=900)

    # Speech of LiveKit calls (`frontdesk agent-worker`). "local" runs Whisper and Piper in the
    # worker, like the local voice channel; "openai" uses OpenAI's speech-to-text and
    # text-to-speech APIs (livekit-plugins-openai) with `openai_api_key`.
    voice_stt: Literal["local", "openai"] = "local"
    voice_tts: Literal["local", "openai"] = "local"
    # OpenAI's Realtime model hears and speaks by itself: it replaces speech-to-text, the LLM
    # and text-to-speech of LiveKit calls (the voice_* choices above are then ignored).
    voice_realtime: bool = False
    # The key for OpenAI speech and Realtime; empty means FRONTDESK_LLM_API_KEY (when the LLM
    # endpoint is OpenAI itself). The plain OPENAI_API_KEY name is read too.
    openai_api_key: str = Field(
        default="", validation_alias=AliasChoices("FRONTDESK_OPENAI_API_KEY", "OPENAI_API_KEY")
    )

    # The embeddable widget. Its session tokens are short-lived; each message answer hands
    # back a fresh one, so only a conversation left idle this long has to start over.
    widget_token_ttl_s: int = Field(default=1800, gt=0)
    # Rate limits (moving window, `limits` notation; several separated by ";", e.g.
    # "10/minute;100/day"), shared through Redis when FRONTDESK_QUEUE_URL is redis://.
    widget_sessions_per_ip: str = "10/minute;60/hour"
    widget_sessions_per_agent: str = "120/minute"
    widget_messages_per_ip: str = "30/minute"
    widget_messages_per_agent: str = "600/minute"
    # One network (client IP) may use at most this share of an agent's daily minutes cap:
    # the larger of the percentage and the minutes, never more than the cap itself. So one
    # visitor, or one script, cannot use up the day's minutes for everybody else.
    widget_ip_share_percent: int = Field(default=10, ge=1, le=100)
    widget_ip_share_min_minutes: float = Field(default=5.0, ge=0)
    # Per API key (same notation, shared the same way): every request made with the key, and
    # of those, the ones that make an agent answer (a new conversation or call, a message).
    # Dashboard sessions are not limited by these.
    api_key_requests: str = "120/minute;3000/hour"
    api_key_conversations: str = "30/minute;1000/day"
    # Password sign-in (same notation, shared the same way): failed attempts per client IP
    # and per email address; past them, attempts are refused before the password is checked.
    login_failures_per_ip: str = "10/minute;100/hour"
    login_failures_per_email: str = "10/minute;50/hour"
    # Passwords verified at once (each Argon2 check takes ~64 MiB and tens of ms of CPU).
    login_concurrent_checks: int = Field(default=4, gt=0)

    # Operations (observability/): "json" writes one JSON object per log line; readiness
    # checks give up on a backend after this long; a non-empty token protects /metrics
    # (empty: it answers loopback clients only).
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    ready_timeout_s: float = Field(default=2.0, gt=0, le=30)
    metrics_token: str = ""

    # Webhooks: how long a receiver may take to answer, and the unit of the retry schedule
    # (tries after 1, 4, 20, 120 and 720 units: 30 s, 2 min, 10 min, 1 h and 6 h by default).
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    webhook_retry_base_s: float = Field(default=30.0, gt=0)
    # Delivered and failed deliveries are kept this many days in the log, then deleted.
    webhook_log_days: int = Field(default=30, gt=0)

    @field_validator("crawl_allowed_hosts", "outbound_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("mcp_stdio_commands", mode="before")
    @classmethod
    def _split_commands(cls, value: object) -> object:
        # Not lowercased, unlike hosts: program paths are case-sensitive. Each entry is read
        # now, so a bare launcher (e.g. the old "npx") stops the process with the reason
        # instead of being quietly useless or dangerous.
        entries = split_entries(value) if isinstance(value, str) else value
        if isinstance(entries, list):
            parse_entries(str(e) for e in entries)
        return entries

    @field_validator("mcp_stdio_env", mode="before")
    @classmethod
    def _split_env_names(cls, value: object) -> object:
        if isinstance(value, str):
            return [n.strip() for n in value.split(",") if n.strip()]
        return value

    @field_validator(
        "widget_sessions_per_ip",
        "widget_sessions_per_agent",
        "widget_messages_per_ip",
        "widget_messages_per_agent",
        "api_key_requests",
        "api_key_conversations",
        "login_failures_per_ip",
        "login_failures_per_email",
    )
    @classmethod
    def _rate_limits(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(
                f"{value!r} is not a rate limit; write e.g. 10/minute or 10/minute;100/day"
            ) from exc
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ConfigurationError(
                "FRONTDESK_SECRET_KEY still has its development default; set a long random "
                "value before running with FRONTDESK_ENVIRONMENT=production."
            )
        return self

    @cached_property
    def resolved_data_dir(self) -> Path:
        # 0700: it holds the database, the queue and the signing key (private_files.py).
        return private_dir(self.data_dir.expanduser().resolve())

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # psycopg 3 is the driver we ship; accept the plain scheme people paste.
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        # Created 0600 before SQLite (or Alembic) first opens it; SQLite would use the umask.
        return f"sqlite:///{private_sqlite(self.resolved_data_dir / 'frontdesk.db')}"

    @property
    def chroma_path(self) -> Path:
        return self.resolved_data_dir / "chroma"

    @property
    def uploads_dir(self) -> Path:
        return private_dir(self.resolved_data_dir / "uploads")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def secure_cookies(self) -> bool:
        return self.environment == "production"

    @cached_property
    def signing_key(self) -> bytes:
        """The key that signs what the server hands out and checks later (widget session
        tokens, the first-run setup link). The development default is public, so until a
        real FRONTDESK_SECRET_KEY is set, a random key kept in the data dir stands in: one
        per install, the same for every process that shares the data dir."""
        if self.secret_key != DEVELOPMENT_SECRET:
            return self.secret_key.encode()
        path = self.resolved_data_dir / "secret.key"
        if not path.exists():
            # Created 0600 in the same call that creates it, never chmodded after: the first
            # process wins, the others read what it wrote.
            create_private_text(path, secrets.token_urlsafe(48))
        return path.read_text(encoding="ascii").strip().encode()

    @property
    def livekit_enabled(self) -> bool:
        return bool(self.livekit_url and self.livekit_api_key and self.livekit_api_secret)
