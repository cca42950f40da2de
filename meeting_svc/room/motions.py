"""Motions from the floor: a participant proposes, the chair admits (its poll is then prepared by
resolution_svc from the `motion.admitted` event, in one step) or rejects."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from meeting_svc.access import CLOCK, actor, caller, pool, publish, require, visible_meeting
from meeting_svc.bilingual import bilingual
from meeting_svc.room import api, db, rules
from meeting_svc.room.speakers import meeting_state
from schemas import events as ev
from schemas.codec import new_event
from servicekit import pg
from servicekit.http import Problem, decode_body, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.sessions import not_allowed

CHAIR = ("chair",)


def motion_body(row: Any) -> api.Motion:
    return api.Motion(
        id=row["id"],
        item_id=row["item_id"],
        proposer_id=row["proposer_id"],
        proposer_name=row["proposer_name"],
        kind=row["kind"],
        text=bilingual(row, "text"),
        resolution_id=row["resolution_id"],
        status=row["status"],
        preset=row["preset"],
        secret=row["secret"],
        proposed_at=row["proposed_at"],
        decided_at=row["decided_at"],
        poll_id=row["id"] if row["status"] == "admitted" else None,
    )


def motion_facts(row: Any) -> dict[str, Any]:
    return {
        "motion_id": row["id"],
        "item_id": row["item_id"],
        "proposer_id": row["proposer_id"],
        "kind": row["kind"],
        "text": bilingual(row, "text"),
        "resolution_id": row["resolution_id"],
    }


async def propose(request: web.Request) -> web.Response:
    """A participant (not an observer) proposes, in their own name, while the meeting is in progress."""
    claims = await caller(request)
    if claims.kind != "participant" or claims.role == "observer":
        raise not_allowed()
    raw = await request.read()
    body = await read_json(request, api.MotionCreate)
    if body.kind == "amendment" and body.resolution_id is None:
        raise Problem(422, "Which resolution?", "an amendment names the resolution it changes", field="resolution_id")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        meeting_state(meeting, rules.RUNNING)
        item_id = body.item_id
        if item_id is None:
            state = await db.room_meeting(conn, meeting["id"])
            assert state is not None  # visible_meeting found it and holds its lock
            item_id = state["current_item_id"]
        if body.item_id is not None and not any(
            i["id"] == body.item_id for i in await db.room_items(conn, meeting["id"])
        ):
            raise Problem(422, "Unknown agenda item", "no such item in this meeting", field="item_id")

        async def create(conn: pg.Connection) -> web.Response:
            row = await db.add_motion(
                conn,
                meeting["id"],
                {
                    "item_id": item_id,
                    "proposer_id": claims.sub,
                    "kind": body.kind,
                    "text_vi": body.text.vi,
                    "text_en": body.text.en,
                    "resolution_id": body.resolution_id,
                    "proposed_at": request.app[CLOCK](),
                },
            )
            await publish(
                request,
                conn,
                new_event(ev.MotionProposed, meeting_id=meeting["id"], actor=actor(claims), **motion_facts(row)),
            )
            return json_response(motion_body(row), 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_motions(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    rows = await db.motions(pool(request), meeting["id"])
    return json_response(api.MotionList(items=[motion_body(r) for r in rows]))


def decide(admit: bool) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = await caller(request)
        require(claims, CHAIR, "deciding on a motion")
        raw = await request.read()
        body = decode_body(raw, api.MotionAdmit) if admit and raw else api.MotionAdmit()
        motion_id = parse_uuid(request.match_info["motion_id"], "motion")
        now = request.app[CLOCK]()
        async with pool(request).acquire() as conn, conn.transaction():
            meeting = await visible_meeting(request, claims, lock_conn=conn)
            row = await db.motion(conn, meeting["id"], motion_id, lock=True)
            if row is None:
                raise Problem(404, "Not found", "no such motion")
            if row["status"] != "proposed":
                raise Problem(409, "Already decided", f"the motion is {row['status']}", current_status=row["status"])
            meeting_state(meeting, rules.RUNNING)
            status = "admitted" if admit else "rejected"
            preset = body.preset if admit else None
            await db.decide_motion(conn, motion_id, status, preset, body.secret and admit, now, actor(claims))
            event: ev.MotionAdmitted | ev.MotionRejected
            if admit:
                event = new_event(
                    ev.MotionAdmitted,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    preset=body.preset,
                    secret=body.secret,
                    **motion_facts(row),
                )
            else:
                event = new_event(ev.MotionRejected, meeting_id=meeting["id"], actor=actor(claims), **motion_facts(row))
            await publish(request, conn, event)
            row = await db.motion(conn, meeting["id"], motion_id)
            return json_response(motion_body(row))

    return handler
