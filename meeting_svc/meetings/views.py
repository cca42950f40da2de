"""Meetings: create, read, edit, and the start / end / cancel transitions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from aiohttp import web

from meeting_svc.access import actor, caller, editable, organiser, pool, publish, require, visible, visible_meeting
from meeting_svc.meetings import api, db, rules
from meeting_svc.meetings.bodies import agenda_event_item, meeting_body, meeting_fact
from meeting_svc.people import db as people_db
from meeting_svc.people.invitations import release
from meeting_svc.people.participants import invite_all
from meeting_svc.room.views import end_meeting_item
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit import pg
from servicekit.fields import Request
from servicekit.http import Problem, check_if_match, convert_query, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent


def meeting_values(
    body: api.MeetingCreate | api.MeetingPatch | api.MeetingDuplicate,
    base: dict[str, Any] | None = None,
) -> dict[str, Any]:
    v = dict(base or {})
    given = {f: getattr(body, f) for f in body.__struct_fields__ if not isinstance(getattr(body, f), msgspec.UnsetType)}
    if "title" in given:
        v["title_vi"], v["title_en"] = given["title"].vi, given["title"].en
    if "description" in given:
        v["description_vi"], v["description_en"] = given["description"].vi, given["description"].en
    for f in ("starts_at", "ends_at", "timezone", "online_url", "self_check_in"):
        if f in given:
            v[f] = given[f]
    if "venue" in given:
        v["venue_name"] = given["venue"].name if given["venue"] else None
        v["venue_address"] = given["venue"].address if given["venue"] else ""
    if not (v.get("title_vi") or v.get("title_en")):
        raise Problem(422, "Title required", "give the title in Vietnamese, English or both", field="title")
    problem = rules.time_problem(v["starts_at"], v["ends_at"], v["timezone"])
    if problem:
        raise Problem(422, "Invalid time", problem[1], field=problem[0])
    now = dt.datetime.now(dt.UTC)
    for name in ("starts_at", "ends_at"):
        # only a time being set is checked: a meeting under way may still be renamed or extended
        if base is None or name not in base or v[name] != base[name]:
            problem = rules.past_problem(name, v[name], now, v.get("record_only", False))
            if problem:
                raise Problem(422, "Time in the past", problem[1], field=problem[0])
    return v


async def create_meeting(request: web.Request) -> web.Response:
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.MeetingCreate)
    values = meeting_values(
        body,
        {
            "description_vi": "",
            "description_en": "",
            "venue_name": None,
            "venue_address": "",
            "record_only": body.record_only,
        },
    )
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: pg.Connection) -> web.Response:
            row = await db.insert_meeting(conn, claims.org, values)
            await publish(request, conn, meeting_fact(ev.MeetingCreated, row, claims))
            return json_response(
                meeting_body(row, []), 201, {"Location": f"/api/v1/meetings/{row['id']}", "ETag": etag(row["version"])}
            )

        return await idempotent(request, conn, str(claims.org), raw, create)


async def duplicate_meeting(request: web.Request) -> web.Response:
    """Last year's meeting as this year's draft: description, venue, link, agenda and (unless asked not
    to) the people with their departments, roles and weights. Nothing of what happened in it (RSVPs,
    attendance, reports, resolutions, votes) comes along; everyone gets a new invite link."""
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.MeetingDuplicate)
    async with pool(request).acquire() as conn, conn.transaction():
        source = await visible_meeting(request, claims)
        values = meeting_values(body, {k: source[k] for k in db.MEETING_FIELDS})

        async def create(conn: pg.Connection) -> web.Response:
            row = await db.copy_meeting(conn, source["id"], claims.org, values)
            items = await db.copy_agenda(conn, source["id"], row["id"])
            await publish(
                request,
                conn,
                meeting_fact(ev.MeetingCreated, row, claims),
                *(
                    new_event(ev.AgendaItemAdded, meeting_id=row["id"], actor=actor(claims), item=agenda_event_item(a))
                    for a in items
                ),
            )
            if body.participants:
                people = [
                    (uuid.uuid4(), p["name"], p["email"], p["department_id"], p["role"], p["weight"], p["language"])
                    for p in await people_db.participants(conn, source["id"])
                ]
                if people:
                    await invite_all(request, conn, claims, row, people)
            return json_response(
                meeting_body(row, items),
                201,
                {"Location": f"/api/v1/meetings/{row['id']}", "ETag": etag(row["version"])},
            )

        return await idempotent(request, conn, str(claims.org), raw, create)


class MeetingQuery(Request, kw_only=True):
    status: str | None = None
    start: dt.datetime | None = msgspec.field(default=None, name="from")
    end: dt.datetime | None = msgspec.field(default=None, name="to")
    limit: int = 100


async def list_meetings(request: web.Request) -> web.Response:
    claims = await organiser(request)
    q = convert_query(dict(request.query), MeetingQuery)
    if q.status is not None and q.status not in rules.STATUSES:
        raise Problem(400, "Invalid query parameter", f"status is one of {', '.join(rules.STATUSES)}", field="status")
    if not 1 <= q.limit <= 500:
        raise Problem(400, "Invalid query parameter", "limit is 1-500", field="limit")
    rows = await db.list_meetings(pool(request), claims.org, q.status, q.start, q.end, q.limit)
    return json_response(api.MeetingList(items=[meeting_body(r) for r in rows]))


async def get_meeting(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    meeting = visible(claims, meeting_id, await db.meeting_with_agenda(pool(request), meeting_id))
    items = msgspec.json.decode(meeting["agenda"])  # the items' columns as JSON objects
    return json_response(meeting_body(meeting, items), headers={"ETag": etag(meeting["version"])})


async def patch_meeting(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.MeetingPatch)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        check_if_match(request, meeting["version"])
        editable(meeting)
        values = meeting_values(body, {k: meeting[k] for k in (*db.MEETING_FIELDS, "record_only")})
        row = await db.update_meeting(conn, meeting["id"], values)
        moved = (row["starts_at"], row["ends_at"]) != (meeting["starts_at"], meeting["ends_at"])
        if moved and meeting["status"] != "draft":
            event = meeting_fact(
                ev.MeetingRescheduled,
                row,
                claims,
                previous_starts_at=meeting["starts_at"],
                previous_ends_at=meeting["ends_at"],
            )
        else:
            event = meeting_fact(ev.MeetingUpdated, row, claims)
        await publish(request, conn, event)
        items = await db.agenda(conn, row["id"])
    return json_response(meeting_body(row, items), headers={"ETag": etag(row["version"])})


TRANSITION_EVENTS: dict[str, type[Event]] = {
    "schedule": ev.MeetingScheduled,
    "start": ev.MeetingStarted,
    "end": ev.MeetingEnded,
    "cancel": ev.MeetingCancelled,
}


def transition(action: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = await caller(request)
        require(claims, ("chair",) if action in ("start", "end") else (), f"to {action} a meeting")
        body = await read_json(request, api.Transition) if request.can_read_body else api.Transition()
        async with pool(request).acquire() as conn, conn.transaction():
            meeting = await visible_meeting(request, claims, lock_conn=conn)
            check_if_match(request, meeting["version"])
            target = rules.next_status(meeting["status"], action)
            if target is None:
                raise Problem(
                    409,
                    "Transition not allowed",
                    f"cannot {action} a meeting that is {meeting['status']}",
                    current_status=meeting["status"],
                )
            row = await db.set_status(conn, meeting["id"], target)
            cls = TRANSITION_EVENTS[action]
            if issubclass(cls, ev.MeetingFacts):
                event = meeting_fact(cls, row, claims)
            elif cls is ev.MeetingCancelled:
                event = new_event(ev.MeetingCancelled, meeting_id=row["id"], actor=actor(claims), reason=body.reason)
            else:
                event = new_event(cls, meeting_id=row["id"], actor=actor(claims))
            # the meeting's end also ends the item under way, recorded before the meeting.ended event
            ending = await end_meeting_item(conn, request, claims, row["id"]) if action == "end" else []
            await publish(request, conn, *ending, event)
            if action == "schedule" and not row["record_only"]:
                await release(request, conn, claims, row)  # the invitations prepared in the draft go out now
        return json_response(meeting_body(row), headers={"ETag": etag(row["version"])})

    return handler
