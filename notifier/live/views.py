"""The live channel's HTTP handler: who may open a meeting's stream (its participants, organisers of its
organisation), how many streams a session and a client address may hold at once (notifier.live.slots),
and where a stream resumes (`Last-Event-ID`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from aiohttp import web

from notifier import read_model
from notifier.access import SETTINGS, VERIFIER, WINDOW, pool
from notifier.live.slots import Slot, StreamLimits, StreamSlots
from notifier.live.stream import Hub, stream
from notifier.settings import Settings
from servicekit.clients import Clients, limit_key
from servicekit.http import Problem, parse_uuid
from servicekit.limits import client_of, credential_key
from servicekit.sessions import Standing, session_access

log = structlog.get_logger("notifier.live")

HUB = web.AppKey("hub", Hub)


@dataclass
class StreamAdmission:
    """The process's stream slots, and how a request's client address is found and whether it counts."""

    slots: StreamSlots
    clients: Clients  # who is asking, and whose address is not counted (RATE_LIMIT_EXEMPT)

    @classmethod
    def of(cls, settings: Settings, clients: Clients) -> StreamAdmission:
        limits = StreamLimits(
            per_session=settings.sse_streams_per_session,
            per_address=settings.sse_streams_per_address,
            total=settings.sse_streams_total,
        )
        return cls(StreamSlots(limits), clients)

    def address(self, request: web.Request) -> str | None:
        """The key the client's address counts under, None for a client not counted (an address that does
        not parse, from a test transport or a garbled hop, is counted as it reads)."""
        client = client_of(request, self.clients)
        return None if self.clients.is_exempt(client) else limit_key(client)


ADMISSION = web.AppKey("stream_admission", StreamAdmission)


async def meeting_stream(request: web.Request) -> web.StreamResponse:
    verifier = request.app[VERIFIER]
    claims = verifier.from_request(request)
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
    admission = request.app[ADMISSION]
    # the token, from the header or `access_token` alike, so one session counts once whichever it uses
    slot = admission.slots.acquire(credential_key(verifier.token_of(request)), admission.address(request))
    if not isinstance(slot, Slot):
        log.warning("live stream refused", limit=slot, kind=claims.kind, meeting_id=str(meeting_id))
        # a stream whose client went away is noticed at its next heartbeat, and its slot freed
        seconds = str(max(1, math.ceil(settings.sse_heartbeat_s)))
        raise Problem(
            429,
            "Too many live streams",
            f"too many live streams are open; try again in {seconds} s",
            headers={"Retry-After": seconds},
        )
    still_allowed: Callable[[], Awaitable[bool]] | None = None
    if claims.kind == "participant":
        window = request.app[WINDOW]

        async def session_stands() -> bool:
            standing = await read_model.standing(pool(request), claims.sub)
            known = None if standing is None else Standing(**standing)
            return session_access(claims, known, window, dt.datetime.now(dt.UTC)) == "full"

        still_allowed = session_stands

    try:
        return await stream(
            request, request.app[HUB], pool(request), meeting_id, last_id, settings.sse_heartbeat_s, still_allowed
        )
    finally:
        admission.slots.release(slot)
