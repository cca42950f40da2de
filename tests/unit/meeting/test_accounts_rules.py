"""Organiser sign-in as rules: passwords, the lockout's arithmetic, the session cookie's name, the checks a
cookie-authenticated request passes (Origin, CSRF), and single sign-on's settings, PKCE and ID token checks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey

from meeting_svc.accounts.oidc import (
    Provider,
    authorization_url,
    code_challenge,
    domain_map,
    organisation_for,
    provider_of,
    verify_id_token,
)
from meeting_svc.accounts.rules import (
    ACCOUNT_FREE_FAILURES,
    FAILURE_MEMORY,
    FIRST_LOCK,
    HASHER,
    LONGEST_LOCK,
    PASSWORD_MAX,
    PASSWORD_MIN,
    Attempt,
    cookie_name,
    count_attempt,
    csrf_problem,
    hash_password,
    needs_rehash,
    origin_of,
    origin_problem,
    password_problem,
    retry_after,
    sign_in_failed,
    too_many,
    verify_password,
)
from servicekit.http import Problem
from servicekit.settings import SettingsError

NOW = dt.datetime(2026, 1, 14, 8, 0, tzinfo=dt.UTC)

# --- passwords -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("x" * (PASSWORD_MIN - 1), "at least 12 characters"),
        ("x" * PASSWORD_MIN, None),
        ("mật khẩu dài", None),  # length in characters, not bytes
        ("correct horse battery staple", None),  # no composition rules
        ("x" * PASSWORD_MAX, None),
        ("x" * (PASSWORD_MAX + 1), "at most 1024 characters"),
        (" " * 12, "not only spaces"),
        ("\t" * 12, "not only spaces"),
    ],
)
def test_a_new_password_is_judged_by_its_length(password: str, problem: str | None) -> None:
    assert password_problem(password) == problem


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """argon2 at its lowest cost: the rules around it are the same, and a unit test must not take 64 MiB a hash."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("meeting_svc.accounts.rules.HASHER", cheap)
    monkeypatch.setattr("meeting_svc.accounts.rules._DUMMY_HASH", cheap.hash("dummy"))
    return cheap


async def test_a_password_verifies_against_its_hash_only(cheap_hashing: PasswordHasher) -> None:
    stored = await hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert await verify_password(stored, "correct horse battery staple")
    assert not await verify_password(stored, "correct horse battery stapler")
    assert not await verify_password("not a hash", "correct horse battery staple")
    # an account without a password never signs in, whatever is typed (it is checked against a dummy hash)
    assert not await verify_password(None, "dummy")
    assert not await verify_password(None, "")


def test_a_hash_weaker_than_todays_or_not_argon2_is_rehashed() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse battery staple")
    assert needs_rehash(weak)
    assert needs_rehash("$2b$12$notargon2")
    salt_and_hash = weak.rsplit("$", 2)[1:]
    todays = f"$argon2id$v=19$m={HASHER.memory_cost},t={HASHER.time_cost},p={HASHER.parallelism}$"
    assert not needs_rehash(todays + "$".join(salt_and_hash))


# --- the lockout -----------------------------------------------------------------------------------------


def fail_in_a_row(n: int, free: int = ACCOUNT_FREE_FAILURES) -> list[tuple[dt.datetime, Attempt]]:
    """n failed attempts, each as soon as the lock before it allows: (when, what it counted)."""
    failures, last, locked, at, out = 0, None, None, NOW, []
    for _ in range(n):
        at = locked or at
        attempt = count_attempt(failures, last, locked, at, free)
        assert attempt.refused_for is None
        out.append((at, attempt))
        failures, last, locked = attempt.failures, at, attempt.locked_until
    return out


