"""A department's subscribable calendar of its directives' due dates. The URL is a secret (only its hash is
kept) that an organiser issues anew (revoking the old) or revokes; it shows the directives of the
issuing organisation only, whatever department id it is asked for."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from aiohttp import web

from resolution_svc import directives_db
from resolution_svc.views.access import caller, pool
from servicekit.calendar import calendar_of, due_date_event
from servicekit.http import Problem, json_response, parse_uuid
from servicekit.sessions import not_allowed

FEED_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
STATUS = {
    "vi": {
        "not_started": "chưa bắt đầu",
        "in_progress": "đang thực hiện",
        "done": "hoàn thành",
        "blocked": "vướng mắc",
    },
    "en": {"not_started": "not started", "in_progress": "in progress", "done": "done", "blocked": "blocked"},
}


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _organiser_and_department(request: web.Request) -> tuple[uuid.UUID, uuid.UUID]:
    claims = caller(request)
    if claims.kind != "organiser":
        raise not_allowed()
    return claims.org, parse_uuid(request.match_info["department_id"], "department")


async def issue_department_feed(request: web.Request) -> web.Response:
    org, department = _organiser_and_department(request)
    token = secrets.token_urlsafe(24)
    await directives_db.set_department_feed(pool(request), org, department, _hash(token))
    url = f"{request.url.origin()}/calendar/departments/{token}.ics"
    return json_response({"url": url}, 201, FEED_HEADERS)


async def revoke_department_feed(request: web.Request) -> web.Response:
    org, department = _organiser_and_department(request)
    if not await directives_db.drop_department_feed(pool(request), org, department):
        raise Problem(404, "Not found", "no calendar feed to revoke")
    return web.Response(status=204)


async def department_feed(request: web.Request) -> web.Response:
    """The calendar itself (public: the URL is the credential); `?lang=en` for English."""
    rows = await directives_db.department_feed_directives(pool(request), _hash(request.match_info["token"]))
    if rows is None:
        raise Problem(404, "Not found", "no such calendar feed")
    lang = "en" if request.query.get("lang") == "en" else "vi"
    now = dt.datetime.now(dt.UTC)
    label = "Trạng thái" if lang == "vi" else "Status"
    events = []
    for r in rows:
        title = (r["title_vi"] or r["title_en"]) if lang == "vi" else (r["title_en"] or r["title_vi"])
        description = "\n".join(
            x for x in (f"{label}: {STATUS[lang].get(r['status'], r['status'])}", r["description"]) if x
        )
        event = due_date_event(f"directive-{r['id']}@hoinghi", title, r["due_date"], now, description)
        event.add("sequence", r["version"])  # a status change replaces the entry
        events.append(event)
    name = "Hạn nhiệm vụ của đơn vị" if lang == "vi" else "Department directives due"
    return web.Response(
        body=calendar_of(events, name=name).to_ical(),
        content_type="text/calendar",
        charset="utf-8",
        headers=FEED_HEADERS,
    )
