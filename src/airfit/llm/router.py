"""The LLM router: providers in the configured order, falling back on failure, inside a time budget.

Every LLM-backed endpoint must answer inside the iOS client's 60 s, so one call (all fallbacks and the
one lost-session retry included) gets `CALL_BUDGET` seconds in total, and each provider at most
`CLI_TIMEOUT` of what is left. Conversation turns of one user are serialised by their "chat" lock (in the
server's `UserLocks`); other users (and stateless calls) never wait on it.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from airfit.config import CallKind, Settings
from airfit.llm import sessions
from airfit.llm.budget import Block, fit, message_tokens
from airfit.llm.cli import ClaudeCli, Workspaces, codex_cli, default_workspace_root, gemini_cli
from airfit.llm.models import (
    NO_PROVIDER_ERROR,
    BrokenAnswerError,
    LLMRequest,
    LLMResult,
    ProviderError,
    SessionInUseError,
    SessionLostError,
    SessionRecord,
    Turn,
)
from airfit.llm.priority import ForegroundFirst
from airfit.llm.replay import HISTORY_TURNS, ReplayWindows
from airfit.llm.sessions import (
    HISTORY_LIMIT,
    append_turns,
    current_session,
    exchange,
    new_session,
    recent_turns,
    record_turn,
)
from airfit.llm.tools import ToolBinding
from airfit.locks import UserLocks
from airfit.storage import DocumentStore

logger = logging.getLogger(__name__)

CALL_BUDGET = 55.0
"""Seconds one routed call may take in total (the iOS client gives up after 60 s of silence)."""
MIN_ATTEMPT = 1.0
"""A provider is not tried with less time than this left."""


class Provider(Protocol):
    """Anything that turns a prompt into an answer or raises ProviderError."""

    @property
    def name(self) -> str:
        """Its name in AIRFIT_PROVIDERS."""
        ...

    @property
    def keeps_sessions(self) -> bool:
        """Whether it keeps named conversations itself (then turns go to its session, not as history)."""
        ...

    async def complete(self, request: LLMRequest) -> str:
        """One answer within `request.timeout` seconds; with `request.tools`, the model may read that user's
        data."""
        ...


Attempt = Callable[[Provider, float], Awaitable[tuple[str, str | None]]]


def discover(settings: Settings) -> dict[str, Provider]:
    """The configured providers that can work here: CLI found on PATH, or HTTP endpoint configured."""
    found: dict[str, Provider] = {}
    workspaces: Workspaces | None = None
    if any(name in CLI_PROVIDERS for name in settings.provider_list):
        try:
            workspaces = Workspaces(default_workspace_root(), data_dir=settings.data_dir)
        except ProviderError as exc:
            logger.error("The CLI providers are off: %s", exc)
    for name in settings.provider_list:
        provider = _build(name, settings, workspaces)
        if provider is not None:
            found[name] = provider
    return found


CLI_PROVIDERS: dict[str, tuple[Callable[[str, Workspaces], Provider], Callable[[Settings], str]]] = {
    "claude": (lambda path, places: ClaudeCli(executable=path, workspaces=places), lambda s: s.claude_cli),
    "gemini": (gemini_cli, lambda s: s.gemini_cli),
    "codex": (codex_cli, lambda s: s.codex_cli),
}
"""Each command-line provider: how it is made, and the setting that names its executable."""


def _build(name: str, settings: Settings, workspaces: Workspaces | None) -> Provider | None:
    if name in CLI_PROVIDERS:
        make, executable = CLI_PROVIDERS[name]
        path = shutil.which(executable(settings))
        return make(path, workspaces) if path and workspaces is not None else None
    if name in ("openai", "anthropic"):
        # pydantic-ai and the vendor SDKs take seconds to import (far more on a Pi): only when configured.
        from airfit.llm.http import anthropic_provider, openai_provider
    if name == "openai":
        if not (settings.openai_base_url and settings.openai_model):
            return None
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return openai_provider(settings.openai_base_url, settings.openai_model, key)
    if name == "anthropic":
        if settings.anthropic_api_key is None:
            return None
        return anthropic_provider(settings.anthropic_api_key.get_secret_value(), settings.anthropic_model)
    logger.warning("Unknown LLM provider %r in AIRFIT_PROVIDERS (ignored)", name)
    return None


@dataclass
class Unsaved:
    """One user's answered turns whose bookkeeping is still being written."""

    turns: list[Turn] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)
    """Provider -> the session id that last answered."""

    def after(self, stored: list[Turn]) -> list[Turn]:
        """The stored turns followed by the unsaved ones not among them yet."""
        return stored + [turn for turn in self.turns if turn not in stored]

    def session(self, provider: str) -> SessionRecord | None:
        """The session a not yet stored turn was answered on (already started by that turn)."""
        session_id = self.sessions.get(provider)
        if session_id is None:
            return None
        return SessionRecord(session_id=session_id, provider=provider, started=True)

    def forget(self, provider: str, session_id: str | None, turns: list[Turn]) -> None:
        """Drop what has now been stored."""
        self.turns = [turn for turn in self.turns if not any(turn is done for done in turns)]
        if session_id is not None and self.sessions.get(provider) == session_id:
            del self.sessions[provider]


