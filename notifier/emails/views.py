"""The email channel's HTTP handler for organisers, thin: a meeting's email log (what went out, what
waits for a retry, and why what failed failed). The participants' own page is settings_page.py."""

from __future__ import annotations

from aiohttp import web

from notifier import api
from notifier.access import organiser, pool
from notifier.emails import db as emails
from servicekit.http import Problem, convert_query, json_response, parse_uuid


async def meeting_emails(request: web.Request) -> web.Response:
    """The email log of a meeting: what went out, what waits for a retry, and why what failed failed."""
    claims = organiser(request)
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    query = convert_query(dict(request.query), api.EmailQuery)
    rows = await emails.emails_of_meeting(
        pool(request), claims.org, meeting_id, query.status, query.before, query.limit
    )
    if rows is None:
        raise Problem(404, "Not found", "no such meeting")
    items = [
        api.Email(
            id=r["id"],
            kind=r["kind"],
            participant_id=r["participant_id"],
            to=r["to_addr"],
            language=r["language"],
            subject=r["subject"],
            status=r["status"],
            attempts=r["attempts"],
            last_error=r["last_error"],
            created_at=r["created_at"],
            next_attempt_at=r["next_attempt_at"] if r["status"] == "pending" else None,
            sent_at=r["sent_at"],
        )
        for r in rows
    ]
    more = items[-1].id if len(items) == query.limit else None
    return json_response(api.EmailList(items=items, next_before=more))
