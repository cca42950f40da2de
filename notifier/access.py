"""Who calls the notifier's HTTP API, shared by the channels' views: the app's keys (token verifier,
settings, the session window), the organiser check, the database pool, and the middleware that judges a
participant's session on their current state."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from notifier import read_model
from notifier.settings import Settings
from servicekit import pg
from servicekit.http import Handler
from servicekit.runtime import RUNTIME
from servicekit.sessions import Window, not_allowed, session_access, session_ended, standing_of
from servicekit.tokens import Claims, TokenVerifier, read_key

VERIFIER = web.AppKey("verifier", TokenVerifier)
SETTINGS = web.AppKey("settings", Settings)
WINDOW = web.AppKey("window", Window)


def verifier_of(settings: Settings) -> TokenVerifier:
    return TokenVerifier(read_key(settings.token_public_key, "TOKEN_PUBLIC_KEY"))


def organiser(request: web.Request) -> Claims:
    claims = request.app[VERIFIER].from_request(request)
    if claims.kind != "organiser":
        raise not_allowed()
    return claims


def pool(request: web.Request) -> pg.Pool:
    return request.app[RUNTIME].db()


@web.middleware
async def current_state(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A participant's session is judged on their current state in this service's read model (from
    meeting_svc's events), not on the token: removal, a revoked or reissued invite and the end of the
    meeting's window end it. Follow-up access (directives) is resolution_svc's; here it reaches nothing."""
    token = request.app[VERIFIER].token_of(request)
    if token:
        claims = request.app[VERIFIER].verify(token)
        if claims.kind == "participant":
            standing = await standing_of(lambda: read_model.standing(pool(request), claims.sub))
            if session_access(claims, standing, request.app[WINDOW], dt.datetime.now(dt.UTC)) != "full":
                raise session_ended()
    return await handler(request)
