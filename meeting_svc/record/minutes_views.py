"""The minutes: the draft (staff), the secretary's summaries, the chair's approval into a frozen version
published as `minutes.published`, and the versions (every participant)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

import msgspec
import structlog
from aiohttp import web

from meeting_svc.access import SETTINGS, STAFF, actor, caller, pool, publish, require, visible_meeting
from meeting_svc.meetings import db as meetings_db
from meeting_svc.organisation import db as organisation_db
from meeting_svc.record import api
from meeting_svc.record.minutes import budget, draft, pdf, render, store
from meeting_svc.record.minutes.typesetting import Typesetter, TypesettingFailed
from meeting_svc.room import db as room_db
from schemas import events as ev
from schemas.codec import decode, new_event
from servicekit import pg
from servicekit.fields import Request
from servicekit.http import Problem, convert_query, json_response, parse_uuid, read_json
from servicekit.tabular import language

log = structlog.get_logger()

CHAIR = frozenset({"chair"})
# Minutes are read out and approved at the end of the meeting, or afterwards; not before it has begun.
APPROVABLE = frozenset({"in_progress", "ended"})
PAGE = {"Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
# An approved version's documents never change: cached for a year, revalidated by their ETag.
FROZEN = {**PAGE, "Cache-Control": "private, max-age=31536000, immutable"}
LANGS = ("vi", "en")
TYPESETTER = web.AppKey("typesetter", Typesetter)


class DraftQuery(Request, kw_only=True):
    lang: Literal["vi", "en"] | None = None
    format: Literal["json", "pdf"] = "json"


class VersionQuery(Request, kw_only=True):
    lang: Literal["vi", "en"] | None = None
    format: Literal["json", "html", "pdf"] = "json"


def fit_to_typeset(request: web.Request, minutes: draft.Minutes) -> None:
    """422 naming the longest text when the minutes hold more text than can be typeset in a few seconds."""
    over = budget.overflow(minutes, budget_of(request))
    if over is not None:
        raise too_long(over)


def too_long(over: budget.Overflow, field: str | None = None) -> Problem:
    where: dict[str, Any] = {"item_id": str(over.item_id)} if over.item_id else {}
    return Problem(
        422,
        "Minutes too long to typeset",
        over.detail(),
        field=field or over.field,
        lang=over.lang,
        size=over.size,
        budget=over.budget,
        **where,
    )


async def typeset(
    request: web.Request,
    minutes: draft.Minutes,
    lang: str,
    digest: str,
    *,
    motto: bool = True,
    version: int | None = None,
    approved_at: dt.datetime | None = None,
) -> bytes:
    """The PDF, typeset in the service's typesetting pool (never the event loop, never the default executor).
    503 + Retry-After when the pool is full, or when the compile fails or outlasts its timeout (naming the
    longest text, the one to shorten if it keeps failing)."""
    src = pdf.source(minutes, lang, digest, motto=motto, version=version, approved_at=approved_at)
    try:
        return await request.app[TYPESETTER].pdf(src, pdf.timestamp(minutes, approved_at))
    except TypesettingFailed as error:
        longest = budget.overflow(minutes, -1)
        log.error("typesetting failed", error=str(error), lang=lang, version=version)
        raise Problem(
            503,
            "Typesetting failed",
            f"the minutes in {lang} could not be typeset: {error}",
            field=longest.field if longest else None,
            headers={"Retry-After": "30"},
        ) from None


def budget_of(request: web.Request) -> int:
    return request.app[SETTINGS].minutes_text_budget


def pdf_response(body: bytes, lang: str, name: str, etag: str | None = None) -> web.Response:
    headers = {**(FROZEN if etag else PAGE), "Content-Disposition": f'inline; filename="{name}-{lang}.pdf"'}
    if etag:
        headers["ETag"] = f'"{etag}"'
    return web.Response(body=body, content_type="application/pdf", headers={**headers, "Content-Language": lang})


def not_modified(request: web.Request, etag: str) -> bool:
    return f'"{etag}"' in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}


async def drafted(conn: pg.Connection, meeting: pg.Row) -> draft.Minutes:
    """The minutes as the facts and summaries stand now."""
    mid = meeting["id"]
    departments = {
        d["id"]: draft.Text(vi=d["name_vi"], en=d["name_en"])
        for d in await organisation_db.departments(conn, meeting["organisation_id"])
    }
    return draft.draft(
        meeting=meeting,
        roster=await store.roster(conn, mid),
        agenda=await meetings_db.agenda(conn, mid),
        reports=await store.reports(conn, mid),
        events=[decode(r["payload"]) for r in await store.record_events(conn, mid)],
        summaries=await store.summaries(conn, mid),
        departments=departments,
        times=await store.agenda_times(conn, mid),
        speakers=await room_db.meeting_speakers(conn, mid),
    )


async def get_draft(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "reading the draft minutes")
    q = convert_query(dict(request.query), DraftQuery)
    meeting = await visible_meeting(request, claims)
    async with pool(request).acquire() as conn:
        minutes = await drafted(conn, meeting)
    digest = draft.content_hash(minutes)
    lang = language(request, q.lang)
    if q.format == "pdf":
        fit_to_typeset(request, minutes)
        return pdf_response(await typeset(request, minutes, lang, digest), lang, "minutes-draft")
    html = render.render_html(minutes, lang, digest)
    return json_response(api.MinutesDraft(content_hash=digest, html=html, content=msgspec.to_builtins(minutes)))


async def put_summary(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "editing the minutes")
    body = await read_json(request, api.SummaryBody)
    meeting = await visible_meeting(request, claims)
    item_id = parse_uuid(request.match_info["item_id"], "agenda item")
    async with pool(request).acquire() as conn:
        if not any(a["id"] == item_id for a in await meetings_db.agenda(conn, meeting["id"])):
            raise Problem(404, "Not found", "no such agenda item")
        # every draft stays small enough to typeset, so every approval can be
        summary = draft.Text(vi=body.summary.vi, en=body.summary.en)
        over = budget.overflow(budget.with_summary(await drafted(conn, meeting), item_id, summary), budget_of(request))
        if over is not None:
            raise too_long(over, f"summary.{over.lang}" if over.item_id == item_id else None)
        by = claims.sub if claims.kind == "participant" else None
        await store.set_summary(conn, meeting["id"], item_id, body.summary.vi, body.summary.en, by)
    return web.Response(status=204)


async def approve(request: web.Request) -> web.Response:
    """Freeze the minutes as they are drafted now into the next version, and publish it."""
    claims = await caller(request)
    require(claims, CHAIR, "approving the minutes")
    body = await read_json(request, api.ApproveBody) if request.can_read_body else api.ApproveBody()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)  # locked: approvals queue
        if meeting["status"] not in APPROVABLE:
            raise Problem(
                409,
                "Meeting not held",
                "minutes are approved once the meeting has begun",
                current_status=meeting["status"],
            )
        minutes = await drafted(conn, meeting)
        fit_to_typeset(request, minutes)
        digest = draft.content_hash(minutes)
        # the documents name their version and its moment, known once the row is in (the hash covers the
        # content, not that line)
        approved_by = claims.sub
        row = await store.add_version(
            conn, meeting["id"], msgspec.json.encode(minutes), body.national_motto, digest, approved_by
        )
        number = row["version"]
        frozen: dict[str, Any] = {"motto": body.national_motto, "version": number, "approved_at": row["approved_at"]}
        html = {lang: render.render_html(minutes, lang, digest, **frozen) for lang in LANGS}
        # typeset once, here, in the typesetting pool (one language after the other: an approval needs one
        # slot, whatever the pool's size); should it fail, the transaction rolls back: no version without
        # its documents, no event for it
        pdfs = {lang: await typeset(request, minutes, lang, digest, **frozen) for lang in LANGS}
        await store.set_documents(conn, meeting["id"], number, html, pdfs)
        await publish(
            request,
            conn,
            new_event(
                ev.MinutesPublished,
                meeting_id=meeting["id"],
                actor=actor(claims),
                version=number,
                content_hash=digest,
                approved_by=approved_by,
            ),
        )
    return json_response(
        api.MinutesVersion(
            version=number, content_hash=digest, approved_by=approved_by, approved_at=row["approved_at"]
        ),
        201,
    )


async def list_versions(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    rows = await store.versions(pool(request), meeting["id"])
    return json_response(api.MinutesVersions(items=[api.MinutesVersion(**dict(r)) for r in rows]))


async def get_version(request: web.Request) -> web.Response:
    claims = await caller(request)
    q = convert_query(dict(request.query), VersionQuery)
    meeting = await visible_meeting(request, claims)
    try:
        number = int(request.match_info["version"])
    except ValueError:
        raise Problem(404, "Not found", "no such version") from None
    lang = language(request, q.lang)
    wanted = lang if q.format == "pdf" else None
    row = await store.version(pool(request), meeting["id"], number, wanted) if 0 < number < 2**31 else None
    if row is None:
        raise Problem(404, "Not found", "no such version")
    html = row["html_en"] if lang == "en" else row["html_vi"]
    if q.format == "pdf":
        body, etag = row["pdf"], row["pdf_sha256"]
        if body is None:  # approved before documents were kept: typeset this once, then kept
            frozen = msgspec.json.decode(row["content"], type=draft.Minutes)
            kw: dict[str, Any] = {"motto": row["national_motto"], "version": number, "approved_at": row["approved_at"]}
            body = await typeset(request, frozen, lang, row["content_hash"], **kw)
            etag = await store.keep_pdf(pool(request), meeting["id"], number, lang, body)
        if not_modified(request, etag):
            return web.Response(status=304, headers={"ETag": f'"{etag}"'})
        return pdf_response(body, lang, f"minutes-v{number}", etag)
    if q.format == "html":
        etag = hashlib.sha256(html.encode()).hexdigest()
        if not_modified(request, etag):
            return web.Response(status=304, headers={"ETag": f'"{etag}"'})
        headers = {**FROZEN, "ETag": f'"{etag}"', "Content-Language": lang}
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=headers)
    return json_response(
        api.MinutesVersion(
            version=row["version"],
            content_hash=row["content_hash"],
            approved_by=row["approved_by"],
            approved_at=row["approved_at"],
            html=html,
        )
    )
