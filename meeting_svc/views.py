"""Thin HTTP handlers: authenticate, decode, apply the rules in service.py, write through db.py with
the event in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import asyncpg
import msgspec
from aiohttp import web

from meeting_svc import api, db, join, service
from meeting_svc.settings import Settings
from schemas import events as ev
from schemas.bus import enqueue
from schemas.codec import new_event
from schemas.events import VOTING_ROLES, Event
from servicekit.http import Problem, check_if_match, convert_query, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME
from servicekit.tokens import Claims, TokenSigner, TokenVerifier

VERIFIER = web.AppKey("verifier", TokenVerifier)
SIGNER = web.AppKey("signer", TokenSigner)
SETTINGS = web.AppKey("settings", Settings)
MEETING_OWNERS = web.AppKey("meeting_owners", dict)
CLAIMS = web.RequestKey("claims", Claims)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STAFF = frozenset({"chair", "secretary"})  # participants who run the room


# --- identity -------------------------------------------------------------------------------------------


def pool(request: web.Request) -> asyncpg.Pool:
    return request.app[RUNTIME].db()


async def caller(request: web.Request) -> Claims:
    if CLAIMS in request:
        return request[CLAIMS]
    claims = request.app[VERIFIER].from_request(request)
    if claims.kind == "organiser":
        valid = await db.organiser_token_valid(pool(request), claims.jti)
    else:
        valid = await db.participant_active(pool(request), claims.sub)
    if not valid:
        raise Problem(401, "Token revoked", field="Authorization", headers={"WWW-Authenticate": "Bearer"})
    request[CLAIMS] = claims
    return claims


@web.middleware
async def meeting_scope(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every route under a meeting first checks the caller may see that meeting, so a foreign id is a
    404 whatever else the request holds. A meeting's organisation never changes, so it is cached."""
    raw = request.match_info.get("meeting_id")
    if raw is not None:
        claims = await caller(request)
        meeting_id = parse_uuid(raw, "meeting")
        owners = request.app[MEETING_OWNERS]
        org = owners.get(meeting_id)
        if org is None:
            org = await pool(request).fetchval("select organisation_id from meetings where id = $1", meeting_id)
            if org is not None:
                if len(owners) > 100_000:
                    owners.clear()
                owners[meeting_id] = org
        if org != claims.org or (claims.kind == "participant" and claims.meeting != meeting_id):
            raise Problem(404, "Not found", "no such meeting")
    return await handler(request)


async def organiser(request: web.Request) -> Claims:
    claims = await caller(request)
    if claims.kind != "organiser":
        raise Problem(403, "Organisers only", "this needs an organiser API token")
    return claims


def actor(claims: Claims) -> str:
    return f"{claims.kind}:{claims.sub}"


async def visible_meeting(
    request: web.Request, claims: Claims, *, lock_conn: asyncpg.Connection | None = None
) -> asyncpg.Record:
    """The meeting of the path if the caller may see it; 404 otherwise (never a hint that it exists)."""
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    return visible(
        claims, meeting_id, await db.meeting(lock_conn or pool(request), meeting_id, lock=lock_conn is not None)
    )


def visible(claims: Claims, meeting_id: uuid.UUID, row: asyncpg.Record | None) -> asyncpg.Record:
    if (
        row is None
        or row["organisation_id"] != claims.org
        or (claims.kind == "participant" and claims.meeting != meeting_id)
    ):
        raise Problem(404, "Not found", "no such meeting")
    return row


def require(claims: Claims, roles: Iterable[str], what: str) -> None:
    """Organisers may do everything in their organisation; participants need one of `roles`."""
    if claims.kind != "organiser" and claims.role not in roles:
        raise Problem(403, "Not allowed", f"{what} needs the organiser or one of: {', '.join(sorted(roles))}")


def editable(meeting: asyncpg.Record) -> None:
    if meeting["status"] not in service.EDITABLE:
        raise Problem(409, "Meeting closed", f"the meeting is {meeting['status']}", current_status=meeting["status"])


async def publish(request: web.Request, conn: asyncpg.Connection, *events: Event) -> None:
    await enqueue(conn, request.app[RUNTIME].subjects, *events)


# --- conversions ----------------------------------------------------------------------------------------


def bilingual(row: Any, prefix: str) -> ev.Bilingual:
    return ev.Bilingual(vi=row[f"{prefix}_vi"], en=row[f"{prefix}_en"])


def venue(row: Any) -> ev.Venue | None:
    return ev.Venue(name=row["venue_name"], address=row["venue_address"]) if row["venue_name"] else None


def meeting_body(row: Any, agenda: list[Any] | None = None) -> api.Meeting:
    tz = row["timezone"]
    return api.Meeting(
        id=row["id"],
        organisation_id=row["organisation_id"],
        title=bilingual(row, "title"),
        description=bilingual(row, "description"),
        starts_at=service.local(row["starts_at"], tz),
        ends_at=service.local(row["ends_at"], tz),
        timezone=tz,
        venue=venue(row),
        online_url=row["online_url"],
        status=row["status"],
        version=row["version"],
        agenda_version=row["agenda_version"],
        agenda=None if agenda is None else [agenda_body(a) for a in agenda],
    )


