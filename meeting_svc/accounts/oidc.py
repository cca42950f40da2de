"""Single sign-on by OpenID Connect: the authorization code flow with PKCE (S256), state and nonce, the ID
token verified against the provider's published keys (joserfc). Configured by OIDC_ISSUER,
OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_DOMAINS (which email domains sign in, into which
organisation). The provider's metadata and keys are read at each sign-in, so a key rotation needs
nothing from us."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from servicekit.http import Problem
from servicekit.settings import SettingsError

# The signature algorithms an ID token may use; "none" and the HMAC family (keyed with our own secret,
# which a provider's published keys cannot check) are never among them.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
LEEWAY_S = 60  # clock skew tolerated between the provider and us
TIMEOUT = aiohttp.ClientTimeout(total=10)
FLOW_MINUTES = 10  # how long a started sign-in may take at the provider


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    domains: dict[str, str]  # email domain -> organisation name
    redirect_uri: str


def domain_map(text: str) -> dict[str, str]:
    """`quatest2.gov.vn=QUATEST 2,example.org=Example` as {domain: organisation}."""
    domains: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        domain, sep, organisation = part.partition("=")
        if not sep or not domain.strip() or not organisation.strip() or "@" in domain:
            raise SettingsError(f"invalid setting OIDC_DOMAINS: {part!r} is not domain=organisation")
        domains[domain.strip().lower()] = organisation.strip()
    return domains


def provider_of(issuer: str, client_id: str, client_secret: str, domains: str, public_url: str) -> Provider | None:
    """The configured provider, or None when single sign-on is off."""
    if not (issuer or client_id):
        return None
    if not (issuer and client_id and client_secret and domains):
        raise SettingsError(
            "invalid setting OIDC_ISSUER: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"
            " and OIDC_DOMAINS together"
        )
    return Provider(
        issuer.rstrip("/"),
        client_id,
        client_secret,
        domain_map(domains),
        f"{public_url.rstrip('/')}/auth/oidc/callback",
    )


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636): the provider hands the code only to whoever holds the verifier."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def unavailable() -> Problem:
    return Problem(503, "Sign-in provider unavailable", "retry shortly", headers={"Retry-After": "5"})


async def metadata(http: aiohttp.ClientSession, provider: Provider) -> dict[str, Any]:
    """The provider's discovery document, which must name the issuer configured (OpenID Connect Discovery §4.3)."""
    try:
        async with http.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=TIMEOUT) as response:
            response.raise_for_status()
            found: dict[str, Any] = await response.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        raise unavailable() from None
    if str(found.get("issuer", "")).rstrip("/") != provider.issuer:
        raise Problem(503, "Sign-in provider misconfigured", "the provider names another issuer")
    return found


def authorization_url(endpoint: str, provider: Provider, state: str, nonce: str, verifier: str) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": provider.redirect_uri,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    return f"{endpoint}?{urlencode(query)}"


async def exchange_code(
    http: aiohttp.ClientSession, found: dict[str, Any], provider: Provider, code: str, verifier: str
) -> str:
    """The ID token the provider gives for this code (client_secret_basic, with the PKCE verifier)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": provider.redirect_uri,
        "code_verifier": verifier,
    }
    # client_secret_basic: each part form-encoded first (RFC 6749 §2.3.1)
    auth = aiohttp.encode_basic_auth(quote(provider.client_id, safe=""), quote(provider.client_secret, safe=""))
    try:
        async with http.post(
            found["token_endpoint"], data=form, headers={"Authorization": auth}, timeout=TIMEOUT
        ) as response:
            answer = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, TimeoutError, ValueError, KeyError):
        raise unavailable() from None
    if status != 200 or not isinstance(answer, dict) or not isinstance(answer.get("id_token"), str):
        raise Problem(403, "Sign-in refused", "the provider did not accept the sign-in", field="code")
    return str(answer["id_token"])


async def keys(http: aiohttp.ClientSession, found: dict[str, Any]) -> dict[str, Any]:
    try:
        async with http.get(found["jwks_uri"], timeout=TIMEOUT) as response:
            response.raise_for_status()
            jwks: dict[str, Any] = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError, KeyError):
        raise unavailable() from None
    return jwks


def verify_id_token(
    id_token: str, jwks: dict[str, Any], provider: Provider, nonce: str, now: float | None = None
) -> dict[str, Any]:
    """The ID token's claims once its signature (against the provider's keys), issuer, audience, expiry and
    nonce all check out (OpenID Connect Core §3.1.3.7); any failure is one 403 naming the token."""
    moment = int(now if now is not None else time.time())
    registry = jwt.JWTClaimsRegistry(
        now=moment,
        leeway=LEEWAY_S,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=ALGORITHMS)  # type: ignore[arg-type]  # JSON from the provider: import_key_set checks its shape
        registry.validate(token.claims)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise Problem(403, "Sign-in refused", f"the ID token is not valid ({exc})", field="id_token") from None
    claims = token.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise Problem(403, "Sign-in refused", "the ID token was issued to another client", field="id_token")
    return claims


def organisation_for(claims: dict[str, Any], provider: Provider) -> tuple[str, str]:
    """(email, organisation name) of a verified identity whose email domain is allowed; 403 otherwise. The
    provider must say the address is verified, by `email_verified` the JSON `true` (OpenID Connect Core
    §5.1): missing, the string "true" or "false", or anything else is not verified."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is not True:
        raise Problem(403, "Not allowed", "the provider gave no verified email address", field="email")
    organisation = provider.domains.get(email.rsplit("@", 1)[1].lower())
    if organisation is None:
        raise Problem(403, "Not allowed", "this email domain may not sign in here", field="email")
    return email, organisation
