"""A directive's due date is a day on its meeting's calendar: it is overdue once that calendar has moved
past it, whatever the database session's time zone. The moment is given to the queries, never read
from the wall clock, so these tests run the same at any hour."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from resolution_svc import directives_db

DUE = dt.date(2021, 1, 14)
UTC = dt.UTC
# Da Nang is UTC+7: its 15 January starts at 17:00 UTC on the 14th. Los Angeles (UTC-8) reaches the
# 15th only at 08:00 UTC on the 15th. Neither midnight is UTC's.
BEFORE_DA_NANG_MIDNIGHT = dt.datetime(2021, 1, 14, 16, 54, tzinfo=UTC)  # 23:54 in Da Nang
AFTER_DA_NANG_MIDNIGHT = dt.datetime(2021, 1, 14, 17, 6, tzinfo=UTC)  # 00:06 on the 15th in Da Nang
AFTER_UTC_MIDNIGHT = dt.datetime(2021, 1, 15, 0, 6, tzinfo=UTC)  # 16:06 on the 14th in Los Angeles
AFTER_LA_MIDNIGHT = dt.datetime(2021, 1, 15, 8, 6, tzinfo=UTC)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    # The session's own zone is set far from every meeting's, to show it plays no part.
    pool = await asyncpg.create_pool(
        database_url,
        min_size=1,
        max_size=2,
        server_settings={"search_path": "resolution", "TimeZone": "Pacific/Kiritimati"},
    )
    assert pool is not None
    try:
        yield pool
    finally:
        await pool.close()


async def directive_in(
    pool: asyncpg.Pool, org: uuid.UUID, timezone: str | None, status: str = "in_progress", due: dt.date | None = DUE
) -> uuid.UUID:
    meeting, resolution, directive = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await pool.execute(
        "insert into meetings (id, organisation_id, timezone, status) values ($1, $2, $3, 'ended')",
        meeting,
        org,
        timezone,
    )
    await pool.execute(
        "insert into resolutions (id, meeting_id, organisation_id, status) values ($1, $2, $3, 'adopted')",
        resolution,
        meeting,
        org,
    )
    await pool.execute(
        "insert into directives (id, resolution_id, meeting_id, organisation_id, title_vi, department_ids, due_date,"
        " status) values ($1, $2, $3, $4, 'Số hóa công tác quản lý', $5, $6, $7)",
        directive,
        resolution,
        meeting,
        org,
        [uuid.uuid4()],
        due,
        status,
    )
    return directive


async def overdue_ids(pool: asyncpg.Pool, org: uuid.UUID, now: dt.datetime) -> set[uuid.UUID]:
    query = {"org": org, "meeting_id": None, "department": None, "status": None, "overdue": True}
    return {r["id"] for r in await directives_db.list_directives(pool, query, now)}


async def test_a_directive_is_overdue_from_midnight_on_its_meetings_calendar(pool: asyncpg.Pool) -> None:
    org = uuid.uuid4()
    da_nang = await directive_in(pool, org, "Asia/Ho_Chi_Minh")
    los_angeles = await directive_in(pool, org, "America/Los_Angeles")
    utc = await directive_in(pool, org, "UTC")
    unknown_zone = await directive_in(pool, org, "Mars/Olympus_Mons")  # read as UTC, never an error
    no_zone_yet = await directive_in(pool, org, None)
    done = await directive_in(pool, org, "Asia/Ho_Chi_Minh", status="done")

    assert await overdue_ids(pool, org, BEFORE_DA_NANG_MIDNIGHT) == set()
    assert await overdue_ids(pool, org, AFTER_DA_NANG_MIDNIGHT) == {da_nang}
    assert await overdue_ids(pool, org, AFTER_UTC_MIDNIGHT) == {da_nang, utc, unknown_zone, no_zone_yet}
    assert await overdue_ids(pool, org, AFTER_LA_MIDNIGHT) == {da_nang, utc, unknown_zone, no_zone_yet, los_angeles}

    row = await directives_db.directive(pool, da_nang, BEFORE_DA_NANG_MIDNIGHT)
    assert row is not None and row["overdue"] is False
    row = await directives_db.directive(pool, da_nang, AFTER_DA_NANG_MIDNIGHT)
    assert row is not None and row["overdue"] is True
    row = await directives_db.directive(pool, done, AFTER_LA_MIDNIGHT)
    assert row is not None and row["overdue"] is False
    async with pool.acquire() as conn:
        row = await directives_db.set_directive_status(conn, da_nang, "in_progress", "", AFTER_DA_NANG_MIDNIGHT)
    assert row["overdue"] is True


async def test_overdue_directives_are_announced_once_when_their_local_day_has_passed(pool: asyncpg.Pool) -> None:
    org = uuid.uuid4()
    da_nang = await directive_in(pool, org, "Asia/Ho_Chi_Minh")
    los_angeles = await directive_in(pool, org, "America/Los_Angeles")

    async def announced(now: dt.datetime) -> set[uuid.UUID]:
        async with pool.acquire() as conn:
            return {r["id"] for r in await directives_db.newly_overdue_directives(conn, now)}

    assert await announced(BEFORE_DA_NANG_MIDNIGHT) == set()
    assert await announced(AFTER_DA_NANG_MIDNIGHT) == {da_nang}
    assert await announced(AFTER_UTC_MIDNIGHT) == set()  # still the 14th in Los Angeles; Da Nang's went out
    assert await announced(AFTER_LA_MIDNIGHT) == {los_angeles}


async def test_a_directive_without_a_due_date_is_not_overdue_and_says_so(pool: asyncpg.Pool) -> None:
    """`overdue` is a boolean in the API: false for a directive with no due date, never null."""
    org = uuid.uuid4()
    undated = await directive_in(pool, org, "Asia/Ho_Chi_Minh", due=None)
    row = await directives_db.directive(pool, undated, AFTER_LA_MIDNIGHT)
    assert row is not None and row["overdue"] is False
    assert await overdue_ids(pool, org, AFTER_LA_MIDNIGHT) == set()
    async with pool.acquire() as conn:
        row = await directives_db.set_directive_status(conn, undated, "in_progress", "", AFTER_LA_MIDNIGHT)
    assert row["overdue"] is False
    async with pool.acquire() as conn:
        assert await directives_db.newly_overdue_directives(conn, AFTER_LA_MIDNIGHT) == []
