"""Directives of adopted resolutions and their follow-up."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
from aiohttp import web

from resolution_svc import api, db
from resolution_svc.views.access import actor, caller, follow_up_only, pool, publish
from resolution_svc.views.bodies import directive_body
from schemas import events as ev
from schemas.codec import new_event
from servicekit.fields import Request
from servicekit.http import Problem, check_if_match, convert_query, etag, json_response, parse_uuid, read_json
from servicekit.runtime import RUNTIME
from servicekit.sessions import not_allowed
from servicekit.tokens import Claims


class DirectiveQuery(Request, kw_only=True):
    department: uuid.UUID | None = None
    status: ev.DirectiveStatus | None = None
    overdue: bool = False
    meeting_id: uuid.UUID | None = None


async def list_directives(request: web.Request) -> web.Response:
    claims = caller(request)
    q = convert_query(dict(request.query), DirectiveQuery)
    meeting_id = q.meeting_id
    if claims.kind == "participant":
        if meeting_id not in (None, claims.meeting):
            raise Problem(404, "Not found", "no such meeting")
        meeting_id = claims.meeting
    department = q.department
    if follow_up_only(request):  # after the meeting: only their department's directives, until done
        if department not in (None, claims.department):
            raise not_allowed()
        department = claims.department
    rows = await db.list_directives(
        pool(request),
        {
            "org": claims.org,
            "meeting_id": meeting_id,
            "department": department,
            "status": q.status,
            "overdue": q.overdue,
        },
        dt.datetime.now(dt.UTC),
    )
    if follow_up_only(request):
        rows = [r for r in rows if r["status"] != "done"]
    return json_response(api.DirectiveList(items=[directive_body(r) for r in rows]))


async def visible_directive(
    request: web.Request, claims: Claims, conn: asyncpg.Connection | None = None
) -> asyncpg.Record:
    did = parse_uuid(request.match_info["directive_id"], "directive")
    row = await db.directive(conn or pool(request), did, dt.datetime.now(dt.UTC), lock=conn is not None)
    if (
        row is None
        or row["organisation_id"] != claims.org
        or (claims.kind == "participant" and claims.meeting != row["meeting_id"])
        or (follow_up_only(request) and (claims.department not in row["department_ids"] or row["status"] == "done"))
    ):
        raise Problem(404, "Not found", "no such directive")
    return row


async def get_directive(request: web.Request) -> web.Response:
    row = await visible_directive(request, caller(request))
    return json_response(directive_body(row), headers={"ETag": etag(row["version"])})


async def patch_directive(request: web.Request) -> web.Response:
    claims = caller(request)
    body = await read_json(request, api.DirectivePatch)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():
        row = await visible_directive(request, claims, conn)
        # the responsible department's representative, as they are now (not as their token was issued)
        if claims.kind != "organiser" and (
            claims.role != "department_representative" or claims.department not in row["department_ids"]
        ):
            raise not_allowed()
        check_if_match(request, row["version"])
        updated = await db.set_directive_status(conn, row["id"], body.status, body.note, dt.datetime.now(dt.UTC))
        await publish(
            runtime,
            conn,
            new_event(
                ev.DirectiveStatusChanged,
                meeting_id=row["meeting_id"],
                actor=actor(claims),
                directive_id=row["id"],
                status=body.status,
                note=body.note,
            ),
        )
    return json_response(directive_body(updated), headers={"ETag": etag(updated["version"])})