def test_the_first_failures_are_free_then_the_lock_doubles_up_to_fifteen_minutes() -> None:
    attempts = fail_in_a_row(12)
    assert [a.failures for _, a in attempts] == list(range(1, 13))
    locks = [None if a.locked_until is None else (a.locked_until - at).total_seconds() for at, a in attempts]
    assert locks == [None, None, None, None, 30, 60, 120, 240, 480, 900, 900, 900]


def test_a_locked_key_is_refused_for_what_remains_of_its_lock_and_not_counted() -> None:
    locked_until = NOW + dt.timedelta(seconds=42)
    attempt = count_attempt(5, NOW - dt.timedelta(seconds=1), locked_until, NOW, ACCOUNT_FREE_FAILURES)
    assert attempt.refused_for == dt.timedelta(seconds=42)
    assert attempt.failures == 5
    assert attempt.locked_until == locked_until


def test_an_ended_lock_lets_the_next_attempt_through_with_a_longer_lock() -> None:
    ended = NOW - dt.timedelta(seconds=1)
    attempt = count_attempt(5, NOW - dt.timedelta(seconds=31), ended, NOW, ACCOUNT_FREE_FAILURES)
    assert attempt.refused_for is None
    assert (attempt.failures, attempt.locked_until) == (6, NOW + 2 * FIRST_LOCK)


def test_failures_older_than_an_hour_are_forgotten() -> None:
    long_ago = NOW - FAILURE_MEMORY - dt.timedelta(seconds=1)
    attempt = count_attempt(40, long_ago, None, NOW, ACCOUNT_FREE_FAILURES)
    assert (attempt.failures, attempt.locked_until) == (1, None)
    recent = NOW - FAILURE_MEMORY
    assert count_attempt(4, recent, None, NOW, ACCOUNT_FREE_FAILURES).failures == 5


@settings(max_examples=50)
@given(st.integers(0, 10_000), st.integers(1, 50))
def test_a_lock_is_never_shorter_than_the_first_nor_longer_than_the_longest(failures: int, free: int) -> None:
    attempt = count_attempt(failures, NOW, None, NOW, free)
    assert attempt.failures == failures + 1
    if attempt.failures < free:
        assert attempt.locked_until is None
    else:
        assert attempt.locked_until is not None
        assert FIRST_LOCK <= attempt.locked_until - NOW <= LONGEST_LOCK


@pytest.mark.parametrize(
    ("wait", "header"),
    [
        (dt.timedelta(seconds=30), "30"),
        (dt.timedelta(seconds=0.2), "1"),
        (dt.timedelta(0), "1"),
        (dt.timedelta(seconds=29.1), "30"),
    ],
)
def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one(wait: dt.timedelta, header: str) -> None:
    assert retry_after(wait) == header


def test_a_lock_and_a_wrong_password_answer_the_same_whoever_asks() -> None:
    locked = too_many(dt.timedelta(seconds=61))
    assert (locked.status, locked.headers) == (429, {"Retry-After": "61"})
    failed = sign_in_failed()
    assert (failed.status, failed.field, failed.detail) == (401, "password", "wrong email or password")


# --- the cookie and the checks of a cookie-authenticated request -----------------------------------------


def test_the_cookie_is_host_only_on_https() -> None:
    assert cookie_name("https://hoinghi.example") == "__Host-hoinghi_session"
    assert cookie_name("HTTPS://hoinghi.example", "oidc") == "__Host-hoinghi_oidc"
    assert cookie_name("http://localhost:8080") == "hoinghi_session"


def test_a_sites_origin_is_its_scheme_and_host() -> None:
    assert origin_of("https://Hoinghi.Example:8443/console/?x=1") == "https://hoinghi.example:8443"


SITE = "https://hoinghi.example"


