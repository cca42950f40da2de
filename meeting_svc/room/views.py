"""Running the room: where the meeting stands, moving through the agenda, the projector and its links."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

import msgspec
from aiohttp import web

from meeting_svc.access import CLOCK, SETTINGS, STAFF, actor, caller, pool, publish, require, visible_meeting
from meeting_svc.bilingual import bilingual
from meeting_svc.room import api, db, rules
from meeting_svc.room.screen_polls import screen_poll
from meeting_svc.room.speakers import speaker_list_body
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit import pg
from servicekit.http import Problem, decode_body, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.tokens import Claims

DISPLAY_SCHEME = "display"  # Authorization: Display <code>


def room_item(row: Any) -> api.RoomItem:
    return api.RoomItem(
        id=row["id"],
        position=row["position"],
        title=bilingual(row, "title"),
        kind=row["kind"],
        presenter=row["presenter"],
        planned_minutes=row["planned_minutes"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        slot_ends_at=rules.slot_ends_at(row["started_at"], row["planned_minutes"]),
    )


async def room_body(conn: pg.Executor, meeting_id: uuid.UUID, now: dt.datetime) -> api.Room:
    meeting = await db.room_meeting(conn, meeting_id)
    assert meeting is not None
    items = await db.room_items(conn, meeting_id)
    current = meeting["current_item_id"]
    return api.Room(
        meeting_id=meeting_id,
        status=meeting["status"],
        server_time=now,
        projector_mode=meeting["projector_mode"],
        current_item_id=current,
        items=[room_item(i) for i in items],
        speakers=None if current is None else await speaker_list_body(conn, current, now),
    )


async def get_room(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    return json_response(await room_body(pool(request), meeting["id"], request.app[CLOCK]()))


def move_events(claims: Claims, meeting_id: uuid.UUID, ended: pg.Row | None, started: pg.Row | None) -> list[Event]:
    events: list[Event] = []
    if ended is not None:
        events.append(
            new_event(
                ev.AgendaItemEnded,
                meeting_id=meeting_id,
                actor=actor(claims),
                item_id=ended["id"],
                started_at=ended["started_at"],
                ended_at=ended["ended_at"],
            )
        )
    if started is not None:
        events.append(
            new_event(
                ev.AgendaItemStarted,
                meeting_id=meeting_id,
                actor=actor(claims),
                item_id=started["id"],
                started_at=started["started_at"],
                planned_minutes=started["planned_minutes"],
            )
        )
    return events


async def leave_item(conn: pg.Connection, meeting_id: uuid.UUID, now: dt.datetime) -> pg.Row | None:
    """End the current item (if any), recording when. The caller holds the meeting's lock."""
    state = await db.room_meeting(conn, meeting_id)
    assert state is not None  # the caller holds the meeting's lock
    current = state["current_item_id"]
    if current is None:
        return None
    await db.clear_current(conn, meeting_id)
    return await db.end_item(conn, current, now)


async def move_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "moving through the agenda")
    body = await read_json(request, api.ItemMove)
    now = request.app[CLOCK]()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        if meeting["status"] not in rules.RUNNING:
            raise Problem(
                409, "Meeting not in progress", f"the meeting is {meeting['status']}", current_status=meeting["status"]
            )
        items = [r["id"] for r in await db.room_items(conn, meeting["id"])]
        state = await db.room_meeting(conn, meeting["id"])
        assert state is not None  # visible_meeting found it and holds its lock
        current = state["current_item_id"]
        try:
            target = rules.target_item(body.move, items, current, body.item_id)
        except ValueError as exc:
            field = "item_id" if body.move == "jump" else "move"
            raise Problem(409 if field == "move" else 422, "Cannot move there", str(exc), field=field) from None
        ended = started = None
        if target != current:
            ended = await leave_item(conn, meeting["id"], now)
            if target is not None:
                started = await db.start_item(conn, meeting["id"], target, now)
        await publish(request, conn, *move_events(claims, meeting["id"], ended, started))
        return json_response(await room_body(conn, meeting["id"], now))


