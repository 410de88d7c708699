"""Server settings, read from the environment and an optional `.env` file.

An empty (or blank) value means unset, as a person writing `HEVY_API_KEY=` in a `.env` means: the setting
takes its default. `AIRFIT_DEFAULT_USER=none` is how to say "no default user".

The environment names of the original single-user server (`AIRFIT_HOST`, `CLI_TIMEOUT`, `HEVY_API_KEY`, ...)
are kept, so an existing `.env` keeps working.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class CallKind(StrEnum):
    """Kinds of LLM call, each with its own output limit and prompt budget."""

    CHAT = "chat"
    """Chat, onboarding and insight discussions."""
    FOOD = "food"
    """Food parsing, corrections and the macro check-in."""
    INSIGHTS = "insights"
    """Insight generation."""
    PROFILE = "profile"
    """Profile learning: facts, persona, summary, patterns."""
    MEMORY = "memory"
    """The weekly memory consolidation."""


class AuthMode(StrEnum):
    """How callers prove who they are."""

    OPEN = "open"
    TOKEN = "token"


class Settings(BaseSettings):
    """Every setting the server reads. The field's alias is its environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
        env_ignore_empty=True,
    )

    host: str = Field("0.0.0.0", alias="AIRFIT_HOST", description="Address to listen on.")
    port: int = Field(
        8080, alias="AIRFIT_PORT", ge=0, le=65535, description="Port to listen on (0: any free port)."
    )
    data_dir: Path = Field(
        Path("data"), alias="AIRFIT_DATA_DIR", description="Directory holding every user's data."
    )
    users: str = Field(
        "",
        alias="AIRFIT_USERS",
        description="Comma-separated user ids registered at start (never removed), e.g. brian,david.",
    )
    default_user: str | None = Field(
        None,
        alias="AIRFIT_DEFAULT_USER",
        description=(
            "User for requests that carry no identity (today's iOS app). Unset or empty: the first of "
            "AIRFIT_USERS, else 'default' (registered by the app's first sync); 'none': header-less "
            "requests are refused."
        ),
    )
    auth: AuthMode = Field(
        AuthMode.OPEN,
        alias="AIRFIT_AUTH",
        description="'open' (trusted home network: X-User-ID or default user) or 'token' (Bearer required).",
    )
    allowed_hosts: str = Field(
        "",
        alias="AIRFIT_ALLOWED_HOSTS",
        description=(
            "Host names the server answers to, comma-separated ('.example.net': its subdomains; '*': any). "
            "Unset: localhost and this machine's names. IP addresses and AIRFIT_PUBLIC_URL's names always."
        ),
    )
    public_url: str = Field(
        "",
        alias="AIRFIT_PUBLIC_URL",
        description="URL(s) people reach the server by, comma-separated, e.g. https://airfit.example.net.",
    )
    docs: bool = Field(
        True,
        alias="AIRFIT_DOCS",
        description="Serve the API reference at /docs and /openapi.json (token mode: to token holders only).",
    )
    user_picker: bool = Field(
        True,
        alias="AIRFIT_USER_PICKER",
        description="Open mode: the web sign-in page lists user ids and names (never in token mode).",
    )
    timezone: str | None = Field(
        None,
        alias="AIRFIT_TIMEZONE",
        description="IANA time zone for users who have not set their own. Unset: the server's local zone.",
    )
    providers: str = Field(
        "claude,gemini,codex",
        alias="AIRFIT_PROVIDERS",
        description="LLM providers in order of preference: claude, gemini, codex, openai, anthropic.",
    )
    cli_timeout: float = Field(
        45.0,
        alias="CLI_TIMEOUT",
        gt=0,
        description="Seconds one LLM call may take before it is abandoned (the iOS client waits 60 s).",
    )
    claude_cli: str = Field("claude", alias="CLAUDE_CLI", description="The claude executable.")
    gemini_cli: str = Field("gemini", alias="GEMINI_CLI", description="The gemini executable.")
    codex_cli: str = Field("codex", alias="CODEX_CLI", description="The codex executable.")
    openai_base_url: str | None = Field(
        None, alias="OPENAI_BASE_URL", description="OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM...)."
    )
    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY", description="Key for it, if any.")
    openai_model: str | None = Field(None, alias="AIRFIT_OPENAI_MODEL", description="Model name for it.")
    anthropic_api_key: SecretStr | None = Field(None, alias="ANTHROPIC_API_KEY", description="Anthropic key.")
    anthropic_model: str = Field(
        "claude-sonnet-4-5", alias="AIRFIT_ANTHROPIC_MODEL", description="Anthropic model name."
    )
    max_tokens_chat: int = Field(
        400, alias="AIRFIT_MAX_TOKENS_CHAT", ge=16, description="Output tokens of a chat or onboarding reply."
    )
    max_tokens_food: int = Field(
        256, alias="AIRFIT_MAX_TOKENS_FOOD", ge=16, description="Output tokens of a food parse or correction."
    )
    max_tokens_insights: int = Field(
        750, alias="AIRFIT_MAX_TOKENS_INSIGHTS", ge=16, description="Output tokens of an insight generation."
    )
    max_tokens_profile: int = Field(
        400, alias="AIRFIT_MAX_TOKENS_PROFILE", ge=16, description="Output tokens of a profile-learning call."
    )
    max_tokens_memory: int = Field(
        600, alias="AIRFIT_MAX_TOKENS_MEMORY", ge=16, description="Output tokens of a memory consolidation."
    )
    prompt_budget_chat: int = Field(
        3000,
        alias="AIRFIT_PROMPT_BUDGET_CHAT",
        ge=256,
        description="Estimated prompt tokens of a chat turn; older turns, then context, give way.",
    )
    prompt_budget_food: int = Field(
        1000, alias="AIRFIT_PROMPT_BUDGET_FOOD", ge=256, description="Estimated prompt tokens of a food call."
    )
    prompt_budget_insights: int = Field(
        3300,
        alias="AIRFIT_PROMPT_BUDGET_INSIGHTS",
        ge=256,
        description="Estimated prompt tokens of an insight generation (older days give way).",
    )
    prompt_budget_profile: int = Field(
        2500,
        alias="AIRFIT_PROMPT_BUDGET_PROFILE",
        ge=256,
        description="Estimated prompt tokens of a profile-learning call.",
    )
    prompt_budget_memory: int = Field(
        2800,
        alias="AIRFIT_PROMPT_BUDGET_MEMORY",
        ge=256,
        description="Estimated prompt tokens of a memory consolidation (older notes give way).",
    )
    hevy_api_key: SecretStr | None = Field(
        None, alias="HEVY_API_KEY", description="Hevy key of the default user (single-user migration)."
    )
    hevy_base_url: str = Field(
        "https://api.hevyapp.com", alias="HEVY_BASE_URL", description="Hevy API (or a compatible server)."
    )
    hevy_retry_delay: float = Field(
        0.5,
        alias="HEVY_RETRY_DELAY",
        ge=0,
        le=30,
        description="Seconds before retrying Hevy after a 429/5xx (doubles per attempt; Retry-After wins).",
    )
    seed_file: Path | None = Field(
        None, alias="AIRFIT_SEED_FILE", description="Profile seed used by POST /profile/seed."
    )
    max_body_bytes: int = Field(
        1024 * 1024,
        alias="AIRFIT_MAX_BODY_BYTES",
        ge=1024,
        description="Largest request body of any route not listed below (413 beyond it).",
    )
    max_sync_body_bytes: int = Field(
        16 * 1024 * 1024,
        alias="AIRFIT_MAX_SYNC_BODY_BYTES",
        ge=1024,
        description="Largest body of POST /insights/sync (a 4000-day backfill is about 3 MB).",
    )
    max_import_bytes: int = Field(
        64 * 1024 * 1024,
        alias="AIRFIT_MAX_IMPORT_BYTES",
        ge=1024,
        description="Largest archive POST /import accepts (compressed; see README for unpacked limits).",
    )
    max_upload_bytes: int = Field(
        4 * 1024**3,
        alias="AIRFIT_MAX_UPLOAD_BYTES",
        ge=1024,
        description="Largest file POST /imports/{source} accepts (an Apple Health export; streamed to disk).",
    )
    request_timeout: float = Field(
        15.0,
        alias="AIRFIT_REQUEST_TIMEOUT",
        gt=0,
        description="Seconds a request head may take to arrive, and its body may go silent (then closed).",
    )
    max_connections: int = Field(
        200,
        alias="AIRFIT_MAX_CONNECTIONS",
        ge=1,
        description="Open connections at most (503 beyond, logged).",
    )
    scheduler: bool = Field(True, alias="AIRFIT_SCHEDULER", description="Run background jobs.")
    access_log: bool = Field(False, alias="AIRFIT_ACCESS_LOG", description="Log every request.")
    # Not uvicorn's `trace`: it logs each request's whole scope, whose path may hold a personal link.
    log_level: Literal["debug", "info", "warning", "error", "critical"] = Field(
        "info", alias="AIRFIT_LOG_LEVEL", description="debug, info, warning, error or critical."
    )

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any, info: ValidationInfo) -> Any:
        # Also for values given directly (not only from the environment) and for blanks such as " ".
        if not isinstance(value, str) or info.field_name is None:
            return value
        if info.field_name == "default_user" and value.strip().lower() == "none":
            return ""  # no default user: header-less requests are refused
        if not value.strip():
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    def max_tokens(self, kind: CallKind) -> int:
        """How many tokens a provider may write for one call of this kind."""
        return int(getattr(self, f"max_tokens_{kind.value}"))

    def prompt_budget(self, kind: CallKind) -> int:
        """How many (estimated) tokens the prompt of one call of this kind may take."""
        return int(getattr(self, f"prompt_budget_{kind.value}"))

    @cached_property
    def user_list(self) -> list[str]:
        """User ids named in AIRFIT_USERS, in order, without blanks."""
        return [u.strip() for u in self.users.split(",") if u.strip()]

    @cached_property
    def public_urls(self) -> list[str]:
        """The URLs in AIRFIT_PUBLIC_URL, in order, without blanks (the first is the one handed out)."""
        return [url.strip() for url in self.public_url.split(",") if url.strip()]

    @cached_property
    def provider_list(self) -> list[str]:
        """Provider names in preference order, trimmed and lower-cased."""
        return [p.strip().lower() for p in self.providers.split(",") if p.strip()]

    @cached_property
    def effective_default_user(self) -> str | None:
        """The user that header-less requests act as, or None when they are refused."""
        if self.default_user == "":
            return None
        if self.default_user:
            return self.default_user
        return self.user_list[0] if self.user_list else "default"

    @cached_property
    def implicit_default_user(self) -> bool:
        """Whether the default user is nobody's choice (no AIRFIT_USERS, no AIRFIT_DEFAULT_USER).

        Then it is registered only when an identity-less client (the iOS app) first sends a write as it,
        never at start: a fresh server lists nobody who was not configured or has not synced.
        """
        return self.default_user is None and not self.user_list

    @cached_property
    def initial_users(self) -> list[str]:
        """Users to register at start: AIRFIT_USERS plus a configured default user."""
        users = list(self.user_list)
        default = self.effective_default_user
        if default and default not in users and not self.implicit_default_user:
            users.append(default)
        return users


def settings_help() -> str:
    """One line per setting, for `airfit --help`."""
    lines = []
    width = max(len(str(field.alias)) for field in Settings.model_fields.values()) + 2
    for field in Settings.model_fields.values():
        default = field.default
        shown = "" if default in (None, "") else f" [default: {default}]"
        lines.append(f"  {field.alias:<{width}}{field.description}{shown}")
    return "\n".join(lines)
