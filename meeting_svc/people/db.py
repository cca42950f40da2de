"""SQL of the meeting's people: participants and their invites, invitations sent and bounced, RSVP,
presence and attendance against the roll, proxies, and the console's roster query (search, filter,
sort, pages). Functions take a connection so callers decide the transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import structlog

from schemas.events import VOTING_ROLES
from servicekit import pg
from servicekit.identity import email_key

log = structlog.get_logger("meeting.people")

PARTICIPANT_COLUMNS = (
    "p.id, p.meeting_id, p.name, p.email, p.department_id, p.role, p.weight, p.language, p.rsvp, p.present,"
    " p.invitation_status, p.invitations_sent, p.invitation_sent_at, p.invite_opened_at,"
    " p.invitation_bounced_at, p.invitation_bounce_reason,"
    " p.invite_sha256 is not null as link_active,"
    " (select holder_id from proxies x where x.principal_id = p.id) as proxy_holder_id,"
    " (select d.parent_id from departments d where d.id = p.department_id) as block_id"
)


# --- participants -----------------------------------------------------------------------------------------------


async def participants(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        f"select {PARTICIPANT_COLUMNS} from participants p where p.meeting_id = $1 and p.removed_at is null"
        " order by p.name, p.id",
        meeting_id,
    )


async def participant(conn: pg.Executor, meeting_id: uuid.UUID, pid: uuid.UUID, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {PARTICIPANT_COLUMNS} from participants p where p.meeting_id = $1 and p.id = $2"
        f" and p.removed_at is null{' for update' if lock else ''}",
        meeting_id,
        pid,
    )


async def standing(pool: pg.Pool, pid: uuid.UUID) -> pg.Row | None:
    """What a participant's session may do now: role, department, removal, session generation, and the
    meeting's current end."""
    return await pool.fetchrow(
        "select p.meeting_id, p.role, p.department_id, p.removed_at is not null as removed,"
        " p.session_epoch as epoch, m.ends_at as meeting_ends_at, m.timezone as meeting_timezone"
        " from participants p join meetings m on m.id = p.meeting_id where p.id = $1",
        pid,
    )


def key_of(address: str | None) -> str | None:
    """The participant's `email_key` column: the address's one key (servicekit.identity), or none."""
    return email_key(address) if address else None


async def insert_participants(conn: pg.Connection, meeting_id: uuid.UUID, rows: list[tuple[Any, ...]]) -> None:
    """rows: (id, name, email, department_id, role, weight, language, invite_sha256, sealed_link). Each
    address is kept with its key, which a meeting's participants do not share (UniqueViolationError)."""
    await conn.copy_records_to_table(
        "participants",
        records=[(r[0], meeting_id, *r[1:], key_of(r[2])) for r in rows],
        columns=[
            "id",
            "meeting_id",
            "name",
            "email",
            "department_id",
            "role",
            "weight",
            "language",
            "invite_sha256",
            "sealed_link",
            "email_key",
        ],
    )


async def participants_by_id(conn: pg.Connection, ids: list[uuid.UUID]) -> list[pg.Row]:
    return await conn.fetch(
        f"select {PARTICIPANT_COLUMNS} from participants p where p.id = any($1::uuid[]) order by p.name, p.id", ids
    )


async def update_participant(conn: pg.Connection, pid: uuid.UUID, v: dict[str, Any]) -> None:
    await conn.execute(
        "update participants set name = $2, email = $3, department_id = $4, role = $5, weight = $6, language = $7,"
        " email_key = $8, version = version + 1 where id = $1",
        pid,
        v["name"],
        v["email"],
        v["department_id"],
        v["role"],
        v["weight"],
        v["language"],
        key_of(v["email"]),
    )


async def end_proxies(conn: pg.Connection, pid: uuid.UUID) -> list[pg.Row]:
    """End every proxy the participant gave or holds; returns them."""
    return await conn.fetch(
        "delete from proxies where principal_id = $1 or holder_id = $1 returning principal_id, holder_id", pid
    )


async def remove_participant(conn: pg.Connection, pid: uuid.UUID) -> list[pg.Row]:
    """Remove a participant; returns the proxies that ended with it."""
    ended = await end_proxies(conn, pid)
    await conn.execute(
        "update participants set removed_at = now(), invite_sha256 = null, sealed_link = null, present = false"
        " where id = $1",
        pid,
    )
    return ended


async def set_invite(
    conn: pg.Connection, pid: uuid.UUID, code_hash: bytes | None, sealed_link: str | None = None
) -> int:
    """A new invite (or none): every session issued from the old one ends. Returns the new generation."""
    return await conn.fetchval(
        "update participants set invite_sha256 = $2::bytea, invite_revoked = $2::bytea is null, sealed_link = $3,"
        " session_epoch = session_epoch + 1 where id = $1 returning session_epoch",
        pid,
        code_hash,
        sealed_link,
    )


