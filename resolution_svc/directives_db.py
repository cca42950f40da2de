"""resolution_svc's SQL for directives: issued at adoption, followed up by departments, overdue by the
meeting's own calendar, exported and fed to department calendars."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from resolution_svc.db import written
from servicekit import pg


def directive_columns(now: str) -> str:
    """The directive columns; `now` names the query parameter holding the moment overdue is judged at.
    A due date is past once the meeting's own calendar has moved beyond it: due 14 Jan, a directive
    is overdue from 00:00 on 15 Jan in Da Nang, which is 17:00 UTC on the 14th."""
    return (
        "id, resolution_id, meeting_id, organisation_id, title_vi, title_en, description, department_ids, due_date,"
        f" priority, status, note, version, ({OVERDUE.format(now=now)}) as overdue"
    )


# A directive without a due date is never overdue: false, not null (the API's `overdue` is a boolean).
OVERDUE = (
    "status <> 'done' and due_date is not null and due_date < local_date({now}::timestamptz,"
    " (select m.timezone from meetings m where m.id = directives.meeting_id))"
)


async def insert_directives(conn: pg.Connection, resolution: Any, directives: list[dict[str, Any]]) -> None:
    await conn.executemany(
        "insert into directives (id, resolution_id, meeting_id, organisation_id, title_vi, title_en, description,"
        " department_ids, due_date, priority) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " on conflict (id) do nothing",
        [
            (
                uuid.UUID(d["id"]),
                resolution["id"],
                resolution["meeting_id"],
                resolution["organisation_id"],
                d["title"]["vi"],
                d["title"]["en"],
                d["description"],
                [uuid.UUID(x) for x in d["department_ids"]],
                dt.date.fromisoformat(d["due_date"]) if d["due_date"] else None,
                d["priority"],
            )
            for d in directives
        ],
    )


async def list_directives(pool: pg.Pool, f: dict[str, Any], now: dt.datetime) -> list[pg.Row]:
    return await pool.fetch(
        f"select {directive_columns('$6')} from directives where organisation_id = $1"
        " and ($2::uuid is null or meeting_id = $2) and ($3::uuid is null or $3 = any(department_ids))"
        " and ($4::text is null or status = $4)"
        f" and (not $5::bool or ({OVERDUE.format(now='$6')}))"
        " order by due_date nulls last, id limit 1000",
        f["org"],
        f["meeting_id"],
        f["department"],
        f["status"],
        f["overdue"],
        now,
    )


async def directive(conn: pg.Executor, did: uuid.UUID, now: dt.datetime, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {directive_columns('$2')} from directives where id = $1{' for update' if lock else ''}", did, now
    )


async def set_directive_status(conn: pg.Connection, did: uuid.UUID, status: str, note: str, now: dt.datetime) -> pg.Row:
    return written(
        await conn.fetchrow(
            "update directives set status = $2, note = $3, version = version + 1, updated_at = now() where id = $1"
            f" returning {directive_columns('$4')}",
            did,
            status,
            note,
            now,
        )
    )


PROGRESS_COLUMNS = "id, directive_id, department_id, author_kind, author_id, status, note, recorded_at"


async def record_progress(conn: pg.Connection, directive_id: uuid.UUID, entry: dict[str, Any]) -> pg.Row:
    return written(
        await conn.fetchrow(
            "insert into directive_progress (id, directive_id, department_id, author_kind, author_id, status, note)"
            f" values ($1, $2, $3, $4, $5, $6, $7) returning {PROGRESS_COLUMNS}",
            uuid.uuid4(),
            directive_id,
            entry["department_id"],
            entry["author_kind"],
            entry["author_id"],
            entry["status"],
            entry["note"],
        )
    )


async def latest_progress(conn: pg.Executor, directive_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[pg.Row]]:
    """Each department's latest report on each directive (and the latest note of no department)."""
    rows = await conn.fetch(
        f"select distinct on (directive_id, department_id) {PROGRESS_COLUMNS} from directive_progress"
        " where directive_id = any($1::uuid[]) order by directive_id, department_id, recorded_at desc, id",
        directive_ids,
    )
    latest: dict[uuid.UUID, list[pg.Row]] = {d: [] for d in directive_ids}
    for row in rows:
        latest[row["directive_id"]].append(row)
    return latest


async def progress_history(conn: pg.Pool, directive_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        f"select {PROGRESS_COLUMNS} from directive_progress where directive_id = $1 order by recorded_at desc, id",
        directive_id,
    )


