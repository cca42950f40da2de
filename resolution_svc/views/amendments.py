"""Amendments proposed to a resolution, and their acceptance or rejection."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from aiohttp import web

from resolution_svc import api, db, service
from resolution_svc.views.access import actor, caller, pool, publish, require, visible_meeting
from resolution_svc.views.bodies import bilingual, directives_json
from resolution_svc.views.resolutions import amended_event, visible_resolution
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import VOTING_ROLES, Event
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME, Runtime
from servicekit.sessions import not_allowed
from servicekit.tokens import Claims


def amendment_body(row: Any) -> api.Amendment:
    return api.Amendment(
        id=row["id"],
        resolution_id=row["resolution_id"],
        proposer_id=row["proposer_id"],
        text=bilingual(row, "text"),
        status=row["status"],
    )


async def propose_amendment(request: web.Request) -> web.Response:
    claims = caller(request)
    raw = await request.read()
    body = await read_json(request, api.AmendmentCreate)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():
        resolution = await visible_resolution(request, claims, conn)
        if claims.kind != "participant" or claims.role not in VOTING_ROLES:
            raise not_allowed()
        if resolution["status"] != "draft":
            raise Problem(409, "Not amendable", f"the resolution is {resolution['status']}")

        async def create(conn: asyncpg.Connection) -> web.Response:
            directives = (
                None if body.directives is None else msgspec.json.encode(directives_json(body.directives)).decode()
            )
            values = {"text_vi": body.text.vi, "text_en": body.text.en, "directives": directives}
            row = await db.insert_amendment(conn, resolution, claims.sub, values)
            await publish(
                runtime,
                conn,
                new_event(
                    ev.AmendmentProposed,
                    meeting_id=resolution["meeting_id"],
                    actor=actor(claims),
                    amendment_id=row["id"],
                    resolution_id=resolution["id"],
                    proposer_id=claims.sub,
                    text=body.text,
                ),
            )
            return json_response(amendment_body(row), 201)

        return await idempotent(request, conn, str(resolution["id"]), raw, create)


async def settle_amendment(
    runtime: Runtime, conn: asyncpg.Connection, amendment: Any, accepted: bool, claims: Claims | None
) -> list[Event]:
    """Accept (apply to the resolution) or reject an amendment; the events to publish."""
    who = actor(claims) if claims else "poll"
    await db.set_amendment_status(conn, amendment["id"], "accepted" if accepted else "rejected")
    ids = {
        "meeting_id": amendment["meeting_id"],
        "amendment_id": amendment["id"],
        "resolution_id": amendment["resolution_id"],
    }
    if not accepted:
        return [new_event(ev.AmendmentRejected, actor=who, **ids)]
    resolution = await db.resolution(conn, amendment["resolution_id"], lock=True)
    assert resolution is not None
    directives = amendment["directives"] if amendment["directives"] is not None else resolution["directives"]
    values = {
        "title_vi": resolution["title_vi"],
        "title_en": resolution["title_en"],
        "text_vi": amendment["text_vi"],
        "text_en": amendment["text_en"],
        "directives": directives,
    }
    updated = await db.update_resolution(conn, resolution["id"], values)
    return [new_event(ev.AmendmentAccepted, actor=who, **ids), amended_event(updated, claims, amendment["id"])]


def decide_amendment(accepted: bool) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = caller(request)
        aid = parse_uuid(request.match_info["amendment_id"], "amendment")
        runtime = request.app[RUNTIME]
        async with pool(request).acquire() as conn, conn.transaction():
            amendment = await db.amendment(conn, aid, lock=True)
            if amendment is None:
                raise Problem(404, "Not found", "no such amendment")
            await visible_meeting(request, claims, amendment["meeting_id"])
            await require(request, claims, service.RUNNING_ROOM, "deciding an amendment")
            if amendment["status"] != "proposed":
                raise Problem(409, "Already decided", f"the amendment is {amendment['status']}")
            resolution = await db.resolution(conn, amendment["resolution_id"])
            if resolution is None or resolution["status"] != "draft":
                raise Problem(409, "Resolution not amendable", "the resolution is being voted on or decided")
            await publish(runtime, conn, *await settle_amendment(runtime, conn, amendment, accepted, claims))
            row = await db.amendment(conn, aid)
        return json_response(amendment_body(row))

    return handler
