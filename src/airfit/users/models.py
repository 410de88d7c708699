"""Stored and wire models of the user registry and access tokens."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from airfit.storage import SERVER_SCOPE, Document, register
from airfit.units import Units

USER_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(name: str | None) -> str | None:
    """Return the IANA zone name if it is a real zone, else raise ValueError.

    Checked against the list of zones rather than by opening one: a name such as `America` or `Etc` is a
    directory of the zone database, and opening it fails with an OSError instead of "not found".
    """
    if name is not None and name not in _known_zones():
        raise ValueError(f"unknown time zone {name[:64]!r}")
    return name


TimeZoneName = Annotated[str, Field(max_length=64), AfterValidator(check_timezone)]
"""An IANA time-zone name such as Europe/Berlin."""


def is_valid_user_id(value: str) -> bool:
    """True for ids like `brian` or `jo_2`; false for anything that could be a path trick."""
    return bool(USER_ID_PATTERN.fullmatch(value)) and value != SERVER_SCOPE


class TokenScope(StrEnum):
    """What a token may do: act as its user, or also manage users and tokens."""

    USER = "user"
    ADMIN = "admin"


class UserRecord(BaseModel):
    """One registered user."""

    model_config = ConfigDict(extra="allow")

    created_at: datetime
    timezone: str | None = None
    demo: bool = False
    """Created by `airfit demo` with generated data; `airfit demo --remove` deletes it (never a real user)."""
    units: Units | None = None
    """The units the user reads and types; None until they choose (the stored units are shown meanwhile)."""


class UserRegistry(BaseModel):
    """`_server/users.json`: who may use this server."""

    model_config = ConfigDict(extra="allow")

    users: dict[str, UserRecord] = Field(default_factory=dict)


class TokenRecord(BaseModel):
    """A token as stored: never the secret itself, only its SHA-256 digest."""

    model_config = ConfigDict(extra="allow")

    user_id: str
    name: str
    digest: str
    scope: TokenScope = TokenScope.USER
    created_at: datetime
    last_used_at: datetime | None = None
    unconfirmed: bool = False
    """Minted in open mode without a credential (anyone could have): refused in token mode until an admin
    runs `airfit users token trust ID`. Absent from records written before it existed: those read as False."""


class TokenTable(BaseModel):
    """`_server/tokens.json`, keyed by token id."""

    model_config = ConfigDict(extra="allow")

    tokens: dict[str, TokenRecord] = Field(default_factory=dict)


USERS = register(Document("users", UserRegistry))
TOKENS = register(Document("tokens", TokenTable))


class UserInfo(BaseModel):
    """A user as shown by `GET /admin/users` and `GET /me`."""

    id: str
    created_at: datetime
    timezone: str | None = None
    demo: bool = False
    units: Units | None = None


class TokenInfo(BaseModel):
    """A token as listed: everything but the secret."""

    id: str
    user_id: str
    name: str
    scope: TokenScope
    created_at: datetime
    last_used_at: datetime | None = None
    unconfirmed: bool = Field(
        False, description="Minted in open mode without a credential; refused in token mode until trusted."
    )


class NewToken(TokenInfo):
    """A freshly created token; `token` is shown this once and never again."""

    token: str


class CreateUserRequest(BaseModel):
    """Body of `POST /admin/users`."""

    id: str = Field(min_length=1, max_length=32, description="Lower-case id, e.g. `david`.")
    timezone: TimeZoneName | None = Field(None, description="IANA zone such as Europe/Berlin.")


class CreateTokenRequest(BaseModel):
    """Body of `POST /admin/users/{user_id}/tokens`."""

    name: str = Field(min_length=1, max_length=64, description="Where the token is used, e.g. `iphone`.")
    admin: bool = Field(False, description="Also allow managing users and tokens.")


class Caller(BaseModel):
    """Who is making a request, and how they were identified."""

    user_id: str
    via: str = Field(description="token, header or default")
    token_id: str | None = None
    admin: bool = False
