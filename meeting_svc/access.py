"""Who is calling and what they may see: the checks every handler starts with."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Collection

from aiohttp import web

from meeting_svc.accounts import db as accounts_db
from meeting_svc.events import number_events
from meeting_svc.meetings import db as meetings_db
from meeting_svc.meetings import rules as meetings_rules
from meeting_svc.people import db as people_db
from meeting_svc.settings import Settings
from schemas.bus import enqueue
from schemas.events import Event
from servicekit import pg
from servicekit.clock import Clock
from servicekit.http import Problem, parse_uuid
from servicekit.runtime import RUNTIME
from servicekit.sessions import Standing, Window, current_claims, not_allowed, session_access, session_ended
from servicekit.tokens import READ_METHODS, Claims, TokenSigner, TokenVerifier

VERIFIER = web.AppKey("verifier", TokenVerifier)
SIGNER = web.AppKey("signer", TokenSigner)
SETTINGS = web.AppKey("settings", Settings)
WINDOW = web.AppKey("window", Window)
MEETING_OWNERS = web.AppKey("meeting_owners", dict)
# the service's "now" for what the room records (items, speakers): tests move it instead of waiting
CLOCK = web.AppKey[Clock]("clock")
CLAIMS = web.RequestKey("claims", Claims)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STAFF = frozenset({"chair", "secretary"})  # participants who run the room


def pool(request: web.Request) -> pg.Pool:
    return request.app[RUNTIME].db()


async def caller(request: web.Request) -> Claims:
    """Who calls, and for a participant what they may do now: role and department come from the
    participant's current row, never from the token, so a change takes effect at the next request."""
    if CLAIMS in request:
        return request[CLAIMS]
    claims = request.app[VERIFIER].from_request(request)
    if claims.kind == "organiser":
        if not await accounts_db.token_in_use(pool(request), claims.jti):
            raise Problem(401, "Token revoked", field="Authorization", headers={"WWW-Authenticate": "Bearer"})
        if claims.scope == "read" and request.method not in READ_METHODS:
            raise not_allowed()
    else:
        claims = await participant_now(request, claims, reading=request.method == "GET")
    request[CLAIMS] = claims
    return claims


async def participant_now(request: web.Request, claims: Claims, reading: bool) -> Claims:
    """A participant session's claims with the role and department the participant has now."""
    row = await people_db.standing(pool(request), claims.sub)
    standing = Standing(**dict(row)) if row is not None else None
    access = session_access(claims, standing, request.app[WINDOW], dt.datetime.now(dt.UTC))
    # after the meeting's window a representative's follow-up session only reads here (its
    # directives live in resolution_svc)
    if access is None or (access == "follow_up" and not reading):
        raise session_ended()
    assert standing is not None
    return current_claims(claims, standing)


@web.middleware
async def meeting_scope(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every route under a meeting first checks the caller may see that meeting, so a foreign id is a
    404 whatever else the request holds. A meeting's organisation never changes, so it is cached."""
    raw = request.match_info.get("meeting_id")
    if raw is not None:
        claims = await caller(request)
        meeting_id = parse_uuid(raw, "meeting")
        owners = request.app[MEETING_OWNERS]
        org = owners.get(meeting_id)
        if org is None:
            org = await pool(request).fetchval("select organisation_id from meetings where id = $1", meeting_id)
            if org is not None:
                if len(owners) > 100_000:
                    owners.clear()
                owners[meeting_id] = org
        if org != claims.org or (claims.kind == "participant" and claims.meeting != meeting_id):
            raise Problem(404, "Not found", "no such meeting")
    return await handler(request)


async def organiser(request: web.Request) -> Claims:
    claims = await caller(request)
    if claims.kind != "organiser":
        raise not_allowed()
    return claims


def actor(claims: Claims) -> str:
    return f"{claims.kind}:{claims.sub}"


async def visible_meeting(request: web.Request, claims: Claims, *, lock_conn: pg.Connection | None = None) -> pg.Row:
    """The meeting of the path if the caller may see it; 404 otherwise (never a hint that it exists)."""
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    return visible(
        claims,
        meeting_id,
        await meetings_db.meeting(lock_conn or pool(request), meeting_id, lock=lock_conn is not None),
    )


def visible(claims: Claims, meeting_id: uuid.UUID, row: pg.Row | None) -> pg.Row:
    if (
        row is None
        or row["organisation_id"] != claims.org
        or (claims.kind == "participant" and claims.meeting != meeting_id)
    ):
        raise Problem(404, "Not found", "no such meeting")
    return row


def require(claims: Claims, roles: Collection[str], what: str) -> None:
    """Organisers may do everything in their organisation; participants need one of `roles` (their
    current role: `caller` put it in the claims). The refusal names no one and nothing of the meeting."""
    if claims.kind != "organiser" and claims.role not in roles:
        raise not_allowed()


def editable(meeting: pg.Row) -> None:
    if meeting["status"] not in meetings_rules.EDITABLE:
        raise Problem(409, "Meeting closed", f"the meeting is {meeting['status']}", current_status=meeting["status"])


async def publish(request: web.Request, conn: pg.Connection, *events: Event) -> None:
    await enqueue(conn, request.app[RUNTIME].subjects, *await number_events(conn, events))
