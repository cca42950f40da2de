"""SQL of meetings and their agenda, and of copying a meeting as a template. Functions take a
connection so callers decide the transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from servicekit import pg

MEETING_COLUMNS = (
    "id, organisation_id, title_vi, title_en, description_vi, description_en, starts_at, ends_at, timezone,"
    " venue_name, venue_address, online_url, status, version, agenda_version, record_only, self_check_in,"
    " notification_policy"
)


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
    row = await conn.fetchrow(
        "insert into meetings (id, organisation_id, title_vi, title_en, description_vi, description_en, starts_at,"
        " ends_at, timezone, venue_name, venue_address, online_url, self_check_in, record_only)"
        f" values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning {MEETING_COLUMNS}",
        uuid.uuid4(),
        org,
        *(v[k] for k in MEETING_FIELDS),
        v.get("record_only", False),
    )
    assert row is not None  # the statement returns the row it wrote
    return row


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
    row = await conn.fetchrow(
        f"update meetings set {sets}, version = version + 1 where id = $1 returning {MEETING_COLUMNS}",
        meeting_id,
        *(v[k] for k in MEETING_FIELDS),
    )
    assert row is not None  # the statement returns the row it wrote
    return row


async def set_notification_policy(conn: pg.Connection, meeting_id: uuid.UUID, policy: str) -> pg.Row:
    row = await conn.fetchrow(
        f"update meetings set notification_policy = $2::jsonb, version = version + 1 where id = $1"
        f" returning {MEETING_COLUMNS}",
        meeting_id,
        policy,
    )
    assert row is not None  # the statement returns the row it wrote
    return row


async def set_status(conn: pg.Connection, meeting_id: uuid.UUID, status: str) -> pg.Row:
    row = await conn.fetchrow(
        f"update meetings set status = $2, version = version + 1 where id = $1 returning {MEETING_COLUMNS}",
        meeting_id,
        status,
    )
    assert row is not None  # the statement returns the row it wrote
    return row


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
    row = await conn.fetchrow(
        "insert into agenda_items (id, meeting_id, position, title_vi, title_en, kind, presenter, planned_minutes,"
        f" contribution_request_id, resolution_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        f" returning {AGENDA_COLUMNS}",
        uuid.uuid4(),
        meeting_id,
        at,
        *(v[k] for k in AGENDA_FIELDS),
    )
    assert row is not None  # the statement returns the row it wrote
    return row


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
    row = await conn.fetchrow(
        f"update agenda_items set {sets} where id = $1 returning {AGENDA_COLUMNS}",
        item_id,
        *(v[k] for k in AGENDA_FIELDS),
    )
    assert row is not None  # the statement returns the row it wrote
    return row


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


async def copy_meeting(conn: pg.Connection, source: uuid.UUID, org: uuid.UUID, values: dict[str, Any]) -> pg.Row:
    """A new draft with the source's description, venue and online link, and `values` (title, times)."""
    row = await conn.fetchrow(
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
    assert row is not None  # the caller found the source in this organisation
    return row


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
