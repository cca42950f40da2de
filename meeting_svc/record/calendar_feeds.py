"""A participant's subscribable calendar: their meetings (every meeting of the organisation where the same
person, by their address's key, is on the roster now with a live invite) and the contribution deadlines of
their department. The URL is a secret (only its hash is kept) that the participant or an organiser issues
anew (revoking the old) or revokes. It is issued under the current generation of the participant's invite:
revoking or reissuing the invite, or removing the participant, ends it with their sessions."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from aiohttp import web

from meeting_svc import credentials
from meeting_svc.access import SETTINGS, caller, pool, visible_meeting
from meeting_svc.people import db as people_db
from meeting_svc.people import join
from meeting_svc.people.attendance import self_or
from meeting_svc.record import db
from servicekit.calendar import Entry, calendar_of, deadline_event, event_of
from servicekit.http import Problem, json_response, parse_uuid

FEED_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


async def _person(request: web.Request) -> tuple[uuid.UUID, int]:
    """The participant of the path, when the caller is that participant or an organiser, and the generation
    of their invite the caller speaks for: a participant's session's own (a revocation since then ends what
    it issues), the current one for an organiser."""
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    pid = parse_uuid(request.match_info["participant_id"], "participant")
    self_or(claims, pid, (), "a calendar feed")
    standing = await people_db.standing(pool(request), pid)
    if standing is None or standing["removed"] or standing["meeting_id"] != meeting["id"]:
        raise Problem(404, "Not found", "no such participant")
    return pid, claims.epoch if claims.kind == "participant" else standing["epoch"]


async def issue_feed(request: web.Request) -> web.Response:
    pid, epoch = await _person(request)
    token = secrets.token_urlsafe(24)
    async with pool(request).acquire() as conn:
        await db.set_calendar_feed(conn, pid, credentials.sha256(token), epoch)
    url = f"{request.app[SETTINGS].public_url.rstrip('/')}/calendar/{token}.ics"
    return json_response({"url": url}, 201, FEED_HEADERS)


async def revoke_feed(request: web.Request) -> web.Response:
    pid, _ = await _person(request)
    async with pool(request).acquire() as conn:
        if not await db.drop_calendar_feed(conn, pid):
            raise Problem(404, "Not found", "no calendar feed to revoke")
    return web.Response(status=204)


async def feed(request: web.Request) -> web.Response:
    """The calendar itself (public: the URL is the credential)."""
    token = request.match_info["token"]
    async with pool(request).acquire() as conn:
        owner = await db.feed_owner(conn, credentials.sha256(token))
        if owner is None:
            return web.Response(
                status=404, text=join.problem_page("invalid"), content_type="text/html", charset="utf-8"
            )
        meetings = await db.feed_meetings(conn, owner, people_db.key_of(owner["email"]))
        deadlines = await db.feed_deadlines(
            conn, [(m["id"], m["department_id"]) for m in meetings if m["department_id"] is not None]
        )
    lang = "en" if owner["language"] == "en" else "vi"
    base = request.app[SETTINGS].public_url.rstrip("/")
    now = dt.datetime.now(dt.UTC)
    titles = {m["id"]: join.pick(m, "title", lang) for m in meetings}
    events = [
        event_of(
            Entry(
                meeting_id=m["id"],
                title=titles[m["id"]],
                starts_at=m["starts_at"],
                ends_at=m["ends_at"],
                timezone=m["timezone"],
                sequence=m["event_seq"],
                stamp=now,
                venue=", ".join(x for x in (m["venue_name"], m["venue_address"]) if x),
                online_url=m["online_url"] or "",
                page_url=f"{base}/meetings/{m['id']}",
                description=join.pick(m, "description", lang),
            ),
            cancelled=m["status"] == "cancelled",
        )
        for m in meetings
    ]
    due = "Hạn nộp tham luận" if lang == "vi" else "Contribution due"
    events += [
        deadline_event(
            f"contribution-{r['id']}@hoinghi",
            f"{due}: {join.pick(r, 'topic', lang)} ({titles[r['meeting_id']]})",
            r["deadline"],
            r["timezone"],
            now,
            f"{base}/meetings/{r['meeting_id']}",
        )
        for r in deadlines
    ]
    name = "Lịch hội nghị của tôi" if lang == "vi" else "My meetings"
    return web.Response(
        body=calendar_of(events, name=name).to_ical(),
        content_type="text/calendar",
        charset="utf-8",
        headers=FEED_HEADERS,
    )