@pytest.mark.parametrize(
    ("method", "origin", "fetch_site", "refused"),
    [
        ("GET", None, None, False),  # reading is safe
        ("HEAD", "https://evil.example", "cross-site", False),
        ("POST", SITE, "same-origin", False),
        ("POST", "HTTPS://HOINGHI.EXAMPLE", None, False),
        ("POST", None, None, True),  # browsers send Origin with every POST
        ("POST", "https://evil.example", None, True),
        ("DELETE", "https://hoinghi.example.evil.example", None, True),
        ("POST", SITE, "same-site", True),  # a sibling subdomain is not this site
        ("POST", SITE, "cross-site", True),
        ("PUT", "null", None, True),
    ],
)
def test_an_unsafe_request_must_come_from_this_sites_pages(
    method: str, origin: str | None, fetch_site: str | None, refused: bool
) -> None:
    problem = origin_problem(method, origin, fetch_site, SITE)
    assert (problem is not None) is refused
    if problem is not None:
        assert (problem.status, problem.field) == (403, "Origin")


@pytest.mark.parametrize(
    ("method", "sent", "refused"),
    [
        ("GET", None, False),
        ("OPTIONS", "wrong", False),
        ("POST", "token-of-the-session", False),
        ("POST", None, True),
        ("POST", "", True),
        ("POST", "token-of-another-session", True),
        ("PATCH", "token-of-the-session ", True),
    ],
)
def test_an_unsafe_request_carries_the_sessions_csrf_token(method: str, sent: str | None, refused: bool) -> None:
    problem = csrf_problem(method, sent, "token-of-the-session")
    assert (problem is not None) is refused
    if problem is not None:
        assert (problem.status, problem.field) == (403, "X-CSRF-Token")


# --- single sign-on ------------------------------------------------------------------------------------


def test_the_domain_setting_maps_email_domains_to_organisations() -> None:
    assert domain_map(" Quatest2.gov.vn=QUATEST 2 , example.org=Example ,") == {
        "quatest2.gov.vn": "QUATEST 2",
        "example.org": "Example",
    }
    assert domain_map("") == {}


@pytest.mark.parametrize("setting", ["example.org", "=Example", "example.org=", "an@example.org=Example"])
def test_a_bad_domain_setting_stops_the_service_naming_it(setting: str) -> None:
    with pytest.raises(SettingsError, match="OIDC_DOMAINS"):
        domain_map(setting)


def test_single_sign_on_is_off_unless_configured_and_then_needs_every_setting() -> None:
    assert provider_of("", "", "", "", SITE) is None
    with pytest.raises(SettingsError, match="OIDC_ISSUER"):
        provider_of("https://idp.example", "client", "", "example.org=Example", SITE)
    with pytest.raises(SettingsError):
        provider_of("", "client", "secret", "example.org=Example", SITE)
    p = provider_of("https://idp.example/", "client", "secret", "example.org=Example", SITE + "/")
    assert p == Provider(
        "https://idp.example", "client", "secret", {"example.org": "Example"}, f"{SITE}/auth/oidc/callback"
    )


def test_the_pkce_challenge_is_rfc_7636s() -> None:
    # RFC 7636, appendix B
    assert (
        code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


PROVIDER = Provider(
    "https://idp.example", "client-1", "secret", {"example.org": "Example"}, f"{SITE}/auth/oidc/callback"
)


def test_the_authorization_request_carries_state_nonce_and_the_challenge() -> None:
    url = authorization_url("https://idp.example/authorize", PROVIDER, "st", "nc", "verifier")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://idp.example/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": "client-1",
        "redirect_uri": f"{SITE}/auth/oidc/callback",
        "scope": "openid email profile",
        "state": "st",
        "nonce": "nc",
        "code_challenge": code_challenge("verifier"),
        "code_challenge_method": "S256",
    }


