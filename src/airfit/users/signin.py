"""One-time sign-in codes: `airfit users login-code USER` prints one; the browser exchanges it for a token.

A code is short enough to type from a terminal to a phone (eight characters from an alphabet without
look-alike letters, about 40 bits), valid for a few minutes, used once, and stored only as a digest in
`_server/login_codes.json` (the CLI and the server are different processes).

Guessing is bounded by wrong codes counted in `_server/signin_attempts.json` (so a restart does not reset
them): per client (an IPv4 address, or an IPv6 /64, which one machine can fill with addresses) and, when the
request names the user it signs in as, per user. Each attempt is counted before the code is looked at, in
one transaction, so concurrent guesses cannot all slip through; a valid code takes its attempt back. There
is no limit for the whole server: one client's failures never refuse another client's valid code.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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

FAILURE_WINDOW = timedelta(minutes=10)
"""How long a wrong code counts."""
MAX_FAILURES_PER_CLIENT = 5
MAX_FAILURES_PER_USER = 30
"""Wrong codes naming one user, from all clients together (at least six clients to reach)."""


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


class SignInAttempts(BaseModel):
    """`_server/signin_attempts.json`: when each client (and each named user) tried a code, in the window."""

    model_config = ConfigDict(extra="allow")

    clients: dict[str, list[datetime]] = Field(default_factory=dict)
    users: dict[str, list[datetime]] = Field(default_factory=dict)


SIGNIN_ATTEMPTS = register(Document("signin_attempts", SignInAttempts))


def client_key(address: str) -> str:
    """Who is guessing: the IPv4 address, or the /64 network of an IPv6 address (one machine's share)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


@dataclass(frozen=True)
class _Attempt:
    client: str
    user: str | None
    at: datetime


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

    async def exchange(
        self, code: str, *, client: str, token_name: str, user: str | None = None
    ) -> NewToken | None:
        """The new token for a valid code (which is used up), or None; raises TooManyAttemptsError.

        `client` is the caller's address; `user`, if given, is who they sign in as: the code must be theirs.
        """
        attempt = await self._count(client_key(client), user)
        user_id = await self._consume(code, user)
        if user_id is None:
            return None
        await self._uncount(attempt)
        return await self.users.create_token(user_id, token_name)

    async def _count(self, client: str, user: str | None) -> _Attempt:
        """Count an attempt before its code is looked at (atomic: concurrent guesses are all counted)."""
        now = _now()
        async with self.store.transaction(SERVER_SCOPE, SIGNIN_ATTEMPTS) as book:
            for table in (book.clients, book.users):
                for key in list(table):
                    table[key] = [t for t in table[key] if now - t < FAILURE_WINDOW]
                    if not table[key]:
                        del table[key]
            counted = [(book.clients.get(client, []), MAX_FAILURES_PER_CLIENT)]
            if user is not None:
                counted.append((book.users.get(user, []), MAX_FAILURES_PER_USER))
            for times, limit in counted:
                if len(times) >= limit:
                    wait = FAILURE_WINDOW - (now - min(times))
                    raise TooManyAttemptsError(max(1, int(wait.total_seconds()) + 1))
            book.clients.setdefault(client, []).append(now)
            if user is not None:
                book.users.setdefault(user, []).append(now)
        return _Attempt(client, user, now)

    async def _uncount(self, attempt: _Attempt) -> None:
        """A valid code: its attempt was no guess."""
        async with self.store.transaction(SERVER_SCOPE, SIGNIN_ATTEMPTS) as book:
            for table, key in ((book.clients, attempt.client), (book.users, attempt.user)):
                if key is not None and attempt.at in table.get(key, []):
                    table[key].remove(attempt.at)

    async def _consume(self, code: str, user: str | None) -> str | None:
        if len(normalise(code)) != CODE_LENGTH:
            return None
        digest = _digest(code)
        async with self.store.transaction(SERVER_SCOPE, LOGIN_CODES) as book:
            record = book.codes.get(digest)
            if record is not None and (user is None or record.user_id == user):
                del book.codes[digest]
            else:
                record = None
        if record is None or record.expires_at <= _now():
            return None
        if await self.users.get(record.user_id) is None:
            return None
        return record.user_id
