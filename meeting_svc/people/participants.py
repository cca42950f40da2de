"""Participants: added one by one or imported from CSV (with a preview), listed, edited, removed, and
their invite links reissued or revoked."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal, cast

import asyncpg
import msgspec
from aiohttp import web

from meeting_svc.access import actor, caller, editable, organiser, pool, publish, visible_meeting
from meeting_svc.credentials import sealer
from meeting_svc.meetings import rules as meetings_rules
from meeting_svc.organisation import db as organisation_db
from meeting_svc.people import api, db, rules
from meeting_svc.people.bodies import participant_body, participant_fact
from meeting_svc.people.invitations import invite_expiry, new_invite, release, sends_at_once, status_body
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import VOTING_ROLES, Event, Role, Rsvp
from servicekit import pg
from servicekit.fields import LINE_PATTERN, Request
from servicekit.http import Problem, convert_query, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.identity import email_key
from servicekit.tokens import Claims


async def check_department(conn: pg.Connection, claims: Claims, department_id: uuid.UUID | None) -> None:
    if department_id is not None and await organisation_db.department(conn, claims.org, department_id) is None:
        raise Problem(422, "Unknown department", "no such department in this organisation", field="department_id")


async def invite_all(
    request: web.Request, conn: pg.Connection, claims: Claims, meeting: Any, rows: list[tuple[Any, ...]]
) -> list[api.Participant]:
    """Create participants (id, name, email, department_id, role, weight, language), each with an invite."""
    links: dict[uuid.UUID, str] = {}
    records = []
    sealing = sealer(request)
    for r in rows:
        invite = new_invite(request, sealing)
        links[r[0]] = invite.url
        records.append((*r, invite.code_hash, invite.sealed))
    try:
        await db.insert_participants(conn, meeting["id"], records)
    except asyncpg.UniqueViolationError:
        raise Problem(
            409, "Email taken", "a participant of this meeting already has that email", field="email"
        ) from None
    created = await db.participants_by_id(conn, [r[0] for r in rows])
    await publish(request, conn, *(participant_fact(ev.ParticipantInvited, p, claims) for p in created))
    if sends_at_once(meeting):
        await release(request, conn, claims, meeting, participant_ids=[p["id"] for p in created])
        created = await db.participants_by_id(conn, [r[0] for r in rows])
    return [participant_body(p, links[p["id"]]) for p in created]


async def add_participant(request: web.Request) -> web.Response:
    claims = await organiser(request)
    raw = await request.read()
    body = await read_json(request, api.ParticipantCreate)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        editable(meeting)
        await check_department(conn, claims, body.department_id)

        async def create(conn: pg.Connection) -> web.Response:
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

        # Checked inside `create`: a retry of an import that was answered gets the stored answer back,
        # instead of being told that its own participants are already invited.
        async def create(conn: pg.Connection) -> web.Response:
            rows = await importable_rows(conn, claims, meeting, data)
            records = [(uuid.uuid4(), r.name, r.email, r.department_id, r.role, r.weight, r.language) for r in rows]
            created = await invite_all(request, conn, claims, meeting, records)
            return json_response(api.ImportResult(created=len(created), items=created), 201)

        return await idempotent(request, conn, str(meeting["id"]), data, create)


async def checked_rows(
    conn: pg.Connection, claims: Claims, meeting: Any, data: bytes
) -> tuple[list[rules.ParticipantRow], list[rules.RowError]]:
    """The CSV's rows and every problem with them, including emails already invited."""
    keys: dict[str, uuid.UUID] = {}
    for d in await organisation_db.departments(conn, claims.org):
        for key in (d["code"], d["name_vi"], d["name_en"]):
            if key:
                keys[key.lower()] = d["id"]
    rows, errors = rules.parse_participants(data, keys)
    existing = {email_key(p["email"]) for p in await db.participants(conn, meeting["id"]) if p["email"]}
    taken = [r.row for r in rows if r.email and email_key(r.email) in existing]
    errors += [rules.RowError(n, "email", "already a participant") for n in taken]
    return rows, sorted(errors, key=lambda e: e.row)


async def importable_rows(conn: pg.Connection, claims: Claims, meeting: Any, data: bytes) -> list[rules.ParticipantRow]:
    """The CSV's rows, all of them valid and none already invited; or a 422 listing every problem."""
    rows, errors = await checked_rows(conn, claims, meeting, data)
    if errors:
        raise Problem(
            422,
            "Invalid CSV",
            f"{len(errors)} problem(s); nothing was imported",
            field=errors[0].field,
            errors=[{"row": e.row, "field": e.field, "detail": e.detail} for e in errors],
        )
    return rows


