"""Who is calling and what they may see: the checks every handler starts with."""

from __future__ import annotations

import functools
import uuid

import asyncpg
from aiohttp import web

from resolution_svc import barrier, db
from resolution_svc.sealing import BallotKeys, read_ballot_key
from resolution_svc.settings import Settings
from schemas.bus import enqueue
from schemas.events import Event
from servicekit.http import Problem
from servicekit.runtime import RUNTIME, Runtime
from servicekit.tokens import Claims, TokenVerifier

VERIFIER = web.AppKey("verifier", TokenVerifier)
SETTINGS = web.AppKey("settings", Settings)
BALLOT_KEYS = web.AppKey("ballot_keys", BallotKeys)


def ballot_keys(runtime: Runtime) -> BallotKeys:
    """The keys of secret ballots, for code that has the runtime (open and close run from requests, the
    schedule and the meeting consumer alike)."""
    return _keys_of(runtime.settings.ballot_key)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4)
def _keys_of(ballot_key: str) -> BallotKeys:
    return BallotKeys(read_ballot_key(ballot_key))


def pool(request: web.Request) -> asyncpg.Pool:
    return request.app[RUNTIME].db()


def caller(request: web.Request) -> Claims:
    return request.app[VERIFIER].from_request(request)


def actor(claims: Claims) -> str:
    return f"{claims.kind}:{claims.sub}"


async def publish(runtime: Runtime, conn: asyncpg.Connection, *events: Event) -> None:
    await enqueue(conn, runtime.subjects, *events)


async def visible_meeting(request: web.Request, claims: Claims, meeting_id: uuid.UUID) -> asyncpg.Record:
    """The meeting if the caller may see it; 404 otherwise. Known from meeting_svc's events."""
    if claims.kind == "participant" and claims.meeting != meeting_id:
        raise Problem(404, "Not found", "no such meeting")
    meeting = await db.meeting(pool(request), meeting_id)
    if meeting is None:
        # not in the read model yet: wait for what meeting_svc acknowledged before this request
        await catch_up(request, meeting_id)
        meeting = await db.meeting(pool(request), meeting_id)
    if meeting is None or meeting["organisation_id"] != claims.org:
        raise Problem(404, "Not found", "no such meeting")
    return meeting


async def catch_up(request: web.Request, meeting_id: uuid.UUID) -> int:
    return await barrier.caught_up(request.app[RUNTIME], meeting_id, request.app[SETTINGS].consistency_wait_s)


async def role_of(request: web.Request, claims: Claims) -> str | None:
    if claims.kind == "organiser":
        return "organiser"
    row = await pool(request).fetchrow("select role, removed from participants where id = $1", claims.sub)
    if row is None and claims.meeting is not None:
        await catch_up(request, claims.meeting)  # a participant invited a moment ago
        row = await pool(request).fetchrow("select role, removed from participants where id = $1", claims.sub)
    if row is None or row["removed"]:
        raise Problem(401, "Not a participant any more", field="Authorization")
    return row["role"]  # type: ignore[no-any-return]


async def require(request: web.Request, claims: Claims, roles: frozenset[str], what: str) -> None:
    role = await role_of(request, claims)
    if role != "organiser" and role not in roles:
        raise Problem(403, "Not allowed", f"{what} needs the organiser or one of: {', '.join(sorted(roles))}")
