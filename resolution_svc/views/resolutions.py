"""Resolutions: drafting and editing the text and its directives."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from resolution_svc import api, db, service
from resolution_svc.bodies import bilingual, directives_json, event_directives, resolution_body
from resolution_svc.deciding import actor, amended_event, publish
from resolution_svc.views.access import caller, pool, require, visible_meeting
from schemas import events as ev
from schemas.codec import new_event
from servicekit import pg
from servicekit.http import Problem, check_if_match, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME
from servicekit.tokens import Claims


def resolution_values(title: ev.Bilingual, text: ev.Bilingual, directives: Any) -> dict[str, Any]:
    if not (title.vi or title.en):
        raise Problem(422, "Title required", "give the title in Vietnamese, English or both", field="title")
    return {
        "title_vi": title.vi,
        "title_en": title.en,
        "text_vi": text.vi,
        "text_en": text.en,
        "directives": msgspec.json.encode(directives).decode(),
    }


async def create_resolution(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    await require(request, claims, service.DRAFTERS, "drafting a resolution")
    raw = await request.read()
    body = await read_json(request, api.ResolutionCreate)
    directives = directives_json(body.directives)
    values = resolution_values(body.title, body.text, directives)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: pg.Connection) -> web.Response:
            row = await db.insert_resolution(conn, meeting, values)
            await publish(
                runtime,
                conn,
                new_event(
                    ev.ResolutionDrafted,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    resolution_id=row["id"],
                    title=body.title,
                    text=body.text,
                    directives=event_directives(row),
                ),
            )
            return json_response(resolution_body(row), 201, {"ETag": etag(row["version"])})

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_resolutions(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    rows = await db.resolutions(pool(request), meeting["id"])
    return json_response(api.ResolutionList(items=[resolution_body(r) for r in rows]))


async def visible_resolution(request: web.Request, claims: Claims, conn: pg.Connection | None = None) -> pg.Row:
    rid = parse_uuid(request.match_info["resolution_id"], "resolution")
    row = await db.resolution(conn or pool(request), rid, lock=conn is not None)
    if row is None:
        raise Problem(404, "Not found", "no such resolution")
    await visible_meeting(request, claims, row["meeting_id"])
    return row


async def get_resolution(request: web.Request) -> web.Response:
    row = await visible_resolution(request, caller(request))
    return json_response(resolution_body(row), headers={"ETag": etag(row["version"])})


async def patch_resolution(request: web.Request) -> web.Response:
    claims = caller(request)
    body = await read_json(request, api.ResolutionPatch)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():
        row = await visible_resolution(request, claims, conn)
        await require(request, claims, service.DRAFTERS, "editing a resolution")
        check_if_match(request, row["version"], required=True)
        if row["status"] != "draft":
            raise Problem(409, "Not editable", f"the resolution is {row['status']}", current_status=row["status"])
        title = body.title if not isinstance(body.title, msgspec.UnsetType) else bilingual(row, "title")
        text = body.text if not isinstance(body.text, msgspec.UnsetType) else bilingual(row, "text")
        directives = (
            directives_json(body.directives)
            if not isinstance(body.directives, msgspec.UnsetType)
            else msgspec.json.decode(row["directives"])
        )
        updated = await db.update_resolution(conn, row["id"], resolution_values(title, text, directives))
        await publish(runtime, conn, amended_event(updated, claims))
    return json_response(resolution_body(updated), headers={"ETag": etag(updated["version"])})
