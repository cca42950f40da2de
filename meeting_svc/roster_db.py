"""SQL of the console's views of a meeting: the participant query, opened invite links, attendance against
the roll, and copying a meeting as a template."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from meeting_svc.db import AGENDA_COLUMNS, AGENDA_FIELDS, MEETING_COLUMNS, PARTICIPANT_COLUMNS
from schemas.events import VOTING_ROLES
from servicekit import pg

# sort key -> ORDER BY (name and id always last, so pages never overlap)
SORTS = {
    "name": "p.name, p.id",
    "-name": "p.name desc, p.id desc",
    "department": "dep_name nulls last, p.name, p.id",
    "role": "p.role, p.name, p.id",
    "rsvp": "p.rsvp nulls last, p.name, p.id",
    "present": "p.present desc, p.name, p.id",
}

# An invitation as the console shows it: a revoked link first, then an opened one, then the sending.
InvitationState = Literal["not_sent", "sent", "bounced", "opened", "revoked"]
INVITATION_STATES = {
    "revoked": "p.invite_sha256 is null",
    "opened": "p.invite_sha256 is not null and p.invite_opened_at is not null",
    **{
        status: f"p.invite_sha256 is not null and p.invite_opened_at is null and p.invitation_status = '{status}'"
        for status in ("not_sent", "sent", "bounced")
    },
}


@dataclass(frozen=True)
class RosterFilter:
    text: str | None = None  # part of the name (or of the email, when `search_email`)
    search_email: bool = False
    department_id: uuid.UUID | None = None  # a department, or a block and its departments
    role: str | None = None
    rsvp: str | None = None  # a response, or "none" for no answer yet
    present: bool | None = None
    invitation: InvitationState | None = None
    sort: str = "name"
    limit: int | None = None
    offset: int = 0


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def roster(conn: pg.Executor, meeting_id: uuid.UUID, f: RosterFilter) -> tuple[int, list[pg.Row]]:
    """(how many match, the page of them)."""
    where = ["p.meeting_id = $1", "p.removed_at is null"]
    args: list[Any] = [meeting_id]

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if f.text:
        pattern = arg(like_pattern(f.text))
        where.append(f"(p.name ilike {pattern}" + (f" or p.email ilike {pattern})" if f.search_email else ")"))
    if f.department_id is not None:
        dep = arg(f.department_id)
        where.append(
            f"(p.department_id = {dep} or p.department_id in (select id from departments where parent_id = {dep}))"
        )
    if f.role is not None:
        where.append(f"p.role = {arg(f.role)}")
    if f.rsvp == "none":
        where.append("p.rsvp is null")
    elif f.rsvp is not None:
        where.append(f"p.rsvp = {arg(f.rsvp)}")
    if f.present is not None:
        where.append(f"p.present = {arg(f.present)}")
    if f.invitation is not None:
        where.append(f"({INVITATION_STATES[f.invitation]})")
    filters = len(args)
    page = f" limit {arg(f.limit)}" if f.limit is not None else ""
    page += f" offset {arg(f.offset)}" if f.offset else ""
    rows = await conn.fetch(
        f"select {PARTICIPANT_COLUMNS}, count(*) over () as total,"
        " (select coalesce(d.name_vi, d.name_en) from departments d where d.id = p.department_id) as dep_name"
        f" from participants p where {' and '.join(where)} order by {SORTS[f.sort]}{page}",
        *args,
    )
    if rows:
        return rows[0]["total"], rows
    if f.offset:  # past the last page: still say how many there are
        total = await conn.fetchval(f"select count(*) from participants p where {' and '.join(where)}", *args[:filters])
        return total, []
    return 0, []


async def mark_invite_opened(conn: pg.Executor, pid: uuid.UUID) -> None:
    await conn.execute(
        "update participants set invite_opened_at = now() where id = $1 and invite_opened_at is null", pid
    )


async def roll(conn: pg.Executor, meeting_id: uuid.UUID) -> pg.Row:
    """The voting roll against who is present: count and weight of each."""
    return await conn.fetchrow(
        "select count(*) filter (where role = any($2::text[])) as eligible_count,"
        " coalesce(sum(weight) filter (where role = any($2::text[])), 0) as eligible_weight,"
        " count(*) filter (where role = any($2::text[]) and present) as present_voting_count,"
        " coalesce(sum(weight) filter (where role = any($2::text[]) and present), 0) as present_voting_weight"
        " from participants where meeting_id = $1 and removed_at is null",
        meeting_id,
        list(VOTING_ROLES),
    )


async def copy_meeting(conn: pg.Connection, source: uuid.UUID, org: uuid.UUID, values: dict[str, Any]) -> pg.Row:
    """A new draft with the source's description, venue and online link, and `values` (title, times)."""
    return await conn.fetchrow(
        "insert into meetings (id, organisation_id, title_vi, title_en, description_vi, description_en, starts_at,"
        " ends_at, timezone, venue_name, venue_address, online_url)"
        " select $3, organisation_id, $4, $5, description_vi, description_en, $6, $7, timezone, venue_name,"
        " venue_address, online_url from meetings where id = $1 and organisation_id = $2"
        f" returning {MEETING_COLUMNS}",
        source,
        org,
        uuid.uuid4(),
        values["title_vi"],
        values["title_en"],
        values["starts_at"],
        values["ends_at"],
    )


async def copy_agenda(conn: pg.Connection, source: uuid.UUID, target: uuid.UUID) -> list[pg.Row]:
    """The items in order; links to the source's contribution requests and resolutions stay behind."""
    fields = ", ".join(f for f in AGENDA_FIELDS if f not in ("contribution_request_id", "resolution_id"))
    await conn.execute(
        f"insert into agenda_items (id, meeting_id, position, {fields})"
        f" select gen_random_uuid(), $2, position, {fields} from agenda_items where meeting_id = $1",
        source,
        target,
    )
    return await conn.fetch(
        f"select {AGENDA_COLUMNS} from agenda_items where meeting_id = $1 order by position", target
    )
