"""The notifier's copy of meetings, participants, departments and contribution requests, kept from
meeting_svc's events (per entity in order, removal final)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from servicekit import pg

Row = pg.Row


# A row is replaced by an event with a higher meeting_seq ($v), or by any event when either side has none
# (events published before meeting_seq existed): docs/consistency.md.
def _newer(column: str, v: str) -> str:
    return f"({column} is null or {v}::bigint is null or {column} < {v}::bigint)"


async def upsert_meeting(conn: pg.Connection, m: dict[str, Any], version: int | None) -> None:
    await conn.execute(
        f"""insert into meetings (meeting_id, organisation_id, title_vi, title_en, starts_at, ends_at, timezone,
                                 status, venue, online_url, record_only, facts_version, status_version,
                                 notification_policy)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13::jsonb)
           on conflict (meeting_id) do update set organisation_id = excluded.organisation_id,
               title_vi = excluded.title_vi, title_en = excluded.title_en, starts_at = excluded.starts_at,
               ends_at = excluded.ends_at, timezone = excluded.timezone,
               status = case when {_newer("meetings.status_version", "$12")} then excluded.status
                        else meetings.status end,
               status_version = greatest(meetings.status_version, excluded.status_version),
               venue = excluded.venue, online_url = excluded.online_url, record_only = excluded.record_only,
               facts_version = excluded.facts_version, notification_policy = excluded.notification_policy
           where {_newer("meetings.facts_version", "$12")}""",
        m["meeting_id"],
        m["organisation_id"],
        m["title_vi"],
        m["title_en"],
        m["starts_at"],
        m["ends_at"],
        m["timezone"],
        m["status"],
        m["venue"],
        m["online_url"],
        m.get("record_only", False),
        version,
        m.get("notification_policy"),
    )


async def set_meeting_status(conn: pg.Connection, meeting_id: uuid.UUID, status: str, version: int | None) -> None:
    await conn.execute(
        "update meetings set status = $2, status_version = coalesce($3, status_version)"
        f" where meeting_id = $1 and {_newer('status_version', '$3')}",
        meeting_id,
        status,
        version,
    )


async def meeting(conn: pg.Executor, meeting_id: uuid.UUID) -> Row | None:
    return await conn.fetchrow("select * from meetings where meeting_id = $1", meeting_id)


async def upsert_participants(conn: pg.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Rows of (participant_id, meeting_id, name, email, role, weight, department_id, language, block_id,
    version), no participant twice, in one statement. Removal is final: a participant.updated arriving after
    participant.removed does not bring them back."""
    columns = list(zip(*rows, strict=True))
    await conn.execute(
        f"""insert into participants
               (participant_id, meeting_id, name, email, role, weight, department_id, language, block_id, version)
           select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::uuid[],
                                $8::text[], $9::uuid[], $10::bigint[])
           on conflict (participant_id) do update set meeting_id = excluded.meeting_id, name = excluded.name,
               email = excluded.email, role = excluded.role, weight = excluded.weight,
               department_id = excluded.department_id, language = excluded.language,
               block_id = excluded.block_id, version = excluded.version
           where {_newer("participants.version", "excluded.version")}""",
        *map(list, columns),
    )


async def remove_participant(conn: pg.Connection, participant_id: uuid.UUID, meeting_id: uuid.UUID) -> None:
    """Final: nothing sets `removed` back, and a removal that arrives before the participant leaves a removed
    row. It leaves the facts' version alone, so an older update arriving after it lands as it would have in
    order (meeting_svc publishes no update after a removal)."""
    await conn.execute(
        """insert into participants (participant_id, meeting_id, name, role, removed)
           values ($1, $2, '', 'observer', true)
           on conflict (participant_id) do update set removed = true""",
        participant_id,
        meeting_id,
    )


async def participant_known(conn: pg.Connection, participant_id: uuid.UUID) -> bool:
    """The participant's facts have arrived, or their removal has (a row made ahead of them by a session
    event has neither)."""
    return bool(
        await conn.fetchval(
            "select true from participants where participant_id = $1"
            " and (version is not null or email is not null or removed)",
            participant_id,
        )
    )


