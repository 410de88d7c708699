"""The user registry and access tokens: add and remove users, mint, verify and revoke tokens."""

from __future__ import annotations

import builtins
import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from types import EllipsisType
from zoneinfo import ZoneInfo

from airfit.storage import SERVER_SCOPE, DocumentStore
from airfit.units import STORED, Units, UnitsUpdate
from airfit.users.models import (
    TOKENS,
    USERS,
    NewToken,
    TokenInfo,
    TokenRecord,
    TokenScope,
    UserInfo,
    UserRecord,
    check_timezone,
    is_valid_user_id,
)

TOKEN_PREFIX = "afk"
# Writing tokens.json on every request would make reads write; a day-level "last used" needs no more.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class InvalidUserIdError(ValueError):
    """The id is not of the form `^[a-z][a-z0-9_-]{0,31}$`."""


class UserNotFoundError(LookupError):
    """No such user is registered."""


class UserExistsError(ValueError):
    """The user is already registered."""


class NotDemoUserError(ValueError):
    """The user is real (not created by `airfit demo`), so demo commands must not touch them."""


class TokenNotFoundError(LookupError):
    """No such token."""


def local_today(tz: tzinfo) -> date:
    """Today's date in `tz`: the one definition of "today" for a user whose zone is already at hand."""
    return datetime.now(tz).date()