def meeting_fact(cls: type[ev.MeetingFacts], row: Any, claims: Claims, **extra: Any) -> Event:
    return new_event(
        cls,
        meeting_id=row["id"],
        actor=actor(claims),
        organisation_id=row["organisation_id"],
        title=bilingual(row, "title"),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        timezone=row["timezone"],
        status=row["status"],
        venue=venue(row),
        online_url=row["online_url"],
        **extra,
    )


def agenda_body(row: Any) -> api.AgendaItem:
    return api.AgendaItem(
        id=row["id"],
        position=row["position"],
        title=bilingual(row, "title"),
        kind=row["kind"],
        presenter=row["presenter"],
        planned_minutes=row["planned_minutes"],
        contribution_request_id=row["contribution_request_id"],
        resolution_id=row["resolution_id"],
    )


def agenda_event_item(row: Any) -> ev.AgendaItem:
    return msgspec.convert(msgspec.to_builtins(agenda_body(row)), ev.AgendaItem)


def participant_body(row: Any, invite_url: str | None = None) -> api.Participant:
    return api.Participant(
        id=row["id"],
        meeting_id=row["meeting_id"],
        name=row["name"],
        email=row["email"],
        department_id=row["department_id"],
        role=row["role"],
        weight=row["weight"],
        language=row["language"],
        rsvp=row["rsvp"],
        present=row["present"],
        proxy_holder_id=row["proxy_holder_id"],
        invite_url=invite_url,
    )


def participant_fact(cls: type[ev.ParticipantFacts], row: Any, claims: Claims, **extra: Any) -> Event:
    return new_event(
        cls,
        meeting_id=row["meeting_id"],
        actor=actor(claims),
        participant_id=row["id"],
        name=row["name"],
        email=row["email"],
        role=row["role"],
        weight=row["weight"],
        department_id=row["department_id"],
        block_id=row["block_id"],
        language=row["language"],
        **extra,
    )


def department_body(row: Any) -> api.Department:
    return api.Department(id=row["id"], name=bilingual(row, "name"), code=row["code"], parent_id=row["parent_id"])


def request_body(row: Any) -> api.ContributionRequest:
    return api.ContributionRequest(
        id=row["id"],
        meeting_id=row["meeting_id"],
        topic=bilingual(row, "topic"),
        guidance=row["guidance"],
        department_ids=list(row["department_ids"]),
        deadline=row["deadline"],
        allow_late=row["allow_late"],
    )


def revision_body(row: Any, late_column: str = "late") -> api.Revision:
    return api.Revision(
        revision=row["revision"],
        title=row["title"],
        body=row["body"],
        body_html=row["body_html"],
        recommendations=list(row["recommendations"]),
        late=row[late_column],
        created_at=row["created_at"],
    )


def submission_body(row: Any) -> api.Submission:
    return api.Submission(
        id=row["id"],
        request_id=row["request_id"],
        department_id=row["department_id"],
        revision=row["revision"],
        late=row["late"],
        current=revision_body(row, late_column="revision_late"),
    )


# --- departments ------------------------------------------------------------------------------------------


async def create_department(request: web.Request) -> web.Response:
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.DepartmentCreate)
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: asyncpg.Connection) -> web.Response:
            if body.parent_id is not None:
                parent = await db.department(conn, claims.org, body.parent_id)
                if parent is None:
                    raise Problem(422, "Unknown parent", "no such department", field="parent_id")
                if parent["parent_id"] is not None:
                    raise Problem(
                        422, "Too deep", "departments have two levels: a block and its departments", field="parent_id"
                    )
            values = {"code": body.code, "name_vi": body.name.vi, "name_en": body.name.en, "parent_id": body.parent_id}
            try:
                async with conn.transaction():
                    row = await db.insert_department(conn, claims.org, values)
            except asyncpg.UniqueViolationError:
                raise Problem(409, "Code taken", f"a department with code {body.code!r} exists", field="code") from None
            return json_response(department_body(row), 201, {"Location": f"/api/v1/departments/{row['id']}"})

        return await idempotent(request, conn, str(claims.org), raw, create)


async def list_departments(request: web.Request) -> web.Response:
    claims = await caller(request)
    departments = [department_body(r) for r in await db.departments(pool(request), claims.org)]
    return json_response(api.DepartmentList(items=departments))


async def patch_department(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.DepartmentPatch)
    dep = parse_uuid(request.match_info["department_id"], "department")
    async with pool(request).acquire() as conn, conn.transaction():
        row = await db.department(conn, claims.org, dep)
        if row is None:
            raise Problem(404, "Not found", "no such department")
        name = body.name if not isinstance(body.name, msgspec.UnsetType) else bilingual(row, "name")
        code = body.code if not isinstance(body.code, msgspec.UnsetType) else row["code"]
        try:
            async with conn.transaction():
                row = await db.update_department(conn, dep, {"code": code, "name_vi": name.vi, "name_en": name.en})
        except asyncpg.UniqueViolationError:
            raise Problem(409, "Code taken", f"a department with code {code!r} exists", field="code") from None
    return json_response(department_body(row))