async def end_meeting_item(
    conn: pg.Connection, request: web.Request, claims: Claims, meeting_id: uuid.UUID
) -> list[Event]:
    """When the meeting ends its current item ends with it (called inside the end's transaction)."""
    ended = await leave_item(conn, meeting_id, request.app[CLOCK]())
    return move_events(claims, meeting_id, ended, None)


async def choose_projector(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "choosing what the projector shows")
    body = await read_json(request, api.ProjectorChoice)
    now = request.app[CLOCK]()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        await db.set_projector(conn, meeting["id"], body.mode)
        await publish(
            request, conn, new_event(ev.ProjectorChanged, meeting_id=meeting["id"], actor=actor(claims), mode=body.mode)
        )
        return json_response(await room_body(conn, meeting["id"], now))


# --- display links ---------------------------------------------------------------------------------


def display_body(row: Any, url: str | None = None) -> api.Display:
    return api.Display(
        id=row["id"], label=row["label"], created_at=row["created_at"], revoked_at=row["revoked_at"], url=url
    )


async def create_display(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "making a display link")
    raw = await request.read()
    body = decode_body(raw, api.DisplayCreate) if raw else api.DisplayCreate()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)

        async def create(conn: pg.Connection) -> web.Response:
            code = secrets.token_urlsafe(24)
            # a participant's link is issued under their session's generation and ends with it
            issuer = (claims.sub, claims.epoch) if claims.kind == "participant" else None
            row = await db.add_display(conn, meeting["id"], code, body.label, actor(claims), issuer)
            # the code travels in the fragment, which a browser never sends to a server
            url = f"{request.app[SETTINGS].public_url.rstrip('/')}/display#{code}"
            return json_response(display_body(row, url), 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_displays(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "seeing display links")
    meeting = await visible_meeting(request, claims)
    rows = await db.displays(pool(request), meeting["id"])
    return json_response(api.DisplayList(items=[display_body(r) for r in rows]))


async def revoke_display(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "revoking a display link")
    display_id = parse_uuid(request.match_info["display_id"], "display link")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        if not await db.revoke_display(conn, meeting["id"], display_id):
            raise Problem(404, "Not found", "no such display link")
    return web.Response(status=204)


def screen_vote(row: Any) -> api.ScreenPoll | None:
    if row is None:
        return None
    return api.ScreenPoll(
        poll_id=row["poll_id"],
        question=bilingual(row, "question"),
        secret=row["secret"],
        status=row["status"],
        eligible_count=row["eligible_count"],
        voted_count=row["voted_count"],
        result=None if row["result"] is None else msgspec.json.decode(row["result"], type=ev.PollResult),
    )


def display_code(request: web.Request) -> str:
    scheme, _, code = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != DISPLAY_SCHEME or not code.strip():
        raise Problem(
            401,
            "Display code required",
            "send Authorization: Display <code>",
            field="Authorization",
            headers={"WWW-Authenticate": "Display"},
        )
    return code.strip()


async def get_display(request: web.Request) -> web.Response:
    """The room's screen: reachable with a display code only, which grants this read and nothing else."""
    code = display_code(request)
    meeting_id = await db.display_meeting(pool(request), code)
    if meeting_id is None:
        raise Problem(
            401, "Display link revoked or unknown", field="Authorization", headers={"WWW-Authenticate": "Display"}
        )
    meeting = await db.display_facts(pool(request), meeting_id)
    count, weight = await db.attendance(pool(request), meeting_id)
    body = api.DisplayRoom(
        meeting_id=meeting_id,
        title=bilingual(meeting, "title"),
        timezone=meeting["timezone"],
        present_count=count,
        present_weight=weight,
        room=await room_body(pool(request), meeting_id, request.app[CLOCK]()),
        vote=screen_vote(await screen_poll(pool(request), meeting_id)),
    )
    return json_response(body, headers={"Cache-Control": "no-store"})
