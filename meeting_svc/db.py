"""meeting_svc's SQL. Functions take a connection so callers decide the transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from schemas.events import Event
from servicekit import pg

MEETING_COLUMNS = (
    "id, organisation_id, title_vi, title_en, description_vi, description_en, starts_at, ends_at, timezone,"
    " venue_name, venue_address, online_url, status, version, agenda_version, record_only, self_check_in,"
    " notification_policy"
)
PARTICIPANT_COLUMNS = (
    "p.id, p.meeting_id, p.name, p.email, p.department_id, p.role, p.weight, p.language, p.rsvp, p.present,"
    " p.invitation_status, p.invitations_sent, p.invitation_sent_at, p.invite_opened_at,"
    " p.invitation_bounced_at, p.invitation_bounce_reason,"
    " p.invite_sha256 is not null as link_active,"
    " (select holder_id from proxies x where x.principal_id = p.id) as proxy_holder_id,"
    " (select d.parent_id from departments d where d.id = p.department_id) as block_id"
)


# --- meetings ---------------------------------------------------------------------------------------------


async def meeting(conn: pg.Executor, meeting_id: uuid.UUID, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {MEETING_COLUMNS} from meetings where id = $1{' for update' if lock else ''}", meeting_id
    )


async def list_meetings(
    pool: pg.Pool,
    org: uuid.UUID,
    status: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    limit: int,
) -> list[pg.Row]:
    return await pool.fetch(
        f"select {MEETING_COLUMNS} from meetings where organisation_id = $1"
        " and ($2::text is null or status = $2) and ($3::timestamptz is null or ends_at >= $3)"
        " and ($4::timestamptz is null or starts_at < $4) order by starts_at desc limit $5",
        org,
        status,
        start,
        end,
        limit,
    )


async def insert_meeting(conn: pg.Connection, org: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    return await conn.fetchrow(
        "insert into meetings (id, organisation_id, title_vi, title_en, description_vi, description_en, starts_at,"
        " ends_at, timezone, venue_name, venue_address, online_url, self_check_in, record_only)"
        f" values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning {MEETING_COLUMNS}",
        uuid.uuid4(),
        org,
        *(v[k] for k in MEETING_FIELDS),
        v.get("record_only", False),
    )


MEETING_FIELDS = (
    "title_vi",
    "title_en",
    "description_vi",
    "description_en",
    "starts_at",
    "ends_at",
    "timezone",
    "venue_name",
    "venue_address",
    "online_url",
    "self_check_in",
)


async def update_meeting(conn: pg.Connection, meeting_id: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(MEETING_FIELDS, start=2))
    return await conn.fetchrow(
        f"update meetings set {sets}, version = version + 1 where id = $1 returning {MEETING_COLUMNS}",
        meeting_id,
        *(v[k] for k in MEETING_FIELDS),
    )


async def set_notification_policy(conn: pg.Connection, meeting_id: uuid.UUID, policy: str) -> pg.Row:
    return await conn.fetchrow(
        f"update meetings set notification_policy = $2::jsonb, version = version + 1 where id = $1"
        f" returning {MEETING_COLUMNS}",
        meeting_id,
        policy,
    )


async def set_status(conn: pg.Connection, meeting_id: uuid.UUID, status: str) -> pg.Row:
    return await conn.fetchrow(
        f"update meetings set status = $2, version = version + 1 where id = $1 returning {MEETING_COLUMNS}",
        meeting_id,
        status,
    )


async def number_events(conn: pg.Connection, events: Sequence[Event]) -> list[Event]:
    """Give each event its meeting's next meeting_seq. The update locks the meeting row until commit, so
    numbers follow commit order: whoever has seen number n has seen everything acknowledged before it."""
    counts: dict[uuid.UUID, int] = {}
    for event in events:
        counts[event.meeting_id] = counts.get(event.meeting_id, 0) + 1
    last: dict[uuid.UUID, int] = {}
    for meeting_id, n in sorted(counts.items()):  # one lock order, whatever the events' order
        last[meeting_id] = await conn.fetchval(
            "update meetings set event_seq = event_seq + $2 where id = $1 returning event_seq", meeting_id, n
        )
    numbered = []
    for event in events:
        remaining = counts[event.meeting_id]
        counts[event.meeting_id] = remaining - 1
        numbered.append(msgspec.structs.replace(event, meeting_seq=last[event.meeting_id] - remaining + 1))
    return numbered


async def event_position(conn: pg.Executor, meeting_id: uuid.UUID) -> int | None:
    """The meeting_seq of the meeting's latest committed event (None for an unknown meeting)."""
    return await conn.fetchval("select event_seq from meetings where id = $1", meeting_id)


# --- agenda -------------------------------------------------------------------------------------------------

AGENDA_COLUMNS = (
    "id, position, title_vi, title_en, kind, presenter, planned_minutes, contribution_request_id, resolution_id"
)


