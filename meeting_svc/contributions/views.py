"""Contribution requests and the position reports departments submit to them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from aiohttp import web

from meeting_svc.access import STAFF, actor, caller, editable, pool, publish, require, visible_meeting
from meeting_svc.contributions import api, db, rules
from meeting_svc.contributions.bodies import request_body, revision_body, submission_body
from meeting_svc.meetings import rules as meetings_rules
from meeting_svc.organisation import db as organisation_db
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit import pg
from servicekit.http import Problem, check_if_match, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.sessions import not_allowed
from servicekit.tokens import Claims


async def create_request(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "requesting contributions")
    raw = await request.read()
    body = await read_json(request, api.ContributionRequestCreate)
    if body.deadline.tzinfo is None:
        raise Problem(422, "Invalid time", "needs a UTC offset (RFC 3339)", field="deadline")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        past = meetings_rules.past_problem("deadline", body.deadline, dt.datetime.now(dt.UTC), meeting["record_only"])
        if past:
            raise Problem(422, "Time in the past", past[1], field=past[0])
        for n, dep in enumerate(body.department_ids):
            if await organisation_db.department(conn, claims.org, dep) is None:
                raise Problem(422, "Unknown department", "no such department", field=f"department_ids[{n}]")

        async def create(conn: pg.Connection) -> web.Response:
            values = {
                "topic_vi": body.topic.vi,
                "topic_en": body.topic.en,
                "guidance": body.guidance,
                "department_ids": list(dict.fromkeys(body.department_ids)),
                "deadline": body.deadline,
                "allow_late": body.allow_late,
            }
            row = await db.insert_request(conn, meeting["id"], values)
            await publish(
                request,
                conn,
                new_event(
                    ev.ContributionRequested,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    request_id=row["id"],
                    department_ids=list(row["department_ids"]),
                    topic=body.topic,
                    guidance=body.guidance,
                    deadline=body.deadline,
                    allow_late=body.allow_late,
                ),
            )
            return json_response(request_body(row), 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_requests(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    rows = await db.requests(pool(request), meeting["id"])
    return json_response(api.ContributionRequestList(items=[request_body(r) for r in rows]))


async def contribution_target(request: web.Request, claims: Claims, conn: pg.Connection) -> tuple[Any, Any]:
    meeting = await visible_meeting(request, claims, lock_conn=conn)
    rid = parse_uuid(request.match_info["request_id"], "contribution request")
    req = await db.request(conn, meeting["id"], rid)
    if req is None:
        raise Problem(404, "Not found", "no such contribution request")
    return meeting, req


def representative_of(claims: Claims, req: Any) -> uuid.UUID:
    if claims.kind != "participant" or claims.role != "department_representative":
        raise not_allowed()
    if claims.department is None or claims.department not in req["department_ids"]:
        raise not_allowed()
    return claims.department


def lateness(req: Any, now: dt.datetime) -> bool:
    late = now > req["deadline"]
    if late and not req["allow_late"]:
        raise Problem(409, "Deadline passed", f"the deadline was {req['deadline'].isoformat()}", field="deadline")
    return late


def submission_values(body: api.SubmissionBody) -> dict[str, Any]:
    return {
        "title": body.title,
        "body": body.body,
        "body_html": rules.render_markdown(body.body),
        "recommendations": body.recommendations,
    }


async def submit(request: web.Request) -> web.Response:
    claims = await caller(request)
    raw = await request.read()
    body = await read_json(request, api.SubmissionBody)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting, req = await contribution_target(request, claims, conn)
        department = representative_of(claims, req)
        late = lateness(req, dt.datetime.now(dt.UTC))
        if await db.submission_of(conn, req["id"], department) is not None:
            raise Problem(409, "Already submitted", "revise the existing submission with PUT", field="department")

        async def create(conn: pg.Connection) -> web.Response:
            sid, revision = await db.add_revision(
                conn,
                rid=req["id"],
                sid=None,
                department=department,
                author=claims.sub,
                late=late,
                v=submission_values(body),
            )
            await publish(
                request,
                conn,
                submission_fact(ev.ContributionSubmitted, meeting, claims, req, sid, department, revision, late, body),
            )
            row = await db.submission(conn, req["id"], sid)
            return json_response(submission_body(row), 201, {"ETag": etag(revision)})

        return await idempotent(request, conn, str(req["id"]), raw, create)


def submission_fact(
    kind: type[ev.ContributionSubmitted] | type[ev.ContributionRevised],
    meeting: Any,
    claims: Claims,
    req: Any,
    sid: uuid.UUID,
    department: uuid.UUID,
    revision: int,
    late: bool,
    body: api.SubmissionBody,
) -> Event:
    return new_event(
        kind,
        meeting_id=meeting["id"],
        actor=actor(claims),
        request_id=req["id"],
        submission_id=sid,
        department_id=department,
        title=body.title,
        revision=revision,
        late=late,
    )


async def revise(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.SubmissionBody)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting, req = await contribution_target(request, claims, conn)
        sid = parse_uuid(request.match_info["submission_id"], "submission")
        current = await db.submission(conn, req["id"], sid, lock=True)
        if current is None:
            raise Problem(404, "Not found", "no such submission")
        department = representative_of(claims, req)
        if current["department_id"] != department:
            raise not_allowed()
        check_if_match(request, current["revision"], required=True)
        late = lateness(req, dt.datetime.now(dt.UTC))
        _, revision = await db.add_revision(
            conn, rid=req["id"], sid=sid, department=department, author=claims.sub, late=late, v=submission_values(body)
        )
        await publish(
            request,
            conn,
            submission_fact(ev.ContributionRevised, meeting, claims, req, sid, department, revision, late, body),
        )
        row = await db.submission(conn, req["id"], sid)
    return json_response(submission_body(row), headers={"ETag": etag(revision)})


async def get_submission(request: web.Request) -> web.Response:
    claims = await caller(request)
    async with pool(request).acquire() as conn:
        _, req = await contribution_target(request, claims, conn)
        sid = parse_uuid(request.match_info["submission_id"], "submission")
        row = await db.submission(conn, req["id"], sid)
    if row is None:
        raise Problem(404, "Not found", "no such submission")
    return json_response(submission_body(row), headers={"ETag": etag(row["revision"])})


async def list_revisions(request: web.Request) -> web.Response:
    claims = await caller(request)
    async with pool(request).acquire() as conn:
        _, req = await contribution_target(request, claims, conn)
        sid = parse_uuid(request.match_info["submission_id"], "submission")
        if await db.submission(conn, req["id"], sid) is None:
            raise Problem(404, "Not found", "no such submission")
        rows = await db.revisions(conn, sid)
    return json_response(api.RevisionList(items=[revision_body(r) for r in rows]))


async def contribution_status(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    rows = await db.contribution_status(pool(request), meeting["id"])
    reminded = await db.reminded(pool(request), meeting["id"])
    return json_response(api.ContributionStatusList(items=status_items(rows, dt.datetime.now(dt.UTC), reminded)))


def status_items(
    rows: list[Any], now: dt.datetime, reminded: dict[tuple[Any, Any], dt.datetime] | None = None
) -> list[api.ContributionStatus]:
    reminded = reminded or {}
    return [
        api.ContributionStatus(
            request_id=r["request_id"],
            department_id=r["department_id"],
            status=rules.contribution_state(revisions=r["revisions"], late=r["late"], deadline=r["deadline"], now=now),  # type: ignore[arg-type]  # one of ContributionStatus's literals, though rules.py says str
            revisions=r["revisions"],
            deadline=r["deadline"],
            submission_id=r["submission_id"],
            reminded_at=reminded.get((r["request_id"], r["department_id"])),
        )
        for r in rows
    ]


async def send_reminder(request: web.Request) -> web.Response:
    """Remind the departments addressed by a request (by default those without a report) by email. A retry
    with the same Idempotency-Key (a double click, a lost answer) gets the first answer and sends nothing."""
    claims = await caller(request)
    require(claims, STAFF, "reminding departments")
    raw = await request.read()
    body = await read_json(request, api.ReminderSend) if raw else api.ReminderSend()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        rid = parse_uuid(request.match_info["request_id"], "contribution request")
        row = await db.request(conn, meeting["id"], rid)
        if row is None:
            raise Problem(404, "Not found", "no such contribution request")
        addressed = list(row["department_ids"])
        if body.department_ids is not None:
            for n, dep in enumerate(body.department_ids):
                if dep not in addressed:
                    raise Problem(
                        422,
                        "Not addressed",
                        "the request does not address this department",
                        field=f"department_ids[{n}]",
                    )

        async def remind(conn: pg.Connection) -> web.Response:
            if body.department_ids is not None:
                chosen = list(dict.fromkeys(body.department_ids))
            else:
                status = await db.contribution_status(conn, meeting["id"])
                submitted = {r["department_id"] for r in status if r["request_id"] == rid and r["revisions"]}
                chosen = [d for d in addressed if d not in submitted]
            if chosen:
                await db.remind(conn, rid, chosen)
                await publish(
                    request,
                    conn,
                    new_event(
                        ev.ContributionReminded,
                        meeting_id=meeting["id"],
                        actor=actor(claims),
                        request_id=rid,
                        department_ids=chosen,
                        deadline=row["deadline"],
                    ),
                )
            return json_response(api.Reminded(department_ids=chosen), 202)

        return await idempotent(request, conn, str(meeting["id"]), raw, remind)
