"""Single sign-on against a real OpenID Connect provider started here (oidc-provider-mock: it signs real
RS256 ID tokens and publishes its keys), and the ID token checks on tokens signed with keys of our own."""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from meeting_svc.accounts import oidc
from meeting_svc.accounts.single_sign_on import CALLBACK_ADDRESS_FREE
from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from servicekit.http import Problem
from tests.conftest import MovableClock, settings_of
from tests.meeting.conftest import Client
from tests.meeting.signin_helpers import COOKIE, SITE

with warnings.catch_warnings():
    # the test provider still imports authlib's older modules; their deprecation is not ours to act on
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

SSO_COOKIE = "__Host-hoinghi_sso"
CLIENT_ID = "hoinghi-console"


@pytest.fixture
def issuer() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
async def sso(
    env: dict[str, Any], issuer: str, start_service: Any, schedule_clock: MovableClock
) -> AsyncIterator[tuple[Client, str]]:
    organisation = f"QUATEST 2 SSO {uuid.uuid4().hex[:6]}"
    settings = settings_of(
        Settings,
        env,
        public_url=SITE,
        oidc_issuer=issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret="client-secret-of-the-console",
        oidc_domains=f"quatest2.example={organisation}",
    )
    client: Client = await start_service(create_app(settings, schedule_clock))
    yield client, organisation


async def begin(client: Client) -> tuple[str, str]:
    """Our redirect to the provider, and the state cookie it set."""
    started = await client.get("/auth/oidc/start", allow_redirects=False)
    assert started.status == 302, await started.text()
    state_cookie = started.cookies[SSO_COOKIE].value
    client.session.cookie_jar.clear()
    return started.headers["Location"], state_cookie


MISSING = object()


async def at_provider(authorize_url: str, email: str, verified: Any = True, **change: str) -> dict[str, str]:
    """A person signs in at the provider (its form, as a browser posts it); `change` alters the request we
    sent first, as an attacker in between could. `verified`: the ID token's `email_verified` (MISSING: the
    token has none). Answers the query of the redirect back to us."""
    sub = f"user-{uuid.uuid4().hex[:8]}"
    parts = urlsplit(authorize_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | change
    base = f"{parts.scheme}://{parts.netloc}"
    user: dict[str, Any] = {"email": email, "name": "Nguyễn Văn An"}
    if verified is not MISSING:
        user["email_verified"] = verified
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{base}/users/{sub}", json=user) as put:
            assert put.status == 204
        async with http.post(
            f"{base}{parts.path}?{urlencode(query)}", data={"sub": sub}, allow_redirects=False
        ) as answer:
            assert answer.status == 302, await answer.text()
            back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{SITE}/auth/oidc/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


async def come_back(client: Client, answer: dict[str, str], state_cookie: str) -> Any:
    response = await client.get(
        "/auth/oidc/callback", params=answer, headers={"Cookie": f"{SSO_COOKIE}={state_cookie}"}, allow_redirects=False
    )
    client.session.cookie_jar.clear()
    return response


async def test_single_sign_on_signs_an_allowed_domain_in_to_its_organisation(sso: tuple[Client, str]) -> None:
    client, organisation = sso
    location, state_cookie = await begin(client)
    sent = parse_qs(urlsplit(location).query)
    assert sent["code_challenge_method"] == ["S256"] and sent["client_id"] == [CLIENT_ID]
    assert sent["state"] == [state_cookie] and sent["nonce"][0] != state_cookie

    answer = await at_provider(location, "an@quatest2.example")
    back = await come_back(client, answer, state_cookie)
    assert back.status == 302, await back.text()
    assert back.headers["Location"] == "/organiser"
    session_id = back.cookies[COOKIE].value
    me = await client.get("/auth/session", headers={"Cookie": f"{COOKIE}={session_id}"})
    body = await me.json()
    assert me.status == 200, body
    assert body["organiser"]["email"] == "an@quatest2.example"
    assert body["organiser"]["organisation_name"] == organisation

    # the provider's answer works once
    assert (await come_back(client, answer, state_cookie)).status == 400
    # the same person again is the same organiser
    location, state_cookie = await begin(client)
    again = await come_back(client, await at_provider(location, "An@Quatest2.example"), state_cookie)
    assert again.status == 302
    me = await client.get("/auth/session", headers={"Cookie": f"{COOKIE}={again.cookies[COOKIE].value}"})
    assert (await me.json())["organiser"]["id"] == body["organiser"]["id"]


async def test_an_answer_for_another_browser_or_a_wrong_state_is_refused(sso: tuple[Client, str]) -> None:
    client, _ = sso
    location, state_cookie = await begin(client)
    answer = await at_provider(location, "an@quatest2.example")
    other_browser, _ = await begin(client)
    other_state = parse_qs(urlsplit(other_browser).query)["state"][0]
    for query, cookie in (
        ({**answer, "state": "x" * 43}, state_cookie),  # a state we never sent
        (answer, other_state),  # our answer, taken to another browser (login CSRF)
    ):
        refused = await come_back(client, query, cookie)
        assert refused.status == 400
        assert (await refused.json())["field"] == "state"
        assert COOKIE not in refused.cookies
    # this code carried into the other browser's own sign-in: its ID token holds our nonce, not theirs
    spliced = await come_back(client, {**answer, "state": other_state}, other_state)
    assert spliced.status == 403
    assert (await spliced.json())["field"] == "id_token"
    assert COOKIE not in spliced.cookies


async def test_an_id_token_with_another_nonce_is_refused(sso: tuple[Client, str]) -> None:
    client, _ = sso
    location, state_cookie = await begin(client)
    answer = await at_provider(location, "an@quatest2.example", nonce="a-nonce-we-never-made")
    refused = await come_back(client, answer, state_cookie)
    assert refused.status == 403
    assert (await refused.json())["field"] == "id_token"
    assert COOKIE not in refused.cookies


async def test_a_browser_refused_is_sent_back_to_the_sign_in_page(sso: tuple[Client, str]) -> None:
    client, _ = sso
    location, state_cookie = await begin(client)
    answer = await at_provider(location, "an@quatest2.example", nonce="a-nonce-we-never-made")
    refused = await client.get(
        "/auth/oidc/callback",
        params=answer,
        headers={"Cookie": f"{SSO_COOKIE}={state_cookie}", "Accept": "text/html,application/xhtml+xml"},
        allow_redirects=False,
    )
    assert (refused.status, refused.headers["Location"]) == (302, "/login?error=sso")
    assert COOKIE not in refused.cookies


async def test_an_email_domain_not_mapped_is_refused(sso: tuple[Client, str]) -> None:
    client, _ = sso
    location, state_cookie = await begin(client)
    refused = await come_back(client, await at_provider(location, "someone@elsewhere.example"), state_cookie)
    assert refused.status == 403
    assert (await refused.json())["field"] == "email"


@pytest.mark.parametrize(
    "verified", [MISSING, "false", "true", False, None, 1], ids=lambda v: "missing" if v is MISSING else repr(v)
)
async def test_an_email_the_provider_does_not_say_is_verified_is_refused(
    sso: tuple[Client, str], verified: Any
) -> None:
    """Only `email_verified: true` in the provider's own ID token lets an address sign in (and take the
    account of an organiser with that address)."""
    client, _ = sso
    location, state_cookie = await begin(client)
    refused = await come_back(client, await at_provider(location, "an@quatest2.example", verified), state_cookie)
    assert refused.status == 403, await refused.text()
    assert (await refused.json())["field"] == "email"
    assert COOKIE not in refused.cookies


async def test_answers_that_do_not_sign_in_are_limited_per_client_address(sso: tuple[Client, str]) -> None:
    client, _ = sso
    for i in range(CALLBACK_ADDRESS_FREE):
        state = f"guessed-state-{i:030d}"
        assert (await come_back(client, {"state": state, "code": "c"}, state)).status == 400
    _, state_cookie = await begin(client)
    refused = await come_back(client, {"state": state_cookie, "code": "c"}, state_cookie)
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) >= 1


