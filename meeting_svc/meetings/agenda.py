"""A meeting's agenda."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from aiohttp import web

from meeting_svc.access import STAFF, actor, caller, editable, pool, publish, require, visible_meeting
from meeting_svc.meetings import api, db
from meeting_svc.meetings.bodies import agenda_body, agenda_event_item
from schemas import events as ev
from schemas.codec import new_event
from servicekit import pg
from servicekit.http import Problem, check_if_match, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.tokens import Claims


def agenda_values(body: api.AgendaItemCreate | api.AgendaItemPatch, base: dict[str, Any]) -> dict[str, Any]:
    v = dict(base)
    for f in body.__struct_fields__:
        value = getattr(body, f)
        if isinstance(value, msgspec.UnsetType) or f == "position":
            continue
        if f == "title":
            v["title_vi"], v["title_en"] = value.vi, value.en
        else:
            v[f] = value
    if not (v.get("title_vi") or v.get("title_en")):
        raise Problem(422, "Title required", "give the title in Vietnamese, English or both", field="title")
    return v


async def agenda_edit(request: web.Request, claims: Claims, conn: pg.Connection) -> pg.Row:
    require(claims, STAFF, "editing the agenda")
    meeting = await visible_meeting(request, claims, lock_conn=conn)
    check_if_match(request, meeting["agenda_version"])
    editable(meeting)
    return meeting


async def agenda_answer(conn: pg.Connection, meeting_id: uuid.UUID, status: int = 200) -> web.Response:
    version = await db.bump_agenda(conn, meeting_id)
    items = await db.agenda(conn, meeting_id)
    return json_response({"items": [agenda_body(a) for a in items]}, status, {"ETag": etag(version)})


async def get_agenda(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    items = await db.agenda(pool(request), meeting["id"])
    return json_response({"items": [agenda_body(a) for a in items]}, headers={"ETag": etag(meeting["agenda_version"])})


async def add_agenda_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    raw = await request.read()
    body = await read_json(request, api.AgendaItemCreate)
    values = agenda_values(body, {k: None for k in db.AGENDA_FIELDS})
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)

        async def create(conn: pg.Connection) -> web.Response:
            row = await db.insert_agenda_item(conn, meeting["id"], body.position, values)
            await publish(
                request,
                conn,
                new_event(
                    ev.AgendaItemAdded, meeting_id=meeting["id"], actor=actor(claims), item=agenda_event_item(row)
                ),
            )
            return await agenda_answer(conn, meeting["id"], 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def patch_agenda_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.AgendaItemPatch)
    item_id = parse_uuid(request.match_info["item_id"], "agenda item")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)
        item = await db.agenda_item(conn, meeting["id"], item_id)
        if item is None:
            raise Problem(404, "Not found", "no such agenda item")
        row = await db.update_agenda_item(conn, item_id, agenda_values(body, {k: item[k] for k in db.AGENDA_FIELDS}))
        await publish(
            request,
            conn,
            new_event(ev.AgendaItemUpdated, meeting_id=meeting["id"], actor=actor(claims), item=agenda_event_item(row)),
        )
        return await agenda_answer(conn, meeting["id"])


async def remove_agenda_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    item_id = parse_uuid(request.match_info["item_id"], "agenda item")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)
        if await db.agenda_item(conn, meeting["id"], item_id) is None:
            raise Problem(404, "Not found", "no such agenda item")
        await db.remove_agenda_item(conn, meeting["id"], item_id)
        await publish(
            request,
            conn,
            new_event(ev.AgendaItemRemoved, meeting_id=meeting["id"], actor=actor(claims), item_id=item_id),
        )
        return await agenda_answer(conn, meeting["id"])


async def reorder_agenda(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.AgendaOrder)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)
        current = {r["id"] for r in await db.agenda(conn, meeting["id"])}
        if len(body.item_ids) != len(set(body.item_ids)) or set(body.item_ids) != current:
            raise Problem(
                422, "Not a reordering", "item_ids must list every agenda item exactly once", field="item_ids"
            )
        await db.reorder_agenda(conn, meeting["id"], body.item_ids)
        await publish(
            request,
            conn,
            new_event(ev.AgendaReordered, meeting_id=meeting["id"], actor=actor(claims), item_ids=body.item_ids),
        )
        return await agenda_answer(conn, meeting["id"])