# --- meetings ----------------------------------------------------------------------------------------------


def meeting_values(body: api.MeetingCreate | api.MeetingPatch, base: dict[str, Any] | None = None) -> dict[str, Any]:
    v = dict(base or {})
    given = {f: getattr(body, f) for f in body.__struct_fields__ if not isinstance(getattr(body, f), msgspec.UnsetType)}
    if "title" in given:
        v["title_vi"], v["title_en"] = given["title"].vi, given["title"].en
    if "description" in given:
        v["description_vi"], v["description_en"] = given["description"].vi, given["description"].en
    for f in ("starts_at", "ends_at", "timezone", "online_url"):
        if f in given:
            v[f] = given[f]
    if "venue" in given:
        v["venue_name"] = given["venue"].name if given["venue"] else None
        v["venue_address"] = given["venue"].address if given["venue"] else ""
    if not (v.get("title_vi") or v.get("title_en")):
        raise Problem(422, "Title required", "give the title in Vietnamese, English or both", field="title")
    problem = service.time_problem(v["starts_at"], v["ends_at"], v["timezone"])
    if problem:
        raise Problem(422, "Invalid time", problem[1], field=problem[0])
    return v


async def create_meeting(request: web.Request) -> web.Response:
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.MeetingCreate)
    values = meeting_values(body, {"description_vi": "", "description_en": "", "venue_name": None, "venue_address": ""})
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: asyncpg.Connection) -> web.Response:
            row = await db.insert_meeting(conn, claims.org, values)
            await publish(request, conn, meeting_fact(ev.MeetingCreated, row, claims))
            return json_response(
                meeting_body(row, []), 201, {"Location": f"/api/v1/meetings/{row['id']}", "ETag": etag(row["version"])}
            )

        return await idempotent(request, conn, str(claims.org), raw, create)


