"""One-time sign-in codes: `airfit users login-code USER` prints one; the browser exchanges it for a token.

A code is short enough to type from a terminal to a phone (eight characters from an alphabet without
look-alike letters, about 40 bits), valid for a few minutes, used once, and stored only as a digest in
`_server/login_codes.json` (the CLI and the server are different processes). Guessing is bounded by a limit on
wrong codes: per client address and for the whole server, so spreading guesses over addresses does not help.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from airfit.config import AuthMode
from airfit.storage import SERVER_SCOPE, Document, DocumentStore, register
from airfit.users.models import NewToken
from airfit.users.service import UserService

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_TTL = timedelta(minutes=10)
MAX_PENDING_PER_USER = 5

FAILURE_WINDOW = 600.0
"""Seconds over which wrong codes are counted."""
MAX_FAILURES_PER_CLIENT = 5
MAX_FAILURES_TOTAL = 30


class LoginCode(BaseModel):
    """One pending code: only its digest is stored."""

    model_config = ConfigDict(extra="allow")

    user_id: str
    expires_at: datetime


class LoginCodes(BaseModel):
    """`_server/login_codes.json`, keyed by the code's digest."""

    model_config = ConfigDict(extra="allow")

    codes: dict[str, LoginCode] = Field(default_factory=dict)


LOGIN_CODES = register(Document("login_codes", LoginCodes))


class IssuedCode(BaseModel):
    """A code as shown to the admin, once."""

    code: str
    user_id: str
    expires_at: datetime


class PickableUser(BaseModel):
    """A user the sign-in page may offer."""

    id: str
    name: str = Field(description="The name in their profile, else their id.")


class SignInOptions(BaseModel):
    """How this server lets a browser sign in."""

    auth: AuthMode
    picker: bool = Field(description="True when `users` lists who can be picked (open mode only).")
    users: list[PickableUser]


class TooManyAttemptsError(Exception):
    """Too many wrong codes lately; `retry_after` seconds until the next attempt is accepted."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong codes; try again in {retry_after} s")
        self.retry_after = retry_after


def normalise(code: str) -> str:
    """What the person typed, without spaces or dashes, upper-cased."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def display(code: str) -> str:
    """`ABCD-EFGH`: easier to read out and type."""
    return f"{code[:4]}-{code[4:]}"


class FailureLimiter:
    """Counts wrong codes in a sliding window, per client and in total (in memory: a restart resets it)."""

    def __init__(self, *, per_client: int = MAX_FAILURES_PER_CLIENT, total: int = MAX_FAILURES_TOTAL) -> None:
        self.per_client = per_client
        self.total = total
        self._by_client: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _trim(self, times: deque[float], now: float) -> None:
        while times and now - times[0] > FAILURE_WINDOW:
            times.popleft()

    def check(self, client: str) -> None:
        """Raise TooManyAttemptsError if this client (or everyone together) failed too often lately."""
        now = time.monotonic()
        self._trim(self._all, now)
        mine = self._by_client.get(client, deque())
        self._trim(mine, now)
        if not mine:
            self._by_client.pop(client, None)
        for times, limit in ((mine, self.per_client), (self._all, self.total)):
            if len(times) >= limit:
                raise TooManyAttemptsError(max(1, int(FAILURE_WINDOW - (now - times[0])) + 1))

    def failed(self, client: str) -> None:
        """Count one wrong code."""
        now = time.monotonic()
        self._by_client.setdefault(client, deque()).append(now)
        self._all.append(now)


class SignInCodes:
    """How a browser signs in: the options it is offered, and codes issued (CLI) and exchanged (HTTP)."""

    def __init__(
        self,
        store: DocumentStore,
        users: UserService,
        *,
        auth: AuthMode = AuthMode.OPEN,
        picker: bool = False,
        display_name: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> None:
        self.store = store
        self.users = users
        self.auth = auth
        self.picker = auth is AuthMode.OPEN and picker
        self.display_name = display_name
        self.limiter = FailureLimiter()

    async def options(self) -> SignInOptions:
        """The sign-in methods; the users to pick from only in open mode with the picker on."""
        pickable = []
        if self.picker:
            for info in await self.users.list():
                name = await self.display_name(info.id) if self.display_name else None
                pickable.append(PickableUser(id=info.id, name=name or info.id))
        return SignInOptions(auth=self.auth, picker=self.picker, users=pickable)

    async def issue(self, user_id: str, *, ttl: timedelta = CODE_TTL) -> IssuedCode:
        """A fresh code for a registered user; expired codes are dropped, and a user keeps at most a few."""
        await self.users.require(user_id)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = _now()
        record = LoginCode(user_id=user_id, expires_at=now + ttl)
        async with self.store.transaction(SERVER_SCOPE, LOGIN_CODES) as book:
            for digest in [d for d, c in book.codes.items() if c.expires_at <= now]:
                del book.codes[digest]
            mine = sorted((c.expires_at, d) for d, c in book.codes.items() if c.user_id == user_id)
            for _, digest in mine[: max(0, len(mine) - MAX_PENDING_PER_USER + 1)]:
                del book.codes[digest]
            book.codes[_digest(code)] = record
        return IssuedCode(code=display(code), user_id=user_id, expires_at=record.expires_at)

    async def exchange(self, code: str, *, client: str, token_name: str) -> NewToken | None:
        """The new token for a valid code (which is used up), or None; raises TooManyAttemptsError."""
        self.limiter.check(client)
        user_id = await self._consume(code)
        if user_id is None:
            self.limiter.failed(client)
            return None
        return await self.users.create_token(user_id, token_name)

    async def _consume(self, code: str) -> str | None:
        if len(normalise(code)) != CODE_LENGTH:
            return None
        digest = _digest(code)
        async with self.store.transaction(SERVER_SCOPE, LOGIN_CODES) as book:
            record = book.codes.pop(digest, None)
        if record is None or record.expires_at <= _now():
            return None
        if await self.users.get(record.user_id) is None:
            return None
        return record.user_id