async def newly_overdue_directives(conn: pg.Connection, now: dt.datetime) -> list[pg.Row]:
    """Directives past due on their meeting's calendar at `now`, not announced yet; marks them announced.
    No time zone is a day ahead of UTC's next day, so only due dates up to UTC's today can be past."""
    return await conn.fetch(
        "update directives set overdue_notified = true where id in (select id from directives"
        " where due_date <= ($1::timestamptz at time zone 'UTC')::date"
        f" and {OVERDUE.format(now='$1')} and not overdue_notified limit 500 for update)"
        " returning id, meeting_id, department_ids, due_date",
        now,
    )


# --- exports: read through a server-side cursor, in the caller's transaction -------------------


async def department_names(conn: pg.Executor, org: uuid.UUID) -> dict[uuid.UUID, Any]:
    """The organisation's departments as department.defined / renamed last told them (a few hundred at
    most): read once before an export streams, rather than joined into each of its rows."""
    rows = await conn.fetch("select id, code, name_vi, name_en from departments where organisation_id = $1", org)
    return {r["id"]: r for r in rows}


def export_directives(conn: pg.Connection, f: dict[str, Any], now: dt.datetime) -> Any:
    """The directives matching the filters, each with its meeting's zone, in due-date order."""
    return conn.cursor(
        f"select {directive_columns('$8')}, updated_at, (select m.timezone from meetings m"
        " where m.id = directives.meeting_id) as timezone from directives where organisation_id = $1"
        " and ($2::uuid is null or meeting_id = $2) and ($3::uuid is null or $3 = any(department_ids))"
        " and ($4::text is null or status = $4) and ($5::date is null or due_date >= $5)"
        " and ($6::date is null or due_date <= $6)"
        f" and (not $7::bool or ({OVERDUE.format(now='$8')}))"
        " and (not $9::bool or status <> 'done')"
        " order by due_date nulls last, id",
        f["org"],
        f["meeting_id"],
        f["department"],
        f["status"],
        f["due_from"],
        f["due_to"],
        f["overdue"],
        now,
        f["open_only"],
        prefetch=500,
    )


def export_decisions(conn: pg.Connection, f: dict[str, Any]) -> Any:
    """Every closed poll (the meeting's decisions) with its motion's title and result, in closing order."""
    return conn.cursor(
        "select p.id, p.meeting_id, p.motion, p.resolution_id, p.amendment_id, p.question_vi, p.question_en,"
        " p.secret, p.closed_at, p.result, r.title_vi, r.title_en, r.status as resolution_status, m.timezone"
        " from polls p left join resolutions r on r.id = p.resolution_id left join meetings m on m.id = p.meeting_id"
        " where p.organisation_id = $1 and p.status = 'closed' and ($2::uuid is null or p.meeting_id = $2)"
        " and ($3::timestamptz is null or p.closed_at >= $3) and ($4::timestamptz is null or p.closed_at < $4)"
        " and ($5::text is null or p.result->>'outcome' = $5)"
        " order by p.closed_at, p.id",
        f["org"],
        f["meeting_id"],
        f["closed_from"],
        f["closed_to"],
        f["outcome"],
        prefetch=500,
    )


def export_named_ballots(conn: pg.Connection, poll_id: uuid.UUID) -> Any:
    """A named poll's ballots with each voter's name as participant.invited / updated last gave it."""
    return conn.cursor(
        "select b.voter_id, p.name as voter_name, b.choice, b.weight, b.cast_at from ballots b"
        " left join participants p on p.id = b.voter_id where b.poll_id = $1 and b.voter_id is not null"
        " order by p.name nulls last, b.voter_id",
        poll_id,
        prefetch=500,
    )


# --- a department's calendar feed ----------------------------------------------------------------


async def set_department_feed(pool: pg.Pool, org: uuid.UUID, department: uuid.UUID, token_hash: bytes) -> None:
    await pool.execute(
        "insert into department_feeds (organisation_id, department_id, token_sha256) values ($1, $2, $3)"
        " on conflict (organisation_id, department_id) do update set token_sha256 = excluded.token_sha256,"
        " created_at = now()",
        org,
        department,
        token_hash,
    )


async def drop_department_feed(pool: pg.Pool, org: uuid.UUID, department: uuid.UUID) -> bool:
    done = await pool.execute(
        "delete from department_feeds where organisation_id = $1 and department_id = $2", org, department
    )
    return done != "DELETE 0"


async def department_feed_directives(pool: pg.Pool, token_hash: bytes) -> list[pg.Row] | None:
    """The directives with a due date falling to the feed's department; None when no such feed."""
    async with pool.acquire() as conn:
        feed = await conn.fetchrow("select * from department_feeds where token_sha256 = $1", token_hash)
        if feed is None:
            return None
        return await conn.fetch(
            "select id, meeting_id, title_vi, title_en, description, due_date, status, version from directives"
            " where organisation_id = $1 and $2 = any(department_ids) and due_date is not null"
            " order by due_date, id",
            feed["organisation_id"],
            feed["department_id"],
        )