class MeetingQuery(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    status: str | None = None
    start: dt.datetime | None = msgspec.field(default=None, name="from")
    end: dt.datetime | None = msgspec.field(default=None, name="to")
    limit: int = 100


async def list_meetings(request: web.Request) -> web.Response:
    claims = await organiser(request)
    q = convert_query(dict(request.query), MeetingQuery)
    if q.status is not None and q.status not in service.STATUSES:
        raise Problem(400, "Invalid query parameter", f"status is one of {', '.join(service.STATUSES)}", field="status")
    if not 1 <= q.limit <= 500:
        raise Problem(400, "Invalid query parameter", "limit is 1-500", field="limit")
    rows = await db.list_meetings(pool(request), claims.org, q.status, q.start, q.end, q.limit)
    return json_response(api.MeetingList(items=[meeting_body(r) for r in rows]))


async def get_meeting(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting_id = parse_uuid(request.match_info["meeting_id"], "meeting")
    meeting = visible(claims, meeting_id, await db.meeting_with_agenda(pool(request), meeting_id))
    items = msgspec.json.decode(meeting["agenda"])  # the items' columns as JSON objects
    return json_response(meeting_body(meeting, items), headers={"ETag": etag(meeting["version"])})


async def patch_meeting(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.MeetingPatch)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        check_if_match(request, meeting["version"])
        editable(meeting)
        values = meeting_values(body, {k: meeting[k] for k in db.MEETING_FIELDS})
        row = await db.update_meeting(conn, meeting["id"], values)
        moved = (row["starts_at"], row["ends_at"]) != (meeting["starts_at"], meeting["ends_at"])
        if moved and meeting["status"] != "draft":
            event = meeting_fact(
                ev.MeetingRescheduled,
                row,
                claims,
                previous_starts_at=meeting["starts_at"],
                previous_ends_at=meeting["ends_at"],
            )
        else:
            event = meeting_fact(ev.MeetingUpdated, row, claims)
        await publish(request, conn, event)
        items = await db.agenda(conn, row["id"])
    return json_response(meeting_body(row, items), headers={"ETag": etag(row["version"])})


TRANSITION_EVENTS: dict[str, type[Event]] = {
    "schedule": ev.MeetingScheduled,
    "start": ev.MeetingStarted,
    "end": ev.MeetingEnded,
    "cancel": ev.MeetingCancelled,
}


def transition(action: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = await caller(request)
        require(claims, ("chair",) if action in ("start", "end") else (), f"to {action} a meeting")
        body = await read_json(request, api.Transition) if request.can_read_body else api.Transition()
        async with pool(request).acquire() as conn, conn.transaction():
            meeting = await visible_meeting(request, claims, lock_conn=conn)
            check_if_match(request, meeting["version"])
            target = service.next_status(meeting["status"], action)
            if target is None:
                raise Problem(
                    409,
                    "Transition not allowed",
                    f"cannot {action} a meeting that is {meeting['status']}",
                    current_status=meeting["status"],
                )
            row = await db.set_status(conn, meeting["id"], target)
            cls = TRANSITION_EVENTS[action]
            if issubclass(cls, ev.MeetingFacts):
                event = meeting_fact(cls, row, claims)
            elif cls is ev.MeetingCancelled:
                event = new_event(ev.MeetingCancelled, meeting_id=row["id"], actor=actor(claims), reason=body.reason)
            else:
                event = new_event(cls, meeting_id=row["id"], actor=actor(claims))
            await publish(request, conn, event)
        return json_response(meeting_body(row), headers={"ETag": etag(row["version"])})

    return handler


# --- agenda -----------------------------------------------------------------------------------------------------


def agenda_values(body: api.AgendaItemCreate | api.AgendaItemPatch, base: dict[str, Any]) -> dict[str, Any]:
    v = dict(base)
    for f in body.__struct_fields__:
        value = getattr(body, f)
        if isinstance(value, msgspec.UnsetType) or f == "position":
            continue
        if f == "title":
            v["title_vi"], v["title_en"] = value.vi, value.en
        else:
            v[f] = value
    if not (v.get("title_vi") or v.get("title_en")):
        raise Problem(422, "Title required", "give the title in Vietnamese, English or both", field="title")
    return v


async def agenda_edit(request: web.Request, claims: Claims, conn: asyncpg.Connection) -> asyncpg.Record:
    require(claims, STAFF, "editing the agenda")
    meeting = await visible_meeting(request, claims, lock_conn=conn)
    check_if_match(request, meeting["agenda_version"])
    editable(meeting)
    return meeting


async def agenda_answer(conn: asyncpg.Connection, meeting_id: uuid.UUID, status: int = 200) -> web.Response:
    version = await db.bump_agenda(conn, meeting_id)
    items = await db.agenda(conn, meeting_id)
    return json_response({"items": [agenda_body(a) for a in items]}, status, {"ETag": etag(version)})


async def get_agenda(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    items = await db.agenda(pool(request), meeting["id"])
    return json_response({"items": [agenda_body(a) for a in items]}, headers={"ETag": etag(meeting["agenda_version"])})


async def add_agenda_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    raw = await request.read()
    body = await read_json(request, api.AgendaItemCreate)
    values = agenda_values(body, {k: None for k in db.AGENDA_FIELDS})
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)

        async def create(conn: asyncpg.Connection) -> web.Response:
            row = await db.insert_agenda_item(conn, meeting["id"], body.position, values)
            await publish(
                request,
                conn,
                new_event(
                    ev.AgendaItemAdded, meeting_id=meeting["id"], actor=actor(claims), item=agenda_event_item(row)
                ),
            )
            return await agenda_answer(conn, meeting["id"], 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def patch_agenda_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.AgendaItemPatch)
    item_id = parse_uuid(request.match_info["item_id"], "agenda item")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)
        item = await db.agenda_item(conn, meeting["id"], item_id)
        if item is None:
            raise Problem(404, "Not found", "no such agenda item")
        row = await db.update_agenda_item(conn, item_id, agenda_values(body, {k: item[k] for k in db.AGENDA_FIELDS}))
        await publish(
            request,
            conn,
            new_event(ev.AgendaItemUpdated, meeting_id=meeting["id"], actor=actor(claims), item=agenda_event_item(row)),
        )
        return await agenda_answer(conn, meeting["id"])


async def remove_agenda_item(request: web.Request) -> web.Response:
    claims = await caller(request)
    item_id = parse_uuid(request.match_info["item_id"], "agenda item")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)
        if await db.agenda_item(conn, meeting["id"], item_id) is None:
            raise Problem(404, "Not found", "no such agenda item")
        await db.remove_agenda_item(conn, meeting["id"], item_id)
        await publish(
            request,
            conn,
            new_event(ev.AgendaItemRemoved, meeting_id=meeting["id"], actor=actor(claims), item_id=item_id),
        )
        return await agenda_answer(conn, meeting["id"])


async def reorder_agenda(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.AgendaOrder)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await agenda_edit(request, claims, conn)
        current = {r["id"] for r in await db.agenda(conn, meeting["id"])}
        if len(body.item_ids) != len(set(body.item_ids)) or set(body.item_ids) != current:
            raise Problem(
                422, "Not a reordering", "item_ids must list every agenda item exactly once", field="item_ids"
            )
        await db.reorder_agenda(conn, meeting["id"], body.item_ids)
        await publish(
            request,
            conn,
            new_event(ev.AgendaReordered, meeting_id=meeting["id"], actor=actor(claims), item_ids=body.item_ids),
        )
        return await agenda_answer(conn, meeting["id"])


# --- participants and invitations ------------------------------------------------------------------------------


def invite_expiry(request: web.Request, meeting: Any) -> dt.datetime:
    return meeting["ends_at"] + dt.timedelta(days=request.app[SETTINGS].session_grace_days)


def new_invite(request: web.Request) -> tuple[str, bytes]:
    code = secrets.token_urlsafe(32)
    return f"{request.app[SETTINGS].public_url.rstrip('/')}/join/{code}", db.sha256(code)


async def check_department(conn: asyncpg.Connection, claims: Claims, department_id: uuid.UUID | None) -> None:
    if department_id is not None and await db.department(conn, claims.org, department_id) is None:
        raise Problem(422, "Unknown department", "no such department in this organisation", field="department_id")


async def invite_all(
    request: web.Request, conn: asyncpg.Connection, claims: Claims, meeting: Any, rows: list[tuple[Any, ...]]
) -> list[api.Participant]:
    """Create participants (id, name, email, department_id, role, weight, language), each with an invite."""
    links: dict[uuid.UUID, str] = {}
    records = []
    for r in rows:
        url, code_hash = new_invite(request)
        links[r[0]] = url
        records.append((*r, code_hash))
    try:
        await db.insert_participants(conn, meeting["id"], records)
    except asyncpg.UniqueViolationError:
        raise Problem(
            409, "Email taken", "a participant of this meeting already has that email", field="email"
        ) from None
    created = await db.participants_by_id(conn, [r[0] for r in rows])
    await publish(
        request,
        conn,
        *(participant_fact(ev.ParticipantInvited, p, claims, invite_url=links[p["id"]]) for p in created),
    )
    return [participant_body(p, links[p["id"]]) for p in created]


async def add_participant(request: web.Request) -> web.Response:
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.ParticipantCreate)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        await check_department(conn, claims, body.department_id)

        async def create(conn: asyncpg.Connection) -> web.Response:
            row = (uuid.uuid4(), body.name, body.email, body.department_id, body.role, body.weight, body.language)
            [created] = await invite_all(request, conn, claims, meeting, [row])
            return json_response(
                created, 201, {"Location": f"/api/v1/meetings/{meeting['id']}/participants/{created.id}"}
            )

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def import_participants(request: web.Request) -> web.Response:
    claims = await organiser(request)
    data = await request.read()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        keys: dict[str, uuid.UUID] = {}
        for d in await db.departments(conn, claims.org):
            for key in (d["code"], d["name_vi"], d["name_en"]):
                if key:
                    keys[key.lower()] = d["id"]
        rows, errors = service.parse_participants(data, keys)
        if errors:
            raise Problem(
                422,
                "Invalid CSV",
                f"{len(errors)} problem(s); nothing was imported",
                field=errors[0].field,
                errors=[{"row": e.row, "field": e.field, "detail": e.detail} for e in errors],
            )
        existing = {p["email"].lower() for p in await db.participants(conn, meeting["id"]) if p["email"]}
        taken = [n for n, r in enumerate(rows, start=1) if r.email and r.email.lower() in existing]
        if taken:
            raise Problem(
                422,
                "Invalid CSV",
                "email already invited to this meeting; nothing was imported",
                field="email",
                errors=[{"row": n, "field": "email", "detail": "already a participant"} for n in taken],
            )

        async def create(conn: asyncpg.Connection) -> web.Response:
            records = [(uuid.uuid4(), r.name, r.email, r.department_id, r.role, r.weight, r.language) for r in rows]
            created = await invite_all(request, conn, claims, meeting, records)
            return json_response(api.ImportResult(created=len(created), items=created), 201)

        return await idempotent(request, conn, str(meeting["id"]), data, create)


