"""RSVP, check-in and check-out, and proxies."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from aiohttp import web

from meeting_svc import credentials
from meeting_svc.access import SETTINGS, STAFF, actor, caller, editable, pool, publish, require, visible_meeting
from meeting_svc.people import api, db, rules
from meeting_svc.people.bodies import participant_body
from meeting_svc.people.participants import target_participant
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit.http import Problem, json_response, read_json
from servicekit.tokens import Claims


def self_or(claims: Claims, pid: uuid.UUID, roles: Collection[str], what: str) -> None:
    if claims.kind == "participant" and claims.sub == pid:
        return
    require(claims, roles, what)


async def record_rsvp(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.RsvpBody)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        row = await target_participant(request, claims, conn, meeting)
        self_or(claims, row["id"], (), "answering for someone else")
        if row["rsvp"] != body.response:
            await db.set_rsvp(conn, row["id"], body.response)
            await publish(
                request,
                conn,
                new_event(
                    ev.RsvpRecorded,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    participant_id=row["id"],
                    response=body.response,
                ),
            )
        answered = await db.participant(conn, meeting["id"], row["id"])
        assert answered is not None  # locked by target_participant in this transaction
    return json_response(participant_body(answered, seen_by=claims))


async def mark_presence(
    request: web.Request,
    claims: Claims,
    conn: Any,
    meeting: Any,
    row: Any,
    present: bool,
) -> web.Response:
    """Check a participant in or out (the meeting row locked by the caller), announcing the new totals."""
    cls = ev.CheckedIn if present else ev.CheckedOut
    if meeting["status"] != "in_progress":
        raise Problem(
            409,
            "Meeting not in progress",
            f"the meeting is {meeting['status']}",
            current_status=meeting["status"],
        )
    if present and not rules.may_check_in(
        meeting["self_check_in"], by_self=claims.kind == "participant" and claims.sub == row["id"]
    ):
        raise Problem(
            409,
            "Check-in at the desk",
            "this meeting's check-in happens at the desk, not from one's own page",
            self_check_in=False,
        )
    if await db.set_present(conn, row["id"], present):
        count, weight, _ = await db.attendance(conn, meeting["id"])
        await publish(
            request,
            conn,
            new_event(
                cls,
                meeting_id=meeting["id"],
                actor=actor(claims),
                participant_id=row["id"],
                present_count=count,
                present_weight=weight,
            ),
        )
    row = await db.participant(conn, meeting["id"], row["id"])
    return json_response(participant_body(row, seen_by=claims))


def attendance_change(present: bool) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = await caller(request)
        async with pool(request).acquire() as conn, conn.transaction():
            meeting = await visible_meeting(request, claims, lock_conn=conn)
            row = await target_participant(request, claims, conn, meeting)
            self_or(claims, row["id"], STAFF, "checking someone else in or out")
            return await mark_presence(request, claims, conn, meeting, row, present)

    return handler


async def check_in_scanned(request: web.Request) -> web.Response:
    """The desk checks in the participant whose personal QR code it scanned (the code of their invite link)."""
    claims = await caller(request)
    require(claims, STAFF, "checking someone else in")
    body = await read_json(request, api.ScannedCode)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        found = await db.by_invite(conn, credentials.sha256(body.invite_code))
        if found is None or found["meeting_id"] != meeting["id"]:
            raise Problem(404, "Not found", "no participant of this meeting has this code", field="invite_code")
        row = await db.participant(conn, meeting["id"], found["id"])
        assert row is not None
        return await mark_presence(request, claims, conn, meeting, row, True)


async def get_attendance(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    count, weight, present = await db.attendance(pool(request), meeting["id"])
    roll = await db.roll(pool(request), meeting["id"])
    return json_response(api.Attendance(present_count=count, present_weight=weight, present=present, **dict(roll)))


async def grant_proxy(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.ProxyGrant)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        principal = await target_participant(request, claims, conn, meeting)
        self_or(claims, principal["id"], (), "handing on someone else's vote")
        holder = await db.participant(conn, meeting["id"], body.holder_id, lock=True)
        if holder is None:
            raise Problem(422, "Unknown holder", "no such participant in this meeting", field="holder_id")
        load = await db.proxy_load(conn, principal["id"], holder["id"])
        if load["current_holder"] == holder["id"]:
            return json_response(participant_body(principal, seen_by=claims))
        problem = rules.proxy_problem(
            principal_role=principal["role"],
            holder_role=holder["role"],
            same=principal["id"] == holder["id"],
            holder_gives=load["holder_gives"],
            principal_holds=load["principal_holds"],
            held=load["held"],
            limit=request.app[SETTINGS].max_proxies_per_holder,
        )
        if problem:
            raise Problem(422, "Proxy not allowed", problem, field="holder_id")
        events: list[Event] = []
        if load["current_holder"] is not None:
            events.append(
                new_event(
                    ev.ProxyRevoked,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    principal_id=principal["id"],
                    holder_id=load["current_holder"],
                )
            )
        await db.grant_proxy(conn, meeting["id"], principal["id"], holder["id"])
        events.append(
            new_event(
                ev.ProxyGranted,
                meeting_id=meeting["id"],
                actor=actor(claims),
                principal_id=principal["id"],
                holder_id=holder["id"],
            )
        )
        await publish(request, conn, *events)
        row = await db.participant(conn, meeting["id"], principal["id"])
    return json_response(participant_body(row, seen_by=claims), 201)


async def revoke_proxy(request: web.Request) -> web.Response:
    claims = await caller(request)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        principal = await target_participant(request, claims, conn, meeting)
        self_or(claims, principal["id"], (), "revoking someone else's proxy")
        holder = await db.revoke_proxy(conn, principal["id"])
        if holder is not None:
            await publish(
                request,
                conn,
                new_event(
                    ev.ProxyRevoked,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    principal_id=principal["id"],
                    holder_id=holder,
                ),
            )
    return web.Response(status=204)