@pytest.mark.parametrize(
    ("claims", "result"),
    [
        ({"email": "an@example.org", "email_verified": True}, ("an@example.org", "Example")),
        ({"email": "an@EXAMPLE.org", "email_verified": True}, ("an@EXAMPLE.org", "Example")),
        # only the JSON `true` says verified: not saying so is not enough, nor a string, nor a number
        ({"email": "an@example.org"}, "no verified email"),
        ({"email": "an@example.org", "email_verified": "false"}, "no verified email"),
        ({"email": "an@example.org", "email_verified": "true"}, "no verified email"),
        ({"email": "an@example.org", "email_verified": 1}, "no verified email"),
        ({"email": "an@example.org", "email_verified": None}, "no verified email"),
        ({"email": "an@example.org", "email_verified": False}, "no verified email"),
        ({}, "no verified email"),
        ({"email": "not-an-address"}, "no verified email"),
        ({"email": "an@elsewhere.example", "email_verified": True}, "this email domain may not sign in here"),
        ({"email": "an@sub.example.org", "email_verified": True}, "this email domain may not sign in here"),
    ],
)
def test_only_a_verified_email_of_an_allowed_domain_signs_in(claims: dict[str, Any], result: Any) -> None:
    if isinstance(result, tuple):
        assert organisation_for(claims, PROVIDER) == result
    else:
        with pytest.raises(Problem) as refused:
            organisation_for(claims, PROVIDER)
        assert (refused.value.status, refused.value.field) == (403, "email")
        assert result in str(refused.value.detail)


KEY = ECKey.generate_key("P-256", parameters={"kid": "k1"})
JWKS = KeySet([KEY]).as_dict(private=False)
AT = int(NOW.timestamp())  # fixed, so every worker of a parallel run names these tests alike


def id_token(alg: str = "ES256", key: Any = KEY, **changes: Any) -> str:
    claims = {
        "iss": "https://idp.example",
        "aud": "client-1",
        "sub": "person-1",
        "exp": AT + 300,
        "iat": AT,
        "nonce": "nc",
        "email": "an@example.org",
        **changes,
    }
    return jwt.encode({"alg": alg, "kid": "k1"}, {k: v for k, v in claims.items() if v is not None}, key)


def test_a_valid_id_token_gives_its_claims() -> None:
    assert verify_id_token(id_token(), JWKS, PROVIDER, "nc", now=AT)["email"] == "an@example.org"
    # several audiences are fine when the token says it was issued to us
    token = id_token(aud=["client-1", "other"], azp="client-1")
    assert verify_id_token(token, JWKS, PROVIDER, "nc", now=AT)["sub"] == "person-1"


@pytest.mark.parametrize(
    ("token", "nonce", "now"),
    [
        (id_token(), "another-nonce", AT),  # a replayed or injected token
        (id_token(iss="https://other.example"), "nc", AT),
        (id_token(aud="client-2"), "nc", AT),
        (id_token(aud=["client-1", "other"]), "nc", AT),  # several audiences and no azp naming us
        (id_token(aud=["client-1", "other"], azp="other"), "nc", AT),
        (id_token(exp=AT - 61), "nc", AT),  # expired beyond the minute of leeway
        (id_token(nonce=None), "nc", AT),
        (id_token(sub=None), "nc", AT),
        (id_token(key=ECKey.generate_key("P-256", parameters={"kid": "k1"})), "nc", AT),  # signed by someone else
        (
            id_token("HS256", key=OctKey.import_key(str(JWKS["keys"][0]["x"]) * 2)),
            "nc",
            AT,
        ),  # keyed with public material
        (id_token().rsplit(".", 1)[0] + ".", "nc", AT),  # the signature cut off
        ("not.a.token", "nc", AT),
    ],
)
def test_an_id_token_that_does_not_check_out_is_one_refusal(token: str, nonce: str, now: int) -> None:
    with pytest.raises(Problem) as refused:
        verify_id_token(token, JWKS, PROVIDER, nonce, now=now)
    assert (refused.value.status, refused.value.field) == (403, "id_token")


def test_the_clock_may_lag_the_provider_by_a_minute() -> None:
    assert verify_id_token(id_token(exp=AT - 30), JWKS, PROVIDER, "nc", now=AT)["sub"] == "person-1"