async def preview_import(request: web.Request) -> web.Response:
    """The import's answer without the import: every row as it would be created and every problem."""
    claims = await organiser(request)
    data = await request.read()
    async with pool(request).acquire() as conn:
        meeting = await visible_meeting(request, claims)
        rows, errors = await checked_rows(conn, claims, meeting, data)
    return json_response(
        api.ImportPreview(
            rows=[
                api.ImportRow(
                    row=r.row,
                    name=r.name,
                    email=r.email,
                    department_id=r.department_id,
                    # parse_participants returns only rows whose role and language are among the allowed
                    role=cast(ev.Role, r.role),
                    weight=r.weight,
                    language=cast(ev.Language, r.language),
                )
                for r in rows
            ],
            errors=[api.ImportProblem(row=e.row, field=e.field, detail=e.detail) for e in errors],
            importable=not errors and meeting["status"] in meetings_rules.EDITABLE,
        )
    )


class ParticipantQuery(Request, kw_only=True):
    q: Annotated[str, msgspec.Meta(max_length=200, pattern=LINE_PATTERN)] | None = None
    department_id: uuid.UUID | None = None
    role: Role | None = None
    rsvp: Rsvp | Literal["none"] | None = None
    present: bool | None = None
    invitation: db.InvitationState | None = None  # organisers only, as the invitations themselves
    sort: Literal["name", "-name", "department", "role", "rsvp", "present"] = "name"
    limit: Annotated[int, msgspec.Meta(ge=1, le=2000)] | None = None
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0


def roster_filter(request: web.Request, claims: Claims) -> db.RosterFilter:
    q = convert_query(dict(request.query), ParticipantQuery)
    if q.invitation is not None and claims.kind != "organiser":
        raise Problem(403, "Forbidden", "only organisers see invitations", field="invitation")
    return db.RosterFilter(
        text=q.q.strip() if q.q else None,
        # only those who see contact details may search by them (matching would reveal them otherwise)
        search_email=rules.sees_contact_details(claims, uuid.UUID(int=0)),
        department_id=q.department_id,
        role=q.role,
        rsvp=q.rsvp,
        present=q.present,
        invitation=q.invitation,
        sort=q.sort,
        limit=q.limit,
        offset=q.offset,
    )


async def list_participants(request: web.Request) -> web.Response:
    claims = await caller(request)
    meeting = await visible_meeting(request, claims)
    total, rows = await db.roster(pool(request), meeting["id"], roster_filter(request, claims))
    return json_response(api.ParticipantList(items=[participant_body(r, seen_by=claims) for r in rows], total=total))


async def list_invitations(request: web.Request) -> web.Response:
    """The participants' invitations, with the participants list's filters and pages: the console asks for
    the page of the table it shows, not for the whole meeting's."""
    claims = await organiser(request)
    meeting = await visible_meeting(request, claims)
    total, rows = await db.roster(pool(request), meeting["id"], roster_filter(request, claims))
    return json_response(api.InvitationList(items=[status_body(r) for r in rows], total=total))


async def target_participant(request: web.Request, claims: Claims, conn: pg.Connection, meeting: Any) -> pg.Row:
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
    return json_response(participant_body(row, seen_by=claims))


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


def proxies_ended(meeting_id: uuid.UUID, claims: Claims, rows: list[pg.Row]) -> list[Event]:
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
        invite = new_invite(request, sealer(request))
        epoch = await db.set_invite(conn, row["id"], invite.code_hash, invite.sealed)
        await publish(request, conn, sessions_ended(row, claims, epoch))  # the old link's sessions end
        # the new link replaces one already emailed, or the meeting is out of its draft: email it now
        if not meeting["record_only"] and (row["invitation_status"] != "not_sent" or sends_at_once(meeting)):
            await release(request, conn, claims, meeting, participant_ids=[row["id"]], resend=True)
    return json_response(api.Invite(invite_url=invite.url, expires_at=invite_expiry(request, meeting)), 201)


async def revoke_invite(request: web.Request) -> web.Response:
    claims = await organiser(request)
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        row = await target_participant(request, claims, conn, meeting)
        epoch = await db.set_invite(conn, row["id"], None)
        await publish(request, conn, sessions_ended(row, claims, epoch))
    return web.Response(status=204)


def sessions_ended(row: pg.Row, claims: Claims, epoch: int) -> Event:
    """Every session issued from the participant's previous invite ends, here at once and elsewhere when
    this event arrives."""
    return new_event(
        ev.ParticipantSessionsEnded,
        meeting_id=row["meeting_id"],
        actor=actor(claims),
        participant_id=row["id"],
        epoch=epoch,
    )