async def test_without_configuration_single_sign_on_is_not_there(client: Client) -> None:
    assert (await client.get("/auth/oidc/start", allow_redirects=False)).status == 404


PROVIDER = oidc.Provider("https://id.example.org", CLIENT_ID, "secret", {"quatest2.example": "QUATEST 2"}, "")
KEY = RSAKey.generate_key(2048, parameters={"kid": "ours"})
STRANGER = RSAKey.generate_key(2048, parameters={"kid": "ours"})  # same kid, not the published key
JWKS = KeySet([KEY]).as_dict()


def id_token(key: RSAKey = KEY, alg: str = "RS256", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": PROVIDER.issuer, "aud": CLIENT_ID, "sub": "u1", "iat": now, "exp": now + 300, "nonce": "n1"}
    return jwt.encode({"alg": alg, "kid": "ours"}, body | claims, key)


def test_the_id_token_checks() -> None:
    assert oidc.verify_id_token(id_token(), JWKS, PROVIDER, "n1")["sub"] == "u1"
    wrong = {
        "audience": id_token(aud="another-client"),
        "several audiences, none authorised": id_token(aud=[CLIENT_ID, "another-client"]),
        "issuer": id_token(iss="https://evil.example"),
        "nonce": id_token(nonce="n2"),
        "no nonce": id_token(nonce=None),
        "expired": id_token(exp=int(time.time()) - 120),
        "signature": id_token(STRANGER),
    }
    for what, token in wrong.items():
        with pytest.raises(Problem) as refused:
            oidc.verify_id_token(token, JWKS, PROVIDER, "n1")
        assert (refused.value.status, refused.value.field) == (403, "id_token"), what
    several = id_token(aud=[CLIENT_ID, "another-client"], azp=CLIENT_ID)
    assert oidc.verify_id_token(several, JWKS, PROVIDER, "n1")["azp"] == CLIENT_ID


def test_the_domain_mapping_setting() -> None:
    assert oidc.domain_map(" quatest2.gov.vn = QUATEST 2 ,Example.org=Example") == {
        "quatest2.gov.vn": "QUATEST 2",
        "example.org": "Example",
    }
    for bad in ("quatest2.gov.vn", "=QUATEST 2", "a@b.example=X"):
        with pytest.raises(SystemExit):
            oidc.domain_map(bad)
