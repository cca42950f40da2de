"""Polls: preparing them, and the chair opening and closing them (the decisions themselves are deciding.py's,
which the schedule and the meeting consumer call too)."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from resolution_svc import api, barrier, db, service
from resolution_svc.bodies import poll_body, rule_words
from resolution_svc.deciding import actor, close_poll, draft_poll, open_poll
from resolution_svc.views.access import SETTINGS, caller, pool, require, visible_meeting
from resolution_svc.voting.presets import PRESETS
from schemas import events as ev
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME
from servicekit.tokens import Claims


async def create_poll(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    await require(request, claims, service.RUNNING_ROOM, "creating a poll")
    raw = await request.read()
    body = await read_json(request, api.PollCreate)
    rules = service.rules_of(body.rules, body.preset)
    if isinstance(rules, tuple):
        raise Problem(422, "Invalid poll", rules[1], field=rules[0])
    problem = service.poll_problem(
        motion=body.motion,
        has_resolution=body.resolution_id is not None,
        has_amendment=body.amendment_id is not None,
        rules=rules,
        secret=body.secret,
        allow_change=body.allow_change,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
    )
    if problem:
        raise Problem(422, "Invalid poll", problem[1], field=problem[0])
    async with pool(request).acquire() as conn, conn.transaction():
        resolution_id = body.resolution_id
        if body.amendment_id is not None:
            amendment = await db.amendment(conn, body.amendment_id)
            if amendment is None or amendment["meeting_id"] != meeting["id"]:
                raise Problem(422, "Unknown amendment", "no such amendment in this meeting", field="amendment_id")
            if amendment["status"] != "proposed":
                raise Problem(409, "Already decided", f"the amendment is {amendment['status']}", field="amendment_id")
            resolution_id = amendment["resolution_id"]
        if resolution_id is not None:
            resolution = await db.resolution(conn, resolution_id)
            if resolution is None or resolution["meeting_id"] != meeting["id"]:
                raise Problem(422, "Unknown resolution", "no such resolution in this meeting", field="resolution_id")
            if resolution["status"] != "draft":
                raise Problem(
                    409, "Not open to a vote", f"the resolution is {resolution['status']}", field="resolution_id"
                )

        async def create(conn: pg.Connection) -> web.Response:
            values = {
                "motion": body.motion,
                "resolution_id": resolution_id,
                "amendment_id": body.amendment_id,
                "question_vi": body.question.vi,
                "question_en": body.question.en,
                "options": rules.options,
                "rules": msgspec.json.encode(rules).decode(),
                "secret": body.secret,
                "allow_change": body.allow_change,
                "opens_at": body.opens_at,
                "closes_at": body.closes_at,
            }
            poll_id = await draft_poll(request.app[RUNTIME], conn, meeting, values, body.question, actor=actor(claims))
            row = await db.poll(conn, poll_id)
            return json_response(poll_body(row), 201, {"Location": f"/api/v1/polls/{poll_id}"})

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_presets(request: web.Request) -> web.Response:
    return json_response(
        api.PollPresetList(
            items=[
                api.PollPreset(
                    id=p.id,
                    name=ev.Bilingual(vi=p.name_vi, en=p.name_en),
                    rules=p.rules,
                    rule_text=rule_words(p.rules),
                )
                for p in PRESETS.values()
            ]
        )
    )


async def list_polls(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    return json_response(api.PollList(items=[poll_body(r) for r in await db.polls(pool(request), meeting["id"])]))


async def visible_poll(request: web.Request, claims: Claims, conn: pg.Connection | None = None) -> pg.Row:
    poll_id = parse_uuid(request.match_info["poll_id"], "poll")
    row = await db.poll(conn or pool(request), poll_id, lock=conn is not None)
    if (
        row is None
        or row["organisation_id"] != claims.org
        or (claims.kind == "participant" and claims.meeting != row["meeting_id"])
    ):
        raise Problem(404, "Not found", "no such poll")
    return row


async def get_poll(request: web.Request) -> web.Response:
    return json_response(poll_body(await visible_poll(request, caller(request))))


def poll_action(action: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = caller(request)
        runtime = request.app[RUNTIME]
        seen = await visible_poll(request, claims)
        await require(request, claims, service.RUNNING_ROOM, f"to {action} a poll")
        position = None
        if seen["status"] == ("draft" if action == "open" else "open"):
            # decide on everything meeting_svc acknowledged before this request (docs/consistency.md)
            position = await barrier.caught_up(runtime, seen["meeting_id"], request.app[SETTINGS].consistency_wait_s)
        async with pool(request).acquire() as conn, conn.transaction():
            poll = await visible_poll(request, claims, conn)
            if action == "open":
                if poll["status"] != "draft":
                    raise Problem(409, "Not a draft", f"the poll is {poll['status']}", current_status=poll["status"])
                await open_poll(runtime, conn, poll, claims, position=position)
            elif poll["status"] == "draft":
                raise Problem(409, "Not open", "the poll has not been opened", current_status="draft")
            else:
                # closing a closed poll changes nothing
                await close_poll(runtime, conn, poll, claims, position=position, reason="chair")
            row = await db.poll(conn, poll["id"])
        return json_response(poll_body(row))

    return handler
