"""What the page of a personal invite link offers beside it: the link as a QR code (SVG for the page,
PNG to download or print) and the meeting as a calendar file. Each answers only while the link works,
and like the page is never cached nor sent on as a referrer: the link is the credential."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from meeting_svc import events
from meeting_svc.access import SETTINGS, pool
from meeting_svc.meetings import db as meetings_db
from meeting_svc.people import join
from meeting_svc.people.join import PAGE_HEADERS, invite_holder
from servicekit.calendar import Entry, calendar_of, event_of
from servicekit.qr import qr_png, qr_svg


def _link(request: web.Request) -> str:
    return f"{request.app[SETTINGS].public_url.rstrip('/')}/join/{request.match_info['code']}"


async def _checked(request: web.Request) -> web.Response | None:
    async with pool(request).acquire() as conn:
        row = await invite_holder(request, conn)
    return row if isinstance(row, web.Response) else None


async def qr_image_svg(request: web.Request) -> web.Response:
    if refused := await _checked(request):
        return refused
    return web.Response(
        body=qr_svg(_link(request), "Mã QR · QR code"), content_type="image/svg+xml", headers=PAGE_HEADERS
    )


async def qr_image_png(request: web.Request) -> web.Response:
    if refused := await _checked(request):
        return refused
    return web.Response(
        body=qr_png(_link(request), scale=10),
        content_type="image/png",
        headers={**PAGE_HEADERS, "Content-Disposition": 'attachment; filename="invite-qr.png"'},
    )


async def calendar_file(request: web.Request) -> web.Response:
    """The meeting as one calendar entry, with the same UID and sequence as the invitation emails carry."""
    async with pool(request).acquire() as conn:
        row = await invite_holder(request, conn)
        if isinstance(row, web.Response):
            return row
        meeting = await meetings_db.meeting_with_agenda(conn, row["meeting_id"])
        sequence = await events.meeting_event_seq(conn, row["meeting_id"])
    assert meeting is not None  # a participant's meeting is never deleted
    lang = "en" if row["language"] == "en" else "vi"
    entry = Entry(
        meeting_id=meeting["id"],
        title=join.pick(meeting, "title", lang),
        starts_at=meeting["starts_at"],
        ends_at=meeting["ends_at"],
        timezone=meeting["timezone"],
        sequence=sequence,
        stamp=dt.datetime.now(dt.UTC),
        venue=", ".join(x for x in (meeting["venue_name"], meeting["venue_address"]) if x),
        online_url=meeting["online_url"] or "",
        page_url=f"{request.app[SETTINGS].public_url.rstrip('/')}/meetings/{meeting['id']}",
        description=join.pick(meeting, "description", lang),
    )
    body = calendar_of([event_of(entry, cancelled=meeting["status"] == "cancelled")]).to_ical()
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={**PAGE_HEADERS, "Content-Disposition": 'attachment; filename="meeting.ics"'},
    )
