"""Request and response bodies of organiser sign-in, sessions, password resets and API tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from servicekit.fields import Email, Name, Request

# Length is checked by the rules (accounts/rules.py) so the refusal says what is wrong; this only
# bounds what is read.
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
Secret = Annotated[str, msgspec.Meta(min_length=10, max_length=200, pattern="^[A-Za-z0-9_-]+$")]


class SignIn(Request, kw_only=True):
    email: Email
    password: Password


class Organiser(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    email: str | None
    organisation_id: uuid.UUID
    organisation_name: str


class SessionInfo(msgspec.Struct, kw_only=True):
    """The signed-in organiser, and the CSRF token every unsafe request of this session must carry in
    `X-CSRF-Token`."""

    organiser: Organiser
    csrf_token: str
    expires_at: dt.datetime


class AccessToken(msgspec.Struct, kw_only=True):
    """A short-lived bearer token for the three services' APIs, as machines use them."""

    token: str
    expires_at: dt.datetime


class SignedOutEverywhere(msgspec.Struct, kw_only=True):
    revoked_tokens: int


class ResetRequest(Request, kw_only=True):
    email: Email
    language: Literal["vi", "en"] = "vi"


class ResetComplete(Request, kw_only=True):
    token: Secret
    password: Password


class ApiTokenCreate(Request, kw_only=True):
    name: Name
    scope: Literal["read", "write"] = "write"
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)] = 365


class ApiToken(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str | None
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    made_by: str | None = None


class NewApiToken(ApiToken, kw_only=True):
    """The token itself is in this answer only: it is never shown again."""

    token: str


class ApiTokenList(msgspec.Struct, kw_only=True):
    items: list[ApiToken]
