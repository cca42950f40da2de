"""Signed bearer tokens (EdDSA JWT): meeting_svc signs, every service verifies with the public key.

Organisers hold long-lived API tokens scoped to one organisation; participants hold session tokens
obtained through their personal invite link, scoped to one meeting.

The tokens are standard compact JWS (RFC 7515/8037, `alg` EdDSA) made and checked here with one
fixed algorithm and key: a general JWT library's parsing cost half of a ballot's CPU time. The tests
check both directions against PyJWT. Signing uses cryptography (PEM keys), verifying libsodium.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import msgspec
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from servicekit.http import Problem
from servicekit.settings import SettingsError

ALGORITHM = "EdDSA"
AUDIENCE = "hoinghi"

Kind = Literal["organiser", "participant"]
# What an organiser token may do: `write` everything of its organisation, `read` only safe methods
# (GET, HEAD). Participants' tokens are always `write`: their roles decide.
Scope = Literal["read", "write"]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STREAM_SUFFIX = "/stream"  # the one kind of route that takes `access_token` in its query


class Claims(msgspec.Struct, frozen=True, kw_only=True):
    sub: uuid.UUID  # organiser id or participant id
    kind: Kind
    org: uuid.UUID
    jti: uuid.UUID
    exp: int
    meeting: uuid.UUID | None = None  # participants only
    # Which generation of the participant's sessions this token belongs to: revoking or reissuing an
    # invite starts a new one (servicekit/sessions.py).
    epoch: int = 0
    scope: Scope = "write"
    # Never signed into a token: filled in from the participant's current state by each service, so a
    # change of role or department takes effect without a new token (servicekit/sessions.py).
    role: str | None = None
    department: uuid.UUID | None = None


def read_key(value: str, setting: str) -> bytes:
    """A key setting holds either the PEM text itself or the path of a PEM file; a missing or unreadable key
    stops the service naming the variable (`python -m devstack keys` makes a pair)."""
    if value.lstrip().startswith("-----BEGIN"):
        return value.encode()
    if not value.strip():
        raise SettingsError(f"invalid setting {setting}: required (PEM text or the path of a PEM file)")
    try:
        return Path(value).read_bytes()
    except OSError as exc:
        raise SettingsError(f"invalid setting {setting}: cannot read {value!r} ({exc.strerror})") from None


def public_of(private_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def generate_keypair() -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class Signed(Claims, frozen=True, kw_only=True):
    """The claims as they travel, with the audience every token carries."""

    aud: str


class Header(msgspec.Struct, frozen=True):
    alg: str
    typ: str = "JWT"
    crit: list[str] | None = None  # extensions we would have to understand: none are


HEADER = base64.urlsafe_b64encode(msgspec.json.encode({"alg": ALGORITHM, "typ": "JWT"})).rstrip(b"=")


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class TokenSigner:
    def __init__(self, private_pem: bytes) -> None:
        key = serialization.load_pem_private_key(private_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the token signing key must be Ed25519")
        self._key = key

    def sign(self, claims: Claims) -> str:
        signed = Signed(**{f: getattr(claims, f) for f in Claims.__struct_fields__}, aud=AUDIENCE)
        payload = base64.urlsafe_b64encode(msgspec.json.encode(signed)).rstrip(b"=")
        signing_input = HEADER + b"." + payload
        signature = base64.urlsafe_b64encode(self._key.sign(signing_input)).rstrip(b"=")
        return (signing_input + b"." + signature).decode("ascii")


class TokenVerifier:
    """Verifies tokens, remembering each verified one until it expires: a busy path (ballots, reads)
    would otherwise pay an Ed25519 verification per request. The same string always verifies alike;
    revocation is the services' own check, not this cache's."""

    def __init__(self, public_pem: bytes, remember: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        key = serialization.load_pem_public_key(public_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the token verifying key must be Ed25519")
        # libsodium verifies in half the time OpenSSL takes here, and a ballot's token is often new.
        self._key = VerifyKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
        self._remember = remember
        self._clock = clock  # seconds since the epoch; tests give their own, so expiry never hangs on a second
        self._known: dict[str, Claims] = {}

    def verify(self, token: str) -> Claims:
        claims = self._known.get(token)
        if claims is not None and claims.exp > self._clock():
            return claims
        claims = self._verify(token)
        if len(self._known) >= self._remember:
            self._known.clear()
        self._known[token] = claims
        return claims

    def _verify(self, token: str) -> Claims:
        """The signature first; only then is anything in the token believed."""
        try:
            header, payload, signature = token.split(".")
            self._key.verify(f"{header}.{payload}".encode("ascii"), _b64decode(signature))
            decoded = msgspec.json.decode(_b64decode(header), type=Header)
            if decoded.alg != ALGORITHM or decoded.crit is not None:
                raise ValueError("header")
            claims = msgspec.json.decode(_b64decode(payload), type=Signed)
            if claims.aud != AUDIENCE:
                raise ValueError("audience")
        except (ValueError, TypeError, BadSignatureError, msgspec.DecodeError):
            raise Problem(401, "Invalid token", field="Authorization", headers={"WWW-Authenticate": "Bearer"}) from None
        if claims.exp <= self._clock():
            raise Problem(401, "Token expired", field="Authorization", headers={"WWW-Authenticate": "Bearer"})
        return claims

    @staticmethod
    def token_of(request: web.Request) -> str:
        """The request's bearer token (empty when none): from the header, or from `access_token` on the live
        stream only (EventSource cannot set headers). Anywhere else a token in the URL would end up in
        proxy logs and browser history, so it is not read."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if (scheme.lower() != "bearer" or not token) and request.path.endswith(STREAM_SUFFIX):
            token = request.query.get("access_token", "")
        return token.strip()

    def from_request(self, request: web.Request) -> Claims:
        token = self.token_of(request)
        if not token:
            raise Problem(401, "Authentication required", field="Authorization", headers={"WWW-Authenticate": "Bearer"})
        return self.verify(token)


def expires_in(days: float) -> int:
    return int((dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).timestamp())
