"""The meeting's notification policy: which emails go to whom, set by the organiser (schemas.notices)."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from meeting_svc.access import caller, editable, organiser, pool, publish, require, visible_meeting
from meeting_svc.meetings import api, db
from meeting_svc.meetings.bodies import meeting_fact, policy_of, venue
from schemas import events as ev
from schemas.notices import Notice, effective, in_room
from servicekit.http import check_if_match, etag, json_response, read_json


def policy_body(row: Any) -> api.NotificationPolicy:
    given = policy_of(row) or {}
    room = in_room(venue(row), row["online_url"])
    return api.NotificationPolicy(rules=effective(given, room), set=sorted(given), in_room=room, version=row["version"])


async def get_policy(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, ("chair", "secretary"), "to read the notification policy")
    row = await visible_meeting(request, claims)
    return json_response(policy_body(row), headers={"ETag": etag(row["version"])})


async def put_policy(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.NotificationPolicyIn)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        check_if_match(request, meeting["version"])
        editable(meeting)
        given = {kind: Notice(audience=r.audience, delivery=r.delivery) for kind, r in body.rules.items()}
        row = await db.set_notification_policy(conn, meeting["id"], msgspec.json.encode(given).decode())
        # the whole facts again, with the policy: the notifier's read model of the meeting takes it as one update
        await publish(request, conn, meeting_fact(ev.MeetingUpdated, row, claims))
    return json_response(policy_body(row), headers={"ETag": etag(row["version"])})