async def end_sessions(conn: pg.Connection, participant_id: uuid.UUID, meeting_id: uuid.UUID, epoch: int) -> None:
    """Generations only grow, so any order of arrival ends up at the newest; a row made here ahead of the
    participant's facts has no email and receives nothing until they arrive."""
    await conn.execute(
        "insert into participants (participant_id, meeting_id, name, role, session_epoch)"
        " values ($1, $2, '', 'observer', $3) on conflict (participant_id)"
        " do update set session_epoch = greatest(participants.session_epoch, $3)",
        participant_id,
        meeting_id,
        epoch,
    )


async def standing(pool: pg.Pool, participant_id: uuid.UUID) -> dict[str, Any] | None:
    """A participant's current state as meeting_svc's events told it, with the meeting's current end."""
    row = await pool.fetchrow(
        "select p.meeting_id, p.role, p.department_id, p.removed, p.session_epoch as epoch,"
        " m.ends_at as meeting_ends_at, m.timezone as meeting_timezone"
        " from participants p left join meetings m on m.meeting_id = p.meeting_id"
        " where p.participant_id = $1",
        participant_id,
    )
    return None if row is None else dict(row)


async def recipients(
    conn: pg.Connection,
    meeting_id: uuid.UUID,
    *,
    departments: Sequence[uuid.UUID] | None = None,
    role: str | None = None,
    participant_id: uuid.UUID | None = None,
    within_blocks: bool = False,
) -> list[Row]:
    """Participants of a meeting who have an email address, optionally narrowed; `within_blocks` also
    counts the people of the departments inside a block that is named."""
    return await conn.fetch(
        """select participant_id, name, email, language, role, department_id from participants
           where meeting_id = $1 and not removed and email is not null and email <> ''
             and ($2::uuid[] is null or department_id = any($2::uuid[])
                  or ($5 and block_id = any($2::uuid[])))
             and ($3::text is null or role = $3)
             and ($4::uuid is null or participant_id = $4)
           order by participant_id""",
        meeting_id,
        list(departments) if departments is not None else None,
        role,
        participant_id,
        within_blocks,
    )


async def responsible(conn: pg.Connection, meeting_id: uuid.UUID, departments: Sequence[uuid.UUID]) -> list[Row]:
    """The department representatives who answer for work given to `departments`: those of the departments
    themselves, of the blocks they belong to, and of the departments inside a block named."""
    return await conn.fetch(
        """select participant_id, name, email, language, role, department_id from participants
           where meeting_id = $1 and not removed and email is not null and email <> ''
             and role = 'department_representative'
             and (department_id = any($2::uuid[]) or block_id = any($2::uuid[])
                  or department_id in (select block_id from participants
                                       where meeting_id = $1 and department_id = any($2::uuid[])
                                         and block_id is not null))
           order by participant_id""",
        meeting_id,
        list(departments),
    )


async def add_contribution_request(
    conn: pg.Connection,
    request_id: uuid.UUID,
    meeting_id: uuid.UUID,
    department_ids: list[uuid.UUID],
    topic_vi: str,
    topic_en: str,
    deadline: dt.datetime,
) -> None:
    await conn.execute(
        """insert into contribution_requests (request_id, meeting_id, department_ids, topic_vi, topic_en, deadline)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (request_id) do update set department_ids = excluded.department_ids,
               topic_vi = excluded.topic_vi, topic_en = excluded.topic_en, deadline = excluded.deadline""",
        request_id,
        meeting_id,
        department_ids,
        topic_vi,
        topic_en,
        deadline,
    )


async def mark_contribution_submitted(conn: pg.Connection, request_id: uuid.UUID, department: uuid.UUID) -> None:
    await conn.execute(
        """update contribution_requests set submitted = array_append(submitted, $2)
           where request_id = $1 and not ($2 = any(submitted))""",
        request_id,
        department,
    )


async def contribution_request(conn: pg.Connection, request_id: uuid.UUID) -> Row | None:
    return await conn.fetchrow("select * from contribution_requests where request_id = $1", request_id)
