"""Queries of the meeting's record (exports), read through a server-side cursor in the caller's
transaction, and a participant's calendar feed."""

from __future__ import annotations

import uuid
from typing import Any

from servicekit import pg


def attendance(conn: pg.Connection, meeting_id: uuid.UUID) -> Any:
    """Everyone on the roster, by department, with presence, RSVP and who carries their vote."""
    return conn.cursor(
        "select p.id, p.name, p.role, p.weight, p.rsvp, p.present, d.code as department_code,"
        " d.name_vi as department_vi, d.name_en as department_en, h.name as proxy_holder"
        " from participants p left join departments d on d.id = p.department_id"
        " left join proxies x on x.principal_id = p.id left join participants h on h.id = x.holder_id"
        " where p.meeting_id = $1 and p.removed_at is null"
        " order by coalesce(d.name_vi, d.name_en) nulls last, p.name, p.id",
        meeting_id,
        prefetch=500,
    )


async def set_calendar_feed(conn: pg.Connection, participant_id: uuid.UUID, token_hash: bytes, epoch: int) -> None:
    """The participant's feed, issued under generation `epoch` of their invite (replacing any other)."""
    await conn.execute(
        "insert into calendar_feeds (participant_id, token_sha256, session_epoch) values ($1, $2, $3)"
        " on conflict (participant_id) do update set token_sha256 = excluded.token_sha256,"
        " session_epoch = excluded.session_epoch, created_at = now()",
        participant_id,
        token_hash,
        epoch,
    )


async def drop_calendar_feed(conn: pg.Connection, participant_id: uuid.UUID) -> bool:
    return (await conn.execute("delete from calendar_feeds where participant_id = $1", participant_id)) != "DELETE 0"


async def feed_owner(conn: pg.Connection, token_hash: bytes) -> pg.Row | None:
    """The participant a feed belongs to, while they are on the roster and the invite it was issued under
    stands (revoking or reissuing it starts a new generation, which ends the feed as it ends sessions)."""
    return await conn.fetchrow(
        "select p.id, p.meeting_id, p.email, p.language, p.department_id, m.organisation_id"
        " from calendar_feeds f join participants p on p.id = f.participant_id"
        " join meetings m on m.id = p.meeting_id where f.token_sha256 = $1 and p.removed_at is null"
        " and f.session_epoch = p.session_epoch",
        token_hash,
    )


async def feed_meetings(conn: pg.Connection, owner: pg.Row, key: str | None) -> list[pg.Row]:
    """The owner's meetings: this one, and every other of the organisation where the same person (the
    address's `key`, servicekit.identity) is on the roster now with a live invite (one person, one
    participant per meeting), with that participant's department."""
    return await conn.fetch(
        "select m.id, m.title_vi, m.title_en, m.description_vi, m.description_en, m.starts_at, m.ends_at,"
        " m.timezone, m.venue_name, m.venue_address, m.online_url, m.status, m.event_seq, p.department_id"
        " from participants p join meetings m on m.id = p.meeting_id"
        " where p.removed_at is null and m.status <> 'draft' and (p.id = $1 or ($2::text is not null"
        " and p.email_key = $2 and p.invite_sha256 is not null and m.organisation_id = $3))"
        " order by m.starts_at, m.id",
        owner["id"],
        key,
        owner["organisation_id"],
    )


async def feed_deadlines(conn: pg.Connection, pairs: list[tuple[uuid.UUID, uuid.UUID]]) -> list[pg.Row]:
    """Contribution requests addressed to a department (or its block) in a meeting, for (meeting, department)."""
    if not pairs:
        return []
    return await conn.fetch(
        "select r.id, r.meeting_id, r.topic_vi, r.topic_en, r.deadline, m.timezone"
        " from unnest($1::uuid[], $2::uuid[]) as q(meeting_id, department_id)"
        " join contribution_requests r on r.meeting_id = q.meeting_id"
        " join meetings m on m.id = r.meeting_id left join departments d on d.id = q.department_id"
        " where q.department_id = any(r.department_ids) or d.parent_id = any(r.department_ids)"
        " order by r.deadline, r.id",
        [p[0] for p in pairs],
        [p[1] for p in pairs],
    )