async def list_participants(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    rows = await db.participants(pool(request), meeting["id"])
    return json_response(api.ParticipantList(items=[participant_body(r) for r in rows]))


async def target_participant(
    request: web.Request, claims: Claims, conn: asyncpg.Connection, meeting: Any
) -> asyncpg.Record:
    pid = parse_uuid(request.match_info["participant_id"], "participant")
    row = await db.participant(conn, meeting["id"], pid, lock=True)
    if row is None:
        raise Problem(404, "Not found", "no such participant")
    return row


async def get_participant(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    pid = parse_uuid(request.match_info["participant_id"], "participant")
    row = await db.participant(pool(request), meeting["id"], pid)
    if row is None:
        raise Problem(404, "Not found", "no such participant")
    return json_response(participant_body(row))


async def patch_participant(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.ParticipantPatch)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        row = await target_participant(request, claims, conn, meeting)
        values = {k: row[k] for k in ("name", "email", "department_id", "role", "weight", "language")}
        values.update(
            {f: getattr(body, f) for f in body.__struct_fields__ if not isinstance(getattr(body, f), msgspec.UnsetType)}
        )
        await check_department(conn, claims, values["department_id"])
        ended: list[Event] = []
        if values["role"] not in VOTING_ROLES:  # an observer never holds or hands on a vote
            ended = proxies_ended(meeting["id"], claims, await db.end_proxies(conn, row["id"]))
        try:
            async with conn.transaction():
                await db.update_participant(conn, row["id"], values)
        except asyncpg.UniqueViolationError:
            raise Problem(
                409, "Email taken", "a participant of this meeting already has that email", field="email"
            ) from None
        updated = await db.participant(conn, meeting["id"], row["id"])
        await publish(request, conn, *ended, participant_fact(ev.ParticipantUpdated, updated, claims))
    return json_response(participant_body(updated))


def proxies_ended(meeting_id: uuid.UUID, claims: Claims, rows: list[asyncpg.Record]) -> list[Event]:
    return [
        new_event(
            ev.ProxyRevoked,
            meeting_id=meeting_id,
            actor=actor(claims),
            principal_id=r["principal_id"],
            holder_id=r["holder_id"],
        )
        for r in rows
    ]


async def remove_participant(request: web.Request) -> web.Response:
    claims = await organiser(request)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        row = await target_participant(request, claims, conn, meeting)
        ended = proxies_ended(meeting["id"], claims, await db.remove_participant(conn, row["id"]))
        await publish(
            request,
            conn,
            *ended,
            new_event(ev.ParticipantRemoved, meeting_id=meeting["id"], actor=actor(claims), participant_id=row["id"]),
        )
    return web.Response(status=204)


async def reissue_invite(request: web.Request) -> web.Response:
    claims = await organiser(request)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        row = await target_participant(request, claims, conn, meeting)
        url, code_hash = new_invite(request)
        await db.set_invite(conn, row["id"], code_hash)
        await publish(request, conn, participant_fact(ev.ParticipantInvited, row, claims, invite_url=url))
    return json_response(api.Invite(invite_url=url, expires_at=invite_expiry(request, meeting)), 201)


async def revoke_invite(request: web.Request) -> web.Response:
    claims = await organiser(request)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        row = await target_participant(request, claims, conn, meeting)
        await db.set_invite(conn, row["id"], None)
    return web.Response(status=204)


async def create_session(request: web.Request) -> web.Response:
    body = await read_json(request, api.SessionCreate)
    async with pool(request).acquire() as conn:
        row = await db.by_invite(conn, db.sha256(body.invite_code))
    if row is None:
        raise Problem(404, "Unknown invite", "this invite link is not valid (revoked or mistyped)", field="invite_code")
    expires = invite_expiry(request, row)
    if expires <= dt.datetime.now(dt.UTC):
        raise Problem(410, "Invite expired", "the meeting is over", field="invite_code")
    claims = Claims(
        kind="participant",
        sub=row["id"],
        org=row["organisation_id"],
        jti=uuid.uuid4(),
        exp=int(expires.timestamp()),
        meeting=row["meeting_id"],
        role=row["role"],
        department=row["department_id"],
    )
    token = request.app[SIGNER].sign(claims)
    return json_response(
        api.Session(token=token, expires_at=expires, meeting_id=row["meeting_id"], participant=participant_body(row)),
        201,
    )


PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the link is the credential
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
HTML: dict[str, Any] = {"content_type": "text/html", "charset": "utf-8", "headers": PAGE_HEADERS}


async def join_page(request: web.Request) -> web.Response:
    """What a personal invite link opens in a browser; it reads, it does not sign in."""
    async with pool(request).acquire() as conn:
        row = await db.by_invite(conn, db.sha256(request.match_info["code"]))
        if row is None:
            return web.Response(status=404, text=join.problem_page("invalid"), **HTML)
        if invite_expiry(request, row) <= dt.datetime.now(dt.UTC):
            return web.Response(status=410, text=join.problem_page("expired"), **HTML)
        meeting = await db.meeting_with_agenda(conn, row["meeting_id"])
    assert meeting is not None  # a participant's meeting is never deleted
    items = msgspec.json.decode(meeting["agenda"])
    enter = f"/meetings/{row['meeting_id']}#invite={request.match_info['code']}"
    return web.Response(text=join.invitation_page(row, meeting, items, enter), **HTML)


def self_or(claims: Claims, pid: uuid.UUID, roles: Iterable[str], what: str) -> None:
    if claims.kind == "participant" and claims.sub == pid:
        return
    require(claims, roles, what)


async def record_rsvp(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.RsvpBody)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        row = await target_participant(request, claims, conn, meeting)
        self_or(claims, row["id"], (), "answering for someone else")
        if row["rsvp"] != body.response:
            await db.set_rsvp(conn, row["id"], body.response)
            await publish(
                request,
                conn,
                new_event(
                    ev.RsvpRecorded,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    participant_id=row["id"],
                    response=body.response,
                ),
            )
        row = await db.participant(conn, meeting["id"], row["id"])
    return json_response(participant_body(row))


def attendance_change(present: bool) -> Any:
    cls = ev.CheckedIn if present else ev.CheckedOut

    async def handler(request: web.Request) -> web.Response:
        claims = await caller(request)
        async with pool(request).acquire() as conn, conn.transaction():
            meeting = await visible_meeting(request, claims, lock_conn=conn)
            row = await target_participant(request, claims, conn, meeting)
            self_or(claims, row["id"], STAFF, "checking someone else in or out")
            if meeting["status"] != "in_progress":
                raise Problem(
                    409,
                    "Meeting not in progress",
                    f"the meeting is {meeting['status']}",
                    current_status=meeting["status"],
                )
            if await db.set_present(conn, row["id"], present):
                count, weight, _ = await db.attendance(conn, meeting["id"])
                await publish(
                    request,
                    conn,
                    new_event(
                        cls,
                        meeting_id=meeting["id"],
                        actor=actor(claims),
                        participant_id=row["id"],
                        present_count=count,
                        present_weight=weight,
                    ),
                )
            row = await db.participant(conn, meeting["id"], row["id"])
        return json_response(participant_body(row))

    return handler


async def get_attendance(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    count, weight, present = await db.attendance(pool(request), meeting["id"])
    return json_response(api.Attendance(present_count=count, present_weight=weight, present=present))


async def grant_proxy(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.ProxyGrant)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        principal = await target_participant(request, claims, conn, meeting)
        self_or(claims, principal["id"], (), "handing on someone else's vote")
        holder = await db.participant(conn, meeting["id"], body.holder_id, lock=True)
        if holder is None:
            raise Problem(422, "Unknown holder", "no such participant in this meeting", field="holder_id")
        load = await db.proxy_load(conn, principal["id"], holder["id"])
        if load["current_holder"] == holder["id"]:
            return json_response(participant_body(principal))
        problem = service.proxy_problem(
            principal_role=principal["role"],
            holder_role=holder["role"],
            same=principal["id"] == holder["id"],
            holder_gives=load["holder_gives"],
            principal_holds=load["principal_holds"],
            held=load["held"],
            limit=request.app[SETTINGS].max_proxies_per_holder,
        )
        if problem:
            raise Problem(422, "Proxy not allowed", problem, field="holder_id")
        events: list[Event] = []
        if load["current_holder"] is not None:
            events.append(
                new_event(
                    ev.ProxyRevoked,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    principal_id=principal["id"],
                    holder_id=load["current_holder"],
                )
            )
        await db.grant_proxy(conn, meeting["id"], principal["id"], holder["id"])
        events.append(
            new_event(
                ev.ProxyGranted,
                meeting_id=meeting["id"],
                actor=actor(claims),
                principal_id=principal["id"],
                holder_id=holder["id"],
            )
        )
        await publish(request, conn, *events)
        row = await db.participant(conn, meeting["id"], principal["id"])
    return json_response(participant_body(row), 201)


async def revoke_proxy(request: web.Request) -> web.Response:
    claims = await caller(request)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        principal = await target_participant(request, claims, conn, meeting)
        self_or(claims, principal["id"], (), "revoking someone else's proxy")
        holder = await db.revoke_proxy(conn, principal["id"])
        if holder is not None:
            await publish(
                request,
                conn,
                new_event(
                    ev.ProxyRevoked,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    principal_id=principal["id"],
                    holder_id=holder,
                ),
            )
    return web.Response(status=204)


# --- contributions -------------------------------------------------------------------------------------------------


async def create_request(request: web.Request) -> web.Response:
    claims = await caller(request)
    require(claims, STAFF, "requesting contributions")
    raw = await request.read()
    body = await read_json(request, api.ContributionRequestCreate)
    if body.deadline.tzinfo is None:
        raise Problem(422, "Invalid time", "needs a UTC offset (RFC 3339)", field="deadline")
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        for n, dep in enumerate(body.department_ids):
            if await db.department(conn, claims.org, dep) is None:
                raise Problem(422, "Unknown department", "no such department", field=f"department_ids[{n}]")

        async def create(conn: asyncpg.Connection) -> web.Response:
            values = {
                "topic_vi": body.topic.vi,
                "topic_en": body.topic.en,
                "guidance": body.guidance,
                "department_ids": list(dict.fromkeys(body.department_ids)),
                "deadline": body.deadline,
                "allow_late": body.allow_late,
            }
            row = await db.insert_request(conn, meeting["id"], values)
            await publish(
                request,
                conn,
                new_event(
                    ev.ContributionRequested,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    request_id=row["id"],
                    department_ids=list(row["department_ids"]),
                    topic=body.topic,
                    guidance=body.guidance,
                    deadline=body.deadline,
                    allow_late=body.allow_late,
                ),
            )
            return json_response(request_body(row), 201)

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_requests(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    rows = await db.requests(pool(request), meeting["id"])
    return json_response(api.ContributionRequestList(items=[request_body(r) for r in rows]))


async def contribution_target(request: web.Request, claims: Claims, conn: asyncpg.Connection) -> tuple[Any, Any]:
    meeting = await visible_meeting(request, claims, lock_conn=conn)
    rid = parse_uuid(request.match_info["request_id"], "contribution request")
    req = await db.request(conn, meeting["id"], rid)
    if req is None:
        raise Problem(404, "Not found", "no such contribution request")
    return meeting, req


def representative_of(claims: Claims, req: Any) -> uuid.UUID:
    if claims.kind != "participant" or claims.role != "department_representative":
        raise Problem(403, "Representatives only", "a department's representative submits its position report")
    if claims.department not in req["department_ids"]:
        raise Problem(403, "Not addressed", "this request is not addressed to your department")
    return claims.department


def lateness(req: Any) -> bool:
    late = dt.datetime.now(dt.UTC) > req["deadline"]
    if late and not req["allow_late"]:
        raise Problem(409, "Deadline passed", f"the deadline was {req['deadline'].isoformat()}", field="deadline")
    return late


def submission_values(body: api.SubmissionBody) -> dict[str, Any]:
    return {
        "title": body.title,
        "body": body.body,
        "body_html": service.render_markdown(body.body),
        "recommendations": body.recommendations,
    }


async def submit(request: web.Request) -> web.Response:
    claims = await caller(request)
    raw = await request.read()
    body = await read_json(request, api.SubmissionBody)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting, req = await contribution_target(request, claims, conn)
        department = representative_of(claims, req)
        late = lateness(req)
        if await db.submission_of(conn, req["id"], department) is not None:
            raise Problem(409, "Already submitted", "revise the existing submission with PUT", field="department")

        async def create(conn: asyncpg.Connection) -> web.Response:
            sid, revision = await db.add_revision(
                conn,
                rid=req["id"],
                sid=None,
                department=department,
                author=claims.sub,
                late=late,
                v=submission_values(body),
            )
            await publish(
                request,
                conn,
                submission_fact(ev.ContributionSubmitted, meeting, claims, req, sid, department, revision, late, body),
            )
            row = await db.submission(conn, req["id"], sid)
            return json_response(submission_body(row), 201, {"ETag": etag(revision)})

        return await idempotent(request, conn, str(req["id"]), raw, create)


def submission_fact(
    kind: type[ev.ContributionSubmitted] | type[ev.ContributionRevised],
    meeting: Any,
    claims: Claims,
    req: Any,
    sid: uuid.UUID,
    department: uuid.UUID,
    revision: int,
    late: bool,
    body: api.SubmissionBody,
) -> Event:
    return new_event(
        kind,
        meeting_id=meeting["id"],
        actor=actor(claims),
        request_id=req["id"],
        submission_id=sid,
        department_id=department,
        title=body.title,
        revision=revision,
        late=late,
    )


async def revise(request: web.Request) -> web.Response:
    claims = await caller(request)
    body = await read_json(request, api.SubmissionBody)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting, req = await contribution_target(request, claims, conn)
        sid = parse_uuid(request.match_info["submission_id"], "submission")
        current = await db.submission(conn, req["id"], sid, lock=True)
        if current is None:
            raise Problem(404, "Not found", "no such submission")
        department = representative_of(claims, req)
        if current["department_id"] != department:
            raise Problem(403, "Not your department", "only the department's representative revises its report")
        check_if_match(request, current["revision"], required=True)
        late = lateness(req)
        _, revision = await db.add_revision(
            conn, rid=req["id"], sid=sid, department=department, author=claims.sub, late=late, v=submission_values(body)
        )
        await publish(
            request,
            conn,
            submission_fact(ev.ContributionRevised, meeting, claims, req, sid, department, revision, late, body),
        )
        row = await db.submission(conn, req["id"], sid)
    return json_response(submission_body(row), headers={"ETag": etag(revision)})


async def get_submission(request: web.Request) -> web.Response:
    claims = await caller(request)
    async with pool(request).acquire() as conn:
        _, req = await contribution_target(request, claims, conn)
        sid = parse_uuid(request.match_info["submission_id"], "submission")
        row = await db.submission(conn, req["id"], sid)
    if row is None:
        raise Problem(404, "Not found", "no such submission")
    return json_response(submission_body(row), headers={"ETag": etag(row["revision"])})


async def list_revisions(request: web.Request) -> web.Response:
    claims = await caller(request)
    async with pool(request).acquire() as conn:
        _, req = await contribution_target(request, claims, conn)
        sid = parse_uuid(request.match_info["submission_id"], "submission")
        if await db.submission(conn, req["id"], sid) is None:
            raise Problem(404, "Not found", "no such submission")
        rows = await db.revisions(conn, sid)
    return json_response(api.RevisionList(items=[revision_body(r) for r in rows]))


async def contribution_status(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    now = dt.datetime.now(dt.UTC)
    rows = await db.contribution_status(pool(request), meeting["id"])
    items = [
        api.ContributionStatus(
            request_id=r["request_id"],
            department_id=r["department_id"],
            status=service.contribution_state(
                revisions=r["revisions"], late=r["late"], deadline=r["deadline"], now=now
            ),  # type: ignore[arg-type]
            revisions=r["revisions"],
            deadline=r["deadline"],
            submission_id=r["submission_id"],
        )
        for r in rows
    ]
    return json_response(api.ContributionStatusList(items=items))
