"""Tokens: ours against PyJWT in both directions, and every way a token can be wrong."""

from __future__ import annotations

import base64
import uuid

import jwt
import msgspec
import pytest
from cryptography.hazmat.primitives import serialization

from servicekit.http import Problem
from servicekit.tokens import AUDIENCE, Claims, TokenSigner, TokenVerifier, expires_in, generate_keypair

PRIVATE, PUBLIC = generate_keypair()


class Clock:
    """A clock the test moves: expiry is decided at the moment given, not at wall-clock luck."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def claims(**overrides: object) -> Claims:
    base = {
        "kind": "participant",
        "sub": uuid.uuid4(),
        "org": uuid.uuid4(),
        "jti": uuid.uuid4(),
        "exp": expires_in(1),
        "meeting": uuid.uuid4(),
        "role": "voting_member",
        "department": None,
    }
    return Claims(**{**base, **overrides})  # type: ignore[arg-type]


def rejected(token: str, verifier: TokenVerifier | None = None) -> str:
    with pytest.raises(Problem) as caught:
        (verifier or TokenVerifier(PUBLIC.encode())).verify(token)
    assert caught.value.status == 401
    return caught.value.title


def test_our_tokens_are_standard_jwts() -> None:
    mine = claims()
    token = TokenSigner(PRIVATE.encode()).sign(mine)
    public = serialization.load_pem_public_key(PUBLIC.encode())
    decoded = jwt.decode(token, public, algorithms=["EdDSA"], audience=AUDIENCE)  # type: ignore[arg-type]
    assert decoded["aud"] == AUDIENCE
    assert msgspec.convert({k: v for k, v in decoded.items() if k != "aud"}, Claims) == mine
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "JWT"}


def test_we_accept_what_a_standard_library_signs() -> None:
    mine = claims(kind="organiser", meeting=None, role=None)
    key = serialization.load_pem_private_key(PRIVATE.encode(), password=None)
    token = jwt.encode({**msgspec.to_builtins(mine), "aud": AUDIENCE}, key, algorithm="EdDSA")  # type: ignore[arg-type]
    got = TokenVerifier(PUBLIC.encode()).verify(token)
    assert (got.kind, got.sub, got.org, got.exp) == (mine.kind, mine.sub, mine.org, mine.exp)


def test_every_kind_of_wrong_token_is_refused() -> None:
    signer = TokenSigner(PRIVATE.encode())
    good = signer.sign(claims())
    header, payload, signature = good.split(".")

    forged = base64.urlsafe_b64encode(msgspec.json.encode({**msgspec.to_builtins(claims()), "aud": AUDIENCE}))
    assert rejected(f"{header}.{forged.decode().rstrip('=')}.{signature}") == "Invalid token"
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert rejected(f"{header}.{payload}.{flipped}") == "Invalid token"
    assert rejected(f"{header}.{payload}") == "Invalid token"
    assert rejected("not a token") == "Invalid token"
    assert rejected(f"{header}.{payload}.{signature}é") == "Invalid token"
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    assert rejected(f"{none}.{payload}.") == "Invalid token"

    other_private, other_public = generate_keypair()
    assert rejected(TokenSigner(other_private.encode()).sign(claims())) == "Invalid token"
    assert rejected(good, TokenVerifier(other_public.encode())) == "Invalid token"

    key = serialization.load_pem_private_key(PRIVATE.encode(), password=None)
    stranger = jwt.encode({**msgspec.to_builtins(claims()), "aud": "someone-else"}, key, algorithm="EdDSA")  # type: ignore[arg-type]
    assert rejected(stranger) == "Invalid token"
    critical = jwt.encode(
        {**msgspec.to_builtins(claims()), "aud": AUDIENCE},
        key,
        algorithm="EdDSA",
        headers={"crit": ["exp"]},  # type: ignore[arg-type]
    )
    assert rejected(critical) == "Invalid token"
    assert rejected(
        signer.sign(claims(exp=1_900_000_000)), TokenVerifier(PUBLIC.encode(), clock=Clock(1_900_000_000.5))
    ) == ("Token expired")


def test_a_remembered_token_still_expires() -> None:
    clock = Clock(1_900_000_000.0)
    verifier = TokenVerifier(PUBLIC.encode(), clock=clock)
    token = TokenSigner(PRIVATE.encode()).sign(claims(exp=1_900_000_001))
    assert verifier.verify(token).kind == "participant"  # verified, and now remembered
    clock.now = 1_900_000_000.999
    assert verifier.verify(token).kind == "participant"  # remembered and still valid
    clock.now = 1_900_000_001.0
    assert rejected(token, verifier) == "Token expired"  # remembered, yet expired at `exp` exactly


def test_a_token_is_refused_from_its_expiry_on_even_when_first_seen() -> None:
    token = TokenSigner(PRIVATE.encode()).sign(claims(exp=1_900_000_001))
    assert TokenVerifier(PUBLIC.encode(), clock=Clock(1_900_000_000.999)).verify(token).kind == "participant"
    assert rejected(token, TokenVerifier(PUBLIC.encode(), clock=Clock(1_900_000_001.0))) == "Token expired"
