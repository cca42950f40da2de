"""Amendments proposed to a resolution: changes of parts of its text, shown as a diff against the current
text, merged part by part when accepted (by the chair or by a vote), refused when a part changed meanwhile."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from resolution_svc import amending, api, db, service
from resolution_svc.bodies import bilingual, directives_json
from resolution_svc.deciding import actor, publish, settle_amendment
from resolution_svc.views.access import caller, pool, require, visible_meeting
from resolution_svc.views.resolutions import visible_resolution
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import VOTING_ROLES, PassageChange
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME
from servicekit.sessions import not_allowed


def amendment_body(row: Any, resolution: Any) -> api.Amendment:
    diff, conflicts = ev.Bilingual(), []
    changes = amending.changes_of(row)
    if row["status"] == "proposed" and changes:
        merge = amending.merged(row, resolution)
        conflicts = merge.conflicts
        current = amending.texts_of(resolution)
        diff = ev.Bilingual(
            **{lang: amending.unified_diff(current[lang], merge.texts[lang], lang) for lang in amending.LANGUAGES}
        )
    return api.Amendment(
        id=row["id"],
        resolution_id=row["resolution_id"],
        proposer_id=row["proposer_id"],
        text=bilingual(row, "text"),
        status=row["status"],
        base_version=row["base_version"],
        changes=changes,
        diff=diff,
        conflicts=conflicts,
    )


def proposed_changes(body: api.AmendmentCreate, resolution: Any) -> list[PassageChange]:
    """The body's changes pinned to the resolution's current text, or a problem naming the field."""
    if (body.changes is None) == (body.text is None):
        raise Problem(
            422, "Invalid amendment", "give `changes` (parts of the text) or `text`, one of them", field="changes"
        )
    base = body.base_version
    if body.changes is not None and base is None:
        raise Problem(422, "Invalid amendment", "the version the changes were written against", field="base_version")
    if base is not None and base != resolution["version"]:
        raise Problem(
            409,
            "Resolution changed",
            f"the resolution is at version {resolution['version']}: read it again and write the change against it",
            field="base_version",
            current_version=resolution["version"],
        )
    texts = amending.texts_of(resolution)
    if body.text is not None:
        changes = amending.whole(texts, {"vi": body.text.vi, "en": body.text.en})
        if not changes:
            raise Problem(422, "Invalid amendment", "the text is the same as the resolution's", field="text")
        return changes
    assert body.changes is not None
    resolved = []
    for i, part in enumerate(body.changes):
        span = (part.paragraphs.first, part.paragraphs.last) if part.paragraphs else None
        change = amending.resolve(texts, part.language, part.quote, span, part.replacement, f"changes[{i}]")
        if isinstance(change, amending.Problem):
            raise Problem(422, "Invalid amendment", change.detail, field=change.field)
        resolved.append(change)
    clash = amending.overlap(resolved)
    if clash is not None:
        raise Problem(
            422, "Invalid amendment", "this part overlaps another change of the same text", field=f"changes[{clash}]"
        )
    return resolved


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
        changes = proposed_changes(body, resolution)

        async def create(conn: pg.Connection) -> web.Response:
            directives = (
                None if body.directives is None else msgspec.json.encode(directives_json(body.directives)).decode()
            )
            text = amending.merge(amending.texts_of(resolution), changes, True).texts
            values = {
                "text_vi": text["vi"],
                "text_en": text["en"],
                "directives": directives,
                "base_version": resolution["version"],
                "changes": msgspec.json.encode(changes).decode(),
            }
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
                    text=bilingual(row, "text"),
                    base_version=resolution["version"],
                    changes=changes,
                ),
            )
            return json_response(amendment_body(row, resolution), 201)

        return await idempotent(request, conn, str(resolution["id"]), raw, create)


async def list_amendments(request: web.Request) -> web.Response:
    claims = caller(request)
    async with pool(request).acquire() as conn:
        resolution = await visible_resolution(request, claims, conn)
        rows = await db.amendments(conn, resolution["id"])
    return json_response(api.AmendmentList(items=[amendment_body(r, resolution) for r in rows]))


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
            await publish(runtime, conn, *await settle_amendment(conn, amendment, accepted, claims))
            row = await db.amendment(conn, aid)
            resolution = await db.resolution(conn, amendment["resolution_id"])
        return json_response(amendment_body(row, resolution))

    return handler
