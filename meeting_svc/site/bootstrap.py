"""A participant page's first screen in one request: meeting_svc's part read here, resolution_svc's
part asked of it for the same caller at the same time, so the page waits for one round trip, not six."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import aiohttp
import msgspec
from aiohttp import web

from meeting_svc.access import CLOCK, SETTINGS, caller, pool, visible
from meeting_svc.contributions import db as contributions_db
from meeting_svc.contributions.bodies import request_body, submission_body
from meeting_svc.contributions.views import status_items
from meeting_svc.meetings import db as meetings_db
from meeting_svc.meetings.bodies import meeting_body
from meeting_svc.people import db as people_db
from meeting_svc.people.bodies import participant_body
from meeting_svc.room import db as room_db
from meeting_svc.room.motions import motion_body
from meeting_svc.room.views import room_body
from meeting_svc.site import api, same_origin
from servicekit.http import Problem, json_response, parse_uuid
from servicekit.sessions import not_allowed
from servicekit.tokens import Claims

# resolution_svc's part is a help, not a condition: past this the page asks for it itself
RESOLUTION_WAIT_S = 2.0


async def from_resolution(
    request: web.Request, authorization: str, path: str, params: dict[str, str] | None = None
) -> msgspec.Raw | None:
    base = request.app[SETTINGS].resolution_url.rstrip("/")
    headers = {"Authorization": authorization}
    try:
        async with request.app[same_origin.SESSION].get(
            f"{base}/api/v1{path}",
            params=params,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=RESOLUTION_WAIT_S),
        ) as response:
            if response.status != 200:
                return None
            return msgspec.Raw(await response.read())
    except (aiohttp.ClientError, TimeoutError):
        return None


async def get_bootstrap(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    response = json_response(await first_screen(request, claims, meeting_id, request.headers["Authorization"]))
    # the page's largest answer and on its critical path: compressed, a slow phone line carries a fifth
    response.enable_compression()
    return response


async def first_screen(
    request: web.Request, claims: Claims, meeting_id: uuid.UUID, authorization: str
) -> api.Bootstrap:
    """The first screen for this caller (`authorization` is their session, passed on to resolution_svc)."""
    meeting = visible(claims, meeting_id, await meetings_db.meeting_with_agenda(pool(request), meeting_id))
    if claims.kind != "participant":
        raise not_allowed()  # the first screen of a participant's page
    department = claims.department if claims.role == "department_representative" else None
    mine = f"/meetings/{meeting_id}"
    asked = asyncio.gather(
        from_resolution(request, authorization, f"{mine}/polls"),
        from_resolution(request, authorization, f"{mine}/results"),
        from_resolution(
            request, authorization, "/directives", {"department": str(department), "meeting_id": str(meeting_id)}
        )
        if department
        else asyncio.sleep(0, None),
    )
    try:
        async with pool(request).acquire() as conn:
            me = await people_db.participant(conn, meeting_id, claims.sub)
            if me is None:
                raise Problem(404, "Not found", "no such participant")
            requests = await contributions_db.requests(conn, meeting_id)
            status = await contributions_db.contribution_status(conn, meeting_id)
            ours = [s for s in status if department and s["department_id"] == department and s["submission_id"]]
            rows = [await contributions_db.submission(conn, s["request_id"], s["submission_id"]) for s in ours]
            room = await room_body(conn, meeting_id, request.app[CLOCK]())
            motions = await room_db.motions(conn, meeting_id)
    except BaseException:
        asked.cancel()
        raise
    polls, results, directives = await asked
    return api.Bootstrap(
        meeting=meeting_body(meeting, msgspec.json.decode(meeting["agenda"])),
        participant=participant_body(me, seen_by=claims),
        contribution_requests=[request_body(r) for r in requests],
        contributions=status_items(status, dt.datetime.now(dt.UTC)),
        submissions=[submission_body(row) for row in rows if row is not None],
        room=room,
        motions=[motion_body(row) for row in motions],
        polls=polls,
        results=results,
        directives=directives,
    )
