"""Who is calling and what they may see: the checks every handler starts with."""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web

from resolution_svc import barrier, roster
from resolution_svc.sealing import BallotKeys
from resolution_svc.settings import Settings
from servicekit import pg
from servicekit.http import Handler, Problem
from servicekit.runtime import RUNTIME
from servicekit.sessions import (
    Standing,
    Window,
    current_claims,
    not_allowed,
    session_access,
    session_ended,
    standing_of,
)
from servicekit.tokens import Claims, TokenVerifier

VERIFIER = web.AppKey("verifier", TokenVerifier)
SETTINGS = web.AppKey("settings", Settings)
BALLOT_KEYS = web.AppKey("ballot_keys", BallotKeys)


def pool(request: web.Request) -> pg.Pool:
    return request.app[RUNTIME].db()


CURRENT = web.RequestKey("current", Claims)
ACCESS = web.RequestKey("access", str)
# Handlers that check the caller's standing inside their own statement (the ballot: one round trip)
STANDING_IN_STATEMENT: set[Handler] = set()
WINDOW = web.AppKey("window", Window)
FOLLOW_UP_PATHS = ("/api/v1/directives",)


def standing_in_statement(handler: Handler) -> Handler:
    """Mark a handler that decides the caller's standing in its own SQL statement, with
    the caster's standing in casting.py's statement for the common case and `check_standing` when that
    statement refuses."""
    STANDING_IN_STATEMENT.add(handler)
    return handler


def caller(request: web.Request) -> Claims:
    """Who calls; for a participant, with the role and department they hold now (`current_state`)."""
    if CURRENT in request:
        return request[CURRENT]
    return request.app[VERIFIER].from_request(request)


@web.middleware
async def current_state(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A participant's request is decided on their current state in this service's read model (fed by
    meeting_svc's events), not on the token: removal, a revoked or reissued invite and the end of the
    meeting's window end the session; role and department are the current ones."""
    token = request.app[VERIFIER].token_of(request)
    if token:
        claims = request.app[VERIFIER].verify(token)
        if claims.kind == "participant" and request.match_info.handler not in STANDING_IN_STATEMENT:
            standing = await check_standing(request, claims)
            request[CURRENT] = current_claims(claims, standing)
    return await handler(request)


async def check_standing(request: web.Request, claims: Claims) -> Standing:
    """The participant's current standing, or 401 when their session ended (`session_access`)."""
    standing = await standing_of(lambda: roster.standing(pool(request), claims.sub))
    access = session_access(claims, standing, request.app[WINDOW], dt.datetime.now(dt.UTC))
    # after the meeting's window a representative keeps only their department's directives
    if access is None or (access == "follow_up" and not request.path.startswith(FOLLOW_UP_PATHS)):
        raise session_ended()
    request[ACCESS] = access
    return standing


def follow_up_only(request: web.Request) -> bool:
    return request.get(ACCESS) == "follow_up"


async def visible_meeting(request: web.Request, claims: Claims, meeting_id: uuid.UUID) -> pg.Row:
    """The meeting if the caller may see it; 404 otherwise. Known from meeting_svc's events."""
    if claims.kind == "participant" and claims.meeting != meeting_id:
        raise Problem(404, "Not found", "no such meeting")
    meeting = await roster.meeting(pool(request), meeting_id)
    if meeting is None:
        # not in the read model yet: wait for what meeting_svc acknowledged before this request
        await catch_up(request, meeting_id)
        meeting = await roster.meeting(pool(request), meeting_id)
    if meeting is None or meeting["organisation_id"] != claims.org:
        raise Problem(404, "Not found", "no such meeting")
    return meeting


async def catch_up(request: web.Request, meeting_id: uuid.UUID) -> int:
    return await barrier.caught_up(request.app[RUNTIME], meeting_id, request.app[SETTINGS].consistency_wait_s)


async def require(request: web.Request, claims: Claims, roles: frozenset[str], what: str) -> None:
    """Organisers (by their token's kind, never a participant's role) may; participants need one of
    `roles`, as they hold it now."""
    if claims.kind != "organiser" and claims.role not in roles:
        raise not_allowed()
