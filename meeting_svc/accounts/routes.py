"""Organiser sign-in and API tokens: routes with their OpenAPI description (joined into meeting_svc's one list)."""

from __future__ import annotations

from meeting_svc.accounts import api, api_tokens, resets, signin, single_sign_on
from servicekit.http import Handler
from servicekit.openapi import Operation

COOKIE = "session"  # the browser session cookie (see the security scheme)
CSRF = ("X-CSRF-Token",)
CSRF_DOC = (
    "Cookie-authenticated: the request must come from this site's pages (`Origin`) and carry the session's"
    " CSRF token (from sign-in or `GET /auth/session`) in `X-CSRF-Token`; otherwise 403."
)

OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            "/auth/sign-in",
            "Sign in with email and password: sets the session cookie",
            "sign-in",
            request=api.SignIn,
            response=api.SessionInfo,
            errors=(400, 401, 403, 422, 429),
            auth=None,
            description=(
                "A wrong email and a wrong password get the same 401. Repeated failures for one email (existing or"
                " not, however its letters are typed: case, width, compatibility forms), for one account or from"
                " one client address lock further attempts for a while, the right password's too: 429 with"
                " `Retry-After`."
            ),
        ),
        signin.sign_in,
    ),
    (
        Operation(
            "GET",
            "/auth/session",
            "The signed-in organiser and the session's CSRF token",
            "sign-in",
            response=api.SessionInfo,
            errors=(401,),
            auth=COOKIE,
        ),
        signin.current_session,
    ),
    (
        Operation(
            "POST",
            "/auth/sign-out",
            "End this browser's session",
            "sign-in",
            status=204,
            errors=(403,),
            auth=None,
            headers=CSRF,
            description=CSRF_DOC + " Without a session: 204 all the same.",
        ),
        signin.sign_out,
    ),
    (
        Operation(
            "POST",
            "/auth/sign-out-everywhere",
            "End every session of this organiser and revoke every token issued to them",
            "sign-in",
            response=api.SignedOutEverywhere,
            errors=(401, 403),
            auth=COOKIE,
            headers=CSRF,
            description=CSRF_DOC,
        ),
        signin.sign_out_everywhere,
    ),
    (
        Operation(
            "POST",
            "/auth/token",
            "A short-lived bearer token for the APIs, for this session's console",
            "sign-in",
            response=api.AccessToken,
            errors=(401, 403),
            auth=COOKIE,
            headers=CSRF,
            description=CSRF_DOC + " The token ends with the session, and at the latest after CONSOLE_TOKEN_MINUTES.",
        ),
        signin.access_token,
    ),
    (
        Operation(
            "POST",
            "/auth/password-reset",
            "Email a password reset link (202 whether or not the address is an organiser's)",
            "sign-in",
            request=api.ResetRequest,
            status=202,
            errors=(400, 422, 429),
            auth=None,
            description=(
                "At most three links for one email (however it is typed) and one account within a while: further"
                " requests are answered 202 and send nothing. Many requests from one client address: 429 with"
                " `Retry-After`."
            ),
        ),
        resets.request_reset,
    ),
    (
        Operation(
            "POST",
            "/auth/password-reset/complete",
            "Set a new password with a reset link: ends every session and token, signs this browser in",
            "sign-in",
            request=api.ResetComplete,
            response=api.SessionInfo,
            errors=(400, 410, 422, 429),
            auth=None,
            description=(
                "The link works once and until PASSWORD_RESET_MINUTES after it was asked for: then 410. Many links"
                " that do not work from one client address: 429 with `Retry-After`."
            ),
        ),
        resets.complete_reset,
    ),
    (
        Operation(
            "GET",
            "/auth/oidc/start",
            "Single sign-on: redirect to the OpenID Connect provider",
            "sign-in",
            status=302,
            errors=(404,),
            auth=None,
            description="404 when single sign-on is not configured.",
        ),
        single_sign_on.start,
    ),
    (
        Operation(
            "GET",
            "/auth/oidc/callback",
            "Single sign-on: the provider's answer; sets the session cookie and redirects to the console",
            "sign-in",
            status=302,
            errors=(400, 403, 404, 429),
            auth=None,
            query={"code": "authorization code", "state": "the state sent", "error": "the provider's refusal"},
            description=(
                "400 when the state is not one this browser started (or it expired, or was used); 403 when the"
                " ID token does not verify (signature, issuer, audience, expiry, nonce) or its email domain is"
                " not allowed; 429 with `Retry-After` after many answers from one client address that did not sign"
                " in. A browser (asking for HTML) is sent to `/login?error=sso` instead."
            ),
        ),
        single_sign_on.callback,
    ),
    (
        Operation(
            "POST",
            "/api/v1/api-tokens",
            "Make an API token for a machine (shown in this answer only)",
            "api-tokens",
            request=api.ApiTokenCreate,
            response=api.NewApiToken,
            status=201,
            errors=(400, 401, 403, 422),
        ),
        api_tokens.create_api_token,
    ),
    (
        Operation(
            "GET", "/api/v1/api-tokens", "The organisation's API tokens", "api-tokens", response=api.ApiTokenList
        ),
        api_tokens.list_api_tokens,
    ),
    (
        Operation(
            "DELETE",
            "/api/v1/api-tokens/{token_id}",
            "Revoke an API token (at once here, within seconds in the other services)",
            "api-tokens",
            status=204,
            errors=(401, 403, 404),
        ),
        api_tokens.revoke_api_token,
    ),
]
