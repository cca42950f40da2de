"""The live channel's HTTP handler: who may open a meeting's stream (its participants, organisers of its
organisation), and where it resumes (`Last-Event-ID`)."""

from __future__ import annotations

from aiohttp import web

from notifier import read_model
from notifier.access import SETTINGS, VERIFIER, pool
from notifier.live.stream import Hub, stream
from servicekit.http import Problem, parse_uuid

HUB = web.AppKey("hub", Hub)


async def meeting_stream(request: web.Request) -> web.StreamResponse:
    claims = request.app[VERIFIER].from_request(request)
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    if claims.kind == "participant":
        if claims.meeting != meeting_id:
            raise Problem(404, "Not found", "no such meeting")
    else:
        meeting = await read_model.meeting(pool(request), meeting_id)
        if meeting is None or meeting["organisation_id"] != claims.org:
            raise Problem(404, "Not found", "no such meeting")
    raw = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
    last_id: int | None = None
    if raw:
        try:
            last_id = int(raw)
        except ValueError:
            raise Problem(
                400, "Invalid Last-Event-ID", "an event number from this stream", field="Last-Event-ID"
            ) from None
    settings = request.app[SETTINGS]
    return await stream(request, request.app[HUB], pool(request), meeting_id, last_id, settings.sse_heartbeat_s)
