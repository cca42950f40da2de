"""An agenda item's list of speakers: requests, withdrawals and the chair's running of it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from aiohttp import web

from meeting_svc.access import CLOCK, STAFF, actor, caller, pool, publish, require, visible_meeting
from meeting_svc.meetings import db as meetings_db
from meeting_svc.people import db as people_db
from meeting_svc.room import api, db, rules
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.sessions import not_allowed
from servicekit.tokens import Claims

ACTION_EVENTS: dict[str, type[ev.SpeakerEvent]] = {
    "start": ev.SpeakerStarted,
    "pause": ev.SpeakerPaused,
    "resume": ev.SpeakerResumed,
    "end": ev.SpeakerEnded,
}


def entry(row: Any, now: dt.datetime) -> api.SpeakerEntry:
    return api.SpeakerEntry(
        id=row["id"],
        participant_id=row["participant_id"],
        name=row["name"],
        department_id=row["department_id"],
        kind=row["kind"],
        status=row["status"],
        requested_at=row["requested_at"],
        started_at=row["started_at"],
        paused_at=row["paused_at"],
        paused_seconds=row["paused_seconds"],
        ended_at=row["ended_at"],
        allotted_seconds=row["allotted_seconds"],
        remaining_seconds=rules.remaining_seconds(row, now),
    )


def event_speaker(row: Any) -> ev.Speaker:
    return ev.Speaker(
        id=row["id"],
        item_id=row["item_id"],
        participant_id=row["participant_id"],
        name=row["name"],
        department_id=row["department_id"],
        kind=row["kind"],
        status=row["status"],
        requested_at=row["requested_at"],
        started_at=row["started_at"],
        paused_at=row["paused_at"],
        paused_seconds=row["paused_seconds"],
        ended_at=row["ended_at"],
        allotted_seconds=row["allotted_seconds"],
    )


async def speaker_list_body(conn: pg.Executor, item_id: uuid.UUID, now: dt.datetime) -> api.SpeakerList:
    settings = await db.speaker_list(conn, item_id) or {
        "closed": False,
        "allow_repeat": False,
        "speaking_seconds": None,
        "department_budgets": {},
    }
    rows = await db.speakers(conn, item_id)
    used = rules.budget_used(rows, now)
    return api.SpeakerList(
        item_id=item_id,
        server_time=now,
        closed=settings["closed"],
        allow_repeat=settings["allow_repeat"],
        speaking_seconds=settings["speaking_seconds"],
        budgets=[
            api.Budget(department_id=uuid.UUID(d), seconds=s, used_seconds=used.get(d, 0.0))
            for d, s in settings["department_budgets"].items()
        ],
        speakers=[entry(r, now) for r in rows],
    )


async def item_of(conn: pg.Executor, request: web.Request, meeting_id: uuid.UUID) -> uuid.UUID:
    item_id = parse_uuid(request.match_info["item_id"], "agenda item")
    if await meetings_db.agenda_item(conn, meeting_id, item_id) is None:  # type: ignore[arg-type]  # one statement: a pool will do
        raise Problem(404, "Not found", "no such agenda item")
    return item_id


async def spoken(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    now = request.app[CLOCK]()
    rows = await db.meeting_speakers(pool(request), meeting["id"])
    entries = [
        api.SpokenEntry(
            **msgspec.structs.asdict(entry(r, now)), item_id=r["item_id"], spoken_seconds=rules.spoken_seconds(r, now)
        )
        for r in rows
    ]
    return json_response(api.SpokenList(items=entries))


async def get_speakers(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    item_id = await item_of(pool(request), request, meeting["id"])
    return json_response(await speaker_list_body(pool(request), item_id, request.app[CLOCK]()))


def meeting_state(meeting: pg.Row, allowed: frozenset[str]) -> None:
    if meeting["status"] not in allowed:
        raise Problem(
            409, "Meeting not in progress", f"the meeting is {meeting['status']}", current_status=meeting["status"]
        )


async def request_to_speak(request: web.Request) -> web.Response:
    """Join the list: a participant for themself; the chair, the secretary or an organiser for anyone
    (`participant_id`). A point of order jumps the queue; the same person waits once unless the list
    allows more (the database's unique index decides, so a concurrent twin request lands once)."""
    claims = await caller(request)
    raw = await request.read()
    body = await read_json(request, api.SpeakerRequest)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        item_id = await item_of(conn, request, meeting["id"])
        who = body.participant_id or (claims.sub if claims.kind == "participant" else None)
        if who is None:
            raise Problem(422, "Who is to speak?", "name participant_id", field="participant_id")
        if claims.kind == "participant" and who != claims.sub:
            require(claims, STAFF, "putting someone on the list of speakers")
        if claims.kind == "participant" and who == claims.sub and claims.role == "observer":
            raise not_allowed()
        meeting_state(meeting, rules.QUEUEING)

        async def create(conn: pg.Connection) -> web.Response:
            now = request.app[CLOCK]()  # read under the meeting's lock: times follow places in the list
            person = await people_db.participant(conn, meeting["id"], who)
            if person is None:
                raise Problem(422, "Not a participant", "no such participant in this meeting", field="participant_id")
            settings = await db.ensure_list(conn, meeting["id"], item_id)
            staff = claims.kind == "organiser" or claims.role in STAFF
            if settings["closed"] and not staff:
                raise Problem(409, "List closed", "the list of speakers is closed", field="kind")
            row = await db.add_speaker(
                conn,
                meeting["id"],
                item_id,
                person,
                body.kind,
                rules.priority(body.kind),
                settings["allow_repeat"],
                now,
                actor(claims),
            )
            if row is None:
                raise Problem(
                    409, "Already on the list", "this participant is already waiting to speak", field="participant_id"
                )
            await publish(
                request,
                conn,
                new_event(
                    ev.SpeakerRequested, meeting_id=meeting["id"], actor=actor(claims), speaker=event_speaker(row)
                ),
            )
            return json_response(entry(row, now), 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def withdraw(request: web.Request) -> web.Response:
    """A waiting speaker leaves the list: by their own choice, or the chair's."""
    claims = await caller(request)
    speaker_id = parse_uuid(request.match_info["speaker_id"], "speaker")
    now = request.app[CLOCK]()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        item_id = await item_of(conn, request, meeting["id"])
        row = await db.speaker(conn, item_id, speaker_id)
        if row is None:
            raise Problem(404, "Not found", "no such speaker")
        if not (claims.kind == "participant" and claims.sub == row["participant_id"]):
            require(claims, STAFF, "taking someone off the list")
        if row["status"] != "waiting":
            raise Problem(409, "Not waiting", f"the speaker is {row['status']}", current_status=row["status"])
        await db.set_speaker(conn, speaker_id, status="withdrawn", ended_at=now)
        row = await db.speaker(conn, item_id, speaker_id)
        await publish(
            request,
            conn,
            new_event(ev.SpeakerWithdrawn, meeting_id=meeting["id"], actor=actor(claims), speaker=event_speaker(row)),
        )
    return web.Response(status=204)


async def apply_action(
    conn: pg.Connection,
    claims: Claims,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    row: Any,
    action: str,
    now: dt.datetime,
) -> Event:
    """One chair's action on one speaker (inside the caller's transaction), and its event."""
    target = rules.speaker_transition(action, row["status"])
    if target is None:
        raise Problem(
            409, "Not possible now", f"cannot {action} a speaker who is {row['status']}", current_status=row["status"]
        )
    values: dict[str, Any] = {"status": target}
    if action == "start":
        current = await db.current_speaker(conn, item_id)
        if current is not None:
            raise Problem(409, "Someone is speaking", "end the current speaker first", current_status="speaking")
        settings = await db.ensure_list(conn, meeting_id, item_id)
        left = None
        budget = settings["department_budgets"].get(str(row["department_id"]))
        if budget is not None:
            used = rules.budget_used(await db.speakers(conn, item_id), now)
            left = budget - used.get(str(row["department_id"]), 0.0)
            if left < 1:
                raise Problem(
                    409, "Budget spent", "the department's time for this item is used up", field="department_id"
                )
        values.update(started_at=now, allotted_seconds=rules.allotted(settings["speaking_seconds"], left))
    elif action == "pause":
        values["paused_at"] = now
    elif action == "resume":
        values.update(paused_at=None, paused_seconds=row["paused_seconds"] + (now - row["paused_at"]).total_seconds())
    elif action == "end":
        if row["paused_at"] is not None:
            values.update(
                paused_at=None, paused_seconds=row["paused_seconds"] + (now - row["paused_at"]).total_seconds()
            )
        values["ended_at"] = now
    await db.set_speaker(conn, row["id"], **values)
    row = await db.speaker(conn, item_id, row["id"])
    return new_event(ACTION_EVENTS[action], meeting_id=meeting_id, actor=actor(claims), speaker=event_speaker(row))


def speaker_action(action: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = await caller(request)
        require(claims, STAFF, "running the list of speakers")
        speaker_id = parse_uuid(request.match_info["speaker_id"], "speaker")
        now = request.app[CLOCK]()
        async with pool(request).acquire() as conn, conn.transaction():
            meeting = await visible_meeting(request, claims, lock_conn=conn)
            item_id = await item_of(conn, request, meeting["id"])
            meeting_state(meeting, rules.RUNNING)
            row = await db.speaker(conn, item_id, speaker_id)
            if row is None:
                raise Problem(404, "Not found", "no such speaker")
            await publish(request, conn, await apply_action(conn, claims, meeting["id"], item_id, row, action, now))
            return json_response(await speaker_list_body(conn, item_id, now))

    return handler


async def next_speaker(request: web.Request) -> web.Response:
    """The chair's one button: end whoever speaks and give the floor to the first in the queue."""
    claims = await caller(request)
    require(claims, STAFF, "running the list of speakers")
    now = request.app[CLOCK]()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        item_id = await item_of(conn, request, meeting["id"])
        meeting_state(meeting, rules.RUNNING)
        events: list[Event] = []
        current = await db.current_speaker(conn, item_id)
        if current is not None:
            events.append(await apply_action(conn, claims, meeting["id"], item_id, current, "end", now))
        following = await db.next_waiting(conn, item_id)
        if following is not None:
            events.append(await apply_action(conn, claims, meeting["id"], item_id, following, "start", now))
        if not events:
            raise Problem(409, "Nobody to call", "no one speaks and no one waits")
        await publish(request, conn, *events)
        return json_response(await speaker_list_body(conn, item_id, now))


async def reorder(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "reordering the list of speakers")
    body = await read_json(request, api.SpeakerOrder)
    now = request.app[CLOCK]()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        item_id = await item_of(conn, request, meeting["id"])
        await db.ensure_list(conn, meeting["id"], item_id)
        waiting = [r["id"] for r in await db.speakers(conn, item_id) if r["status"] == "waiting"]
        problem = rules.reorder_problem(waiting, body.speaker_ids)
        if problem:
            raise Problem(422, "Not a reordering", problem, field="speaker_ids")
        await db.reorder_speakers(conn, item_id, body.speaker_ids, rules.ORDERED_PRIORITY)
        await publish(
            request,
            conn,
            new_event(
                ev.SpeakersReordered,
                meeting_id=meeting["id"],
                actor=actor(claims),
                item_id=item_id,
                speaker_ids=body.speaker_ids,
            ),
        )
        return json_response(await speaker_list_body(conn, item_id, now))


async def patch_list(request: web.Request) -> web.Response:
    """Close or reopen the list, allow a second place in it, set the time per speaker and the departments'
    budgets for the item."""
    claims = await caller(request)
    require(claims, STAFF, "changing the list of speakers")
    body = await read_json(request, api.SpeakerListPatch)
    now = request.app[CLOCK]()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        item_id = await item_of(conn, request, meeting["id"])
        values = await db.ensure_list(conn, meeting["id"], item_id)
        for f in body.__struct_fields__:
            value = getattr(body, f)
            if not isinstance(value, msgspec.UnsetType):
                values[f] = {str(k): v for k, v in value.items()} if f == "department_budgets" else value
        values = await db.update_list(conn, item_id, values)
        await publish(
            request,
            conn,
            new_event(
                ev.SpeakerListChanged,
                meeting_id=meeting["id"],
                actor=actor(claims),
                item_id=item_id,
                closed=values["closed"],
                allow_repeat=values["allow_repeat"],
                speaking_seconds=values["speaking_seconds"],
                department_budgets=values["department_budgets"],
            ),
        )
        return json_response(await speaker_list_body(conn, item_id, now))
