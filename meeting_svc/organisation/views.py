"""Departments and blocks of the organisation; each creation or change is announced on the bus
(organisation/announce.py)."""

from __future__ import annotations

import asyncpg
import msgspec
from aiohttp import web

from meeting_svc.access import caller, organiser, pool
from meeting_svc.bilingual import bilingual
from meeting_svc.organisation import api, db
from meeting_svc.organisation.announce import department_event
from meeting_svc.organisation.bodies import department_body
from schemas import events as ev
from schemas.bus import enqueue
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME
from servicekit.tokens import Claims


async def announce(
    request: web.Request, conn: pg.Connection, claims: Claims, kind: type[ev.DepartmentFacts], row: pg.Row
) -> None:
    """The change on the bus, in the outbox of its own transaction."""
    event = department_event(kind, claims.org, row, actor=f"organiser:{claims.sub}")
    await enqueue(conn, request.app[RUNTIME].subjects, event)


async def create_department(request: web.Request) -> web.Response:
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.DepartmentCreate)
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: pg.Connection) -> web.Response:
            if body.parent_id is not None:
                parent = await db.department(conn, claims.org, body.parent_id)
                if parent is None:
                    raise Problem(422, "Unknown parent", "no such department", field="parent_id")
                if parent["parent_id"] is not None:
                    raise Problem(
                        422, "Too deep", "departments have two levels: a block and its departments", field="parent_id"
                    )
            values = {"code": body.code, "name_vi": body.name.vi, "name_en": body.name.en, "parent_id": body.parent_id}
            try:
                async with conn.transaction():
                    row = await db.insert_department(conn, claims.org, values)
            except asyncpg.UniqueViolationError:
                raise Problem(409, "Code taken", f"a department with code {body.code!r} exists", field="code") from None
            await announce(request, conn, claims, ev.DepartmentDefined, row)
            return json_response(department_body(row), 201, {"Location": f"/api/v1/departments/{row['id']}"})

        return await idempotent(request, conn, str(claims.org), raw, create)


async def list_departments(request: web.Request) -> web.Response:
    claims = await caller(request)
    departments = [department_body(r) for r in await db.departments(pool(request), claims.org)]
    return json_response(api.DepartmentList(items=departments))


async def patch_department(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.DepartmentPatch)
    dep = parse_uuid(request.match_info["department_id"], "department")
    async with pool(request).acquire() as conn, conn.transaction():
        row = await db.department(conn, claims.org, dep)
        if row is None:
            raise Problem(404, "Not found", "no such department")
        name = body.name if not isinstance(body.name, msgspec.UnsetType) else bilingual(row, "name")
        code = body.code if not isinstance(body.code, msgspec.UnsetType) else row["code"]
        try:
            async with conn.transaction():
                row = await db.update_department(conn, dep, {"code": code, "name_vi": name.vi, "name_en": name.en})
        except asyncpg.UniqueViolationError:
            raise Problem(409, "Code taken", f"a department with code {code!r} exists", field="code") from None
        await announce(request, conn, claims, ev.DepartmentRenamed, row)
    return json_response(department_body(row))