async def invitations_due(
    conn: pg.Connection, meeting_id: uuid.UUID, ids: list[uuid.UUID] | None, resend: bool
) -> list[pg.Row]:
    """Active participants with an email address and a live invite whose invitation is to be sent:
    the ones not sent yet, or all of them when resending; narrowed to `ids` when given."""
    return await conn.fetch(
        "select id, sealed_link, invitations_sent from participants"
        " where meeting_id = $1 and removed_at is null and email is not null and email <> ''"
        " and invite_sha256 is not null and ($2::uuid[] is null or id = any($2::uuid[]))"
        " and ($3 or invitation_status = 'not_sent') order by name, id for update",
        meeting_id,
        ids,
        resend,
    )


async def mark_invitations_sent(conn: pg.Connection, sends: list[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """(participant, the `participant.invitation_sent` event) per invitation sent now; a bounce of an
    earlier send no longer counts."""
    await conn.execute(
        "update participants p set invitation_status = 'sent', invitations_sent = invitations_sent + 1,"
        " invitation_sent_at = now(), invitation_event_id = s.event_id, invitation_bounced_at = null,"
        " invitation_bounce_reason = null from unnest($1::uuid[], $2::uuid[]) as s (id, event_id) where p.id = s.id",
        [pid for pid, _ in sends],
        [event_id for _, event_id in sends],
    )


async def mark_invitation_bounced(
    conn: pg.Connection, pid: uuid.UUID, invitation_id: uuid.UUID, reason: str, at: dt.datetime
) -> None:
    """The invitation did not arrive; only when it is the latest send (a resend since then stands)."""
    await conn.execute(
        "update participants set invitation_status = 'bounced', invitation_bounced_at = $3,"
        " invitation_bounce_reason = $4 where id = $1 and invitation_event_id = $2",
        pid,
        invitation_id,
        at,
        reason,
    )


async def by_invite(conn: pg.Connection, code_hash: bytes) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {PARTICIPANT_COLUMNS}, p.session_epoch, m.organisation_id, m.ends_at, m.timezone from participants p"
        " join meetings m on m.id = p.meeting_id where p.invite_sha256 = $1 and p.removed_at is null",
        code_hash,
    )


async def set_rsvp(conn: pg.Connection, pid: uuid.UUID, response: str) -> None:
    await conn.execute("update participants set rsvp = $2 where id = $1", pid, response)


async def set_present(conn: pg.Connection, pid: uuid.UUID, present: bool) -> bool:
    """Whether anything changed (check-in and check-out are idempotent)."""
    done = await conn.execute(
        "update participants set present = $2 where id = $1 and present <> $2 and removed_at is null", pid, present
    )
    return done.endswith(" 1")


async def attendance(conn: pg.Executor, meeting_id: uuid.UUID) -> tuple[int, int, list[uuid.UUID]]:
    rows = await conn.fetch(
        "select id, weight from participants where meeting_id = $1 and present and removed_at is null order by id",
        meeting_id,
    )
    return len(rows), sum(r["weight"] for r in rows), [r["id"] for r in rows]


# --- proxies ------------------------------------------------------------------------------------------------------


async def proxy_load(conn: pg.Connection, principal: uuid.UUID, holder: uuid.UUID) -> dict[str, Any]:
    row = await conn.fetchrow(
        "select exists(select 1 from proxies where principal_id = $2) as holder_gives,"
        " (select count(*) from proxies where holder_id = $1) as principal_holds,"
        " (select count(*) from proxies where holder_id = $2) as held,"
        " (select holder_id from proxies where principal_id = $1) as current_holder",
        principal,
        holder,
    )
    assert row is not None  # a select without from gives one row
    return dict(row)


async def grant_proxy(conn: pg.Connection, meeting_id: uuid.UUID, principal: uuid.UUID, holder: uuid.UUID) -> None:
    await conn.execute(
        "insert into proxies (principal_id, holder_id, meeting_id) values ($1, $2, $3)"
        " on conflict (principal_id) do update set holder_id = excluded.holder_id, granted_at = now()",
        principal,
        holder,
        meeting_id,
    )


async def revoke_proxy(conn: pg.Connection, principal: uuid.UUID) -> uuid.UUID | None:
    return await conn.fetchval("delete from proxies where principal_id = $1 returning holder_id", principal)


# sort key -> ORDER BY (name and id always last, so pages never overlap)
# An invitation as the console shows it: a revoked link first, then an opened one, then the sending.
InvitationState = Literal["not_sent", "sent", "bounced", "opened", "revoked"]

SORTS = {
    "name": "p.name, p.id",
    "-name": "p.name desc, p.id desc",
    "department": "dep_name nulls last, p.name, p.id",
    "role": "p.role, p.name, p.id",
    "rsvp": "p.rsvp nulls last, p.name, p.id",
    "present": "p.present desc, p.name, p.id",
}


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
    row = await conn.fetchrow(
        "select count(*) filter (where role = any($2::text[])) as eligible_count,"
        " coalesce(sum(weight) filter (where role = any($2::text[])), 0) as eligible_weight,"
        " count(*) filter (where role = any($2::text[]) and present) as present_voting_count,"
        " coalesce(sum(weight) filter (where role = any($2::text[]) and present), 0) as present_voting_weight"
        " from participants where meeting_id = $1 and removed_at is null",
        meeting_id,
        list(VOTING_ROLES),
    )
    assert row is not None  # an aggregate without grouping returns one row
    return row
