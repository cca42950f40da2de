"""A personal invite code exchanged for a participant's session token (POST /api/v1/sessions), with
the page's first screen in the same answer when asked for."""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web

from meeting_svc import credentials
from meeting_svc.access import SIGNER, WINDOW, participant_now, pool
from meeting_svc.people import db as people_db
from meeting_svc.people.bodies import participant_body
from meeting_svc.site import api, bootstrap
from servicekit.http import Problem, json_response, read_json
from servicekit.tokens import Claims


async def create_session(request: web.Request) -> web.Response:
    body = await read_json(request, api.SessionCreate)
    async with pool(request).acquire() as conn:
        row = await people_db.by_invite(conn, credentials.sha256(body.invite_code))
    if row is None:
        raise Problem(404, "Unknown invite", "this invite link is not valid (revoked or mistyped)", field="invite_code")
    # a representative may still sign in for the follow-up of their department's directives
    expires = request.app[WINDOW].token_ends(row["role"], row["ends_at"], row["timezone"])
    if expires <= dt.datetime.now(dt.UTC):
        raise Problem(410, "Invite expired", "the meeting is over", field="invite_code")
    # Who, in which meeting, which generation of sessions: role and department are read from current
    # state on every request, in every service, so they are not signed in.
    claims = Claims(
        kind="participant",
        sub=row["id"],
        org=row["organisation_id"],
        jti=uuid.uuid4(),
        exp=int(expires.timestamp()),
        meeting=row["meeting_id"],
        epoch=row["session_epoch"],
    )
    token = request.app[SIGNER].sign(claims)
    await people_db.mark_invite_opened(pool(request), row["id"])
    first = None
    if body.first_screen:
        try:
            now = await participant_now(request, claims, reading=True)
            first = await bootstrap.first_screen(request, now, row["meeting_id"], f"Bearer {token}")
        except Problem:
            first = None  # a help, not a condition of signing in: the page asks for it itself
    response = json_response(
        api.Session(
            token=token,
            expires_at=expires,
            meeting_id=row["meeting_id"],
            participant=participant_body(row),
            first_screen=first,
        ),
        201,
    )
    if first is not None:
        response.enable_compression()  # as GET …/bootstrap
    return response