async def meeting_with_agenda(conn: pg.Executor, meeting_id: uuid.UUID) -> pg.Row | None:
    """The meeting and, as JSON in `agenda`, its items in order: one round trip for the busiest read."""
    return await conn.fetchrow(
        f"select {MEETING_COLUMNS}, (select coalesce(json_agg(a order by a.position), '[]')"
        f" from (select {AGENDA_COLUMNS} from agenda_items where meeting_id = m.id) a)::text as agenda"
        " from meetings m where id = $1",
        meeting_id,
    )


async def agenda(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        f"select {AGENDA_COLUMNS} from agenda_items where meeting_id = $1 order by position", meeting_id
    )


async def bump_agenda(conn: pg.Connection, meeting_id: uuid.UUID) -> int:
    return await conn.fetchval(
        "update meetings set agenda_version = agenda_version + 1 where id = $1 returning agenda_version", meeting_id
    )


async def insert_agenda_item(
    conn: pg.Connection, meeting_id: uuid.UUID, position: int | None, v: dict[str, Any]
) -> pg.Row:
    count = await conn.fetchval("select count(*) from agenda_items where meeting_id = $1", meeting_id)
    at = count + 1 if position is None or position > count else position
    await conn.execute(
        "update agenda_items set position = position + 1 where meeting_id = $1 and position >= $2", meeting_id, at
    )
    return await conn.fetchrow(
        "insert into agenda_items (id, meeting_id, position, title_vi, title_en, kind, presenter, planned_minutes,"
        f" contribution_request_id, resolution_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        f" returning {AGENDA_COLUMNS}",
        uuid.uuid4(),
        meeting_id,
        at,
        *(v[k] for k in AGENDA_FIELDS),
    )


AGENDA_FIELDS = (
    "title_vi",
    "title_en",
    "kind",
    "presenter",
    "planned_minutes",
    "contribution_request_id",
    "resolution_id",
)


async def agenda_item(conn: pg.Connection, meeting_id: uuid.UUID, item_id: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {AGENDA_COLUMNS} from agenda_items where meeting_id = $1 and id = $2", meeting_id, item_id
    )


async def update_agenda_item(conn: pg.Connection, item_id: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(AGENDA_FIELDS, start=2))
    return await conn.fetchrow(
        f"update agenda_items set {sets} where id = $1 returning {AGENDA_COLUMNS}",
        item_id,
        *(v[k] for k in AGENDA_FIELDS),
    )


async def remove_agenda_item(conn: pg.Connection, meeting_id: uuid.UUID, item_id: uuid.UUID) -> None:
    position = await conn.fetchval("delete from agenda_items where id = $1 returning position", item_id)
    await conn.execute(
        "update agenda_items set position = position - 1 where meeting_id = $1 and position > $2", meeting_id, position
    )


async def reorder_agenda(conn: pg.Connection, meeting_id: uuid.UUID, item_ids: list[uuid.UUID]) -> None:
    await conn.execute(
        "update agenda_items a set position = o.n from unnest($2::uuid[]) with ordinality as o(id, n)"
        " where a.meeting_id = $1 and a.id = o.id",
        meeting_id,
        item_ids,
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


async def insert_participants(conn: pg.Connection, meeting_id: uuid.UUID, rows: list[tuple[Any, ...]]) -> None:
    """rows: (id, name, email, department_id, role, weight, language, invite_sha256, sealed_link)."""
    await conn.copy_records_to_table(
        "participants",
        records=[(r[0], meeting_id, *r[1:]) for r in rows],
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
        ],
    )


async def participants_by_id(conn: pg.Connection, ids: list[uuid.UUID]) -> list[pg.Row]:
    return await conn.fetch(
        f"select {PARTICIPANT_COLUMNS} from participants p where p.id = any($1::uuid[]) order by p.name, p.id", ids
    )


async def update_participant(conn: pg.Connection, pid: uuid.UUID, v: dict[str, Any]) -> None:
    await conn.execute(
        "update participants set name = $2, email = $3, department_id = $4, role = $5, weight = $6, language = $7,"
        " version = version + 1 where id = $1",
        pid,
        v["name"],
        v["email"],
        v["department_id"],
        v["role"],
        v["weight"],
        v["language"],
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
    return dict(
        await conn.fetchrow(
            "select exists(select 1 from proxies where principal_id = $2) as holder_gives,"
            " (select count(*) from proxies where holder_id = $1) as principal_holds,"
            " (select count(*) from proxies where holder_id = $2) as held,"
            " (select holder_id from proxies where principal_id = $1) as current_holder",
            principal,
            holder,
        )
    )


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


async def meeting_event_seq(conn: pg.Connection, meeting_id: uuid.UUID) -> int:
    """The number of the meeting's latest event: the SEQUENCE of its calendar entry, as in the emails."""
    return int(await conn.fetchval("select event_seq from meetings where id = $1", meeting_id) or 0)