class LLMRouter:
    """Routes calls to the available providers; holds no user's data, only turns not yet stored."""

    def __init__(
        self,
        settings: Settings,
        store: DocumentStore,
        providers: dict[str, Provider],
        *,
        locks: UserLocks | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.providers = providers
        self.locks = locks or UserLocks()
        self._bookkeeping: dict[str, asyncio.Task[None]] = {}
        self._unsaved: dict[str, Unsaved] = {}
        self._windows = ReplayWindows()
        self._priority = ForegroundFirst()

    def available(self) -> list[str]:
        """Names of the providers that can be tried, in preference order."""
        return list(self.providers)

    async def complete(
        self,
        prompt: str,
        *,
        kind: CallKind,
        system_prompt: str | None = None,
        budget: float = CALL_BUDGET,
        background: bool = False,
    ) -> LLMResult:
        """A stateless call (nutrition, extraction, summaries): no session, no history.

        The caller fits the prompt to its kind's budget (only it knows what may give way); one that is
        still over is sent, and logged. A `background` call (nobody waits for it) gives way to every call
        somebody waits for (`airfit.llm.priority`); its `budget` counts from when it may start.
        """
        size = sum(message_tokens(text) for text in (system_prompt or "", prompt) if text)
        if size > self.settings.prompt_budget(kind):
            logger.warning("A %s prompt of about %d tokens is over its budget", kind.value, size)
        limit = self.settings.max_tokens(kind)

        async def attempt(provider: Provider, timeout: float) -> tuple[str, str | None]:
            request = LLMRequest(prompt, timeout, system_prompt=system_prompt, max_tokens=limit)
            return await provider.complete(request), None

        if background:
            return await self._priority.background(lambda: self._route(budget, attempt))
        async with self._priority.foreground():
            return await self._route(budget, attempt)

    async def _recent(self, user_id: str) -> list[Turn]:
        """The user's last turns, stored or still being stored."""
        unsaved = self._unsaved.setdefault(user_id, Unsaved())
        return unsaved.after(await recent_turns(self.store, user_id, HISTORY_TURNS))

    async def replay_start(self, user_id: str) -> datetime | None:
        """When the earlier turns that the user's next chat prompt repeats begin (None: it repeats none)."""
        window = self._windows.window(user_id, await self._recent(user_id))
        return window[0].at if window else None

    async def converse(
        self,
        user_id: str,
        prompt: str,
        *,
        system_prompt: str | None,
        user_text: str,
        remembered: Callable[[str], str] = str.strip,
        budget: float = CALL_BUDGET,
        tools: ToolBinding | None = None,
        context: Sequence[Block] = (),
        kind: CallKind = CallKind.CHAT,
        on_text: Callable[[str], None] | None = None,
    ) -> LLMResult:
        """One conversation turn for one user, on their own session (or their own recent turns).

        `user_text` and `remembered(answer)` are what the user's history shows of this turn; beside them it
        keeps `prompt` and the answer as the model saw them, which is what later turns replay. `tools`
        (bound to this same user) lets providers that can call tools query the user's data; `context` is
        what `_fit` puts into the system prompt. `on_text` is given the answer as it is written (all of it
        at once when the provider cannot stream); once part of an answer was given, no other provider is
        tried for it.
        """
        async with self.locks.lock(user_id, "chat"):
            history = [turn.as_sent() for turn in self._windows.window(user_id, await self._recent(user_id))]
            streamed: list[str] = []

            def given(text: str) -> None:
                streamed.append(text)
                if on_text is not None:
                    on_text(text)

            async def attempt(provider: Provider, timeout: float) -> tuple[str, str | None]:
                system, replayed = self._fit(user_id, provider, kind, system_prompt, prompt, context, history)
                request = LLMRequest(
                    prompt,
                    timeout,
                    system_prompt=system,
                    tools=tools,
                    max_tokens=self.settings.max_tokens(kind),
                    on_text=given if on_text is not None else None,
                )
                try:
                    if provider.keeps_sessions:
                        return await self._in_session(provider, user_id, request)
                    return await provider.complete(replace(request, history=replayed)), None
                except ProviderError as exc:
                    if streamed:
                        raise BrokenAnswerError(f"the answer broke off: {exc}") from exc
                    raise

            async with self._priority.foreground():
                result = await self._route(budget, attempt)
            if result.success:
                if on_text is not None and not streamed:
                    on_text(result.text)
                turns = exchange(user_text, remembered(result.text), prompt=prompt, answer=result.text)
                self._keep(user_id, result, turns)
            return result

    def _fit(
        self,
        user_id: str,
        provider: Provider,
        kind: CallKind,
        system_prompt: str | None,
        prompt: str,
        context: Sequence[Block],
        history: list[Turn],
    ) -> tuple[str | None, list[Turn]]:
        """The system prompt and the earlier turns to replay, within the kind's budget.

        The system prompt is `system_prompt` followed by the `context` blocks, so what changes least comes
        first and the provider's prefix cache holds from turn to turn; then come the earlier turns (none for
        a provider with sessions of its own), then `prompt`. Over the budget, the oldest earlier turns and
        then the lowest-priority blocks are left out (`airfit.llm.budget.fit`).
        """
        fitted = fit(
            self.settings.prompt_budget(kind),
            fixed=[system_prompt or "", prompt],
            blocks=context,
            history=[] if provider.keeps_sessions else history,
        )
        if fitted.dropped:
            logger.info("Chat prompt of %s trimmed to fit: left out %s", user_id, fitted.dropped)
        if not provider.keeps_sessions:
            self._windows.replayed(user_id, fitted.history)
        system = "\n\n".join(p for p in (system_prompt, *(b.text for b in fitted.blocks)) if p)
        return system or None, fitted.history

    def _keep(self, user_id: str, result: LLMResult, turns: list[Turn]) -> None:
        """Answer first, store after: the turn's fsynced writes run in the background, each user's in order.

        Until they are stored, the user's next turn sees them through `Unsaved`, and readers of the user's
        session or history wait for them (`settle`).
        """
        unsaved = self._unsaved.setdefault(user_id, Unsaved())
        unsaved.turns.extend(turns)
        if result.session_id is not None:
            unsaved.sessions[result.provider] = result.session_id
        previous = self._bookkeeping.get(user_id)
        record = self._record(user_id, previous, result.provider, result.session_id, turns)
        self._bookkeeping[user_id] = asyncio.create_task(record, name=f"chat-record:{user_id}")

    async def _record(
        self,
        user_id: str,
        previous: asyncio.Task[None] | None,
        provider: str,
        session_id: str | None,
        turns: list[Turn],
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        try:
            await record_turn(self.store, user_id, provider, session_id)
            await append_turns(self.store, user_id, turns)
        except Exception:
            logger.exception("Could not store the chat turn of %s", user_id)
        finally:
            self._unsaved[user_id].forget(provider, session_id, turns)

    async def latest_session(self, user_id: str) -> SessionRecord | None:
        """The user's most recently used session with any provider, the turn just answered included."""
        await self.settle(user_id)
        return await sessions.latest_session(self.store, user_id)

    async def history(self, user_id: str, limit: int = HISTORY_LIMIT) -> list[Turn]:
        """The user's last stored turns, oldest first, the turn just answered included."""
        await self.settle(user_id)
        return await recent_turns(self.store, user_id, limit)

    async def clear_sessions(self, user_id: str) -> bool:
        """Forget the user's sessions and turn history (nobody else's); True if there was anything."""
        await self.settle(user_id)
        return await sessions.clear_sessions(self.store, user_id)

    async def settle(self, user_id: str | None = None) -> None:
        """Wait until the answered turns of one user (or of everyone) are stored."""
        owners = [user_id] if user_id is not None else list(self._bookkeeping)
        for owner in owners:
            task = self._bookkeeping.get(owner)
            if task is None:
                continue
            # Shielded: a cancelled reader must not cancel the write it was waiting for.
            await asyncio.shield(task)
            if self._bookkeeping.get(owner) is task:
                del self._bookkeeping[owner]

    async def _route(self, budget: float, attempt: Attempt) -> LLMResult:
        if not self.providers:
            return LLMResult(error=NO_PROVIDER_ERROR)
        started = time.monotonic()
        deadline = started + budget
        errors: list[str] = []
        for provider in self.providers.values():
            left = deadline - time.monotonic()
            if left < MIN_ATTEMPT:
                errors.append(f"{provider.name}: no time left")
                continue
            try:
                text, session_id = await attempt(provider, min(self.settings.cli_timeout, left))
            except ProviderError as exc:
                logger.warning("LLM provider %s failed: %s", provider.name, exc)
                errors.append(f"{provider.name}: {exc}")
                if isinstance(exc, BrokenAnswerError):
                    break
                continue
            return LLMResult(
                text=text,
                provider=provider.name,
                success=True,
                session_id=session_id,
                elapsed=time.monotonic() - started,
            )
        return LLMResult(
            error="All providers failed: " + "; ".join(errors), elapsed=time.monotonic() - started
        )

    async def _in_session(self, provider: Provider, user_id: str, request: LLMRequest) -> tuple[str, str]:
        """A turn on the user's named CLI session; a lost session is recreated once, never more."""
        deadline = time.monotonic() + request.timeout
        session = self._unsaved[user_id].session(provider.name) or await current_session(
            self.store, user_id, provider.name
        )
        try:
            text = await provider.complete(
                replace(request, session_id=session.session_id, resume=session.started)
            )
        except (SessionLostError, SessionInUseError) as exc:
            left = deadline - time.monotonic()
            if left < MIN_ATTEMPT:
                raise ProviderError(f"{exc}; no time left to retry") from None
            resume = isinstance(exc, SessionInUseError)
            if not resume:
                logger.info("Session of %s with %s was lost; starting a new one", user_id, provider.name)
                session = new_session(provider.name)
            text = await provider.complete(
                replace(request, timeout=left, session_id=session.session_id, resume=resume)
            )
        return text, session.session_id
