"""Directives of adopted resolutions and their follow-up."""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web

from resolution_svc import api, directives_db, service
from resolution_svc.bodies import directive_body, progress_body
from resolution_svc.deciding import actor, publish
from resolution_svc.views.access import caller, follow_up_only, pool
from schemas import events as ev
from schemas.codec import new_event
from servicekit import pg
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
    rows = await directives_db.list_directives(
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
    progress = await directives_db.latest_progress(pool(request), [r["id"] for r in rows])
    return json_response(api.DirectiveList(items=[directive_body(r, progress[r["id"]]) for r in rows]))


async def visible_directive(request: web.Request, claims: Claims, conn: pg.Connection | None = None) -> pg.Row:
    did = parse_uuid(request.match_info["directive_id"], "directive")
    row = await directives_db.directive(conn or pool(request), did, dt.datetime.now(dt.UTC), lock=conn is not None)
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
    progress = await directives_db.latest_progress(pool(request), [row["id"]])
    return json_response(directive_body(row, progress[row["id"]]), headers={"ETag": etag(row["version"])})


async def get_progress(request: web.Request) -> web.Response:
    """Every progress report on the directive, newest first: the history is never rewritten."""
    row = await visible_directive(request, caller(request))
    history = await directives_db.progress_history(pool(request), row["id"])
    return json_response(api.DirectiveProgressList(items=[progress_body(p) for p in history]))


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
        problem = service.progress_department_problem(
            kind=claims.kind,
            own_department=claims.department,
            named=body.department_id,
            responsible=list(row["department_ids"]),
        )
        if problem:
            raise Problem(422, "Invalid field", problem, field="department_id")
        check_if_match(request, row["version"])
        department = claims.department if claims.kind == "participant" else body.department_id
        entry = await directives_db.record_progress(
            conn,
            row["id"],
            {
                "department_id": department,
                "author_kind": claims.kind,
                "author_id": claims.sub,
                "status": body.status,
                "note": body.note,
            },
        )
        updated = await directives_db.set_directive_status(
            conn, row["id"], body.status, body.note, dt.datetime.now(dt.UTC)
        )
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
                department_id=department,
                progress_id=entry["id"],
            ),
        )
        progress = await directives_db.latest_progress(conn, [row["id"]])
    return json_response(directive_body(updated, progress[row["id"]]), headers={"ETag": etag(updated["version"])})