def check_user_id(user_id: str) -> str:
    """Return the id if it is well-formed, else raise InvalidUserIdError."""
    if not is_valid_user_id(user_id):
        raise InvalidUserIdError(
            "user ids are 1-32 characters: a lower-case letter, then lower-case letters, digits, '_' or '-'"
        )
    return user_id


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class UserService:
    """Everything about who may use the server."""

    def __init__(self, store: DocumentStore, *, default_timezone: str | None = None) -> None:
        self.store = store
        self.default_timezone = default_timezone

    # -- users -------------------------------------------------------------------------------------------

    async def ensure(self, user_ids: list[str]) -> list[str]:
        """Register each id that is not registered yet; returns the ids added."""
        for user_id in user_ids:
            check_user_id(user_id)
        added = []
        async with self.store.transaction(SERVER_SCOPE, USERS) as registry:
            for user_id in user_ids:
                if user_id not in registry.users:
                    registry.users[user_id] = UserRecord(created_at=_now())
                    added.append(user_id)
        return added

    async def list(self) -> list[UserInfo]:
        """All registered users, by id."""
        registry = await self.store.read(SERVER_SCOPE, USERS)
        return [UserInfo(id=uid, **rec.model_dump()) for uid, rec in sorted(registry.users.items())]

    async def get(self, user_id: str) -> UserRecord | None:
        """The user's record, or None if not registered."""
        registry = await self.store.read(SERVER_SCOPE, USERS)
        return registry.users.get(user_id)

    async def require(self, user_id: str) -> UserRecord:
        """The user's record; raises UserNotFoundError if not registered."""
        record = await self.get(check_user_id(user_id))
        if record is None:
            raise UserNotFoundError(f"unknown user {user_id!r}")
        return record

    async def add(self, user_id: str, *, timezone: str | None = None, demo: bool = False) -> UserInfo:
        """Register a new user (`demo`: holding generated data only); UserExistsError if the id is taken."""
        check_user_id(user_id)
        check_timezone(timezone)
        async with self.store.transaction(SERVER_SCOPE, USERS) as registry:
            if user_id in registry.users:
                raise UserExistsError(f"user {user_id!r} already exists")
            record = UserRecord(created_at=_now(), timezone=timezone, demo=demo)
            registry.users[user_id] = record
        return UserInfo(id=user_id, **record.model_dump())

    async def set_timezone(self, user_id: str, timezone: str | None) -> UserInfo:
        """Change the zone the user's days are counted in."""
        return await self.update_settings(user_id, timezone=timezone)

    async def update_settings(
        self, user_id: str, *, timezone: str | None | EllipsisType = ..., units: UnitsUpdate | None = None
    ) -> UserInfo:
        """Change the user's zone (`None`: the server's; left out: unchanged) and units, in one write."""
        if not isinstance(timezone, EllipsisType):
            check_timezone(timezone)
        async with self.store.transaction(SERVER_SCOPE, USERS) as registry:
            record = registry.users.get(user_id)
            if record is None:
                raise UserNotFoundError(f"unknown user {user_id!r}")
            if not isinstance(timezone, EllipsisType):
                record.timezone = timezone
            if units is not None:
                record.units = units.applied_to(record.units or STORED)
        return UserInfo(id=user_id, **record.model_dump())

    async def units_of(self, user_id: str) -> Units:
        """The units the user reads and types (the stored units until they choose)."""
        record = await self.get(user_id)
        return (record.units if record else None) or STORED

    async def remove(self, user_id: str) -> Path | None:
        """Unregister a user and revoke their tokens. Their data is moved aside, never deleted."""
        await self._unregister(user_id, demo_only=False)
        return await self.store.move_scope_aside(user_id)

    async def remove_demo(self, user_id: str) -> None:
        """Unregister a demo user and delete their generated data; refuses (NotDemoUserError) a real user."""
        await self._unregister(user_id, demo_only=True)
        await self.store.delete_scope(user_id)

    async def _unregister(self, user_id: str, *, demo_only: bool) -> None:
        check_user_id(user_id)
        async with self.store.transaction(SERVER_SCOPE, USERS) as registry:
            record = registry.users.get(user_id)
            if record is None:
                raise UserNotFoundError(f"unknown user {user_id!r}")
            if demo_only and not record.demo:
                raise NotDemoUserError(f"{user_id!r} is a real user, not a demo user; nothing was changed")
            del registry.users[user_id]
        async with self.store.transaction(SERVER_SCOPE, TOKENS) as table:
            for token_id in [t for t, rec in table.tokens.items() if rec.user_id == user_id]:
                del table.tokens[token_id]

    async def timezone_of(self, user_id: str) -> tzinfo:
        """The zone that decides what "today" is for this user: theirs, the server's setting, or local."""
        record = await self.get(user_id)
        name = (record.timezone if record else None) or self.default_timezone
        if name:
            return ZoneInfo(name)
        return datetime.now().astimezone().tzinfo or UTC

    async def today(self, user_id: str) -> date:
        """The user's local date (in the zone `timezone_of` chooses)."""
        return local_today(await self.timezone_of(user_id))

    # -- tokens ------------------------------------------------------------------------------------------

    async def create_token(
        self, user_id: str, name: str, *, admin: bool = False, unconfirmed: bool = False
    ) -> NewToken:
        """Mint a token for a registered user. The returned secret is not stored anywhere.

        `unconfirmed`: minted without a credential (open mode), so token mode refuses it until `trust_token`.
        """
        await self.require(user_id)
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        record = TokenRecord(
            user_id=user_id,
            name=name,
            digest=_digest(secret),
            scope=TokenScope.ADMIN if admin else TokenScope.USER,
            created_at=_now(),
            unconfirmed=unconfirmed,
        )
        async with self.store.transaction(SERVER_SCOPE, TOKENS) as table:
            table.tokens[token_id] = record
        info = _token_info(token_id, record)
        return NewToken(**info.model_dump(), token=f"{TOKEN_PREFIX}_{token_id}_{secret}")

    async def list_tokens(self, user_id: str | None = None) -> builtins.list[TokenInfo]:
        """Tokens of one user (or of everyone), oldest first."""
        table = await self.store.read(SERVER_SCOPE, TOKENS)
        infos = [_token_info(tid, rec) for tid, rec in table.tokens.items()]
        return sorted(
            (i for i in infos if user_id is None or i.user_id == user_id), key=lambda i: i.created_at
        )

    async def revoke_token(self, token_id: str, *, user_id: str | None = None) -> TokenInfo:
        """Delete a token so it stops working at once; with `user_id`, only that user's token."""
        async with self.store.transaction(SERVER_SCOPE, TOKENS) as table:
            record = table.tokens.get(token_id)
            if record is None or (user_id is not None and record.user_id != user_id):
                raise TokenNotFoundError(f"no token {token_id!r}")
            del table.tokens[token_id]
        return _token_info(token_id, record)

    async def trust_token(self, token_id: str) -> TokenInfo:
        """An admin's confirmation that a token minted in open mode is its user's: token mode takes it."""
        async with self.store.transaction(SERVER_SCOPE, TOKENS) as table:
            record = table.tokens.get(token_id)
            if record is None:
                raise TokenNotFoundError(f"no token {token_id!r}")
            record.unconfirmed = False
        return _token_info(token_id, record)

    async def verify_token(self, presented: str) -> tuple[str, TokenRecord] | None:
        """The (token id, record) a presented token belongs to, or None if it is unknown or forged."""
        prefix, _, rest = presented.partition("_")
        token_id, _, secret = rest.partition("_")
        if prefix != TOKEN_PREFIX or not token_id or not secret:
            return None
        table = await self.store.read(SERVER_SCOPE, TOKENS)
        record = table.tokens.get(token_id)
        if record is None or not hmac.compare_digest(record.digest, _digest(secret)):
            return None
        return token_id, record

    def needs_touch(self, record: TokenRecord) -> bool:
        """Whether `last_used_at` is stale enough to be worth a write."""
        return record.last_used_at is None or _now() - record.last_used_at > LAST_USED_RESOLUTION

    async def touch_token(self, token_id: str) -> None:
        """Record that a token was just used."""
        async with self.store.transaction(SERVER_SCOPE, TOKENS) as table:
            record = table.tokens.get(token_id)
            if record is not None:
                record.last_used_at = _now()


def _token_info(token_id: str, record: TokenRecord) -> TokenInfo:
    return TokenInfo(
        id=token_id,
        user_id=record.user_id,
        name=record.name,
        scope=record.scope,
        created_at=record.created_at,
        last_used_at=record.last_used_at,
        unconfirmed=record.unconfirmed,
    )
